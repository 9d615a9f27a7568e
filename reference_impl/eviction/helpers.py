"""Mirror of ``pkg/kubelet/eviction/helpers.go`` at release-1.10 (v1.10.11).

Threshold parsing, signal observations from the Summary API, the threshold
bookkeeping used by ``synchronize``, and pod ranking.

Go map iteration order
    Go randomises the order in which a map is walked.  Several results here come
    out of map walks: the order of parsed thresholds (the flag maps), of
    ``thresholds_met_grace_period`` (walks ``map[Threshold]time.Time``), of
    ``node_conditions_observed_since``.  We walk Python dicts, i.e. in insertion
    order, which is one of the orders Go could have produced.  Callers and tests
    must treat these lists as sets, as the upstream tests do.

Ranking
    Pods are ranked with Go 1.10's unstable ``sort.Sort`` (:mod:`.gosort`), so ties
    between equal pods come out in the kubelet's order, not Python's stable one.

One module, over 600 lines, on purpose: it mirrors one Go file (helpers.go) function by
function, in the Go file's order, so a reader can hold the two side by side; most of its
length is the docstrings and doctests issue 12 asks every public function to carry.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from reference_impl import features
from reference_impl.eviction.api import (
    OP_FOR_SIGNAL,
    OP_LESS_THAN,
    SIGNAL_ALLOCATABLE_MEMORY_AVAILABLE,
    SIGNAL_IMAGE_FS_AVAILABLE,
    SIGNAL_IMAGE_FS_INODES_FREE,
    SIGNAL_MEMORY_AVAILABLE,
    SIGNAL_NODE_FS_AVAILABLE,
    SIGNAL_NODE_FS_INODES_FREE,
    SIGNAL_PID_AVAILABLE,
    Threshold,
    ThresholdValue,
    float32,
    get_threshold_quantity,
)
from reference_impl.eviction.goparse import GoError, parse_duration_ns, parse_float32
from reference_impl.eviction.gosort import go_sort
from reference_impl.eviction.pods import (
    RESOURCE_EPHEMERAL_STORAGE,
    RESOURCE_MEMORY,
    get_pod_priority,
    parsed,
    pod_uid,
    pod_volumes,
)
from reference_impl.eviction.rankedsort import declare_reading, sort_by_ranks
from reference_impl.eviction.stats import SYSTEM_CONTAINER_PODS, obs_time
from reference_impl.eviction.types import (
    FS_STATS_LOCAL_VOLUME_SOURCE,
    FS_STATS_LOGS,
    FS_STATS_ROOT,
    NODE_DISK_PRESSURE,
    NODE_MEMORY_PRESSURE,
    NODE_PID_PRESSURE,
    ContainerGC,
    ImageGC,
    NodeConditionsObservedAt,
    NodeReclaimFunc,
    Pod,
    PodStats,
    RankFunc,
    SignalObservation,
    SignalObservations,
    StatsFunc,
    Summary,
    ThresholdsObservedAt,
)
from reference_impl.mirrors import mirrors
from reference_impl.quantity import BINARY_SI, Quantity, QuantityError, new_quantity, parse_quantity

_EV = "k8s.io/kubernetes/pkg/kubelet/eviction"

UNSUPPORTED_EVICTION_SIGNAL = "unsupported eviction signal {}"
REASON = "Evicted"
MESSAGE = "The node was low on resource: {}."
NODE_ALLOCATABLE_ENFORCEMENT_KEY = "pods"

RESOURCE_DISK = "disk"
RESOURCE_INODES = "inodes"
RESOURCE_IMAGE_FS = "imagefs"
RESOURCE_IMAGE_FS_INODES = "imagefsInodes"
RESOURCE_NODE_FS = "nodefs"
RESOURCE_NODE_FS_INODES = "nodefsInodes"

SIGNAL_TO_NODE_CONDITION: dict[str, str] = {
    SIGNAL_MEMORY_AVAILABLE: NODE_MEMORY_PRESSURE,
    SIGNAL_ALLOCATABLE_MEMORY_AVAILABLE: NODE_MEMORY_PRESSURE,
    SIGNAL_IMAGE_FS_AVAILABLE: NODE_DISK_PRESSURE,
    SIGNAL_NODE_FS_AVAILABLE: NODE_DISK_PRESSURE,
    SIGNAL_IMAGE_FS_INODES_FREE: NODE_DISK_PRESSURE,
    SIGNAL_NODE_FS_INODES_FREE: NODE_DISK_PRESSURE,
    SIGNAL_PID_AVAILABLE: NODE_PID_PRESSURE,
}

# validSignal consults this map, so it also decides which signals the flags
# accept: pid.available and allocatableNodeFs.available are absent in 1.10.
SIGNAL_TO_RESOURCE: dict[str, str] = {
    SIGNAL_MEMORY_AVAILABLE: RESOURCE_MEMORY,
    SIGNAL_ALLOCATABLE_MEMORY_AVAILABLE: RESOURCE_MEMORY,
    SIGNAL_IMAGE_FS_AVAILABLE: RESOURCE_IMAGE_FS,
    SIGNAL_IMAGE_FS_INODES_FREE: RESOURCE_IMAGE_FS_INODES,
    SIGNAL_NODE_FS_AVAILABLE: RESOURCE_NODE_FS,
    SIGNAL_NODE_FS_INODES_FREE: RESOURCE_NODE_FS_INODES,
}

RESOURCE_CLAIM_TO_SIGNAL: dict[str, list[str]] = {
    RESOURCE_NODE_FS: [SIGNAL_NODE_FS_AVAILABLE],
    RESOURCE_IMAGE_FS: [SIGNAL_IMAGE_FS_AVAILABLE],
    RESOURCE_NODE_FS_INODES: [SIGNAL_NODE_FS_INODES_FREE],
    RESOURCE_IMAGE_FS_INODES: [SIGNAL_IMAGE_FS_INODES_FREE],
}

_MASK64 = (1 << 64) - 1


def _int64(value: int) -> int:
    """Go's int64(uint64) conversion: wraps values of 2^63 and above."""
    value &= _MASK64
    return value - (1 << 64) if value >= 1 << 63 else value


class ThresholdConfigError(ValueError):
    """ParseThresholdConfig failed; the message is the kubelet's error text.

    >>> from reference_impl.eviction.helpers import parse_threshold_config
    >>> try:
    ...     parse_threshold_config([], {"pid.available": "100"}, {}, {}, {})
    ... except ThresholdConfigError as e:
    ...     print(e)
    unsupported eviction signal pid.available
    """


# --------------------------------------------------------------------------
# Parsing the --eviction-* flags
# --------------------------------------------------------------------------


@mirrors(f"{_EV}.validSignal")
def valid_signal(signal: str) -> bool:
    """Whether ``signal`` is one ParseThresholdConfig accepts (it has a resource mapping).

    Mirrors Go ``eviction.validSignal``.

    >>> valid_signal("memory.available"), valid_signal("pid.available")
    (True, False)
    """
    return signal in SIGNAL_TO_RESOURCE


