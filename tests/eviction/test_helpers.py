"""Ports of the 25 tests in pkg/kubelet/eviction/helpers_test.go (v1.10.11).

Test names keep the Go name after ``test_``.  Table-driven Go tests become
``pytest.mark.parametrize`` over the same case names and data.  Lists that Go
builds from map iteration are compared as sets, as the Go tests do
(``thresholdList.Equal``, ``nodeConditionList.Equal``).

One module, over 600 lines, on purpose: it ports one Go test file (helpers_test.go) case by
case, in the Go file's order, so the test mapping (docs/eviction-test-mapping.md) stays 1:1.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from reference_impl import features
from reference_impl.eviction import api
from reference_impl.eviction import helpers as h
from reference_impl.eviction.api import Threshold, ThresholdValue
from reference_impl.eviction.types import (
    FS_STATS_LOCAL_VOLUME_SOURCE,
    FS_STATS_LOGS,
    FS_STATS_ROOT,
    NODE_DISK_PRESSURE,
    NODE_MEMORY_PRESSURE,
    SignalObservation,
)
from reference_impl.quantity import BINARY_SI, must_parse, new_quantity
from tests.eviction.eviction_builders import (
    DEFAULT_PRIORITY,
    HIGH_PRIORITY,
    LOW_PRIORITY,
    empty_dir_volume,
    new_container,
    new_pod,
    new_pod_disk_stats,
    new_pod_inode_stats,
    new_pod_memory_stats,
    new_resource_list,
)

ALL_FS = [FS_STATS_ROOT, FS_STATS_LOGS, FS_STATS_LOCAL_VOLUME_SOURCE]
q = must_parse


def qv(text: str) -> ThresholdValue:
    return ThresholdValue(quantity=q(text))


def pv(fraction: float) -> ThresholdValue:
    return ThresholdValue(percentage=fraction)


def thr(
    signal: str,
    value: ThresholdValue,
    grace: timedelta = timedelta(0),
    min_reclaim: ThresholdValue | None = None,
) -> Threshold:
    return Threshold(signal, api.OP_LESS_THAN, value, grace, min_reclaim)


def threshold_equal(a: Threshold, b: Threshold) -> bool:
    """Go's thresholdEqual: compares MinReclaim by value too."""
    if (a.min_reclaim is None) != (b.min_reclaim is None):
        return False
    reclaim_equal = a.min_reclaim is None or h.compare_threshold_value(a.min_reclaim, b.min_reclaim)  # type: ignore[arg-type]
    return (
        a.grace_period == b.grace_period
        and a.operator == b.operator
        and a.signal == b.signal
        and reclaim_equal
        and h.compare_threshold_value(a.value, b.value)
    )


def thresholds_equal(expected: list[Threshold], actual: list[Threshold]) -> bool:
    """Go's thresholdsEqual: same length, each side contained in the other."""
    if len(expected) != len(actual):
        return False
    return all(any(threshold_equal(a, b) for b in actual) for a in expected) and all(
        any(threshold_equal(a, b) for b in expected) for a in actual
    )


def threshold_list_equal(s1: list[Threshold], s2: list[Threshold]) -> bool:
    """Go's thresholdList.Equal (uses hasThreshold, which ignores MinReclaim)."""
    return len(s1) == len(s2) and all(h.has_threshold(s2, item) for item in s1)


def node_condition_list_equal(s1: list[str], s2: list[str]) -> bool:
    return len(s1) == len(s2) and all(h.has_node_condition(s2, item) for item in s1)


# ---------------------------------------------------------------------------
# TestParseThresholdConfig
# ---------------------------------------------------------------------------

MEM = api.SIGNAL_MEMORY_AVAILABLE
ALLOC = api.SIGNAL_ALLOCATABLE_MEMORY_AVAILABLE
IMAGEFS = api.SIGNAL_IMAGE_FS_AVAILABLE
NODEFS = api.SIGNAL_NODE_FS_AVAILABLE
IMAGEFS_INODES = api.SIGNAL_IMAGE_FS_INODES_FREE
NODEFS_INODES = api.SIGNAL_NODE_FS_INODES_FREE
GRACE = timedelta(seconds=30)

