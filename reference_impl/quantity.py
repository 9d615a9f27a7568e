"""Mirror of apimachinery's ``resource.Quantity`` (as vendored by kubernetes release-1.10).

A quantity is an exact decimal number with a *format* remembered from parsing
(``BinarySI`` for ``Ki``..``Ei``, ``DecimalSI`` for ``n``..``E`` and plain numbers,
``DecimalExponent`` for ``1e3``).  The format decides how ``str()`` prints it.

Representation: Go keeps either an ``int64`` scaled by a power of ten
(``int64Amount``) or an arbitrary-precision ``inf.Dec``.  Parsing rounds every
value *up* (away from zero) to nano units, and sums and differences of
nano-multiples stay nano-multiples, so one exact Python ``int`` counting nano
units gives every comparison and every ``String()`` exactly.  ``Value()`` is the
one place where Go's internal form shows through: out of int64 range it wraps,
and on the ``inf.Dec`` form it rounds negative fractions *towards* +inf
(``-1n`` has Value 1).  So each quantity also carries Go's form, ``_rep``:
``("i", value, scale)`` or ``("d", unscaled, scale)``, updated by parse, add and
sub exactly as Go updates it, and ``value()``/``milli_value()`` compute from it.
Checked against the real apimachinery code on ~4,600 generated inputs: every
``String()``, format, error and ``Value()``/``MilliValue()`` agree.

Quirks mirrored on purpose:

* ``ParseQuantity`` caches the input text in a few cases (see ``_keeps_text``),
  and ``String()`` then returns that text verbatim: ``"+5"`` prints as ``+5``.
* ``BinarySI`` values between -1024 and 1024, or with a fraction, print in
  ``DecimalSI``.
* A ``DecimalSI`` value whose canonical exponent has no suffix (above ``E``, i.e.
  1e21 and up) prints its mantissa with *no* suffix, because Go ignores the
  failed suffix lookup.  ``1000E`` therefore prints as ``1``.
* ``BinarySI`` parse results are capped at 2^63-1.

One module, over 600 lines, on purpose: parsing, arithmetic and printing share Go's
internal representation (``_rep`` below); splitting them would spread one invariant over
several files.
"""

from __future__ import annotations

import functools
import re
from enum import StrEnum
from fractions import Fraction

from reference_impl.mirrors import mirrors

_QTY = "k8s.io/kubernetes/vendor/k8s.io/apimachinery/pkg/api/resource"

NANO = 10**9
_MAX_INT64 = (1 << 63) - 1
# maxInt64Factors in the Go source: decimal digits that always fit an int64.
_MAX_INT64_FACTORS = 18

SPLIT_RE_STRING = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$"
ERR_FORMAT_WRONG = f"quantities must match the regular expression '{SPLIT_RE_STRING}'"
ERR_NUMERIC = "unable to parse numeric part of quantity"
ERR_SUFFIX = "unable to parse quantity's suffix"


class Format(StrEnum):
    """How a quantity prints; carried over from the text it was parsed from.

    >>> parse_quantity("1Gi").format == BINARY_SI, parse_quantity("1G").format == DECIMAL_SI
    (True, True)
    """

    DECIMAL_EXPONENT = "DecimalExponent"
    BINARY_SI = "BinarySI"
    DECIMAL_SI = "DecimalSI"


BINARY_SI = Format.BINARY_SI
DECIMAL_SI = Format.DECIMAL_SI
DECIMAL_EXPONENT = Format.DECIMAL_EXPONENT

_DEC_SUFFIXES = {
    "n": -9,
    "u": -6,
    "m": -3,
    "": 0,
    "k": 3,
    "M": 6,
    "G": 9,
    "T": 12,
    "P": 15,
    "E": 18,
}
_BIN_SUFFIXES = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_DEC_BY_EXP = {v: k for k, v in _DEC_SUFFIXES.items()}
_BIN_BY_EXP = {v: k for k, v in _BIN_SUFFIXES.items()}
_SUFFIX_LETTERS = frozenset("eEinumkKMGTP")
_DIGITS = frozenset("0123456789")
# What inf.Dec.SetString accepts for the numeric part (sign, digits, one dot).
# regex: ASCII digits only (re.ASCII, explicit [0-9]) as Go's parser; used with fullmatch so
# no '$'-before-newline laxity; no letters, so no case folding question.
_DEC_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)", re.ASCII)