@mirrors(f"{_EV}.ParseThresholdConfig")
def parse_threshold_config(
    allocatable_config: list[str] | None,
    eviction_hard: Mapping[str, str] | None,
    eviction_soft: Mapping[str, str] | None,
    eviction_soft_grace_period: Mapping[str, str] | None,
    eviction_minimum_reclaim: Mapping[str, str] | None,
) -> list[Threshold]:
    """Turn the eviction flags into thresholds; raise ThresholdConfigError on bad input.

    Thresholds come out hard first, then soft, each group in the iteration order of
    its map (Go: random; here: insertion order), then the allocatable copies.

    Mirrors Go ``eviction.ParseThresholdConfig``.

    >>> ts = parse_threshold_config(["pods"], {"memory.available": "100Mi"}, {}, {}, {})
    >>> [(t.signal, str(t.value.quantity)) for t in ts]
    [('memory.available', '100Mi'), ('allocatableMemory.available', '100Mi')]
    """
    results: list[Threshold] = list(parse_threshold_statements(eviction_hard))
    soft = parse_threshold_statements(eviction_soft)
    grace_periods = parse_grace_periods(eviction_soft_grace_period)
    min_reclaims = parse_minimum_reclaims(eviction_minimum_reclaim)
    for i, threshold in enumerate(soft):
        period = grace_periods.get(threshold.signal)
        if period is None:
            raise ThresholdConfigError(
                f"grace period must be specified for the soft eviction threshold {threshold.signal}"
            )
        soft[i] = replace(threshold, grace_period=period)
    results.extend(soft)
    for i, threshold in enumerate(results):
        reclaim = min_reclaims.get(threshold.signal)
        if reclaim is not None:
            # Go takes the address of a fresh copy for every threshold: distinct
            # MinReclaim pointers that share the same Quantity pointer.
            copy = ThresholdValue(quantity=reclaim.quantity, percentage=reclaim.percentage)
            results[i] = replace(threshold, min_reclaim=copy)
    if NODE_ALLOCATABLE_ENFORCEMENT_KEY in (allocatable_config or []):
        results = add_allocatable_thresholds(results)
    return results


@mirrors(f"{_EV}.addAllocatableThresholds")
def add_allocatable_thresholds(thresholds: list[Threshold]) -> list[Threshold]:
    """Copy every hard memory.available threshold to allocatableMemory.available.

    Mirrors Go ``eviction.addAllocatableThresholds``.

    >>> ts = parse_threshold_config([], {"memory.available": "100Mi"}, {}, {}, {})
    >>> [t.signal for t in add_allocatable_thresholds(ts)]
    ['memory.available', 'allocatableMemory.available']
    """
    additional = [
        Threshold(
            signal=SIGNAL_ALLOCATABLE_MEMORY_AVAILABLE,
            operator=t.operator,
            value=t.value,
            min_reclaim=t.min_reclaim,
        )
        for t in thresholds
        if t.signal == SIGNAL_MEMORY_AVAILABLE and is_hard_eviction_threshold(t)
    ]
    return thresholds + additional


@mirrors(f"{_EV}.parseThresholdStatements")
def parse_threshold_statements(statements: Mapping[str, str] | None) -> list[Threshold]:
    """Parse a ``signal: value`` map of eviction flags into thresholds (0%/100% disable one).

    Mirrors Go ``eviction.parseThresholdStatements``.

    >>> [
    ...     (t.signal, t.value.percentage)
    ...     for t in parse_threshold_statements({"nodefs.available": "10%"})
    ... ]
    [('nodefs.available', 0.10000000149011612)]
    """
    results = []
    for signal, value in (statements or {}).items():
        threshold = parse_threshold_statement(signal, value)
        if threshold is not None:
            results.append(threshold)
    return results


@mirrors(f"{_EV}.parseThresholdStatement")
def parse_threshold_statement(signal: str, value: str) -> Threshold | None:
    """One ``signal<value`` statement; ``None`` when it disables the signal (0% or 100%).

    Mirrors Go ``eviction.parseThresholdStatement``.

    >>> str(parse_threshold_statement("memory.available", "1Gi").value.quantity)
    '1Gi'
    >>> parse_threshold_statement("memory.available", "0%") is None
    True
    """
    if not valid_signal(signal):
        raise ThresholdConfigError(UNSUPPORTED_EVICTION_SIGNAL.format(signal))
    operator = OP_FOR_SIGNAL.get(signal, "")
    if value.endswith("%"):
        if value in ("0%", "100%"):
            return None
        percentage = parse_percentage(value)
        # percentage is already a fraction here, so the upper check only rejects
        # values above 10000% — a quirk of the Go code, mirrored.
        if percentage < 0:
            raise ThresholdConfigError(
                f"eviction percentage threshold {signal} must be >= 0%: {value}"
            )
        if percentage > 100:
            raise ThresholdConfigError(
                f"eviction percentage threshold {signal} must be <= 100%: {value}"
            )
        return Threshold(signal, operator, ThresholdValue(percentage=percentage))
    quantity = _parse_quantity(value)
    if quantity.sign() < 0 or quantity.is_zero():
        raise ThresholdConfigError(f"eviction threshold {signal} must be positive: {quantity}")
    return Threshold(signal, operator, ThresholdValue(quantity=quantity))


def _parse_quantity(value: str) -> Quantity:
    try:
        return parse_quantity(value)
    except QuantityError as err:
        raise ThresholdConfigError(str(err)) from None


@mirrors(f"{_EV}.parsePercentage")
def parse_percentage(text: str) -> float:
    """``"10%"`` → float32(0.1); the division happens in float32 like Go's.

    Mirrors Go ``eviction.parsePercentage``.

    >>> parse_percentage("10%")
    0.10000000149011612
    """
    try:
        value = parse_float32(text.rstrip("%"))
    except GoError as err:
        raise ThresholdConfigError(str(err)) from None
    return float32(value / 100)


@mirrors(f"{_EV}.parseGracePeriods")
def parse_grace_periods(statements: Mapping[str, str] | None) -> dict[str, timedelta]:
    """Parse ``--eviction-soft-grace-period`` into durations per signal (Go duration syntax).

    Mirrors Go ``eviction.parseGracePeriods``.

    >>> parse_grace_periods({"memory.available": "1m30s"})
    {'memory.available': datetime.timedelta(seconds=90)}
    """
    results: dict[str, timedelta] = {}
    for signal, value in (statements or {}).items():
        if not valid_signal(signal):
            raise ThresholdConfigError(UNSUPPORTED_EVICTION_SIGNAL.format(signal))
        try:
            nanos = parse_duration_ns(value)
        except GoError as err:
            raise ThresholdConfigError(str(err)) from None
        if nanos < 0:
            raise ThresholdConfigError(
                f"invalid eviction grace period specified: {value}, must be a positive value"
            )
        results[signal] = _duration(nanos)
    return results


def _duration(nanos: int) -> timedelta:
    """Nanoseconds as a timedelta.

    timedelta counts microseconds; a non-zero duration below 1µs is rounded up to
    1µs so that a soft threshold never turns into a hard one (grace period 0).
    """
    micros, rest = divmod(nanos, 1000)
    if rest:
        micros += 1
    return timedelta(microseconds=micros)


@mirrors(f"{_EV}.parseMinimumReclaims")
def parse_minimum_reclaims(statements: Mapping[str, str] | None) -> dict[str, ThresholdValue]:
    """Parse ``--eviction-minimum-reclaim`` into a threshold value per signal.

    Mirrors Go ``eviction.parseMinimumReclaims``.

    >>> str(parse_minimum_reclaims({"memory.available": "500Mi"})["memory.available"].quantity)
    '500Mi'
    """
    results: dict[str, ThresholdValue] = {}
    for signal, value in (statements or {}).items():
        if not valid_signal(signal):
            raise ThresholdConfigError(UNSUPPORTED_EVICTION_SIGNAL.format(signal))
        if value.endswith("%"):
            percentage = parse_percentage(value)
            if percentage <= 0:
                raise ThresholdConfigError(
                    f"eviction percentage minimum reclaim {signal} must be positive: {value}"
                )
            results[signal] = ThresholdValue(percentage=percentage)
            continue
        quantity = _parse_quantity(value)
        if quantity.sign() < 0:
            raise ThresholdConfigError(f"negative eviction minimum reclaim specified for {signal}")
        results[signal] = ThresholdValue(quantity=quantity)
    return results


# --------------------------------------------------------------------------
# Usage of pods, from the Summary API
# --------------------------------------------------------------------------


def _uint_quantity(obj: dict[str, Any] | None, key: str) -> Quantity:
    if obj is None:
        return Quantity(0, BINARY_SI)
    raw = obj.get(key)
    if raw is None:
        return Quantity(0, BINARY_SI)
    return new_quantity(_int64(raw), BINARY_SI)