PARSE_CASES = {
    "no values": ([], {}, {}, {}, {}, False, []),
    "all memory eviction values": (
        ["pods"],
        {MEM: "150Mi"},
        {MEM: "300Mi"},
        {MEM: "30s"},
        {MEM: "0"},
        False,
        [
            thr(ALLOC, qv("150Mi"), min_reclaim=qv("0")),
            thr(MEM, qv("150Mi"), min_reclaim=qv("0")),
            thr(MEM, qv("300Mi"), GRACE, qv("0")),
        ],
    ),
    "all memory eviction values in percentages": (
        [],
        {MEM: "10%"},
        {MEM: "30%"},
        {MEM: "30s"},
        {MEM: "5%"},
        False,
        [thr(MEM, pv(0.1), min_reclaim=pv(0.05)), thr(MEM, pv(0.3), GRACE, pv(0.05))],
    ),
    "disk eviction values": (
        [],
        {IMAGEFS: "150Mi", NODEFS: "100Mi"},
        {IMAGEFS: "300Mi", NODEFS: "200Mi"},
        {IMAGEFS: "30s", NODEFS: "30s"},
        {IMAGEFS: "2Gi", NODEFS: "1Gi"},
        False,
        [
            thr(IMAGEFS, qv("150Mi"), min_reclaim=qv("2Gi")),
            thr(NODEFS, qv("100Mi"), min_reclaim=qv("1Gi")),
            thr(IMAGEFS, qv("300Mi"), GRACE, qv("2Gi")),
            thr(NODEFS, qv("200Mi"), GRACE, qv("1Gi")),
        ],
    ),
    "disk eviction values in percentages": (
        [],
        {IMAGEFS: "15%", NODEFS: "10.5%"},
        {IMAGEFS: "30%", NODEFS: "20.5%"},
        {IMAGEFS: "30s", NODEFS: "30s"},
        {IMAGEFS: "10%", NODEFS: "5%"},
        False,
        [
            thr(IMAGEFS, pv(0.15), min_reclaim=pv(0.1)),
            thr(NODEFS, pv(0.105), min_reclaim=pv(0.05)),
            thr(IMAGEFS, pv(0.3), GRACE, pv(0.1)),
            thr(NODEFS, pv(0.205), GRACE, pv(0.05)),
        ],
    ),
    "inode eviction values": (
        [],
        {IMAGEFS_INODES: "150Mi", NODEFS_INODES: "100Mi"},
        {IMAGEFS_INODES: "300Mi", NODEFS_INODES: "200Mi"},
        {IMAGEFS_INODES: "30s", NODEFS_INODES: "30s"},
        {IMAGEFS_INODES: "2Gi", NODEFS_INODES: "1Gi"},
        False,
        [
            thr(IMAGEFS_INODES, qv("150Mi"), min_reclaim=qv("2Gi")),
            thr(NODEFS_INODES, qv("100Mi"), min_reclaim=qv("1Gi")),
            thr(IMAGEFS_INODES, qv("300Mi"), GRACE, qv("2Gi")),
            thr(NODEFS_INODES, qv("200Mi"), GRACE, qv("1Gi")),
        ],
    ),
    "disable via 0%": ([], {MEM: "0%"}, {MEM: "0%"}, None, None, False, []),
    "disable via 100%": ([], {MEM: "100%"}, {MEM: "100%"}, None, None, False, []),
    "invalid-signal": ([], {"mem.available": "150Mi"}, {}, {}, {}, True, []),
    "hard-signal-negative": ([], {MEM: "-150Mi"}, {}, {}, {}, True, []),
    "hard-signal-negative-percentage": ([], {MEM: "-15%"}, {}, {}, {}, True, []),
    "soft-signal-negative": ([], {}, {MEM: "-150Mi"}, {}, {}, True, []),
    "valid-and-invalid-signal": ([], {MEM: "150Mi", "invalid.foo": "150Mi"}, {}, {}, {}, True, []),
    "soft-no-grace-period": ([], {}, {MEM: "150Mi"}, {}, {}, True, []),
    "soft-negative-grace-period": ([], {}, {MEM: "150Mi"}, {MEM: "-30s"}, {}, True, []),
    "negative-reclaim": ([], {}, {}, {}, {MEM: "-300Mi"}, True, []),
}


