"""Every regular expression of the mirrors carries its Go/Python decision.

Python's ``re`` and Go's ``regexp`` (and Go's hand-written parsers, which the mirrors'
patterns often stand in for) differ: ``\\d \\w \\s \\b`` are Unicode in Python and ASCII in
Go; ``$`` also matches before a trailing newline in Python; ``re.match`` anchors only the
start; case folding differs; Python is leftmost-first where Go's POSIX mode is
leftmost-longest. So each ``re`` call in ``reference_impl/`` (the operator mirror under
``reference_impl/operator/`` is audited by its own helper and excluded here) must have a
``# regex:`` note right above it, and the pattern must not carry the usual traps unless
its note says why:

* ``\\d \\w \\s \\b`` (and their negations) need ``re.ASCII`` — or a note that says
  "Unicode" on purpose;
* a trailing ``$`` is refused: use ``\\Z`` or ``fullmatch``;
* ``re.IGNORECASE`` needs a note that mentions "case".
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
AUDITED = ROOT / "reference_impl"
EXCLUDED = ("reference_impl/operator/",)
RE_FUNCTIONS = {"compile", "match", "fullmatch", "search", "sub", "subn", "split", "findall",
                "finditer"}  # fmt: skip
NOTE = "# regex:"
UNICODE_CLASSES = re.compile(r"(?<!\\)(?:\\\\)*\\[dDwWsSbB]", re.ASCII)


@dataclass
class Pattern:
    where: str
    pattern: str | None  # None when not a literal
    flags: set[str]
    note: str


def _flag_names(node: ast.expr | None) -> set[str]:
    if node is None:
        return set()
    return {n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)} | {
        n.id for n in ast.walk(node) if isinstance(n, ast.Name)
    }


def _note_above(lines: list[str], lineno: int) -> str:
    """The ``# regex:`` comment block ending at most 3 lines above ``lineno`` (1-based),
    or on the call's own line."""
    own = lines[lineno - 1]
    if NOTE in own:
        return own[own.index(NOTE) :]
    i = lineno - 2
    block: list[str] = []
    while i >= 0 and i >= lineno - 8 and lines[i].strip().startswith("#"):
        block.insert(0, lines[i].strip())
        i -= 1
    text = " ".join(block)
    return text[text.index(NOTE) :] if NOTE in text else ""


def patterns_in(path: Path, root: Path = ROOT) -> list[Pattern]:
    rel = path.relative_to(root).as_posix()
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "re"
            and node.func.attr in RE_FUNCTIONS
            and node.args
        ):
            continue
        first = node.args[0]
        pattern = first.value if isinstance(first, ast.Constant) else None
        flag_pos = (
            1
            if node.func.attr == "compile"
            else {"sub": 4, "subn": 4, "split": 3}.get(node.func.attr, 2)
        )
        flags = _flag_names(node.args[flag_pos] if len(node.args) > flag_pos else None)
        for kw in node.keywords:
            if kw.arg == "flags":
                flags |= _flag_names(kw.value)
        found.append(
            Pattern(f"{rel}:{node.lineno}", pattern, flags, _note_above(lines, node.lineno))
        )
    return found


def all_patterns() -> list[Pattern]:
    out = []
    for path in sorted(AUDITED.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if not rel.startswith(EXCLUDED):
            out += patterns_in(path)
    return out


def problems(p: Pattern) -> list[str]:
    found = []
    if not p.note:
        found.append("no '# regex:' note above it")
    if p.pattern is None:
        if p.note and "dynamic" not in p.note.lower():
            found.append("pattern is not a literal; the note must say why ('dynamic')")
        return found
    if (
        UNICODE_CLASSES.search(p.pattern)
        and not ({"ASCII", "A"} & p.flags)
        and "unicode" not in p.note.lower()
    ):
        found.append("\\d/\\w/\\s/\\b without re.ASCII (or a note saying Unicode on purpose)")
    stripped = p.pattern.rstrip()
    if stripped.endswith("$") and not stripped.endswith("\\$"):
        found.append("trailing '$' also matches before a newline: use \\Z or fullmatch")
    if {"IGNORECASE", "I"} & p.flags and "case" not in p.note.lower():
        found.append("re.IGNORECASE without a note about case folding")
    return found


def test_the_audit_finds_the_patterns() -> None:
    where = {p.where.split(":")[0] for p in all_patterns()}
    assert {
        "reference_impl/quantity.py",
        "reference_impl/mirrors.py",
        "reference_impl/eviction/goparse.py",
        "reference_impl/eviction/replay/compare.py",
        "reference_impl/eviction/replay/pyrunner.py",
        "reference_impl/eviction/replay/schema.py",
    } <= where


@pytest.mark.parametrize("pattern", all_patterns(), ids=lambda p: p.where)
def test_every_pattern_has_its_decision(pattern: Pattern) -> None:
    assert problems(pattern) == [], f"{pattern.where}: {pattern.pattern!r}"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('X = re.compile(r"\\d+")\n', "no '# regex:' note"),
        ('# regex: digits\nX = re.compile(r"\\d+")\n', "without re.ASCII"),
        ('# regex: digits\nX = re.compile(r"[0-9]+$")\n', "trailing '$'"),
        ('# regex: x\nX = re.compile(r"ab", re.IGNORECASE)\n', "IGNORECASE"),
        ('# regex: x\nX = re.fullmatch(r"\\w+", s)\n', "without re.ASCII"),
    ],
)
def test_a_new_pattern_without_its_note_fails(tmp_path, source: str, expected: str) -> None:
    path = tmp_path / "probe.py"
    path.write_text(source, encoding="utf-8")
    (p,) = patterns_in(path, tmp_path)
    assert any(expected in problem for problem in problems(p))