@mirrors(f"{_EV}.diskUsage")
def disk_usage(fs_stats: dict[str, Any] | None) -> Quantity:
    """``usedBytes`` of a filesystem stats object as a quantity (0 when absent).

    Mirrors Go ``eviction.diskUsage``.

    >>> str(disk_usage({"usedBytes": 1048576}))
    '1Mi'
    """
    return _uint_quantity(fs_stats, "usedBytes")


@mirrors(f"{_EV}.inodeUsage")
def inode_usage(fs_stats: dict[str, Any] | None) -> Quantity:
    """``inodesUsed`` of a filesystem stats object as a quantity (0 when absent).

    Mirrors Go ``eviction.inodeUsage``.

    >>> str(inode_usage({"inodesUsed": 1000}))
    '1k'
    """
    return _uint_quantity(fs_stats, "inodesUsed")


@mirrors(f"{_EV}.memoryUsage")
def memory_usage(mem_stats: dict[str, Any] | None) -> Quantity:
    """``workingSetBytes`` of a memory stats object as a quantity (0 when absent).

    Mirrors Go ``eviction.memoryUsage``.

    >>> str(memory_usage({"workingSetBytes": 2**30}))
    '1Gi'
    """
    return _uint_quantity(mem_stats, "workingSetBytes")


def _volume_kind(volume: dict[str, Any]) -> set[str]:
    return {k for k, v in volume.items() if v is not None and k != "name"}


@mirrors(f"{_EV}.localVolumeNames")
def local_volume_names(pod: Pod) -> list[str]:
    """hostPath, emptyDir not in memory, configMap and gitRepo volumes.

    Mirrors Go ``eviction.localVolumeNames``.

    >>> local_volume_names(
    ...     {
    ...         "spec": {
    ...             "volumes": [
    ...                 {"name": "scratch", "emptyDir": {}},
    ...                 {"name": "ram", "emptyDir": {"medium": "Memory"}},
    ...             ]
    ...         }
    ...     }
    ... )
    ['scratch']
    """
    result = []
    for volume in pod_volumes(pod):
        empty_dir = volume.get("emptyDir")
        if (
            volume.get("hostPath") is not None
            or (empty_dir is not None and empty_dir.get("medium", "") != "Memory")
            or volume.get("configMap") is not None
            or volume.get("gitRepo") is not None
        ):
            result.append(volume.get("name", ""))
    return result


@mirrors(f"{_EV}.localEphemeralVolumeNames")
def local_ephemeral_volume_names(pod: Pod) -> list[str]:
    """gitRepo, emptyDir not in memory, configMap and downwardAPI volumes.

    Mirrors Go ``eviction.localEphemeralVolumeNames``.

    >>> local_ephemeral_volume_names(
    ...     {
    ...         "spec": {
    ...             "volumes": [
    ...                 {"name": "scratch", "emptyDir": {}},
    ...                 {"name": "host", "hostPath": {"path": "/x"}},
    ...             ]
    ...         }
    ...     }
    ... )
    ['scratch']
    """
    result = []
    for volume in pod_volumes(pod):
        empty_dir = volume.get("emptyDir")
        if (
            volume.get("gitRepo") is not None
            or (empty_dir is not None and empty_dir.get("medium", "") != "Memory")
            or volume.get("configMap") is not None
            or volume.get("downwardAPI") is not None
        ):
            result.append(volume.get("name", ""))
    return result


ResourceList = dict[str, Quantity]


@mirrors(f"{_EV}.containerUsage")
def container_usage(pod_stats: PodStats, stats_to_measure: list[str]) -> ResourceList:
    """Disk and inode usage of a pod's containers, summed over the requested stats (rootfs, logs).

    Mirrors Go ``eviction.containerUsage``.

    >>> stats = {
    ...     "containers": [
    ...         {
    ...             "name": "c",
    ...             "rootfs": {"usedBytes": 100, "inodesUsed": 2},
    ...             "logs": {"usedBytes": 20, "inodesUsed": 1},
    ...         }
    ...     ]
    ... }
    >>> {k: str(v) for k, v in container_usage(stats, ["root", "logs"]).items()}
    {'disk': '120', 'inodes': '3'}
    """
    disk = Quantity(0, BINARY_SI)
    inodes = Quantity(0, BINARY_SI)
    root = FS_STATS_ROOT in stats_to_measure
    logs = FS_STATS_LOGS in stats_to_measure
    for container in pod_stats.get("containers") or []:
        if root:
            disk.add(disk_usage(container.get("rootfs")))
            inodes.add(inode_usage(container.get("rootfs")))
        if logs:
            disk.add(disk_usage(container.get("logs")))
            inodes.add(inode_usage(container.get("logs")))
    return {RESOURCE_DISK: disk, RESOURCE_INODES: inodes}


@mirrors(f"{_EV}.podLocalVolumeUsage")
def pod_local_volume_usage(volume_names: list[str], pod_stats: PodStats) -> ResourceList:
    """Disk and inode usage of the named volumes in a pod's stats.

    Mirrors Go ``eviction.podLocalVolumeUsage``.

    >>> stats = {"volume": [{"name": "scratch", "usedBytes": 2048, "inodesUsed": 3}]}
    >>> {k: str(v) for k, v in pod_local_volume_usage(["scratch"], stats).items()}
    {'disk': '2Ki', 'inodes': '3'}
    """
    disk = Quantity(0, BINARY_SI)
    inodes = Quantity(0, BINARY_SI)
    volumes = pod_stats.get("volume") or []
    for name in volume_names:
        for volume in volumes:
            if volume.get("name", "") == name:
                disk.add(disk_usage(volume))
                inodes.add(inode_usage(volume))
                break
    return {RESOURCE_DISK: disk, RESOURCE_INODES: inodes}


def _pod_usage(
    pod_stats: PodStats, pod: Pod, stats_to_measure: list[str], names: Callable[[Pod], list[str]]
) -> ResourceList:
    usage = container_usage(pod_stats, stats_to_measure)
    disk = Quantity(0, BINARY_SI)
    inodes = Quantity(0, BINARY_SI)
    disk.add(usage[RESOURCE_DISK])
    inodes.add(usage[RESOURCE_INODES])
    if FS_STATS_LOCAL_VOLUME_SOURCE in stats_to_measure:
        volume_usage = pod_local_volume_usage(names(pod), pod_stats)
        disk.add(volume_usage[RESOURCE_DISK])
        inodes.add(volume_usage[RESOURCE_INODES])
    return {RESOURCE_DISK: disk, RESOURCE_INODES: inodes}


@mirrors(f"{_EV}.podDiskUsage")
def pod_disk_usage(pod_stats: PodStats, pod: Pod, stats_to_measure: list[str]) -> ResourceList:
    """A pod's disk and inode usage: containers plus its local volumes.

    Mirrors Go ``eviction.podDiskUsage``.

    >>> pod = {"spec": {"volumes": [{"name": "scratch", "emptyDir": {}}]}}
    >>> stats = {
    ...     "containers": [{"name": "c", "rootfs": {"usedBytes": 100}}],
    ...     "volume": [{"name": "scratch", "usedBytes": 2048}],
    ... }
    >>> {k: str(v) for k, v in pod_disk_usage(stats, pod, ["root", "localVolumeSource"]).items()}
    {'disk': '2148', 'inodes': '0'}
    """
    return _pod_usage(pod_stats, pod, stats_to_measure, local_volume_names)


