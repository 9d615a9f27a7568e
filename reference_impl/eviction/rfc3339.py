"""Go's ``time.Parse(time.RFC3339, s)``, as metav1.Time decodes stats timestamps.

metav1.Time.UnmarshalJSON (k8s.io/apimachinery/pkg/apis/meta/v1/time.go at v1.10.11) turns
JSON ``null`` into the zero time and hands every other value to
``time.Parse(time.RFC3339, str)`` (a JSON value that is not a string leaves ``str`` empty,
because the decode error is ignored; the empty string then fails to parse). The layout
``"2006-01-02T15:04:05Z07:00"`` is walked chunk by chunk by ``time.parse``
(src/time/format.go); this module walks the same chunks with the same helpers, so it accepts
exactly what Go accepts, including its laxities:

* ``2006`` (stdLongYear): exactly four characters, the first a digit, all digits (``atoi``);
  years 0000-9999.
* ``01`` / ``02`` (stdZeroMonth / stdZeroDay): ``getnum(s, fixed=true)``: exactly two digits.
  Month 1-12 ("month out of range"); the day is checked after parsing against the month's
  length in the proleptic Gregorian calendar (``day < 1 || day > daysIn``).
* ``15`` (stdHour): ``getnum(s, fixed=false)``: **one or two digits** — ``T9:05:00Z`` is
  accepted. Range 0-23.
* ``04`` / ``05`` (stdZeroMinute / stdZeroSecond): two digits, 0-59 (no leap second).
* After the seconds, a ``.`` followed by at least one digit is a fractional second even
  though the layout has none; every following digit is taken (``parseNanoseconds``).
  Go 1.9/1.10 (the toolchain of v1.10.11) keep the digits as one integer: up to nine
  digits are scaled to nanoseconds; ten or more are *not* scaled — ``.0000000001`` is 1 ns,
  and a value of 10^9 or more is "fractional second out of range". A ``,`` separator is
  Go 1.17+ only, and is refused here.
* ``Z07:00`` (stdISO8601ColonTZ): an uppercase ``Z`` is UTC. Otherwise six characters:
  ``value[3]`` must be ``:``; sign ``+``/``-``; hours ``value[1:3]`` and minutes
  ``value[4:6]`` go through ``atoi``, which takes a sign and has no range check —
  ``+-1:00`` and ``+99:99`` are accepted offsets.
* Literal ``-``, ``T``, ``:`` must match byte for byte (``skip``): no lowercase ``t`` or
  ``z``, no space; nothing may follow the zone ("extra text").

The instant is returned as integer Unix seconds plus nanoseconds, so nothing is lost to
Python's microsecond datetimes.
"""

from __future__ import annotations

from dataclasses import dataclass

_DAYS_BEFORE_MONTH = (0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365)
_INT64_MAX = (1 << 63) - 1


class RFC3339Error(ValueError):
    """``time.Parse(time.RFC3339, value)`` would return an error; the message says why.

    >>> try:
    ...     parse_rfc3339("2018-11-26T12:00:00")
    ... except RFC3339Error as e:
    ...     print(e)
    cannot parse '' as 'Z07:00' (zone)
    """


@dataclass(frozen=True)
class GoInstant:
    """A parsed time: Unix seconds, nanoseconds (0..999,999,999), and the zone offset.

    >>> GoInstant(0, 1, 0) == parse_rfc3339("1970-01-01T00:00:00.000000001Z")
    True
    """

    unix_seconds: int
    nanosecond: int
    offset_seconds: int


def _is_digit(s: str, i: int) -> bool:
    return i < len(s) and "0" <= s[i] <= "9"


def _leading_int(s: str) -> tuple[int, str]:
    """Go ``leadingInt``: the leading [0-9]* as an int64; overflow is an error."""
    x = 0
    i = 0
    while i < len(s) and "0" <= s[i] <= "9":
        if x > _INT64_MAX // 10:
            raise RFC3339Error("number overflows int64")
        x = x * 10 + ord(s[i]) - 48
        if x > _INT64_MAX:
            raise RFC3339Error("number overflows int64")
        i += 1
    return x, s[i:]


def _atoi(s: str) -> int:
    """Go ``atoi`` (time package): an optional sign, then digits only."""
    neg = False
    if s and s[0] in "+-":
        neg = s[0] == "-"
        s = s[1:]
    q, rem = _leading_int(s)
    if rem:
        raise RFC3339Error("invalid number")
    return -q if neg else q


def _getnum(s: str, fixed: bool) -> tuple[int, str]:
    """Go ``getnum``: one or two digits (exactly two when ``fixed``)."""
    if not _is_digit(s, 0):
        raise RFC3339Error("expected a digit")
    if not _is_digit(s, 1):
        if fixed:
            raise RFC3339Error("expected two digits")
        return ord(s[0]) - 48, s[1:]
    return (ord(s[0]) - 48) * 10 + ord(s[1]) - 48, s[2:]


def _skip(value: str, literal: str, what: str) -> str:
    if not value.startswith(literal):
        raise RFC3339Error(f"cannot parse {value[:12]!r} as {literal!r} ({what})")
    return value[len(literal) :]


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _days_in(month: int, year: int) -> int:
    if month == 2 and _is_leap(year):
        return 29
    return _DAYS_BEFORE_MONTH[month] - _DAYS_BEFORE_MONTH[month - 1]