def test_a_noted_ascii_fullmatch_pattern_passes() -> None:
    p = Pattern("x.py:1", r"[+-]?\d+", {"ASCII"}, "# regex: ASCII digits, fullmatch")
    assert problems(p) == []


# ------------------------------------------------------------ the decisions, in behaviour


def _float_ok(text: str) -> bool:
    from reference_impl.eviction.goparse import GoError, parse_float32

    try:
        parse_float32(text)
    except GoError:
        return False
    return True


def _quantity_ok(text: str) -> bool:
    from reference_impl.quantity import QuantityError, parse_quantity

    try:
        parse_quantity(text)
    except QuantityError:
        return False
    return True


def _symbol_ok(text: str) -> bool:
    from reference_impl.mirrors import parse_go_symbol

    try:
        parse_go_symbol(text)
    except ValueError:
        return False
    return True


def _reclaim_ok(text: str) -> bool:
    from reference_impl.eviction.replay.compare import reclaimed_resource

    return reclaimed_resource([text]) is not None


# (check, input, accepted, why -- Go's behaviour the pattern must reproduce)
DECISIONS = [
    (_float_ok, "1.5", True, "strconv.ParseFloat: decimal"),
    (_float_ok, "1E5", True, "exponent letter in either case"),
    (_float_ok, "-.5e-3", True, "sign, no integer part, signed exponent"),
    (_float_ok, "1.5\n", False, "ParseFloat rejects a trailing newline ('$' would not)"),
    (_float_ok, " 1.5", False, "no leading space"),
    (_float_ok, "1.5 ", False, "no trailing space (Python's float() would strip it)"),
    (_float_ok, "\u0661.5", False, "Arabic-Indic digit: Go reads ASCII digits only"),
    (_float_ok, "1_000", False, "Go 1.10: no underscores"),
    (_quantity_ok, "1e3", True, "decimal exponent suffix"),
    (_quantity_ok, "1e\u0663", False, "exponent digits are ASCII (strconv.ParseInt)"),
    (_quantity_ok, "1e3\n", False, "the whole string must be a quantity"),
    (_quantity_ok, "\uff11Gi", False, "fullwidth digit is no number"),
    (_symbol_ok, "k8s.io/kubernetes/pkg/kubelet/eviction.thresholdsMet", True, "pkg.F"),
    (_symbol_ok, "(*k8s.io/kubernetes/pkg/kubelet/eviction.managerImpl).synchronize", True,
     "(*T).M"),
    (_symbol_ok, "k8s.io/kubernetes/pkg/kubelet/eviction.thresholdsMet\n", False,
     "fullmatch: no trailing newline"),
    (_symbol_ok, "example.com/p.\u00e9t\u00e9", True, "Go identifiers may be Unicode letters"),
    (_reclaim_ok, "Warning EvictionThresholdMet Attempting to reclaim memory", True, "the event"),
    (_reclaim_ok, "Warning EvictionThresholdMet Attempting to reclaim memory\n", False,
     "\\Z: the whole event text"),
    (_reclaim_ok, "Warning EvictionThresholdMet Attempting to reclaim nodefs\u00a0x", True,
     "ASCII \\S as in RE2: a no-break space is not a space"),
]  # fmt: skip


@pytest.mark.parametrize(("check", "text", "accepted", "why"), DECISIONS)
def test_decision_table(check, text: str, accepted: bool, why: str) -> None:
    assert check(text) is accepted, why


_ascii_float = st.from_regex(
    r"[+-]?(?:[0-9]{1,6}(?:\.[0-9]{0,6})?|\.[0-9]{1,6})(?:[eE][+-]?[0-9])?", fullmatch=True
)
_non_ascii_digits = st.characters(categories=["Nd"]).filter(lambda c: not "0" <= c <= "9")


@given(_ascii_float, st.sampled_from(["\n", " ", "\t", "\r\n"]))
def test_float_with_trailing_whitespace_is_refused(text: str, tail: str) -> None:
    assert _float_ok(text)
    assert not _float_ok(text + tail)


@given(_ascii_float, _non_ascii_digits, st.data())
def test_float_with_a_non_ascii_digit_is_refused(text: str, digit: str, data) -> None:
    positions = [i for i, c in enumerate(text) if c.isdigit()]
    i = data.draw(st.sampled_from(positions))
    assert not _float_ok(text[:i] + digit + text[i + 1 :])


def test_float_syntax_refuses_a_trailing_newline_and_unicode_digits() -> None:
    from reference_impl.eviction.goparse import GoError, parse_float32

    assert parse_float32("1.5") == 1.5
    for text in ("1.5\n", "１.5", "1.5 "):
        with pytest.raises(GoError, match="invalid syntax"):
            parse_float32(text)


def test_quantity_exponent_is_ascii_only() -> None:
    from reference_impl.quantity import QuantityError, parse_quantity

    assert str(parse_quantity("1e3")) == "1e3"
    for text in ("1e３", "1e3\n"):
        with pytest.raises(QuantityError):
            parse_quantity(text)


def test_reclaim_event_needs_the_whole_line() -> None:
    from reference_impl.eviction.replay.compare import reclaimed_resource

    assert reclaimed_resource(["Warning EvictionThresholdMet Attempting to reclaim memory"]) == (
        "memory"
    )
    assert reclaimed_resource(["Warning EvictionThresholdMet Attempting to reclaim memory\n"]) is (
        None
    )