@mirrors(f"{_EV}.podLocalEphemeralStorageUsage")
def pod_local_ephemeral_storage_usage(
    pod_stats: PodStats, pod: Pod, stats_to_measure: list[str]
) -> ResourceList:
    """A pod's ephemeral-storage usage: containers plus its local ephemeral volumes.

    Mirrors Go ``eviction.podLocalEphemeralStorageUsage``.

    >>> pod = {"spec": {"volumes": [{"name": "scratch", "emptyDir": {}}]}}
    >>> stats = {
    ...     "containers": [{"name": "c", "rootfs": {"usedBytes": 100}, "logs": {"usedBytes": 20}}],
    ...     "volume": [{"name": "scratch", "usedBytes": 2048}],
    ... }
    >>> {
    ...     k: str(v)
    ...     for k, v in pod_local_ephemeral_storage_usage(
    ...         stats, pod, ["root", "logs", "localVolumeSource"]
    ...     ).items()
    ... }
    {'disk': '2168', 'inodes': '0'}
    """
    return _pod_usage(pod_stats, pod, stats_to_measure, local_ephemeral_volume_names)


@mirrors(f"{_EV}.podMemoryUsage")
def pod_memory_usage(pod_stats: PodStats) -> ResourceList:
    """A pod's memory usage: the sum of its containers' working sets.

    Mirrors Go ``eviction.podMemoryUsage``.

    >>> stats = {
    ...     "containers": [
    ...         {"name": "a", "memory": {"workingSetBytes": 2**20}},
    ...         {"name": "b", "memory": {"workingSetBytes": 2**21}},
    ...     ]
    ... }
    >>> str(pod_memory_usage(stats)["memory"])
    '3Mi'
    """
    memory = Quantity(0, BINARY_SI)
    for container in pod_stats.get("containers") or []:
        memory.add(memory_usage(container.get("memory")))
    return {RESOURCE_MEMORY: memory}


@mirrors(f"{_EV}.formatThreshold")
def format_threshold(threshold: Threshold) -> str:
    """A threshold as the kubelet logs it.

    Mirrors Go ``eviction.formatThreshold``.

    >>> (t,) = parse_threshold_config([], {"memory.available": "100Mi"}, {}, {}, {})
    >>> format_threshold(t)
    'threshold(signal=memory.available, operator=LessThan, value=100Mi, gracePeriod=0s)'
    """
    return (
        f"threshold(signal={threshold.signal}, operator={threshold.operator}, "
        f"value={format_threshold_value(threshold.value)}, "
        f"gracePeriod={format_go_duration(threshold.grace_period)})"
    )


@mirrors(f"{_EV}.formatThresholdValue")
def format_threshold_value(value: ThresholdValue) -> str:
    """A threshold value as the kubelet logs it (a quantity, or a percentage).

    Mirrors Go ``eviction.formatThresholdValue``.

    >>> (t,) = parse_threshold_config([], {"nodefs.available": "10%"}, {}, {}, {})
    >>> format_threshold_value(t.value)
    '10.000000%'
    """
    if value.quantity is not None:
        return str(value.quantity)
    return f"{float32(value.percentage * float32(100)):f}%"


@mirrors("(time.Duration).String")
def format_go_duration(duration: timedelta) -> str:
    """Go's Duration.String() for whole microseconds (enough for eviction configs).

    >>> from datetime import timedelta
    >>> format_go_duration(timedelta(minutes=1, seconds=30))
    '1m30s'
    >>> format_go_duration(timedelta(0))
    '0s'
    """
    micros = duration // timedelta(microseconds=1)
    if micros == 0:
        return "0s"
    sign = "-" if micros < 0 else ""
    micros = abs(micros)
    if micros < 1_000_000:
        if micros < 1000:
            return f"{sign}{micros}µs"
        return f"{sign}{_trim(micros / 1000)}ms"
    hours, rest = divmod(micros, 3_600_000_000)
    minutes, rest = divmod(rest, 60_000_000)
    seconds = _trim(rest / 1_000_000)
    if hours:
        return f"{sign}{hours}h{minutes}m{seconds}s"
    if minutes:
        return f"{sign}{minutes}m{seconds}s"
    return f"{sign}{seconds}s"


def _trim(value: float) -> str:
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text or "0"


@mirrors(f"{_EV}.cachedStatsFunc")
def cached_stats_func(pod_stats: list[PodStats]) -> StatsFunc:
    """A lookup from a pod to its stats, by UID.

    Mirrors Go ``eviction.cachedStatsFunc``.

    >>> stats_of = cached_stats_func([{"podRef": {"uid": "u1"}, "containers": []}])
    >>> stats_of({"metadata": {"uid": "u1"}})
    ({'podRef': {'uid': 'u1'}, 'containers': []}, True)
    >>> stats_of({"metadata": {"uid": "u2"}})
    (None, False)
    """
    by_uid: dict[str, PodStats] = {}
    for stats in pod_stats:
        by_uid[(stats.get("podRef") or {}).get("uid", "")] = stats

    def stats_func(pod: Pod) -> tuple[PodStats | None, bool]:
        found = by_uid.get(pod_uid(pod))
        return found, found is not None

    return stats_func


# --------------------------------------------------------------------------
# Ranking
# --------------------------------------------------------------------------

CmpFunc = Callable[[Pod, Pod], int]


class MultiSorter:
    """``multiSorter``: compares with each cmp in turn; the last one decides.

    >>> s = ordered_by(lambda a, b: (a > b) - (a < b))
    >>> isinstance(s, MultiSorter)
    True
    >>> xs = [3, 1, 2]
    >>> s.sort(xs)
    >>> xs
    [1, 2, 3]
    """

    def __init__(self, cmps: tuple[CmpFunc, ...]) -> None:
        self.cmp = cmps
        self.pods: list[Pod] = []

    @mirrors(f"(*{_EV}.multiSorter).Sort")
    def sort(self, pods: list[Pod]) -> None:
        self.pods = pods
        # Same sort, same unstable order as go_sort(pods, self._less), but each comparison
        # is called once per kind of pod rather than per Less: see rankedsort.py.  Falls
        # back to the literal pairwise replay when a comparison cannot say what it reads.
        if not sort_by_ranks(pods, self.cmp):
            go_sort(pods, self._less)

    @mirrors(f"(*{_EV}.multiSorter).Less")
    def _less(self, p1: Pod, p2: Pod) -> bool:
        cmps = self.cmp
        last = len(cmps) - 1
        for k in range(last):
            result = cmps[k](p1, p2)
            if result < 0:
                return True
            if result > 0:
                return False
        return cmps[last](p1, p2) < 0


@mirrors(f"{_EV}.orderedBy")
def ordered_by(*cmps: CmpFunc) -> MultiSorter:
    """A MultiSorter that compares with each function in turn.

    Mirrors Go ``eviction.orderedBy``.

    >>> xs = [(1, "b"), (0, "z"), (1, "a")]
    >>> ordered_by(lambda p, q: p[0] - q[0], lambda p, q: (p[1] > q[1]) - (p[1] < q[1])).sort(xs)
    >>> xs
    [(0, 'z'), (1, 'a'), (1, 'b')]
    """
    return MultiSorter(cmps)


@mirrors(f"{_EV}.priority")
def priority(p1: Pod, p2: Pod) -> int:
    """Lower priority first — only when the PodPriority gate is on.

    >>> from reference_impl import features
    >>> low, high = {"spec": {"priority": 1}}, {"spec": {"priority": 5}}
    >>> with features.gates(PodPriority=True):
    ...     print(priority(low, high))
    -1
    >>> priority(low, high)
    0
    """
    if not features.enabled(features.POD_PRIORITY):
        return 0
    priority1 = get_pod_priority(p1)
    priority2 = get_pod_priority(p2)
    if priority1 == priority2:
        return 0
    return 1 if priority1 > priority2 else -1


# priority() reads nothing from a pod but its priority (the gate is the same for all pods).
declare_reading(priority, get_pod_priority)


@mirrors(f"{_EV}.cmpBool")
def cmp_bool(a: bool, b: bool) -> int:
    """true before false.

    Mirrors Go ``eviction.cmpBool``.

    >>> cmp_bool(True, False), cmp_bool(False, True), cmp_bool(True, True)
    (-1, 1, 0)
    """
    if a == b:
        return 0
    return -1 if not b else 1


