"""resource.Quantity mirror: parsing, Value() rounding, canonical String(), arithmetic."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reference_impl.quantity import (
    BINARY_SI,
    DECIMAL_EXPONENT,
    DECIMAL_SI,
    ERR_FORMAT_WRONG,
    ERR_NUMERIC,
    ERR_SUFFIX,
    Quantity,
    QuantityError,
    must_parse,
    new_quantity,
    parse_quantity,
)


@pytest.mark.parametrize(
    ("text", "value", "fmt", "canonical"),
    [
        ("0", 0, DECIMAL_SI, "0"),
        ("100Mi", 100 * 2**20, BINARY_SI, "100Mi"),
        ("1Gi", 2**30, BINARY_SI, "1Gi"),
        ("1024Mi", 2**30, BINARY_SI, "1Gi"),  # re-canonicalised: 1024 & 7 == 0
        ("1Ki", 1024, BINARY_SI, "1Ki"),
        ("1Ti", 2**40, BINARY_SI, "1Ti"),
        ("1Pi", 2**50, BINARY_SI, "1Pi"),
        ("1Ei", 2**60, BINARY_SI, "1Ei"),
        ("1.5Gi", 3 * 2**29, BINARY_SI, "1536Mi"),
        ("0.5Ki", 512, BINARY_SI, "512"),  # below 1024 prints as DecimalSI
        ("1.2Gi", 1288490189, BINARY_SI, "1288490188800m"),  # not whole: DecimalSI form
        ("1k", 1000, DECIMAL_SI, "1k"),
        ("1M", 10**6, DECIMAL_SI, "1M"),
        ("1G", 10**9, DECIMAL_SI, "1G"),
        ("1T", 10**12, DECIMAL_SI, "1T"),
        ("1P", 10**15, DECIMAL_SI, "1P"),
        ("1E", 10**18, DECIMAL_SI, "1E"),
        ("1500m", 2, DECIMAL_SI, "1500m"),  # Value() rounds up
        ("100m", 1, DECIMAL_SI, "100m"),
        ("5u", 1, DECIMAL_SI, "5u"),
        ("5n", 1, DECIMAL_SI, "5n"),
        ("0.5", 1, DECIMAL_SI, "500m"),
        ("1e3", 1000, DECIMAL_EXPONENT, "1e3"),
        ("1E3", 1000, DECIMAL_EXPONENT, "1E3"),  # kept verbatim by the fast path
        ("1.5e3", 1500, DECIMAL_EXPONENT, "1500"),
        ("12e-1", 2, DECIMAL_EXPONENT, "1200e-3"),
        ("1e-12", 1, DECIMAL_EXPONENT, "1e-9"),  # rounded up to one nano
        ("-150Mi", -150 * 2**20, BINARY_SI, "-150Mi"),
        ("-1.5", -2, DECIMAL_SI, "-1500m"),  # Value() rounds away from zero
        ("+5", 5, DECIMAL_SI, "+5"),  # cached input text is returned verbatim
        ("05", 5, DECIMAL_SI, "05"),
        ("2048", 2048, DECIMAL_SI, "2048"),
        ("1000E", 0, DECIMAL_SI, "1"),  # no suffix for 1e21, and Value() overflows int64
    ],
)
def test_parse_and_format(text: str, value: int, fmt: object, canonical: str) -> None:
    q = parse_quantity(text)
    assert q.value() == value
    assert q.format == fmt
    assert str(q) == canonical


def test_milli_value_rounds_up() -> None:
    assert parse_quantity("1.0001m").milli_value() == 2
    assert parse_quantity("1").milli_value() == 1000
    assert parse_quantity("-1.0001m").milli_value() == -2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", ERR_FORMAT_WRONG),
        ("abc", ERR_FORMAT_WRONG),
        ("1KiB", ERR_FORMAT_WRONG),
        ("1 Gi", ERR_FORMAT_WRONG),
        ("1mi", ERR_SUFFIX),
        ("1e", ERR_SUFFIX),
        ("1..5", ERR_FORMAT_WRONG),
        ("1.2.3", ERR_FORMAT_WRONG),
        ("1234567890123456789.1.", ERR_FORMAT_WRONG),
    ],
)
def test_parse_errors(text: str, message: str) -> None:
    with pytest.raises(QuantityError) as info:
        parse_quantity(text)
    assert str(info.value) == message


def test_numeric_error_on_a_lone_dot_past_the_fast_path() -> None:
    # The int64 fast path accepts "." as 0; a huge exponent sends it down the
    # inf.Dec path instead, which cannot parse the bare dot.
    assert parse_quantity(".").is_zero()
    with pytest.raises(QuantityError, match=ERR_NUMERIC):
        parse_quantity(".e-20")


def test_must_parse_wraps_the_error() -> None:
    with pytest.raises(ValueError, match="cannot parse 'x'"):
        must_parse("x")


def test_arithmetic_and_formats() -> None:
    total = Quantity(0, BINARY_SI)
    total.add(parse_quantity("1k"))  # adding to zero adopts the other's format
    assert total.format == DECIMAL_SI and str(total) == "1k"
    total.add(parse_quantity("24"))
    assert str(total) == "1024"
    q = parse_quantity("1Gi")
    q.sub(parse_quantity("512Mi"))
    assert str(q) == "512Mi"
    q.neg()
    assert str(q) == "-512Mi" and q.sign() == -1
    assert parse_quantity("1Gi") == parse_quantity("1024Mi")
    assert parse_quantity("1Gi").cmp(parse_quantity("1G")) == 1
    assert parse_quantity("1G") < parse_quantity("1Gi") <= parse_quantity("1Gi")
    assert (parse_quantity("1Gi") - parse_quantity("1Gi")).is_zero()
    assert new_quantity(1536, BINARY_SI).string() == "1536"
    assert new_quantity(2048, BINARY_SI).string() == "2Ki"
    assert parse_quantity("5Gi").cmp_int64(5 * 2**30) == 0


def test_binary_si_is_capped_at_int64() -> None:
    assert parse_quantity("16Ei").value() == 2**63 - 1


@given(st.integers(min_value=-(2**62), max_value=2**62), st.sampled_from([BINARY_SI, DECIMAL_SI]))
def test_format_then_parse_round_trips(value: int, fmt: object) -> None:
    q = new_quantity(value, fmt)  # type: ignore[arg-type]
    again = parse_quantity(str(q))
    assert again == q
    # A BinarySI value with no 1024 factor prints as a plain number, which parses
    # as DecimalSI (1875000 -> "1875k"): the text is stable from the second round.
    text = str(again)
    assert str(parse_quantity(text)) == text
    if fmt == DECIMAL_SI or value % 1024 == 0:
        assert text == str(q)


@given(
    st.integers(min_value=0, max_value=10**6),
    st.sampled_from(["", "k", "M", "G", "Ki", "Mi", "Gi", "m", "u", "n"]),
)
def test_parse_then_format_preserves_value(number: int, suffix: str) -> None:
    q = parse_quantity(f"{number}{suffix}")
    assert parse_quantity(str(q)) == q


_GO_CASES = json.loads((Path(__file__).parent / "data" / "quantity_go_cases.json").read_text())


@pytest.mark.parametrize("case", _GO_CASES["parse"], ids=lambda c: repr(c[0]))
def test_parse_matches_the_go_library(case: list[str]) -> None:
    """Recorded outputs of the real apimachinery code (see the file's "about")."""
    text, *expected = case
    try:
        q = parse_quantity(text)
    except QuantityError as err:
        assert expected == ["ERR", str(err)]
        return
    assert [str(q), q.format.value, str(q.value()), str(q.milli_value())] == expected


@pytest.mark.parametrize("case", _GO_CASES["arith"], ids=lambda c: f"{c[0]}|{c[1]}")
def test_arithmetic_matches_the_go_library(case: list[str]) -> None:
    a_text, b_text, *expected = case
    a, b = parse_quantity(a_text), parse_quantity(b_text)
    total = a.copy()
    total.add(b)
    diff = a.copy()
    diff.sub(b)
    small = new_quantity(len(a_text), BINARY_SI)
    small.sub(b)
    got = [str(total), total.format.value, str(total.value()), str(total.milli_value())]
    got += [str(diff), diff.format.value, str(diff.value()), str(diff.milli_value())]
    got += [str(small), str(small.value())]
    assert got == expected


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        # Recorded from Go: fmt.Sprintf("%v", q) for a Quantity value.
        (["1Gi"], "{{1073741824 0} {<nil>} 1Gi BinarySI}"),
        (["1500Mi"], "{{1572864000 0} {<nil>} 1500Mi BinarySI}"),
        (["2G"], "{{2 9} {<nil>} 2G DecimalSI}"),
        (["100m"], "{{100 -3} {<nil>} 100m DecimalSI}"),
        (["5"], "{{5 0} {<nil>} 5 DecimalSI}"),
        (["0"], "{{0 0} {<nil>} 0 DecimalSI}"),
        (["1e3"], "{{1 3} {<nil>} 1e3 DecimalExponent}"),
        (["1Gi", "1Gi"], "{{2147483648 0} {<nil>}  BinarySI}"),
        (["2G", "500M"], "{{2500 6} {<nil>}  DecimalSI}"),
        (["100Mi", "1G"], "{{1104857600 0} {<nil>}  BinarySI}"),
    ],
)
def test_go_value_repr_matches_fmt_v(parts: list[str], expected: str) -> None:
    q = parse_quantity(parts[0]).copy()
    for part in parts[1:]:
        q.add(parse_quantity(part))
    str(q)  # printing must not change Go's cached text
    assert q.go_value_repr() == expected