def _days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 in the proleptic Gregorian calendar (any year)."""
    y = year - (month <= 2)
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def _nanoseconds(value: str, nbytes: int) -> int:
    """Go 1.9/1.10 ``parseNanoseconds(value, nbytes)``: ``value[0]`` is the '.'."""
    ns = _atoi(value[1:nbytes])
    if ns < 0 or ns >= 10**9:
        raise RFC3339Error("fractional second out of range")
    # scale by the digits missing up to nine; more than nine digits are not scaled (a quirk)
    for _ in range(10 - nbytes):
        ns *= 10
    return ns


def parse_rfc3339(text: str) -> GoInstant:
    """``time.Parse(time.RFC3339, text)`` of Go 1.9/1.10, as an instant.

    >>> parse_rfc3339("2018-11-26T12:00:00.5Z")
    GoInstant(unix_seconds=1543233600, nanosecond=500000000, offset_seconds=0)
    >>> parse_rfc3339("2018-11-26T9:00:00+-1:00").offset_seconds  # Go's atoi takes a sign
    -3600
    >>> parse_rfc3339("2018-11-26 12:00:00Z")
    Traceback (most recent call last):
    ...
    reference_impl.eviction.rfc3339.RFC3339Error: cannot parse ' 12:00:00Z' as 'T' (literal)
    """
    if not isinstance(text, str):
        raise RFC3339Error(f"not a string: {text!r}")
    value = text
    # 2006
    if len(value) < 4 or not _is_digit(value, 0):
        raise RFC3339Error(f"cannot parse {value[:12]!r} as '2006' (year)")
    try:
        year = _atoi(value[:4])
    except RFC3339Error:
        raise RFC3339Error(f"cannot parse {value[:12]!r} as '2006' (year)") from None
    value = _skip(value[4:], "-", "literal")

    def number(value: str, fixed: bool, what: str) -> tuple[int, str]:
        try:
            return _getnum(value, fixed)
        except RFC3339Error:
            raise RFC3339Error(f"cannot parse {value[:12]!r} as {what}") from None

    month, value = number(value, True, "'01' (month)")
    if not 1 <= month <= 12:
        raise RFC3339Error("month out of range")
    value = _skip(value, "-", "literal")
    day, value = number(value, True, "'02' (day)")
    value = _skip(value, "T", "literal")
    hour, value = number(value, False, "'15' (hour)")
    if not 0 <= hour < 24:
        raise RFC3339Error("hour out of range")
    value = _skip(value, ":", "literal")
    minute, value = number(value, True, "'04' (minute)")
    if not 0 <= minute < 60:
        raise RFC3339Error("minute out of range")
    value = _skip(value, ":", "literal")
    second, value = number(value, True, "'05' (second)")
    if not 0 <= second < 60:
        raise RFC3339Error("second out of range")
    nanosecond = 0
    if len(value) >= 2 and value[0] == "." and _is_digit(value, 1):
        n = 2
        while n < len(value) and _is_digit(value, n):
            n += 1
        try:
            nanosecond = _nanoseconds(value, n)
        except RFC3339Error as err:
            if "out of range" in str(err):
                raise
            raise RFC3339Error(f"cannot parse {value[:12]!r} as '05' (second)") from None
        value = value[n:]
    # Z07:00
    if value.startswith("Z"):
        offset = 0
        value = value[1:]
    else:
        if len(value) < 6 or value[3] != ":":
            raise RFC3339Error(f"cannot parse {value[:12]!r} as 'Z07:00' (zone)")
        sign, hh, mm, value = value[0], value[1:3], value[4:6], value[6:]
        try:
            offset = (_atoi(hh) * 60 + _atoi(mm)) * 60
        except RFC3339Error:
            raise RFC3339Error(f"cannot parse {sign + hh}:{mm!r} as 'Z07:00' (zone)") from None
        if sign == "-":
            offset = -offset
        elif sign != "+":
            raise RFC3339Error(f"cannot parse {sign!r} as the sign of 'Z07:00' (zone)")
    if value:
        raise RFC3339Error(f"extra text: {value!r}")
    if day < 1 or day > _days_in(month, year):
        raise RFC3339Error("day out of range")
    days = _days_from_civil(year, month, day)
    seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset
    return GoInstant(seconds, nanosecond, offset)


def format_rfc3339_nano(instant: GoInstant) -> str:
    """The instant in ``time.RFC3339Nano`` form, in its own zone offset (trailing zeros of
    the fraction dropped, as Go's ``.999999999`` does).

    >>> format_rfc3339_nano(GoInstant(1543233600, 500000000, 3600))
    '2018-11-26T13:00:00.5+01:00'
    """
    local = instant.unix_seconds + instant.offset_seconds
    days, rest = divmod(local, 86400)
    # civil_from_days (Howard Hinnant's algorithm), the inverse of _days_from_civil
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = mp + 3 if mp < 10 else mp - 9
    year = yoe + era * 400 + (month <= 2)
    clock = f"{rest // 3600:02d}:{rest // 60 % 60:02d}:{rest % 60:02d}"
    text = f"{year:04d}-{month:02d}-{day:02d}T{clock}"
    if instant.nanosecond:
        text += "." + f"{instant.nanosecond:09d}".rstrip("0")
    if instant.offset_seconds == 0:
        return text + "Z"
    sign = "-" if instant.offset_seconds < 0 else "+"
    minutes = abs(instant.offset_seconds) // 60
    return f"{text}{sign}{minutes // 60:02d}:{minutes % 60:02d}"