@mirrors(f"{_EV}.podRequest")
def pod_request(pod: Pod, resource_name: str) -> Quantity:
    """max(sum of container requests, largest init-container request).

    Mirrors Go ``eviction.podRequest``.

    >>> pod = {
    ...     "spec": {
    ...         "containers": [{"name": "c", "resources": {"requests": {"memory": "64Mi"}}}],
    ...         "initContainers": [{"name": "i", "resources": {"requests": {"memory": "128Mi"}}}],
    ...     }
    ... }
    >>> str(pod_request(pod, "memory"))
    '128Mi'
    """
    container_value = Quantity(0, BINARY_SI)
    if resource_name == RESOURCE_DISK and not features.enabled(
        features.LOCAL_STORAGE_CAPACITY_ISOLATION
    ):
        return container_value
    # Go's switch knows memory and disk only; any other resource requests zero.
    key = {RESOURCE_MEMORY: RESOURCE_MEMORY, RESOURCE_DISK: RESOURCE_EPHEMERAL_STORAGE}.get(
        resource_name, ""
    )
    info = parsed(pod)
    for container in info.containers:
        if key:
            container_value.add(container.requests.get(key) or Quantity(0, BINARY_SI))
    init_value = Quantity(0, BINARY_SI)
    for container in info.init_containers:
        if key:
            request = container.requests.get(key) or Quantity(0, BINARY_SI)
            if init_value.cmp(request) < 0:
                init_value = request.copy()
    if container_value.cmp(init_value) > 0:
        return container_value
    return init_value


# The four comparisons below recompute a pod's usage and request on every call,
# as Go does.  Within one ranking pass those numbers cannot change, so each
# comparison keeps them per pod (by identity) for the life of the closure: same
# answers, far fewer Quantity objects when ranking 110 pods.

_Measure = Callable[[Pod], tuple[bool, int, int]]  # (stats found, usage, request) in nanos


def _memoized(measure: _Measure) -> _Measure:
    # The pod is kept with its numbers: while the memo lives its id cannot be reused by
    # another pod, so an id never finds a stranger's numbers.
    cache: dict[int, tuple[Pod, tuple[bool, int, int]]] = {}

    def lookup(pod: Pod) -> tuple[bool, int, int]:
        hit = cache.get(id(pod))
        if hit is None or hit[0] is not pod:
            hit = cache[id(pod)] = (pod, measure(pod))
        return hit[1]

    return lookup


def _memory_measure(stats: StatsFunc) -> _Measure:
    def measure(pod: Pod) -> tuple[bool, int, int]:
        pod_stats, found = stats(pod)
        if not found or pod_stats is None:
            return False, 0, 0
        usage = pod_memory_usage(pod_stats)[RESOURCE_MEMORY]
        return True, usage.nanos, pod_request(pod, RESOURCE_MEMORY).nanos

    return _memoized(measure)


def _disk_measure(
    stats: StatsFunc, fs_stats_to_measure: list[str], disk_resource: str, request_resource: str
) -> _Measure:
    def measure(pod: Pod) -> tuple[bool, int, int]:
        pod_stats, found = stats(pod)
        if not found or pod_stats is None:
            return False, 0, 0
        usage = pod_disk_usage(pod_stats, pod, fs_stats_to_measure)[disk_resource]
        return True, usage.nanos, pod_request(pod, request_resource).nanos

    return _memoized(measure)


# ``source`` names what a measure reads (the resource and the stats function): when
# exceedMemoryRequests(stats) and memory(stats) sort the same pods, rankedsort reads each
# pod once for both.  Only within that one sort; nothing is kept across calls.
_Source = tuple[Any, ...]


def _exceeds(measure: _Measure, source: _Source) -> CmpFunc:
    """Pods with no stats first, then pods whose usage exceeds their request."""

    def compare(p1: Pod, p2: Pod) -> int:
        p1_found, p1_usage, p1_request = measure(p1)
        p2_found, p2_usage, p2_request = measure(p2)
        if not p1_found or not p2_found:
            return cmp_bool(not p1_found, not p2_found)
        return cmp_bool(p1_usage > p1_request, p2_usage > p2_request)

    return declare_reading(compare, measure, same_as=source)


def _above_request(measure: _Measure, source: _Source) -> CmpFunc:
    """Pods with no stats first, then the largest usage above request."""

    def compare(p1: Pod, p2: Pod) -> int:
        p1_found, p1_usage, p1_request = measure(p1)
        p2_found, p2_usage, p2_request = measure(p2)
        if not p1_found or not p2_found:
            return cmp_bool(not p1_found, not p2_found)
        above1, above2 = p1_usage - p1_request, p2_usage - p2_request
        return (above2 > above1) - (above2 < above1)

    return declare_reading(compare, measure, same_as=source)


@mirrors(f"{_EV}.exceedMemoryRequests")
def exceed_memory_requests(stats: StatsFunc) -> CmpFunc:
    """Compare pods by whether their memory usage exceeds their request (exceeding first).

    Mirrors Go ``eviction.exceedMemoryRequests``.

    >>> over = {"metadata": {"uid": "a"}, "spec": {"containers": [{"name": "c"}]}}
    >>> under = {
    ...     "metadata": {"uid": "b"},
    ...     "spec": {"containers": [{"name": "c", "resources": {"requests": {"memory": "1Gi"}}}]},
    ... }
    >>> usage = {
    ...     "a": {"containers": [{"name": "c", "memory": {"workingSetBytes": 2**20}}]},
    ...     "b": {"containers": [{"name": "c", "memory": {"workingSetBytes": 2**20}}]},
    ... }
    >>> exceed_memory_requests(lambda p: (usage[p["metadata"]["uid"]], True))(over, under)
    -1
    """
    return _exceeds(_memory_measure(stats), (RESOURCE_MEMORY, id(stats)))


@mirrors(f"{_EV}.memory")
def memory(stats: StatsFunc) -> CmpFunc:
    """Largest memory usage above request first.

    >>> a = {"metadata": {"uid": "a"}, "spec": {"containers": [{"name": "c"}]}}
    >>> b = {"metadata": {"uid": "b"}, "spec": {"containers": [{"name": "c"}]}}
    >>> usage = {
    ...     "a": {"containers": [{"name": "c", "memory": {"workingSetBytes": 2**30}}]},
    ...     "b": {"containers": [{"name": "c", "memory": {"workingSetBytes": 2**20}}]},
    ... }
    >>> memory(lambda p: (usage[p["metadata"]["uid"]], True))(a, b)
    -1
    """
    return _above_request(_memory_measure(stats), (RESOURCE_MEMORY, id(stats)))


@mirrors(f"{_EV}.exceedDiskRequests")
def exceed_disk_requests(
    stats: StatsFunc, fs_stats_to_measure: list[str], disk_resource: str
) -> CmpFunc:
    # Compares against podRequest(p, diskResource): zero when ranking by inodes.
    """Compare pods by whether their disk usage exceeds their request (exceeding first).

    Mirrors Go ``eviction.exceedDiskRequests``.

    >>> a = {"metadata": {"uid": "a"}, "spec": {"containers": [{"name": "c"}]}}
    >>> usage = {"containers": [{"name": "c", "rootfs": {"usedBytes": 100}}]}
    >>> exceed_disk_requests(lambda p: (usage, True), ["root"], "disk")(a, a)
    0
    """
    source = (disk_resource, id(stats), tuple(fs_stats_to_measure), disk_resource)
    return _exceeds(_disk_measure(stats, fs_stats_to_measure, disk_resource, disk_resource), source)