@pytest.mark.parametrize("case", list(PARSE_CASES))
def test_TestParseThresholdConfig(case: str) -> None:
    alloc, hard, soft, grace, reclaim, expect_err, expected = PARSE_CASES[case]
    if expect_err:
        with pytest.raises(h.ThresholdConfigError):
            h.parse_threshold_config(alloc, hard, soft, grace, reclaim)
        return
    actual = h.parse_threshold_config(alloc, hard, soft, grace, reclaim)
    assert thresholds_equal(expected, actual), (expected, actual)


# ---------------------------------------------------------------------------
# Ranking
# ---------------------------------------------------------------------------


def _stats_fn(stats: dict[str, dict]):
    def fn(pod: dict) -> tuple[dict | None, bool]:
        found = stats.get(pod["metadata"]["uid"])
        return found, found is not None

    return fn


def _names(pods: list[dict]) -> list[str]:
    return [p["metadata"]["name"] for p in pods]


def test_TestOrderedByExceedsRequestMemory() -> None:
    with features.gates(PodPriority=True):
        below = new_pod(
            "below-requests",
            -1,
            [new_container("below-requests", new_resource_list("", "200Mi", ""), {})],
        )
        exceeds = new_pod(
            "exceeds-requests",
            1,
            [new_container("exceeds-requests", new_resource_list("", "100Mi", ""), {})],
        )
        stats = {
            "below-requests": new_pod_memory_stats(below, q("199Mi")),
            "exceeds-requests": new_pod_memory_stats(exceeds, q("101Mi")),
        }
        pods = [below, exceeds]
        h.ordered_by(h.exceed_memory_requests(_stats_fn(stats))).sort(pods)
        assert pods == [exceeds, below]


def test_TestOrderedByExceedsRequestDisk() -> None:
    with features.gates(PodPriority=True, LocalStorageCapacityIsolation=True):
        below = new_pod(
            "below-requests",
            -1,
            [new_container("below-requests", {"ephemeral-storage": "200Mi"}, {})],
        )
        exceeds = new_pod(
            "exceeds-requests",
            1,
            [new_container("exceeds-requests", {"ephemeral-storage": "100Mi"}, {})],
        )
        stats = {
            "below-requests": new_pod_disk_stats(below, q("100Mi"), q("99Mi"), q("0Mi")),
            "exceeds-requests": new_pod_disk_stats(exceeds, q("90Mi"), q("11Mi"), q("0Mi")),
        }
        pods = [below, exceeds]
        h.ordered_by(h.exceed_disk_requests(_stats_fn(stats), ALL_FS, h.RESOURCE_DISK)).sort(pods)
        assert pods == [exceeds, below]


def test_TestOrderedByPriority() -> None:
    with features.gates(PodPriority=True):
        low = new_pod("low-priority", -134, [new_container("low-priority", {}, {})])
        medium = new_pod(
            "medium-priority",
            1,
            [
                new_container(
                    "medium-priority",
                    new_resource_list("100m", "100Mi", ""),
                    new_resource_list("200m", "200Mi", ""),
                )
            ],
        )
        high = new_pod(
            "high-priority",
            12534,
            [
                new_container(
                    "high-priority",
                    new_resource_list("200m", "200Mi", ""),
                    new_resource_list("200m", "200Mi", ""),
                )
            ],
        )
        pods = [high, medium, low]
        h.ordered_by(h.priority).sort(pods)
        assert pods == [low, medium, high]


def test_TestOrderedByPriorityDisabled() -> None:
    with features.gates(PodPriority=False):
        low = new_pod("low-priority", LOW_PRIORITY, [new_container("low-priority", {}, {})])
        medium = new_pod(
            "medium-priority",
            DEFAULT_PRIORITY,
            [
                new_container(
                    "medium-priority",
                    new_resource_list("100m", "100Mi", ""),
                    new_resource_list("200m", "200Mi", ""),
                )
            ],
        )
        high = new_pod(
            "high-priority",
            HIGH_PRIORITY,
            [
                new_container(
                    "high-priority",
                    new_resource_list("200m", "200Mi", ""),
                    new_resource_list("200m", "200Mi", ""),
                )
            ],
        )
        pods = [high, medium, low]
        h.ordered_by(h.priority).sort(pods)
        # the gate is off, so the input order stays
        assert pods == [high, medium, low]


