"""Go standard-library parsers the threshold flags go through, with their error text.

``strconv.ParseFloat(s, 32)`` and ``time.ParseDuration`` as they behaved in Go
1.10 (no underscores, no hex floats; ``time: invalid duration X`` without quotes).
The eviction flags surface these errors unchanged, so the text matters.
"""

from __future__ import annotations

import math
import re
import struct
from fractions import Fraction

from reference_impl.mirrors import mirrors

# regex: strconv.ParseFloat's decimal syntax (Go 1.10: no '_', no hex). Explicit [0-9] and
# re.ASCII: Go reads ASCII digits only. fullmatch, not match + '$': '$' also matches before a
# trailing newline, and Fraction() would then accept "1.5\n", which Go rejects. Case: [eE].
_FLOAT_RE = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)
_F32 = struct.Struct("<f")
_U32 = struct.Struct("<I")
_MAX_F32_ROUNDING_LIMIT = Fraction(2**128 - 2**103)  # max float32 + half an ulp


class GoError(ValueError):
    """An error value returned by a Go standard-library function.

    >>> isinstance(GoError("time: invalid duration x"), ValueError)
    True
    """


_GO_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t",
               "\v": "\\v", "\\": "\\\\", '"': '\\"'}  # fmt: skip


def _quote(s: str) -> str:
    """``strconv.Quote``: Go escapes, printable runes kept, others as \\x / \\u / \\U."""
    out = []
    for ch in s:
        if ch in _GO_ESCAPES:
            out.append(_GO_ESCAPES[ch])
        elif ch == " " or (ch.isprintable() and not ch.isspace()):
            out.append(ch)
        elif ord(ch) < 0x80:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) < 0x10000:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    return '"' + "".join(out) + '"'


def _f32_bits(value: float) -> int:
    return int(_U32.unpack(_F32.pack(value))[0])


def _f32_from_bits(bits: int) -> float:
    return float(_F32.unpack(_U32.pack(bits))[0])


def _nearest_float32(x: Fraction) -> float:
    """Correctly rounded float32 of an exact rational (ties to even).

    Going through float64 first could round twice; checking the neighbours of the
    first guess with exact arithmetic avoids that.
    """
    if x == 0:
        return 0.0
    negative = x < 0
    magnitude = -x if negative else x
    if magnitude >= _MAX_F32_ROUNDING_LIMIT:
        result = math.inf
    else:
        try:
            guess = _F32.unpack(_F32.pack(float(magnitude)))[0]
        except OverflowError:
            guess = _f32_from_bits(0x7F7FFFFF)
        if math.isinf(guess):
            guess = _f32_from_bits(0x7F7FFFFF)
        bits = _f32_bits(guess)
        candidates = [bits]
        if bits > 0:
            candidates.append(bits - 1)
        if bits < 0x7F7FFFFF:
            candidates.append(bits + 1)

        def distance(b: int) -> tuple[Fraction, int]:
            return abs(Fraction(_f32_from_bits(b)) - magnitude), b & 1

        result = _f32_from_bits(min(candidates, key=distance))
    return -result if negative else result


@mirrors("strconv.ParseFloat")
def parse_float32(text: str) -> float:
    """``strconv.ParseFloat(text, 32)``: a float32 value, or GoError with Go's text.

    >>> parse_float32("10.5")
    10.5
    >>> parse_float32("1e-1")
    0.10000000149011612
    """
    lowered = text.lower()
    body = lowered[1:] if lowered[:1] in ("+", "-") else lowered
    if body in ("inf", "infinity") and (lowered[:1] in ("+", "-") or lowered == body):
        return -math.inf if lowered.startswith("-") else math.inf
    if lowered == "nan":
        return math.nan
    if not _FLOAT_RE.fullmatch(text):
        raise GoError(f"strconv.ParseFloat: parsing {_quote(text)}: invalid syntax")
    value = _nearest_float32(Fraction(text))
    if math.isinf(value):
        raise GoError(f"strconv.ParseFloat: parsing {_quote(text)}: value out of range")
    return value


_UNITS = {
    "ns": 1,
    "us": 1_000,
    "µs": 1_000,  # U+00B5 micro sign
    "μs": 1_000,  # U+03BC Greek mu
    "ms": 1_000_000,
    "s": 1_000_000_000,
    "m": 60 * 1_000_000_000,
    "h": 3600 * 1_000_000_000,
}
_MAX_INT64 = (1 << 63) - 1


@mirrors("time.ParseDuration")
def parse_duration_ns(text: str) -> int:
    """``time.ParseDuration`` in Go 1.10: nanoseconds, or GoError with Go's text.

    >>> parse_duration_ns("1m30s")
    90000000000
    >>> parse_duration_ns("1.5h") // 10**9
    5400
    """
    orig = text
    invalid = GoError("time: invalid duration " + orig)
    s = text
    negative = False
    if s and s[0] in "+-":
        negative = s[0] == "-"
        s = s[1:]
    if s == "0":
        return 0
    if not s:
        raise invalid
    total = 0
    while s:
        if not (s[0] == "." or (s[0].isdigit() and s[0].isascii())):
            raise invalid
        i = 0
        while i < len(s) and "0" <= s[i] <= "9":
            i += 1
        pre = i > 0
        whole = int(s[:i]) if pre else 0
        if whole > _MAX_INT64:
            raise invalid
        s = s[i:]
        frac, scale, post = 0, 1.0, False
        if s and s[0] == ".":
            s = s[1:]
            i = 0
            overflow = False
            while i < len(s) and "0" <= s[i] <= "9":
                if not overflow:
                    candidate = frac * 10 + int(s[i])
                    if candidate > _MAX_INT64:
                        overflow = True
                    else:
                        frac = candidate
                        scale *= 10
                i += 1
            post = i > 0
            s = s[i:]
        if not pre and not post:
            raise invalid
        i = 0
        while i < len(s) and not (s[i] == "." or "0" <= s[i] <= "9"):
            i += 1
        if i == 0:
            raise GoError("time: missing unit in duration " + orig)
        unit_text, s = s[:i], s[i:]
        unit = _UNITS.get(unit_text)
        if unit is None:
            raise GoError(f"time: unknown unit {unit_text} in duration {orig}")
        if whole > _MAX_INT64 // unit:
            raise invalid
        value = whole * unit
        if frac > 0:
            # Go adds the fraction in float64, truncated to int64.
            value += int(float(frac) * (float(unit) / scale))
            if value > _MAX_INT64:
                raise invalid
        total += value
        if total > _MAX_INT64:
            raise invalid
    return -total if negative else total