@mirrors(f"{_EV}.disk")
def disk(stats: StatsFunc, fs_stats_to_measure: list[str], disk_resource: str) -> CmpFunc:
    """Largest usage above request first.

    Quirk mirrored: the request subtracted is always the *ephemeral-storage*
    request (``podRequest(p, resourceDisk)``), also when ranking by inodes.

    Mirrors Go ``eviction.disk``.

    >>> a = {"metadata": {"uid": "a"}, "spec": {"containers": [{"name": "c"}]}}
    >>> b = {"metadata": {"uid": "b"}, "spec": {"containers": [{"name": "c"}]}}
    >>> usage = {
    ...     "a": {"containers": [{"name": "c", "rootfs": {"usedBytes": 10**9}}]},
    ...     "b": {"containers": [{"name": "c", "rootfs": {"usedBytes": 10}}]},
    ... }
    >>> disk(lambda p: (usage[p["metadata"]["uid"]], True), ["root"], "disk")(a, b)
    -1
    """
    source = (disk_resource, id(stats), tuple(fs_stats_to_measure), RESOURCE_DISK)
    return _above_request(
        _disk_measure(stats, fs_stats_to_measure, disk_resource, RESOURCE_DISK), source
    )


@mirrors(f"{_EV}.rankMemoryPressure")
def rank_memory_pressure(pods: list[Pod], stats: StatsFunc) -> None:
    """Exceeds requests → priority → usage above requests.

    Mirrors Go ``eviction.rankMemoryPressure``.

    >>> pods = [
    ...     {"metadata": {"name": n, "uid": n}, "spec": {"containers": [{"name": "c"}]}}
    ...     for n in ("small", "big")
    ... ]
    >>> usage = {"small": 2**20, "big": 2**30}
    >>> rank_memory_pressure(
    ...     pods,
    ...     lambda p: (
    ...         {
    ...             "containers": [
    ...                 {"name": "c", "memory": {"workingSetBytes": usage[p["metadata"]["uid"]]}}
    ...             ]
    ...         },
    ...         True,
    ...     ),
    ... )
    >>> [p["metadata"]["name"] for p in pods]
    ['big', 'small']
    """
    ordered_by(exceed_memory_requests(stats), priority, memory(stats)).sort(pods)


@mirrors(f"{_EV}.rankDiskPressureFunc")
def rank_disk_pressure_func(fs_stats_to_measure: list[str], disk_resource: str) -> RankFunc:
    """The rank function for a disk resource: exceeds requests, then priority, then usage.

    Mirrors Go ``eviction.rankDiskPressureFunc``.

    >>> pods = [
    ...     {"metadata": {"name": n, "uid": n}, "spec": {"containers": [{"name": "c"}]}}
    ...     for n in ("small", "big")
    ... ]
    >>> usage = {"small": 10, "big": 10**9}
    >>> rank_disk_pressure_func(["root"], "disk")(
    ...     pods,
    ...     lambda p: (
    ...         {
    ...             "containers": [
    ...                 {"name": "c", "rootfs": {"usedBytes": usage[p["metadata"]["uid"]]}}
    ...             ]
    ...         },
    ...         True,
    ...     ),
    ... )
    >>> [p["metadata"]["name"] for p in pods]
    ['big', 'small']
    """

    def rank(pods: list[Pod], stats: StatsFunc) -> None:
        ordered_by(
            exceed_disk_requests(stats, fs_stats_to_measure, disk_resource),
            priority,
            disk(stats, fs_stats_to_measure, disk_resource),
        ).sort(pods)

    return rank


@mirrors(f"({_EV}.byEvictionPriority).Less")
def by_eviction_priority_less(a: str, b: str) -> bool:
    """Memory before every other resource (and nothing else is ordered).

    Mirrors Go ``(eviction.byEvictionPriority).Less``.

    >>> by_eviction_priority_less("memory", "nodefs"), by_eviction_priority_less("nodefs", "memory")
    (True, False)
    """
    return a == RESOURCE_MEMORY


# --------------------------------------------------------------------------
# Observations and thresholds
# --------------------------------------------------------------------------


def _observation(available: int, capacity: int, time: datetime | None) -> SignalObservation:
    return SignalObservation(
        available=new_quantity(_int64(available), BINARY_SI),
        capacity=new_quantity(_int64(capacity), BINARY_SI),
        time=time,
    )


@mirrors(f"{_EV}.makeSignalObservations")
def make_signal_observations(summary: Summary) -> tuple[SignalObservations, StatsFunc]:
    """Observe every signal the Summary allows, and build the pod stats lookup.

    Mirrors Go ``eviction.makeSignalObservations``.

    >>> obs, stats_of = make_signal_observations(
    ...     {
    ...         "node": {
    ...             "memory": {
    ...                 "time": "2018-11-26T12:00:00Z",
    ...                 "availableBytes": 2**30,
    ...                 "workingSetBytes": 2**30,
    ...             }
    ...         },
    ...         "pods": [],
    ...     }
    ... )
    >>> str(obs["memory.available"].available), str(obs["memory.available"].capacity)
    ('1Gi', '2Gi')
    """
    stats_func = cached_stats_func(summary.get("pods") or [])
    result: SignalObservations = {}
    node = summary.get("node") or {}
    mem = node.get("memory")
    if mem is not None:
        available, working_set = mem.get("availableBytes"), mem.get("workingSetBytes")
        if available is not None and working_set is not None:
            result[SIGNAL_MEMORY_AVAILABLE] = _observation(
                available, available + working_set, obs_time(mem)
            )
    pods_container = get_sys_container(node.get("systemContainers") or [], SYSTEM_CONTAINER_PODS)
    if pods_container is not None:
        mem = pods_container.get("memory")
        if mem is not None:
            available, working_set = mem.get("availableBytes"), mem.get("workingSetBytes")
            if available is not None and working_set is not None:
                result[SIGNAL_ALLOCATABLE_MEMORY_AVAILABLE] = _observation(
                    available, available + working_set, obs_time(mem)
                )
    fs = node.get("fs")
    if fs is not None:
        if fs.get("availableBytes") is not None and fs.get("capacityBytes") is not None:
            result[SIGNAL_NODE_FS_AVAILABLE] = _observation(
                fs["availableBytes"], fs["capacityBytes"], obs_time(fs)
            )
        if fs.get("inodesFree") is not None and fs.get("inodes") is not None:
            result[SIGNAL_NODE_FS_INODES_FREE] = _observation(
                fs["inodesFree"], fs["inodes"], obs_time(fs)
            )
    runtime = node.get("runtime")
    image_fs = runtime.get("imageFs") if runtime is not None else None
    if image_fs is not None and (
        image_fs.get("availableBytes") is not None and image_fs.get("capacityBytes") is not None
    ):
        result[SIGNAL_IMAGE_FS_AVAILABLE] = _observation(
            image_fs["availableBytes"], image_fs["capacityBytes"], obs_time(image_fs)
        )
        # Nested on purpose: imagefs inodes are only observed with imagefs bytes.
        if image_fs.get("inodesFree") is not None and image_fs.get("inodes") is not None:
            result[SIGNAL_IMAGE_FS_INODES_FREE] = _observation(
                image_fs["inodesFree"], image_fs["inodes"], obs_time(image_fs)
            )
    rlimit = node.get("rlimit")
    if (
        rlimit is not None
        and rlimit.get("curproc") is not None
        and rlimit.get("maxpid") is not None
    ):
        result[SIGNAL_PID_AVAILABLE] = _observation(
            rlimit["maxpid"] - rlimit["curproc"], rlimit["maxpid"], obs_time(rlimit)
        )
    return result, stats_func


@mirrors(f"{_EV}.getSysContainer")
def get_sys_container(sys_containers: list[dict[str, Any]], name: str) -> dict[str, Any] | None:
    """The named system container, or None (Go returns an error, which is only logged).

    Mirrors Go ``eviction.getSysContainer``.

    >>> get_sys_container([{"name": "pods"}, {"name": "kubelet"}], "pods")
    {'name': 'pods'}
    >>> get_sys_container([], "pods") is None
    True
    """
    for container in sys_containers:
        if container.get("name") == name:
            return container
    return None


