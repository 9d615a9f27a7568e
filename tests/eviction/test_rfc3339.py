"""Stats timestamps parse exactly as metav1.Time does: Go's ``time.Parse(time.RFC3339, s)``.

Each row of :data:`TABLE` is a string, what Go 1.9/1.10 (the toolchain of v1.10.11) makes
of it — an instant (Unix seconds, nanoseconds, zone offset) or an error — and why, citing
the function of src/time/format.go that decides it. The layout is
``2006-01-02T15:04:05Z07:00``.
"""

from __future__ import annotations

import calendar
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reference_impl.eviction.rfc3339 import (
    GoInstant,
    RFC3339Error,
    format_rfc3339_nano,
    parse_rfc3339,
)
from reference_impl.eviction.stats import SummaryError, parse_time, validate_summary

T0 = 1543233600  # 2018-11-26T12:00:00Z
ERR = None

# (value, (unix seconds, nanoseconds, offset seconds) or an error substring, justification)
TABLE: list[tuple[str, tuple[int, int, int] | str, str]] = [
    ("2018-11-26T12:00:00Z", (T0, 0, 0), "the layout itself; 'Z' is UTC (stdISO8601ColonTZ)"),
    ("2018-11-26T12:00:00+00:00", (T0, 0, 0), "numeric zone: sign, hh, ':', mm (Z07:00)"),
    ("2018-11-26T12:00:00-00:00", (T0, 0, 0), "'-' negates a zero offset: still UTC"),
    ("2018-11-26T13:00:00+01:00", (T0, 0, 3600), "offset subtracted: the same instant"),
    ("2018-11-26T11:00:00-01:00", (T0, 0, -3600), "negative offset"),
    ("2018-11-26T12:00:00.5Z", (T0, 500_000_000, 0),
     "stdSecond: '.'+digit after the seconds is a fraction though the layout has none"),
    ("2018-11-26T12:00:00.123456789Z", (T0, 123_456_789, 0),
     "parseNanoseconds: nine digits are nanoseconds"),
    ("2018-11-26T12:00:00.000000001Z", (T0, 1, 0), "one nanosecond is kept (Time.nsec)"),
    ("2018-11-26T12:00:00.0000001Z", (T0, 100, 0), "seven digits scaled by 10^(10-8)"),
    ("2018-11-26T12:00:00.5+01:00", (T0 - 3600, 500_000_000, 3600), "fraction, then a zone"),
    ("2018-11-26T12:00:00.1234567891Z", "fractional second out of range",
     "Go 1.9/1.10 parseNanoseconds: ten digits read as 1234567891 >= 1e9 (Go 1.17+ truncates)"),
    ("2018-11-26T12:00:00.0000000001Z", (T0, 1, 0),
     "Go 1.9/1.10 parseNanoseconds: more than nine digits are not scaled: 1 ns (a quirk)"),
    ("2018-11-26T12:00:00.000000000000000000001Z", (T0, 1, 0),
     "the same quirk: 21 digits, atoi gives 1, no scaling"),
    ("2018-11-26T12:00:00.99999999999999999999Z", "cannot parse",
     "leadingInt overflows int64: atoi error"),
    ("2018-11-26T12:00:00,5Z", "cannot parse",
     "',' is a fraction separator only since Go 1.17; then ',5Z' is no zone"),
    ("2018-11-26T12:00:00.Z", "cannot parse",
     "'.' not followed by a digit is no fraction; '.Z' is no zone"),
    ("2018-11-26 12:00:00Z", "cannot parse", "skip: the literal 'T' must match byte for byte"),
    ("2018-11-26t12:00:00Z", "cannot parse", "skip: no case folding, 't' is not 'T'"),
    ("2018-11-26T12:00:00z", "cannot parse", "only an uppercase 'Z' means UTC; 'z' is no offset"),
    ("2018-11-26T12:00:00", "cannot parse", "Z07:00 needs 'Z' or six characters"),
    ("2018-11-26T9:00:00Z", (T0 - 3 * 3600, 0, 0),
     "stdHour uses getnum(value, false): one digit is a valid hour"),
    ("2018-11-26T1:00:00Z", (T0 - 11 * 3600, 0, 0), "one-digit hour again"),
    ("2018-11-26T09:00:00Z", (T0 - 3 * 3600, 0, 0), "two-digit hour"),
    ("2018-11-26T123:00:00Z", "cannot parse", "getnum takes two digits; '3' is not the ':'"),
    ("2018-11-26T24:00:00Z", "hour out of range", "stdHour: 24 <= hour"),
    ("2018-11-26T12:60:00Z", "minute out of range", "stdZeroMinute: 60 <= min"),
    ("2018-11-26T12:00:60Z", "second out of range", "stdZeroSecond: 60 <= sec, no leap second"),
    ("2018-11-26T12:0:00Z", "cannot parse", "stdZeroMinute: getnum(value, true) needs 2 digits"),
    ("2018-11-26T12:00:0Z", "cannot parse", "stdZeroSecond: two digits"),
    ("2018-1-26T12:00:00Z", "cannot parse", "stdZeroMonth: two digits"),
    ("2018-11-6T12:00:00Z", "cannot parse", "stdZeroDay: two digits"),
    ("2018-13-01T12:00:00Z", "month out of range", "stdZeroMonth: 12 < month"),
    ("2018-00-01T00:00:00Z", "month out of range", "stdZeroMonth: month <= 0"),
    ("2018-11-00T12:00:00Z", "day out of range", "after parsing: day < 1"),
    ("2018-02-29T12:00:00Z", "day out of range", "day > daysIn(February, 2018)"),
    ("2016-02-29T12:00:00Z", (1456747200, 0, 0), "isLeap(2016): February has 29 days"),
    ("1900-02-29T00:00:00Z", "day out of range", "isLeap: 1900 is divisible by 100, not 400"),
    ("2000-02-29T00:00:00Z", (951782400, 0, 0), "isLeap: 2000 is divisible by 400"),
    ("2018-04-31T00:00:00Z", "day out of range", "April has 30 days"),
    ("18-11-26T12:00:00Z", "cannot parse", "stdLongYear takes four characters: '18-1' is no atoi"),
    ("+2018-11-26T12:00:00Z", "cannot parse", "stdLongYear: the first character must be a digit"),
    ("20180-11-26T12:00:00Z", "cannot parse", "four-digit year, then '0' is not the literal '-'"),
    ("0000-01-01T00:00:00Z", (-62167219200, 0, 0),
     "years 0000-9999 are accepted (proleptic Gregorian; year 0 is a leap year)"),
    ("9999-12-31T23:59:59.999999999Z", (253402300799, 999_999_999, 0), "the largest value"),
    ("2018-11-26T12:00:00+01", "cannot parse", "Z07:00 needs six characters"),
    ("2018-11-26T12:00:00+0100", "cannot parse", "Z07:00: value[3] must be ':'"),
    ("2018-11-26T12:00:00+01:00:00", "extra text", "nothing may follow the zone"),
    ("2018-11-26T12:00:00+-1:00", (T0 + 3600, 0, -3600),
     "the zone hour goes through atoi, which takes a sign: '+' then '-1' (a quirk)"),
    ("2018-11-26T12:00:00+99:99", (T0 - 362340, 0, 362340),
     "no range check on the zone offset in Go 1.9/1.10: (99*60+99)*60 s"),
    ("2018-11-26T12:00:00+1a:00", "cannot parse", "atoi('1a') fails"),
    ("2018-11-26T12:00:00*01:00", "cannot parse", "the sign must be '+' or '-'"),
    ("2018-11-26T12:00:00Z ", "extra text", "trailing space is extra text"),
    ("2018-11-26T12:00:00Z\n", "extra text", "a trailing newline is extra text (no '$' laxity)"),
    (" 2018-11-26T12:00:00Z", "cannot parse", "leading space: the year's first byte is no digit"),
    ("2018-11-26T12:00:00ZZ", "extra text", "one 'Z' is the zone, the second is extra"),
    ("", "cannot parse", "the empty string (what a non-string JSON value becomes)"),
    ("２０１８-11-26T12:00:00Z", "cannot parse", "isDigit is ASCII '0'-'9' only"),
    ("2018-11-26T12:00:00.5.5Z", "cannot parse", "one fraction only; '.5Z' is no zone"),
]  # fmt: skip