class QuantityError(ValueError):
    """ParseQuantity failed; the message is apimachinery's error text.

    >>> try:
    ...     parse_quantity("1KiB")
    ... except QuantityError as e:
    ...     print(e)
    quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'
    """


def _split(text: str) -> tuple[bool, str, str, str, str]:
    """Mirror of parseQuantityString: (positive, value, num, denom, suffix)."""
    positive = True
    pos = 0
    end = len(text)
    if pos < end and text[0] in "+-":
        positive = text[0] == "+"
        pos += 1
    # Leading zeros are skipped: they never count towards the digits of num.
    while pos < end and text[pos] == "0":
        pos += 1
    if pos >= end:
        return positive, "0", "0", "", ""
    start = pos
    while pos < end and text[pos] in _DIGITS:
        pos += 1
    if pos >= end:
        return positive, text, text[start:], "", ""
    num = text[start:pos] or "0"
    denom = ""
    if text[pos] == ".":
        pos += 1
        dstart = pos
        while pos < end and text[pos] in _DIGITS:
            pos += 1
        denom = text[dstart:pos]
        if pos >= end:
            return positive, text, num, denom, ""
    value = text[:pos]
    suffix_start = pos
    while pos < end and text[pos] in _SUFFIX_LETTERS:
        pos += 1
    if pos < end and text[pos] in "+-":
        pos += 1
    while pos < end and text[pos] in _DIGITS:
        pos += 1
    if pos < end:
        raise QuantityError(ERR_FORMAT_WRONG)
    return positive, value, num, denom, text[suffix_start:]


def _interpret(suffix: str) -> tuple[int, int, Format]:
    """Mirror of the suffixer's interpret: (base, exponent, format)."""
    if suffix in _DEC_SUFFIXES:
        return 10, _DEC_SUFFIXES[suffix], DECIMAL_SI
    if suffix in _BIN_SUFFIXES:
        return 2, _BIN_SUFFIXES[suffix], BINARY_SI
    if len(suffix) > 1 and suffix[0] in "eE":
        exp_text = suffix[1:]
        # regex: strconv.ParseInt's syntax for the exponent: ASCII digits (re.ASCII, [0-9]),
        # whole string (fullmatch); int() below would also take '_' and spaces, Go does not.
        if re.fullmatch(r"[+-]?[0-9]+", exp_text, re.ASCII):
            exp = int(exp_text)
            if -(1 << 63) <= exp <= _MAX_INT64:
                # Go truncates the parsed int64 to int32.
                exp = (exp + (1 << 31)) % (1 << 32) - (1 << 31)
                return 10, exp, DECIMAL_EXPONENT
    raise QuantityError(ERR_SUFFIX)


def _round_up_to_nanos(value: Fraction) -> int:
    """Round away from zero to a whole number of nano units (inf.RoundUp)."""
    scaled = value * NANO
    magnitude = abs(scaled)
    whole = magnitude.numerator // magnitude.denominator
    if whole * magnitude.denominator != magnitude.numerator:
        whole += 1
    return -whole if scaled < 0 else whole


def _keeps_text(
    text: str, num: str, denom: str, exponent: int, fmt: Format, positive: bool
) -> tuple[bool, tuple[int, int, int] | None]:
    """Replays the int64 fast path of ParseQuantity.

    Returns (keeps_text, (nanos, int64 value, scale) or None).  When the fast path
    applies, Go stores the input string and returns it from String() unchanged — but
    only when it is already canonical-looking; the exact conditions are mirrored here.
    """
    if fmt in (DECIMAL_EXPONENT, DECIMAL_SI):
        scale = exponent
        precision = _MAX_INT64_FACTORS - (len(num) + len(denom))
        mantissa = 1
    else:
        scale = 0
        if exponent >= 0 and not denom:
            mantissa = 1 << exponent
            # float32(exponent)*3/10 truncated, as Go computes it.
            precision = 15 - len(num) - int(exponent * 3 / 10) - 1
        else:
            precision = -1
            mantissa = 1
    if precision < 0:
        return False, None
    scale -= len(denom)
    if scale < -9:
        return False, None
    shifted = num + denom
    value = int(shifted)
    if value > _MAX_INT64:
        return False, None
    result = value * mantissa
    if result > _MAX_INT64:
        return False, None
    if not positive:
        result = -result
    nanos = result * 10 ** (scale + 9)
    if fmt == BINARY_SI:
        keep = exponent % 10 == 0 and (value & 0x07) != 0
    else:
        keep = scale % 3 == 0 and not shifted.endswith("000") and shifted[0] != "0"
    return keep, (nanos, result, scale)