def _six_disk_pods() -> list[dict]:
    specs = [
        ("best-effort-high", ("", "", ""), ("", "", "")),
        ("best-effort-low", ("", "", ""), ("", "", "")),
        ("burstable-high", ("", "", "100Mi"), ("", "", "400Mi")),
        ("burstable-low", ("", "", "100Mi"), ("", "", "400Mi")),
        ("guaranteed-high", ("", "", "400Mi"), ("", "", "400Mi")),
        ("guaranteed-low", ("", "", "400Mi"), ("", "", "400Mi")),
    ]
    return [
        new_pod(
            name,
            DEFAULT_PRIORITY,
            [new_container(name, new_resource_list(*r), new_resource_list(*lim))],
            [empty_dir_volume()],
        )
        for name, r, lim in specs
    ]


SIX_DISK_USAGE = [
    ("50Mi", "100Mi", "150Mi"),  # 300Mi
    ("25Mi", "25Mi", "50Mi"),  # 100Mi
    ("150Mi", "150Mi", "50Mi"),  # 350Mi
    ("25Mi", "35Mi", "50Mi"),  # 110Mi
    ("225Mi", "100Mi", "50Mi"),  # 375Mi
    ("25Mi", "45Mi", "50Mi"),  # 120Mi
]


def _six_disk_stats(pods: list[dict]) -> dict[str, dict]:
    return {
        p["metadata"]["uid"]: new_pod_disk_stats(p, q(r), q(lg), q(v))
        for p, (r, lg, v) in zip(pods, SIX_DISK_USAGE, strict=True)
    }


def test_TestOrderedbyDisk() -> None:
    with features.gates(LocalStorageCapacityIsolation=True):
        p1, p2, p3, p4, p5, p6 = pods = _six_disk_pods()
        stats = _six_disk_stats(pods)
        order = [p1, p2, p3, p4, p5, p6]
        h.ordered_by(h.disk(_stats_fn(stats), ALL_FS, h.RESOURCE_DISK)).sort(order)
        assert _names(order) == _names([p1, p3, p2, p4, p5, p6])


def test_TestOrderedbyDiskDisableLocalStorage() -> None:
    with features.gates(LocalStorageCapacityIsolation=False):
        p1, p2, p3, p4, p5, p6 = pods = _six_disk_pods()
        stats = _six_disk_stats(pods)
        order = [p1, p3, p2, p4, p5, p6]
        h.ordered_by(h.disk(_stats_fn(stats), ALL_FS, h.RESOURCE_DISK)).sort(order)
        # requests are ignored: pure usage order
        assert _names(order) == _names([p5, p3, p1, p6, p4, p2])


def test_TestOrderedbyInodes() -> None:
    with features.gates(PodPriority=True, LocalStorageCapacityIsolation=True):
        low, medium, high = (
            new_pod(n, DEFAULT_PRIORITY, [new_container(n, {}, {})], [empty_dir_volume()])
            for n in ("low", "medium", "high")
        )
        stats = {
            "low": new_pod_inode_stats(low, q("50000"), q("100000"), q("50000")),
            "medium": new_pod_inode_stats(medium, q("100000"), q("150000"), q("50000")),
            "high": new_pod_inode_stats(high, q("200000"), q("150000"), q("50000")),
        }
        pods = [low, medium, high]
        h.ordered_by(h.disk(_stats_fn(stats), ALL_FS, h.RESOURCE_INODES)).sort(pods)
        assert pods == [high, medium, low]