@mirrors(f"{_EV}.thresholdsMet")
def thresholds_met(
    thresholds: list[Threshold], observations: SignalObservations, enforce_min_reclaim: bool
) -> list[Threshold]:
    """Thresholds whose signal is below the threshold (plus min-reclaim, if enforced).

    Mirrors Go ``eviction.thresholdsMet``.

    >>> from reference_impl.quantity import must_parse
    >>> from reference_impl.eviction.types import SignalObservation
    >>> ts = parse_threshold_config([], {"memory.available": "100Mi"}, {}, {}, {})
    >>> low = {"memory.available": SignalObservation(must_parse("50Mi"), must_parse("1Gi"))}
    >>> [t.signal for t in thresholds_met(ts, low, False)]
    ['memory.available']
    >>> thresholds_met(
    ...     ts,
    ...     {"memory.available": SignalObservation(must_parse("500Mi"), must_parse("1Gi"))},
    ...     False,
    ... )
    []
    """
    results = []
    for threshold in thresholds:
        observed = observations.get(threshold.signal)
        if observed is None:
            continue
        quantity = get_threshold_quantity(threshold.value, observed.capacity)
        if enforce_min_reclaim and threshold.min_reclaim is not None:
            quantity.add(get_threshold_quantity(threshold.min_reclaim, observed.capacity))
        assert observed.available is not None
        if threshold.operator == OP_LESS_THAN and quantity.cmp(observed.available) > 0:
            results.append(threshold)
    return results


@mirrors(f"{_EV}.thresholdsUpdatedStats")
def thresholds_updated_stats(
    thresholds: list[Threshold],
    observations: SignalObservations,
    last_observations: SignalObservations | None,
) -> list[Threshold]:
    """Drop thresholds whose observation did not advance since the last pass.

    A stale observation (same or older timestamp) must not cause a second
    eviction for the same data; an observation without a time always counts.

    Mirrors Go ``eviction.thresholdsUpdatedStats``.

    >>> from reference_impl.quantity import must_parse
    >>> from datetime import datetime, timezone
    >>> from reference_impl.eviction.types import SignalObservation
    >>> ts = parse_threshold_config([], {"memory.available": "100Mi"}, {}, {}, {})
    >>> t0 = datetime(2018, 11, 26, tzinfo=timezone.utc)
    >>> seen = {"memory.available": SignalObservation(must_parse("50Mi"), must_parse("1Gi"), t0)}
    >>> thresholds_updated_stats(ts, seen, seen)
    []
    >>> len(thresholds_updated_stats(ts, seen, {}))
    1
    """
    results = []
    last_observations = last_observations or {}
    for threshold in thresholds:
        observed = observations.get(threshold.signal)
        if observed is None:
            continue
        last = last_observations.get(threshold.signal)
        if last is None or observed.time is None or last.time is None or observed.time > last.time:
            results.append(threshold)
    return results


@mirrors(f"{_EV}.thresholdsFirstObservedAt")
def thresholds_first_observed_at(
    thresholds: list[Threshold], last_observed_at: ThresholdsObservedAt, now: datetime
) -> ThresholdsObservedAt:
    """When each threshold was first seen met (kept from the last pass, else ``now``).

    Mirrors Go ``eviction.thresholdsFirstObservedAt``.

    >>> from datetime import datetime, timezone
    >>> ts = parse_threshold_config([], {"memory.available": "100Mi"}, {}, {}, {})
    >>> now = datetime(2018, 11, 26, tzinfo=timezone.utc)
    >>> list(thresholds_first_observed_at(ts, {}, now).values()) == [now]
    True
    """
    results: ThresholdsObservedAt = {}
    for threshold in thresholds:
        results[threshold] = last_observed_at.get(threshold, now)
    return results


@mirrors(f"{_EV}.thresholdsMetGracePeriod")
def thresholds_met_grace_period(
    observed_at: ThresholdsObservedAt, now: datetime
) -> list[Threshold]:
    """Thresholds met for at least their grace period.

    Mirrors Go ``eviction.thresholdsMetGracePeriod``.

    >>> from datetime import datetime, timedelta, timezone
    >>> ts = parse_threshold_config(
    ...     [], {}, {"memory.available": "100Mi"}, {"memory.available": "1m"}, {}
    ... )
    >>> t0 = datetime(2018, 11, 26, tzinfo=timezone.utc)
    >>> seen = thresholds_first_observed_at(ts, {}, t0)
    >>> thresholds_met_grace_period(seen, t0 + timedelta(seconds=30))
    []
    >>> len(thresholds_met_grace_period(seen, t0 + timedelta(minutes=1)))
    1
    """
    return [t for t, at in observed_at.items() if not now - at < t.grace_period]


@mirrors(f"{_EV}.nodeConditions")
def node_conditions(thresholds: list[Threshold]) -> list[str]:
    """The node conditions the given thresholds map to (each once).

    Mirrors Go ``eviction.nodeConditions``.

    >>> ts = parse_threshold_config(
    ...     [], {"memory.available": "100Mi", "nodefs.available": "10%"}, {}, {}, {}
    ... )
    >>> sorted(node_conditions(ts))
    ['DiskPressure', 'MemoryPressure']
    """
    results: list[str] = []
    for threshold in thresholds:
        condition = SIGNAL_TO_NODE_CONDITION.get(threshold.signal)
        if condition is not None and condition not in results:
            results.append(condition)
    return results


@mirrors(f"{_EV}.nodeConditionsLastObservedAt")
def node_conditions_last_observed_at(
    conditions: list[str], last_observed_at: NodeConditionsObservedAt, now: datetime
) -> NodeConditionsObservedAt:
    """When each condition was last observed: ``now`` for the given ones, earlier times kept.

    Mirrors Go ``eviction.nodeConditionsLastObservedAt``.

    >>> from datetime import datetime, timezone
    >>> now = datetime(2018, 11, 26, tzinfo=timezone.utc)
    >>> node_conditions_last_observed_at(["MemoryPressure"], {}, now) == {"MemoryPressure": now}
    True
    """
    results: NodeConditionsObservedAt = {c: now for c in conditions}
    for key, value in last_observed_at.items():
        results.setdefault(key, value)
    return results


@mirrors(f"{_EV}.nodeConditionsObservedSince")
def node_conditions_observed_since(
    observed_at: NodeConditionsObservedAt, period: timedelta, now: datetime
) -> list[str]:
    """Conditions observed within ``period`` of ``now`` (the pressure transition period).

    Mirrors Go ``eviction.nodeConditionsObservedSince``.

    >>> from datetime import datetime, timedelta, timezone
    >>> t0 = datetime(2018, 11, 26, tzinfo=timezone.utc)
    >>> node_conditions_observed_since(
    ...     {"MemoryPressure": t0}, timedelta(minutes=5), t0 + timedelta(minutes=1)
    ... )
    ['MemoryPressure']
    >>> node_conditions_observed_since(
    ...     {"MemoryPressure": t0}, timedelta(minutes=5), t0 + timedelta(minutes=6)
    ... )
    []
    """
    return [c for c, at in observed_at.items() if now - at < period]


@mirrors(f"{_EV}.hasFsStatsType")
def has_fs_stats_type(inputs: list[str], item: str) -> bool:
    """Whether ``item`` is in the list of filesystem stats types.

    Mirrors Go ``eviction.hasFsStatsType``.

    >>> has_fs_stats_type(["root", "logs"], "logs"), has_fs_stats_type(["root"], "logs")
    (True, False)
    """
    return item in inputs


@mirrors(f"{_EV}.hasNodeCondition")
def has_node_condition(inputs: list[str], item: str) -> bool:
    """Whether ``item`` is in the list of node conditions.

    Mirrors Go ``eviction.hasNodeCondition``.

    >>> (
    ...     has_node_condition(["MemoryPressure"], "MemoryPressure"),
    ...     has_node_condition([], "DiskPressure"),
    ... )
    (True, False)
    """
    return item in inputs