Rep = tuple[str, int, int]


@functools.lru_cache(maxsize=4096)
def _parse(text: str) -> tuple[int, Format, str, Rep]:
    """Parse once per distinct text: (nanos, format, cached string or '', Go form)."""
    if not text:
        raise QuantityError(ERR_FORMAT_WRONG)
    if text == "0":
        return 0, DECIMAL_SI, "0", ("i", 0, 0)
    positive, value, num, denom, suffix = _split(text)
    base, exponent, fmt = _interpret(suffix)
    keep, fast = _keeps_text(text, num, denom, exponent, fmt, positive)
    if fast is not None:
        nanos, int_value, scale = fast
        return nanos, fmt, text if keep else "", ("i", int_value, scale)
    if not _DEC_NUMBER.fullmatch(value):
        raise QuantityError(ERR_NUMERIC)
    try:
        amount = Fraction(value)
    except ValueError:
        # Python refuses int conversions past sys.get_int_max_str_digits() (4300); Go's
        # inf.Dec has no such limit.  A deviation of this mirror, refused with a clear error.
        raise QuantityError(f"{len(value)} digits: too many for this mirror") from None
    amount *= Fraction(10) ** exponent if base == 10 else Fraction(2) ** exponent
    nanos = _round_up_to_nanos(amount)
    magnitude = abs(nanos)
    # inf.Dec rounded to nano scale: unscaled nanos at scale 9 ...
    rep: Rep = ("d", nanos, 9)
    if nanos == 0:
        # ... but a zero is not rounded and keeps the scale it was parsed with.
        rep = ("d", 0, len(denom) - exponent if base == 10 else len(denom))
    if fmt == BINARY_SI and magnitude > _MAX_INT64 * NANO:
        magnitude = _MAX_INT64 * NANO
        # ... unless capped, which installs maxInt64 at scale 0.
        rep = ("d", -_MAX_INT64 if nanos < 0 else _MAX_INT64, 0)
    if fmt == BINARY_SI and 0 < magnitude < NANO:
        fmt = DECIMAL_SI
    return (-magnitude if nanos < 0 else magnitude), fmt, "", rep