def test_TestOrderedByPriorityDisk() -> None:
    with features.gates(PodPriority=True, LocalStorageCapacityIsolation=True):
        specs = [
            (
                "above-requests-low-priority-high-usage",
                LOW_PRIORITY,
                "",
                ("200Mi", "100Mi", "200Mi"),
            ),
            ("above-requests-low-priority-low-usage", LOW_PRIORITY, "", ("10Mi", "10Mi", "30Mi")),
            (
                "above-requests-high-priority-high-usage",
                HIGH_PRIORITY,
                "100Mi",
                ("200Mi", "150Mi", "250Mi"),
            ),
            (
                "above-requests-high-priority-low-usage",
                HIGH_PRIORITY,
                "100Mi",
                ("90Mi", "50Mi", "10Mi"),
            ),
            (
                "below-requests-low-priority-high-usage",
                LOW_PRIORITY,
                "1Gi",
                ("500Mi", "200Mi", "100Mi"),
            ),
            (
                "below-requests-low-priority-low-usage",
                LOW_PRIORITY,
                "1Gi",
                ("50Mi", "100Mi", "50Mi"),
            ),
            (
                "below-requests-high-priority-high-usage",
                HIGH_PRIORITY,
                "1Gi",
                ("250Mi", "500Mi", "50Mi"),
            ),
            (
                "below-requests-high-priority-low-usage",
                HIGH_PRIORITY,
                "1Gi",
                ("100Mi", "60Mi", "40Mi"),
            ),
        ]
        expected, stats = [], {}
        for name, prio, disk_req, (r, lg, v) in specs:
            pod = new_pod(
                name,
                prio,
                [new_container(name, new_resource_list("", "", disk_req), {})],
                [empty_dir_volume()],
            )
            expected.append(pod)
            stats[name] = new_pod_disk_stats(pod, q(r), q(lg), q(v))
        pods = list(reversed(expected))
        fn = _stats_fn(stats)
        h.ordered_by(
            h.exceed_disk_requests(fn, ALL_FS, h.RESOURCE_DISK),
            h.priority,
            h.disk(fn, ALL_FS, h.RESOURCE_DISK),
        ).sort(pods)
        assert _names(pods) == _names(expected)


def test_TestOrderedByPriorityInodes() -> None:
    with features.gates(PodPriority=True):
        specs = [
            ("low-priority-high-usage", LOW_PRIORITY, ("50000", "100000", "250000")),
            ("low-priority-low-usage", LOW_PRIORITY, ("60000", "30000", "10000")),
            ("high-priority-high-usage", HIGH_PRIORITY, ("150000", "150000", "50000")),
            ("high-priority-low-usage", HIGH_PRIORITY, ("10000", "40000", "100000")),
        ]
        expected, stats = [], {}
        for name, prio, (r, lg, v) in specs:
            pod = new_pod(name, prio, [new_container(name, {}, {})], [empty_dir_volume()])
            expected.append(pod)
            stats[name] = new_pod_inode_stats(pod, q(r), q(lg), q(v))
        pods = list(reversed(expected))
        h.ordered_by(h.priority, h.disk(_stats_fn(stats), ALL_FS, h.RESOURCE_INODES)).sort(pods)
        assert _names(pods) == _names(expected)


def test_TestOrderedByMemory() -> None:
    # No gate set upstream; PodPriority is irrelevant to memory() alone.
    specs = [
        ("best-effort-high", ("", ""), "500Mi"),
        ("best-effort-low", ("", ""), "300Mi"),
        ("burstable-high", ("100Mi", "1Gi"), "800Mi"),
        ("burstable-low", ("100Mi", "1Gi"), "300Mi"),
        ("guaranteed-high", ("1Gi", "1Gi"), "800Mi"),
        ("guaranteed-low", ("1Gi", "1Gi"), "200Mi"),
    ]
    pods, stats = [], {}
    for name, (req, lim), usage in specs:
        pod = new_pod(
            name,
            DEFAULT_PRIORITY,
            [new_container(name, new_resource_list("", req, ""), new_resource_list("", lim, ""))],
        )
        pods.append(pod)
        stats[name] = new_pod_memory_stats(pod, q(usage))
    p1, p2, p3, p4, p5, p6 = pods
    order = list(pods)
    h.ordered_by(h.memory(_stats_fn(stats))).sort(order)
    assert order == [p3, p1, p2, p4, p5, p6]