@mirrors(f"{_EV}.mergeThresholds")
def merge_thresholds(inputs_a: list[Threshold], inputs_b: list[Threshold]) -> list[Threshold]:
    # Go appends to inputsA's backing array; the caller never reuses it, so a
    # copy is equivalent and safer.
    """``inputs_a`` plus every threshold of ``inputs_b`` not already in it (hasThreshold).

    Mirrors Go ``eviction.mergeThresholds``.

    >>> a = parse_threshold_config([], {"memory.available": "100Mi"}, {}, {}, {})
    >>> b = parse_threshold_config([], {"nodefs.available": "10%"}, {}, {}, {})
    >>> [t.signal for t in merge_thresholds(a, b + a)]
    ['memory.available', 'nodefs.available']
    """
    results = list(inputs_a)
    for threshold in inputs_b:
        if not has_threshold(results, threshold):
            results.append(threshold)
    return results


@mirrors(f"{_EV}.hasThreshold")
def has_threshold(inputs: list[Threshold], item: Threshold) -> bool:
    """Same grace period, operator, signal and value (min-reclaim is not compared).

    Mirrors Go ``eviction.hasThreshold``.

    >>> (t,) = parse_threshold_config([], {"memory.available": "100Mi"}, {}, {}, {})
    >>> has_threshold([t], t), has_threshold([], t)
    (True, False)
    """
    return any(
        t.grace_period == item.grace_period
        and t.operator == item.operator
        and t.signal == item.signal
        and compare_threshold_value(t.value, item.value)
        for t in inputs
    )


@mirrors(f"{_EV}.compareThresholdValue")
def compare_threshold_value(a: ThresholdValue, b: ThresholdValue) -> bool:
    """Whether two threshold values are equal (quantities by value, percentages exactly).

    Mirrors Go ``eviction.compareThresholdValue``.

    >>> from reference_impl.quantity import must_parse
    >>> compare_threshold_value(
    ...     ThresholdValue(quantity=must_parse("1Gi")),
    ...     ThresholdValue(quantity=must_parse("1024Mi")),
    ... )
    True
    >>> compare_threshold_value(ThresholdValue(percentage=0.1), ThresholdValue(percentage=0.2))
    False
    """
    if a.quantity is not None:
        return b.quantity is not None and a.quantity.cmp(b.quantity) == 0
    if b.quantity is not None:
        return False
    return a.percentage == b.percentage


@mirrors(f"{_EV}.getStarvedResources")
def get_starved_resources(thresholds: list[Threshold]) -> list[str]:
    """The resources that the given thresholds ask to reclaim.

    Mirrors Go ``eviction.getStarvedResources``.

    >>> ts = parse_threshold_config([], {"memory.available": "100Mi"}, {}, {}, {})
    >>> get_starved_resources(ts)
    ['memory']
    """
    return [SIGNAL_TO_RESOURCE[t.signal] for t in thresholds if t.signal in SIGNAL_TO_RESOURCE]


@mirrors(f"{_EV}.isSoftEvictionThresholds")
def is_soft_eviction_thresholds(thresholds: list[Threshold], starved_resource: str) -> bool:
    """Whether every threshold for ``starved_resource`` is soft (has a grace period).

    Mirrors Go ``eviction.isSoftEvictionThresholds``.

    >>> soft = parse_threshold_config(
    ...     [], {}, {"memory.available": "1Gi"}, {"memory.available": "1m"}, {}
    ... )
    >>> is_soft_eviction_thresholds(soft, "memory")
    True
    """
    for threshold in thresholds:
        if SIGNAL_TO_RESOURCE.get(threshold.signal, "") != starved_resource:
            continue
        if is_hard_eviction_threshold(threshold):
            return False
    return True


@mirrors(f"{_EV}.isHardEvictionThreshold")
def is_hard_eviction_threshold(threshold: Threshold) -> bool:
    """Whether the threshold is hard (no grace period).

    Mirrors Go ``eviction.isHardEvictionThreshold``.

    >>> (t,) = parse_threshold_config([], {"memory.available": "100Mi"}, {}, {}, {})
    >>> is_hard_eviction_threshold(t)
    True
    """
    return threshold.grace_period == timedelta(0)


@mirrors(f"{_EV}.buildResourceToRankFunc")
def build_resource_to_rank_func(with_image_fs: bool) -> dict[str, RankFunc]:
    """The rank function for each resource (nodefs and imagefs differ with an image fs).

    Mirrors Go ``eviction.buildResourceToRankFunc``.

    >>> sorted(build_resource_to_rank_func(True))
    ['imagefs', 'imagefsInodes', 'memory', 'nodefs', 'nodefsInodes']
    """
    result: dict[str, RankFunc] = {RESOURCE_MEMORY: rank_memory_pressure}
    if with_image_fs:
        # nodefs holds logs and local volumes; imagefs holds writable layers.
        node = [FS_STATS_LOGS, FS_STATS_LOCAL_VOLUME_SOURCE]
        image = [FS_STATS_ROOT]
    else:
        # one shared device: both rank by everything.
        node = [FS_STATS_ROOT, FS_STATS_LOGS, FS_STATS_LOCAL_VOLUME_SOURCE]
        image = node
    result[RESOURCE_NODE_FS] = rank_disk_pressure_func(node, RESOURCE_DISK)
    result[RESOURCE_NODE_FS_INODES] = rank_disk_pressure_func(node, RESOURCE_INODES)
    result[RESOURCE_IMAGE_FS] = rank_disk_pressure_func(image, RESOURCE_DISK)
    result[RESOURCE_IMAGE_FS_INODES] = rank_disk_pressure_func(image, RESOURCE_INODES)
    return result


@mirrors(f"{_EV}.PodIsEvicted")
def pod_is_evicted(pod_status: Mapping[str, Any]) -> bool:
    """Whether a pod status says the pod was evicted (phase Failed, reason Evicted).

    Mirrors Go ``eviction.PodIsEvicted``.

    >>> (
    ...     pod_is_evicted({"phase": "Failed", "reason": "Evicted"}),
    ...     pod_is_evicted({"phase": "Running"}),
    ... )
    (True, False)
    """
    return pod_status.get("phase") == "Failed" and pod_status.get("reason") == REASON


@mirrors(f"{_EV}.buildResourceToNodeReclaimFuncs")
def build_resource_to_node_reclaim_funcs(
    image_gc: ImageGC, container_gc: ContainerGC, with_image_fs: bool
) -> dict[str, list[NodeReclaimFunc]]:
    """The node-level reclaim (GC) functions for each resource.

    Mirrors Go ``eviction.buildResourceToNodeReclaimFuncs``.

    >>> from reference_impl.eviction.fakes import FakeDiskGC
    >>> gc = FakeDiskGC()
    >>> funcs = build_resource_to_node_reclaim_funcs(gc, gc, False)
    >>> sorted(funcs)
    ['imagefs', 'imagefsInodes', 'nodefs', 'nodefsInodes']
    >>> len(funcs["nodefs"])
    2
    """
    gc: list[NodeReclaimFunc] = [
        container_gc.delete_all_unused_containers,
        image_gc.delete_unused_images,
    ]
    if with_image_fs:
        # nodefs pressure with a separate imagefs: nothing to collect at node level.
        return {
            RESOURCE_NODE_FS: [],
            RESOURCE_NODE_FS_INODES: [],
            RESOURCE_IMAGE_FS: list(gc),
            RESOURCE_IMAGE_FS_INODES: list(gc),
        }
    return {
        RESOURCE_NODE_FS: list(gc),
        RESOURCE_NODE_FS_INODES: list(gc),
        RESOURCE_IMAGE_FS: list(gc),
        RESOURCE_IMAGE_FS_INODES: list(gc),
    }