class Quantity:
    """A resource quantity: exact value in nano units plus its print format.

    Mutating methods (``add``, ``sub``, ``neg``) mirror Go's pointer-receiver
    methods; the operators ``+``/``-`` return new quantities for convenience.

    >>> q = parse_quantity("1.5Gi")
    >>> q.value(), str(q)
    (1610612736, '1536Mi')
    >>> q.add(parse_quantity("512Mi"))
    >>> str(q)
    '2Gi'
    """

    __slots__ = ("_nanos", "_rep", "_s", "format")
    # _s is Go's q.s: the parsed text kept by ParseQuantity, cleared by mutation.

    def __init__(
        self, nanos: int = 0, fmt: Format = DECIMAL_SI, text: str = "", rep: Rep | None = None
    ) -> None:
        self._nanos = nanos
        self.format = fmt
        self._s = text
        if rep is None:
            whole, frac = divmod(nanos, NANO)
            rep = ("i", nanos, -9) if frac else ("i", whole, 0)
        self._rep = rep

    # -- construction -------------------------------------------------------
    @classmethod
    def parse(cls, text: str) -> Quantity:
        nanos, fmt, cached, rep = _parse(text)
        return cls(nanos, fmt, cached, rep)

    def copy(self) -> Quantity:
        return Quantity(self._nanos, self.format, self._s, self._rep)

    # -- reading ------------------------------------------------------------
    @property
    def nanos(self) -> int:
        """The exact value in units of 10^-9."""
        return self._nanos

    def as_fraction(self) -> Fraction:
        return Fraction(self._nanos, NANO)

    @mirrors(f"(*{_QTY}.Quantity).ScaledValue")
    def scaled_value(self, scale: int) -> int:
        """Value in units of 10^scale as Go computes it (see the module docstring)."""
        kind, number, own_scale = self._rep
        if kind == "i":
            return _as_scaled_int64(number, own_scale, scale)
        return _scaled_value(number, own_scale, -scale)

    @mirrors(f"(*{_QTY}.Quantity).Value")
    def value(self) -> int:
        """Integer value rounded up (away from zero for in-range int64 forms), like Value()."""
        kind, number, own_scale = self._rep
        if kind == "i" and own_scale == 0:
            return number
        return self.scaled_value(0)

    @mirrors(f"(*{_QTY}.Quantity).MilliValue")
    def milli_value(self) -> int:
        return self.scaled_value(-3)

    @mirrors(f"(*{_QTY}.Quantity).IsZero")
    def is_zero(self) -> bool:
        return self._nanos == 0

    @mirrors(f"(*{_QTY}.Quantity).Sign")
    def sign(self) -> int:
        return (self._nanos > 0) - (self._nanos < 0)

    @mirrors(f"(*{_QTY}.Quantity).Cmp")
    def cmp(self, other: Quantity) -> int:
        a, b = self._nanos, other._nanos
        return (a > b) - (a < b)

    @mirrors(f"(*{_QTY}.Quantity).CmpInt64")
    def cmp_int64(self, other: int) -> int:
        b = other * NANO
        return (self._nanos > b) - (self._nanos < b)

    # -- arithmetic (mutating, like Go) -------------------------------------
    @mirrors(f"(*{_QTY}.Quantity).Add")
    def add(self, other: Quantity) -> None:
        self._s = ""
        if self._rep[0] == "i" and other._rep[0] == "i":
            if self._rep[1] == 0:
                # Adding to a zero value adopts the other's format.
                self.format = other.format
            summed = _int64_amount_add(self._rep, other._rep)
            if summed is not None:
                self._rep = summed
                self._nanos += other._nanos
                return
        elif self._nanos == 0:
            self.format = other.format
        self._rep = _dec_add(_as_dec(self._rep), _as_dec(other._rep))
        self._nanos += other._nanos

    @mirrors(f"(*{_QTY}.Quantity).Sub")
    def sub(self, other: Quantity) -> None:
        self._s = ""
        if self._nanos == 0:
            self.format = other.format
        if self._rep[0] == "i" and other._rep[0] == "i":
            negated = ("i", _wrap64(-other._rep[1]), other._rep[2])
            summed = _int64_amount_add(self._rep, negated)
            if summed is not None:
                self._rep = summed
                self._nanos -= other._nanos
                return
        kind, number, scale = _as_dec(other._rep)
        self._rep = _dec_add(_as_dec(self._rep), (kind, -number, scale))
        self._nanos -= other._nanos

    @mirrors(f"(*{_QTY}.Quantity).Neg")
    def neg(self) -> None:
        self._s = ""
        kind, number, scale = self._rep
        self._rep = (kind, _wrap64(-number) if kind == "i" else -number, scale)
        self._nanos = -self._nanos

    def __add__(self, other: Quantity) -> Quantity:
        result = self.copy()
        result.add(other)
        return result

    def __sub__(self, other: Quantity) -> Quantity:
        result = self.copy()
        result.sub(other)
        return result

    def __neg__(self) -> Quantity:
        result = self.copy()
        result.neg()
        return result

    # -- comparison ---------------------------------------------------------
    # Equality is by value (Cmp == 0), not by format, as Quantity.Cmp compares.
    def __eq__(self, other: object) -> bool:
        if isinstance(other, Quantity):
            return self._nanos == other._nanos
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._nanos)

    def __lt__(self, other: Quantity) -> bool:
        return self._nanos < other._nanos

    def __le__(self, other: Quantity) -> bool:
        return self._nanos <= other._nanos

    def __gt__(self, other: Quantity) -> bool:
        return self._nanos > other._nanos

    def __ge__(self, other: Quantity) -> bool:
        return self._nanos >= other._nanos

    # -- printing -----------------------------------------------------------
    @mirrors(f"(*{_QTY}.Quantity).String")
    def string(self) -> str:
        if self._s:
            return self._s
        # Go caches the result in q.s; we do not, because Python callers (traces,
        # explain) print quantities the kubelet never prints, and the cached text
        # shows up in go_value_repr().
        number, suffix = self._canonicalize()
        return number + suffix

    def go_value_repr(self) -> str:
        """What ``fmt.Sprintf("%v", q)`` prints for a Quantity *value* in Go.

        ``String`` has a pointer receiver, so a non-addressable Quantity prints as
        its struct: ``{{value scale} {<nil>} cached-text Format}``.  The kubelet
        does this in one event message (pod ephemeral-storage limit).  For the
        ``inf.Dec`` form Go prints a pointer address, which cannot be reproduced.
        """
        kind, number, scale = self._rep
        if kind == "i":
            return f"{{{{{number} {scale}}} {{<nil>}} {self._s} {self.format.value}}}"
        return f"{{{{0 0}} {{<*inf.Dec>}} {self._s} {self.format.value}}}"

    def __str__(self) -> str:
        return self.string()

    def __repr__(self) -> str:
        return f"Quantity({self.string()!r}, {self.format.value})"

    @mirrors(f"(*{_QTY}.Quantity).CanonicalizeBytes")
    def _canonicalize(self) -> tuple[str, str]:
        n = self._nanos
        if n == 0:
            return "0", ""
        fmt = self.format
        if fmt == BINARY_SI:
            if -1024 * NANO < n < 1024 * NANO or n % NANO:
                fmt = DECIMAL_SI
        elif fmt not in (DECIMAL_SI, DECIMAL_EXPONENT):
            fmt = DECIMAL_EXPONENT
        if fmt == BINARY_SI:
            mantissa, exponent = _remove_factors(n // NANO, 1024)
            return str(mantissa), _BIN_BY_EXP.get(exponent * 10, "")
        mantissa, exponent = _remove_factors(n, 10)
        exponent -= 9
        # Make the exponent a multiple of three, moving digits into the mantissa.
        shift = exponent % 3
        mantissa *= 10**shift
        exponent -= shift
        if fmt == DECIMAL_EXPONENT:
            return str(mantissa), (f"e{exponent}" if exponent else "")
        # A missing suffix is ignored by Go (see module docstring).
        return str(mantissa), _DEC_BY_EXP.get(exponent, "")

    def to_json(self) -> str:
        return self.string()


# -- Go's int64 arithmetic, for Value() ------------------------------------------

_MIN_INT64 = -(1 << 63)


def _wrap64(value: int) -> int:
    """Two's-complement int64 wrap-around, as Go integer overflow does."""
    value &= (1 << 64) - 1
    return value - (1 << 64) if value >= 1 << 63 else value


def _go_div(a: int, b: int) -> int:
    """Go's integer division truncates towards zero."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def _big_int64(value: int) -> int:
    """big.Int.Int64(): the low 64 bits of |x|, negated for negative x."""
    low = abs(value) & ((1 << 64) - 1)
    return _wrap64(-low if value < 0 else low)


def _multiply_scale(a: int, b: int, special_min: bool) -> tuple[int, bool]:
    """int64MultiplyScale*: the wrapped product and whether it did not overflow."""
    if a in (0, 1):
        return a * b, True
    if a == _MIN_INT64 and (special_min or b != 1):
        return 0, False
    c = _wrap64(a * b)
    return c, _go_div(c, b) == a


def _positive_scale_int64(base: int, scale: int) -> tuple[int, bool]:
    if scale == 0:
        return base, True
    if scale in (1, 2, 3):
        return _multiply_scale(base, 10**scale, True)
    if scale in (6, 9):
        return _multiply_scale(base, 10**scale, False)
    value = base
    for _ in range(scale):
        value, ok = _multiply_scale(value, 10, False)
        if not ok:
            return 0, False
    return value, True


def _negative_scale_int64(base: int, scale: int) -> int:
    """Divide by 10^scale rounding away from zero (exact in Python ints)."""
    q, r = divmod(abs(base), int(10**scale))
    if r:
        q += 1
    return -q if base < 0 else q


def _as_scaled_int64(value: int, scale: int, target: int) -> int:
    if scale < target:
        return _negative_scale_int64(value, target - scale)
    return _positive_scale_int64(value, scale - target)[0]


def _scaled_value(unscaled: int, scale: int, new_scale: int) -> int:
    """scaledValue() of scale_int.go, for the inf.Dec form."""
    dif = scale - new_scale
    if dif == 0:
        return _big_int64(unscaled)
    if dif < 0:
        # int64(math.Pow10(n)) overflows from n = 19 on; amd64 yields MinInt64.
        factor = 10 ** (-dif) if -dif < 19 else _MIN_INT64
        return _wrap64(_big_int64(unscaled) * factor)
    if unscaled < _MAX_INT64 and dif < 19:
        small = _big_int64(unscaled)
        divide = 10**dif
        result = _go_div(small, divide)
        return result + 1 if small - result * divide != 0 else result
    q, r = divmod(unscaled, 10**dif)  # big.Int.DivMod is Euclidean: r >= 0
    return _wrap64(_big_int64(q) + 1) if r else _big_int64(q)


def _int64_amount_add(a: Rep, b: Rep) -> Rep | None:
    """int64Amount.Add: the new (value, scale), or None on overflow."""
    _, av, ascale = a
    _, bv, bscale = b
    if bv == 0:
        return a
    if av == 0:
        return b
    if ascale == bscale:
        c = av + bv
    elif ascale > bscale:
        scaled, ok = _positive_scale_int64(av, ascale - bscale)
        if not ok:
            return None
        c, ascale = scaled + bv, bscale
    else:
        scaled, ok = _positive_scale_int64(bv, bscale - ascale)
        if not ok:
            return None
        c = av + scaled
    if not _MIN_INT64 <= c <= _MAX_INT64 or (av == bv == _MIN_INT64):
        return None
    return ("i", c, ascale)


def _as_dec(rep: Rep) -> Rep:
    """AsDec: int64Amount{v, s} is the decimal v × 10^s, i.e. inf scale -s."""
    kind, number, scale = rep
    return rep if kind == "d" else ("d", number, -scale)


def _dec_add(a: Rep, b: Rep) -> Rep:
    """inf.Dec addition: the result takes the larger scale."""
    _, au, ascale = a
    _, bu, bscale = b
    scale = max(ascale, bscale)
    return ("d", au * 10 ** (scale - ascale) + bu * 10 ** (scale - bscale), scale)


def _remove_factors(value: int, base: int) -> tuple[int, int]:
    negative = value < 0
    result = -value if negative else value
    times = 0
    while result >= base and result % base == 0:
        result //= base
        times += 1
    return (-result if negative else result), times


@mirrors(f"{_QTY}.ParseQuantity")
def parse_quantity(text: str) -> Quantity:
    """Parse ``text``; raises :class:`QuantityError` with apimachinery's message.

    Mirrors Go ``resource.ParseQuantity``.

    >>> str(parse_quantity("100m")), parse_quantity("100m").milli_value()
    ('100m', 100)
    >>> str(parse_quantity("1e3")), parse_quantity("0.1").value()
    ('1e3', 1)
    """
    return Quantity.parse(text)


@mirrors(f"{_QTY}.MustParse")
def must_parse(text: str) -> Quantity:
    """Parse ``text`` or raise (Go panics); for constants known to be valid.

    Mirrors Go ``resource.MustParse``.

    >>> must_parse("256Mi").value()
    268435456
    """
    try:
        return Quantity.parse(text)
    except QuantityError as err:
        raise ValueError(f"cannot parse '{text}': {err}") from err


@mirrors(f"{_QTY}.NewQuantity")
def new_quantity(value: int, fmt: Format) -> Quantity:
    """A quantity of ``value`` units in the given format.

    Mirrors Go ``resource.NewQuantity``.

    >>> str(new_quantity(1024, BINARY_SI)), str(new_quantity(1000, DECIMAL_SI))
    ('1Ki', '1k')
    """
    return Quantity(value * NANO, fmt, "", ("i", value, 0))


@mirrors(f"{_QTY}.NewMilliQuantity")
def new_milli_quantity(value: int, fmt: Format) -> Quantity:
    """A quantity of ``value`` thousandths in the given format.

    Mirrors Go ``resource.NewMilliQuantity``.

    >>> str(new_milli_quantity(1500, DECIMAL_SI))
    '1500m'
    """
    return Quantity(value * 10**6, fmt, "", ("i", value, -3))


def zero(fmt: Format = BINARY_SI) -> Quantity:
    """``resource.Quantity{Format: fmt}`` — the zero value with a format.

    >>> z = zero()
    >>> z.is_zero(), str(z)
    (True, '0')
    """
    return Quantity(0, fmt, "", ("i", 0, 0))