def test_TestOrderedByPriorityMemory() -> None:
    with features.gates(PodPriority=True):
        specs = [
            ("above-requests-low-priority-high-usage", LOW_PRIORITY, "", "500Mi"),
            ("above-requests-low-priority-low-usage", LOW_PRIORITY, "", "50Mi"),
            ("above-requests-high-priority-high-usage", HIGH_PRIORITY, "100Mi", "600Mi"),
            ("above-requests-high-priority-low-usage", HIGH_PRIORITY, "100Mi", "150Mi"),
            ("below-requests-low-priority-high-usage", LOW_PRIORITY, "1Gi", "800Mi"),
            ("below-requests-low-priority-low-usage", LOW_PRIORITY, "1Gi", "200Mi"),
            ("below-requests-high-priority-high-usage", HIGH_PRIORITY, "1Gi", "800Mi"),
            ("below-requests-high-priority-low-usage", HIGH_PRIORITY, "1Gi", "200Mi"),
        ]
        expected, stats = [], {}
        for name, prio, req, usage in specs:
            pod = new_pod(name, prio, [new_container(name, new_resource_list("", req, ""), {})])
            expected.append(pod)
            stats[name] = new_pod_memory_stats(pod, q(usage))
        pods = list(reversed(expected))
        fn = _stats_fn(stats)
        h.ordered_by(h.exceed_memory_requests(fn), h.priority, h.memory(fn)).sort(pods)
        assert _names(pods) == _names(expected)


# ---------------------------------------------------------------------------
# Observations and thresholds
# ---------------------------------------------------------------------------


def test_TestMakeSignalObservations() -> None:
    gi = 1024 * 1024 * 1024
    node_available, node_working_set = gi, gi
    allocatable_capacity = 5 * gi
    summary = {
        "node": {
            "memory": {"availableBytes": node_available, "workingSetBytes": node_working_set},
            "runtime": {
                "imageFs": {
                    "availableBytes": 1024 * 1024,
                    "capacityBytes": 1024 * 1024 * 2,
                    "inodesFree": 1024,
                    "inodes": 1024 * 1024,
                }
            },
            "fs": {
                "availableBytes": 1024,
                "capacityBytes": 2048,
                "inodesFree": 1024,
                "inodes": 1024 * 1024,
            },
            "systemContainers": [
                {
                    "name": "pods",
                    "memory": {
                        "availableBytes": node_available,
                        "workingSetBytes": node_working_set,
                    },
                }
            ],
        },
        "pods": [],
    }
    pods = []
    for name, ns, uid in (
        ("pod1", "ns1", "uuid1"),
        ("pod1", "ns2", "uuid2"),
        ("pod3", "ns3", "uuid3"),
    ):
        pod = {
            "metadata": {"name": name, "namespace": ns, "uid": uid},
            "spec": {"containers": [{"name": "ctr0"}]},
        }
        pods.append(pod)
        summary["pods"].append(
            {
                "podRef": {"name": name, "namespace": ns, "uid": uid},
                "containers": [{"name": "ctr0", "memory": {"workingSetBytes": gi}}],
            }
        )
    # Allocatable thresholds are always 100%: the threshold equals the capacity.
    assert q("5Gi").cmp_int64(allocatable_capacity) == 0
    observations, stats_func = h.make_signal_observations(summary)

    def check(signal: str, available: int, capacity: int) -> None:
        obs = observations[signal]
        assert obs.available is not None and obs.capacity is not None
        assert obs.available.value() == available
        assert obs.capacity.value() == capacity

    check(ALLOC, node_available, node_available + node_working_set)
    check(MEM, node_available, node_available + node_working_set)
    check(NODEFS, 1024, 2048)
    check(NODEFS_INODES, 1024, 1024 * 1024)
    check(IMAGEFS, 1024 * 1024, 2 * 1024 * 1024)
    check(IMAGEFS_INODES, 1024, 1024 * 1024)
    for pod in pods:
        stats, found = stats_func(pod)
        assert found and stats is not None
        for container in stats["containers"]:
            assert container["memory"]["workingSetBytes"] == gi


HARD_1GI = thr(MEM, qv("1Gi"), min_reclaim=qv("500Mi"))

THRESHOLDS_MET_CASES = {
    "empty": (False, [], {}, []),
    "threshold-met-memory": (
        False,
        [HARD_1GI],
        {MEM: SignalObservation(available=q("500Mi"))},
        [HARD_1GI],
    ),
    "threshold-not-met": (False, [HARD_1GI], {MEM: SignalObservation(available=q("2Gi"))}, []),
    "threshold-met-with-min-reclaim": (
        True,
        [HARD_1GI],
        {MEM: SignalObservation(available=q("1.05Gi"))},
        [HARD_1GI],
    ),
    "threshold-not-met-with-min-reclaim": (
        True,
        [HARD_1GI],
        {MEM: SignalObservation(available=q("2Gi"))},
        [],
    ),
}