def test_table_is_large_and_justified() -> None:
    assert len(TABLE) >= 40
    assert len({row[0] for row in TABLE}) == len(TABLE)
    assert all(why.strip() for _, _, why in TABLE)


@pytest.mark.parametrize(("value", "verdict", "why"), TABLE, ids=[repr(r[0]) for r in TABLE])
def test_go_verdict(value: str, verdict: tuple[int, int, int] | str, why: str) -> None:
    if isinstance(verdict, tuple):
        assert parse_rfc3339(value) == GoInstant(*verdict), why
    else:
        with pytest.raises(RFC3339Error, match=re.escape(verdict)):
            parse_rfc3339(value)


@pytest.mark.parametrize(("value", "verdict", "why"), TABLE, ids=[repr(r[0]) for r in TABLE])
def test_stats_times_follow_the_table(value: str, verdict, why: str) -> None:
    """``stats.parse_time`` agrees, to the nanosecond, wherever a datetime can hold the
    instant (years 1-9999 in UTC); elsewhere it says that is the mirror's limit."""
    if not isinstance(verdict, tuple):
        with pytest.raises(SummaryError, match="invalid RFC 3339 time"):
            parse_time(value)
        return
    seconds, nanos, _ = verdict
    if seconds < -62135596800:  # before 0001-01-01T00:00:00Z
        with pytest.raises(SummaryError, match="outside the years 1-9999"):
            parse_time(value)
        return
    t = parse_time(value)
    assert calendar.timegm(t.utctimetuple()) == seconds
    assert t.microsecond * 1000 + t.nanosecond == nanos


