"""Reading the Summary API (stats/v1alpha1) as JSON dicts.

The kubelet decodes ``/stats/summary`` into Go structs; a malformed document
fails there, before the eviction manager sees it.  :func:`validate_summary` is
that decoding step for our JSON dicts: it raises :class:`SummaryError` naming the
offending path.  The accessors used on the hot path assume a validated document
(the simulator builds well-formed ones) and stay cheap.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta
from typing import Any

from reference_impl.eviction.rfc3339 import RFC3339Error, parse_rfc3339
from reference_impl.eviction.types import PodStats, Summary

SYSTEM_CONTAINER_PODS = "pods"

_FS_FIELDS = ("availableBytes", "capacityBytes", "usedBytes", "inodesFree", "inodes", "inodesUsed")
_MEM_FIELDS = (
    "availableBytes",
    "usageBytes",
    "workingSetBytes",
    "rssBytes",
    "pageFaults",
    "majorPageFaults",
)
_MAX_UINT64 = (1 << 64) - 1


class SummaryError(ValueError):
    """The Summary JSON is not a valid stats/v1alpha1 Summary.

    >>> try:
    ...     validate_summary({"pods": []})
    ... except SummaryError as e:
    ...     print(e)
    summary: missing required field 'node'
    """


class GoTime(datetime):
    """A UTC datetime that keeps Go's nanoseconds.

    metav1.Time parses RFC 3339 with nanosecond precision; Python's datetime stops at
    microseconds.  Two stats timestamps 100 ns apart are different times to the 1.10
    kubelet (thresholdsUpdatedStats keeps the threshold), so the sub-microsecond part
    is carried here and takes part in comparisons.  Found by the differential run.

    >>> a = parse_time("2018-11-26T12:00:00.0000001Z")
    >>> b = parse_time("2018-11-26T12:00:00.0000002Z")
    >>> isinstance(a, GoTime), a < b, a != b
    (True, True, True)
    """

    nanosecond: int = 0  # 0..999, below the microseconds (class default survives copies)

    def _key(self) -> tuple[datetime, int]:
        return (datetime.__new__(datetime, *self.timetuple()[:6], self.microsecond, UTC),
                self.nanosecond)  # fmt: skip

    @staticmethod
    def _other(other: object) -> tuple[datetime, int] | None:
        if isinstance(other, GoTime):
            return other._key()
        if isinstance(other, datetime):
            return (other.astimezone(UTC), 0)
        return None

    def __eq__(self, other: object) -> bool:
        key = self._other(other)
        return NotImplemented if key is None else self._key() == key

    def __ne__(self, other: object) -> bool:
        # datetime's own __ne__ would compare microseconds only
        key = self._other(other)
        return NotImplemented if key is None else self._key() != key

    def __hash__(self) -> int:
        return hash(self._key())

    def __lt__(self, other: object) -> bool:
        key = self._other(other)
        return NotImplemented if key is None else self._key() < key

    def __le__(self, other: object) -> bool:
        key = self._other(other)
        return NotImplemented if key is None else self._key() <= key

    def __gt__(self, other: object) -> bool:
        key = self._other(other)
        return NotImplemented if key is None else self._key() > key

    def __ge__(self, other: object) -> bool:
        key = self._other(other)
        return NotImplemented if key is None else self._key() >= key


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@functools.lru_cache(maxsize=1024)
def parse_time(text: str) -> datetime:
    """A stats timestamp as metav1.Time decodes it: Go's ``time.Parse(time.RFC3339, s)``
    (see :mod:`reference_impl.eviction.rfc3339` for exactly what that accepts), kept to the
    nanosecond in a :class:`GoTime`.

    >>> t = parse_time("2018-11-26T13:00:00.1234567+01:00")
    >>> (t.isoformat(), t.nanosecond)
    ('2018-11-26T12:00:00.123456+00:00', 700)
    >>> parse_time("2018-11-26T12:00:00z")
    Traceback (most recent call last):
    ...
    reference_impl.eviction.stats.SummaryError: invalid RFC 3339 time '2018-11-26T12:00:00z': ...

    Go also accepts years 0000-9999 in any zone; a Python datetime holds years 1-9999 only,
    so an instant outside those (``0000-06-01T00:00:00Z``) is refused with that reason -- a
    limit of the mirror, not of Go.
    """
    try:
        instant = parse_rfc3339(text)
    except RFC3339Error as err:
        raise SummaryError(f"invalid RFC 3339 time {text!r}: {err}") from None
    try:
        value = _EPOCH + timedelta(seconds=instant.unix_seconds)
    except OverflowError:
        raise SummaryError(
            f"RFC 3339 time {text!r} is valid in Go but outside the years 1-9999 that this "
            "mirror's datetimes can hold"
        ) from None
    result = GoTime(*value.timetuple()[:6], instant.nanosecond // 1000, UTC)
    result.nanosecond = instant.nanosecond % 1000
    return result


def obs_time(obj: dict[str, Any]) -> datetime | None:
    """The ``time`` field of a stats object; ``None`` is Go's zero time.

    >>> obs_time({"time": "2018-11-26T12:00:00Z"}).isoformat()
    '2018-11-26T12:00:00+00:00'
    >>> obs_time({}) is None, obs_time({"time": "0001-01-01T00:00:00Z"}) is None
    (True, True)
    """
    raw = obj.get("time")
    if raw is None:
        return None
    value = parse_time(raw)
    # Go's zero time marshals as 0001-01-01T00:00:00Z; treat it as absent.
    return None if value.year == 1 else value


def format_time(value: datetime) -> str:
    """A time as RFC 3339 in UTC, whole seconds.

    >>> format_time(parse_time("2018-11-26T13:00:00+01:00"))
    '2018-11-26T12:00:00Z'
    """
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# -- validation -------------------------------------------------------------


def _expect_object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise SummaryError(f"{where}: expected an object, got {type(value).__name__}")
    return value


def _expect_list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise SummaryError(f"{where}: expected a list, got {type(value).__name__}")
    return value


def _check_uints(obj: dict[str, Any], fields: tuple[str, ...], where: str) -> None:
    for name in fields:
        value = obj.get(name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            raise SummaryError(
                f"{where}.{name}: expected an unsigned integer, got {type(value).__name__} "
                f"{value!r}"
            )
        if not 0 <= value <= _MAX_UINT64:
            raise SummaryError(f"{where}.{name}: {value} is out of range for uint64")


def _check_time(obj: dict[str, Any], where: str) -> None:
    raw = obj.get("time")
    if raw is None:
        return
    if not isinstance(raw, str):
        raise SummaryError(f"{where}.time: expected an RFC 3339 string, got {raw!r}")
    try:
        parse_time(raw)
    except SummaryError as err:
        raise SummaryError(f"{where}.time: {err}") from None


def _check_fs(value: Any, where: str) -> None:
    if value is None:
        return
    obj = _expect_object(value, where)
    _check_time(obj, where)
    _check_uints(obj, _FS_FIELDS, where)


def _check_memory(value: Any, where: str) -> None:
    if value is None:
        return
    obj = _expect_object(value, where)
    _check_time(obj, where)
    _check_uints(obj, _MEM_FIELDS, where)


def _check_container(value: Any, where: str) -> None:
    obj = _expect_object(value, where)
    name = obj.get("name", "")
    if not isinstance(name, str):
        raise SummaryError(f"{where}.name: expected a string, got {name!r}")
    _check_memory(obj.get("memory"), f"{where}.memory")
    _check_fs(obj.get("rootfs"), f"{where}.rootfs")
    _check_fs(obj.get("logs"), f"{where}.logs")


def _or_empty(obj: dict[str, Any], key: str) -> Any:
    """A missing or null list is empty (Go decodes it to a nil slice)."""
    value = obj.get(key)
    return [] if value is None else value


def validate_summary(summary: Any) -> Summary:
    """Check ``summary`` is a Summary document; return it unchanged or raise.

    >>> validate_summary({"node": {"nodeName": "n"}, "pods": []})["node"]
    {'nodeName': 'n'}
    """
    doc = _expect_object(summary, "summary")
    if "node" not in doc or doc["node"] is None:
        raise SummaryError("summary: missing required field 'node'")
    node = _expect_object(doc["node"], "summary.node")
    for i, container in enumerate(
        _expect_list(_or_empty(node, "systemContainers"), "summary.node.systemContainers")
    ):
        _check_container(container, f"summary.node.systemContainers[{i}]")
    _check_memory(node.get("memory"), "summary.node.memory")
    _check_fs(node.get("fs"), "summary.node.fs")
    runtime = node.get("runtime")
    if runtime is not None:
        _check_fs(
            _expect_object(runtime, "summary.node.runtime").get("imageFs"),
            "summary.node.runtime.imageFs",
        )
    rlimit = node.get("rlimit")
    if rlimit is not None:
        obj = _expect_object(rlimit, "summary.node.rlimit")
        _check_time(obj, "summary.node.rlimit")
        for name in ("maxpid", "curproc"):
            value = obj.get(name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise SummaryError(
                    f"summary.node.rlimit.{name}: expected an integer, got {value!r}"
                )
    for i, pod in enumerate(_expect_list(_or_empty(doc, "pods"), "summary.pods")):
        where = f"summary.pods[{i}]"
        obj = _expect_object(pod, where)
        ref = _expect_object(obj.get("podRef"), f"{where}.podRef") if "podRef" in obj else {}
        for name in ("name", "namespace", "uid"):
            if not isinstance(ref.get(name, ""), str):
                raise SummaryError(f"{where}.podRef.{name}: expected a string")
        for j, container in enumerate(
            _expect_list(_or_empty(obj, "containers"), f"{where}.containers")
        ):
            _check_container(container, f"{where}.containers[{j}]")
        for j, volume in enumerate(_expect_list(_or_empty(obj, "volume"), f"{where}.volume")):
            _check_fs(volume, f"{where}.volume[{j}]")
        _check_fs(obj.get("ephemeral-storage"), f"{where}.ephemeral-storage")
    return doc


# -- accessors ---------------------------------------------------------------


def pod_stats_uid(stats: PodStats) -> str:
    """The pod UID of a PodStats object ('' when absent).

    >>> pod_stats_uid({"podRef": {"name": "web", "uid": "u1"}})
    'u1'
    """
    return str((stats.get("podRef") or {}).get("uid", ""))


def pod_stats_list(summary: Summary) -> list[PodStats]:
    """The pod stats of a Summary ([] when absent).

    >>> pod_stats_list({"node": {}}), len(pod_stats_list({"pods": [{}, {}]}))
    ([], 2)
    """
    return summary.get("pods") or []