@pytest.mark.parametrize("case", list(THRESHOLDS_MET_CASES))
def test_TestThresholdsMet(case: str) -> None:
    enforce, thresholds, observations, expected = THRESHOLDS_MET_CASES[case]
    actual = h.thresholds_met(thresholds, observations, enforce)
    assert threshold_list_equal(actual, expected)


def _at(minute: int) -> datetime:
    return datetime(2016, 1, 1, 0, minute, 0, tzinfo=UTC)


UPDATED = Threshold(signal=MEM)
UPDATED_STATS_CASES = {
    "empty": ([], {}, {}, []),
    "no-time": ([UPDATED], {MEM: SignalObservation()}, {}, [UPDATED]),
    "no-last-observation": ([UPDATED], {MEM: SignalObservation(time=_at(0))}, {}, [UPDATED]),
    "time-machine": (
        [UPDATED],
        {MEM: SignalObservation(time=_at(0))},
        {MEM: SignalObservation(time=_at(1))},
        [],
    ),
    "same-observation": (
        [UPDATED],
        {MEM: SignalObservation(time=_at(0))},
        {MEM: SignalObservation(time=_at(0))},
        [],
    ),
    "new-observation": (
        [UPDATED],
        {MEM: SignalObservation(time=_at(1))},
        {MEM: SignalObservation(time=_at(0))},
        [UPDATED],
    ),
}


@pytest.mark.parametrize("case", list(UPDATED_STATS_CASES))
def test_TestThresholdsUpdatedStats(case: str) -> None:
    thresholds, observations, last, expected = UPDATED_STATS_CASES[case]
    actual = h.thresholds_updated_stats(thresholds, observations, last)
    assert threshold_list_equal(actual, expected)


SPECIFIC = [thr(MEM, pv(0.2), min_reclaim=pv(0.05)), thr(NODEFS, pv(0.3))]


def _obs(available: str, capacity: str) -> SignalObservation:
    return SignalObservation(available=q(available), capacity=q(capacity))


PERCENTAGE_CASES = {
    "BothMet": (False, {MEM: _obs("100Mi", "1000Mi"), NODEFS: _obs("100Gi", "1000Gi")}, SPECIFIC),
    "NoneMet": (False, {MEM: _obs("300Mi", "1000Mi"), NODEFS: _obs("400Gi", "1000Gi")}, []),
    "DiskMet": (
        False,
        {MEM: _obs("300Mi", "1000Mi"), NODEFS: _obs("100Gi", "1000Gi")},
        [SPECIFIC[1]],
    ),
    "MemoryMet": (
        False,
        {MEM: _obs("100Mi", "1000Mi"), NODEFS: _obs("400Gi", "1000Gi")},
        [SPECIFIC[0]],
    ),
    "MemoryMetWithMinReclaim": (True, {MEM: _obs("225Mi", "1000Mi")}, [SPECIFIC[0]]),
    "MemoryNotMetWithMinReclaim": (True, {MEM: _obs("300Mi", "1000Mi")}, []),
}


@pytest.mark.parametrize("case", list(PERCENTAGE_CASES))
def test_TestPercentageThresholdsMet(case: str) -> None:
    enforce, observations, expected = PERCENTAGE_CASES[case]
    actual = h.thresholds_met(SPECIFIC, observations, enforce)
    assert threshold_list_equal(actual, expected)


NOW = datetime(2018, 11, 26, 12, 0, tzinfo=UTC)


def test_TestThresholdsFirstObservedAt() -> None:
    hard = thr(MEM, qv("1Gi"))
    old = NOW - timedelta(minutes=1)
    cases = {
        "empty": ([], {}, {}),
        "no-previous-observation": ([hard], {}, {hard: NOW}),
        "previous-observation": ([hard], {hard: old}, {hard: old}),
    }
    for name, (thresholds, last, expected) in cases.items():
        assert h.thresholds_first_observed_at(thresholds, last, NOW) == expected, name