def test_summary_error_names_the_field_and_value() -> None:
    summary = {"node": {"memory": {"time": "2018-11-26 12:00:00Z", "availableBytes": 1}}}
    with pytest.raises(SummaryError) as info:
        validate_summary(summary)
    message = str(info.value)
    assert message.startswith("summary.node.memory.time: ")
    assert "'2018-11-26 12:00:00Z'" in message


def test_sub_microsecond_times_stay_distinct() -> None:
    a = parse_time("2018-11-26T12:00:00.0000001Z")
    b = parse_time("2018-11-26T12:00:00.0000002Z")
    assert a != b and a < b


# --------------------------------------------------------------------------- properties

_offsets = st.integers(-(23 * 60 + 59), 23 * 60 + 59)


@st.composite
def instants(draw) -> tuple[str, int, int, int]:
    """A valid RFC 3339 string in one of its spellings, and the instant it denotes."""
    year = draw(st.integers(1, 9999))
    month = draw(st.integers(1, 12))
    day = draw(st.integers(1, calendar.monthrange(year, month)[1]))
    hour, minute, second = (
        draw(st.integers(0, 23)),
        draw(st.integers(0, 59)),
        draw(st.integers(0, 59)),
    )
    nanos = draw(st.integers(0, 999_999_999))
    offset = draw(_offsets) * 60
    clock = f"{hour:02d}" if hour >= 10 or draw(st.booleans()) else str(hour)
    text = f"{year:04d}-{month:02d}-{day:02d}T{clock}:{minute:02d}:{second:02d}"
    if nanos or draw(st.booleans()):
        digits = f"{nanos:09d}"
        keep = draw(st.integers(len(digits.rstrip("0")) or 1, 9))
        text += "." + digits[:keep]
    if offset == 0 and draw(st.booleans()):
        text += "Z"
    else:
        sign = "-" if offset < 0 else "+"
        text += f"{sign}{abs(offset) // 3600:02d}:{abs(offset) // 60 % 60:02d}"
    local = calendar.timegm((year, month, day, hour, minute, second, 0, 0, 0))
    return text, local - offset, nanos, offset


@given(instants())
def test_format_then_parse_round_trips(case: tuple[str, int, int, int]) -> None:
    text, seconds, nanos, offset = case
    parsed = parse_rfc3339(text)
    assert parsed == GoInstant(seconds, nanos, offset)
    assert parse_rfc3339(format_rfc3339_nano(parsed)) == parsed


_BREAKERS = [
    ("T", " "),
    ("T", "t"),
    ("-", "/"),
    (":", "."),
]


@given(instants(), st.sampled_from(["lower-z", "space", "lower-t", "newline", "no-zone",
                                    "month-13", "comma", "short-minute", "prefix"]))  # fmt: skip
def test_invalid_forms_are_rejected(case: tuple[str, int, int, int], how: str) -> None:
    text = case[0]
    if how == "lower-z":
        text = text[:-6] + "z" if not text.endswith("Z") else text[:-1] + "z"
    elif how == "space":
        text = text.replace("T", " ", 1)
    elif how == "lower-t":
        text = text.replace("T", "t", 1)
    elif how == "newline":
        text += "\n"
    elif how == "no-zone":
        text = text[:-1] if text.endswith("Z") else text[:-6]
    elif how == "month-13":
        text = text[:5] + "13" + text[7:]
    elif how == "comma":
        date, _, rest = text.partition("T")
        clock = rest[: rest.index(":") + 6]
        text = f"{date}T{clock},5{rest[len(clock) :].split('.')[-1].lstrip('0123456789')}"
    elif how == "short-minute":
        date, _, rest = text.partition("T")
        hour, minute, tail = rest.split(":", 2)
        text = f"{date}T{hour}:{int(minute)}{'' if int(minute) < 10 else 'x'}:{tail}"
    elif how == "prefix":
        text = "+" + text
    with pytest.raises(RFC3339Error):
        parse_rfc3339(text)