def test_TestThresholdsMetGracePeriod() -> None:
    hard = thr(MEM, qv("1Gi"))
    soft = thr(MEM, qv("2Gi"), timedelta(minutes=1))
    old = NOW - timedelta(minutes=2)
    cases = {
        "empty": ({}, []),
        "hard-threshold-met": ({hard: NOW}, [hard]),
        "soft-threshold-not-met": ({soft: NOW}, []),
        "soft-threshold-met": ({soft: old}, [soft]),
    }
    for name, (observed_at, expected) in cases.items():
        assert threshold_list_equal(h.thresholds_met_grace_period(observed_at, NOW), expected), name


def test_TestNodeConditions() -> None:
    assert node_condition_list_equal(h.node_conditions([]), [])
    assert node_condition_list_equal(
        h.node_conditions([Threshold(signal=MEM)]), [NODE_MEMORY_PRESSURE]
    )


def test_TestNodeConditionsLastObservedAt() -> None:
    old = NOW - timedelta(minutes=1)
    cases = {
        "no-previous-observation": ([NODE_MEMORY_PRESSURE], {}, {NODE_MEMORY_PRESSURE: NOW}),
        "previous-observation": (
            [NODE_MEMORY_PRESSURE],
            {NODE_MEMORY_PRESSURE: old},
            {NODE_MEMORY_PRESSURE: NOW},
        ),
        "old-observation": ([], {NODE_MEMORY_PRESSURE: old}, {NODE_MEMORY_PRESSURE: old}),
    }
    for name, (conditions, last, expected) in cases.items():
        assert h.node_conditions_last_observed_at(conditions, last, NOW) == expected, name


def test_TestNodeConditionsObservedSince() -> None:
    observed = NOW - timedelta(minutes=1)
    in_period = h.node_conditions_observed_since(
        {NODE_MEMORY_PRESSURE: observed}, timedelta(minutes=2), NOW
    )
    out_of_period = h.node_conditions_observed_since(
        {NODE_MEMORY_PRESSURE: observed}, timedelta(seconds=30), NOW
    )
    assert node_condition_list_equal(in_period, [NODE_MEMORY_PRESSURE])
    assert node_condition_list_equal(out_of_period, [])


def test_TestHasNodeConditions() -> None:
    assert h.has_node_condition(
        ["Ready", NODE_DISK_PRESSURE, NODE_MEMORY_PRESSURE], NODE_MEMORY_PRESSURE
    )
    assert not h.has_node_condition(["Ready", NODE_DISK_PRESSURE], NODE_MEMORY_PRESSURE)


@pytest.mark.parametrize(
    ("signal", "resource"),
    [(MEM, "memory"), (IMAGEFS, h.RESOURCE_IMAGE_FS), (NODEFS, h.RESOURCE_NODE_FS)],
)
def test_TestGetStarvedResources(signal: str, resource: str) -> None:
    assert set(h.get_starved_resources([Threshold(signal=signal)])) == {resource}


@pytest.mark.parametrize(
    ("text", "has_error", "value"),
    [("blah", True, 0.0), ("25.5%", False, 0.255), ("foo%", True, 0.0), ("12%345", True, 0.0)],
)
def test_TestParsePercentage(text: str, has_error: bool, value: float) -> None:
    if has_error:
        with pytest.raises(ValueError, match=r"strconv\.ParseFloat"):
            h.parse_percentage(text)
    else:
        # Compared as float32 values, like the Go test's float32 literal.
        assert h.parse_percentage(text) == api.float32(value)


def test_TestCompareThresholdValue() -> None:
    cases = [
        (
            ThresholdValue(quantity=new_quantity(123, BINARY_SI)),
            ThresholdValue(quantity=new_quantity(123, BINARY_SI)),
            True,
        ),
        (
            ThresholdValue(quantity=new_quantity(123, BINARY_SI)),
            ThresholdValue(quantity=new_quantity(456, BINARY_SI)),
            False,
        ),
        (ThresholdValue(quantity=new_quantity(123, BINARY_SI)), pv(0.1), False),
        (pv(0.1), pv(0.1), True),
        (pv(0.2), pv(0.1), False),
    ]
    for a, b, equal in cases:
        assert h.compare_threshold_value(a, b) is equal
        assert h.compare_threshold_value(b, a) is equal
