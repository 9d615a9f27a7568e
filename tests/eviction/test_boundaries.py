"""Summary JSON validation, feature gates, the fake clock, Go's sort, the loop, the trace."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from reference_impl import features
from reference_impl.clock import FakeClock, RealClock
from reference_impl.eviction import api
from reference_impl.eviction import helpers as h
from reference_impl.eviction.api import Threshold, ThresholdValue
from reference_impl.eviction.eviction_manager import Manager, start_memory_threshold_notifier
from reference_impl.eviction.fakes import (
    FakeDiskGC,
    FakeDiskInfoProvider,
    FakePodKiller,
    FakeRecorder,
    FakeSummaryProvider,
)
from reference_impl.eviction.gosort import go_sort
from reference_impl.eviction.stats import SummaryError, validate_summary
from reference_impl.eviction.types import Config, PodAdmitAttributes
from reference_impl.quantity import must_parse
from tests.eviction.eviction_builders import (
    make_memory_stats,
    make_pod_with_memory_stats,
    new_container,
    new_pod,
    new_resource_list,
)


@pytest.mark.parametrize(
    ("summary", "fragment"),
    [
        ([], "summary: expected an object, got list"),
        ({}, "summary: missing required field 'node'"),
        ({"node": None}, "summary: missing required field 'node'"),
        ({"node": "n1"}, "summary.node: expected an object, got str"),
        (
            {"node": {"memory": {"availableBytes": "1Gi"}}},
            "summary.node.memory.availableBytes: expected an unsigned integer, got str",
        ),
        (
            {"node": {"memory": {"availableBytes": -1}}},
            "summary.node.memory.availableBytes: -1 is out of range",
        ),
        ({"node": {"memory": {"availableBytes": 1.5}}}, "expected an unsigned integer, got float"),
        ({"node": {"fs": {"time": "yesterday"}}}, "summary.node.fs.time: invalid RFC 3339 time"),
        ({"node": {"fs": {"time": 5}}}, "summary.node.fs.time: expected an RFC 3339 string"),
        (
            {"node": {"runtime": {"imageFs": []}}},
            "summary.node.runtime.imageFs: expected an object",
        ),
        (
            {"node": {"rlimit": {"maxpid": "many"}}},
            "summary.node.rlimit.maxpid: expected an integer",
        ),
        ({"node": {}, "pods": {}}, "summary.pods: expected a list"),
        (
            {"node": {}, "pods": [{"podRef": {"uid": 7}}]},
            "summary.pods[0].podRef.uid: expected a string",
        ),
        (
            {"node": {}, "pods": [{"containers": [{"memory": {"workingSetBytes": True}}]}]},
            "summary.pods[0].containers[0].memory.workingSetBytes: "
            "expected an unsigned integer, got bool",
        ),
        (
            {"node": {}, "pods": [{"volume": [{"usedBytes": "1"}]}]},
            "summary.pods[0].volume[0].usedBytes",
        ),
    ],
)
def test_malformed_summary_is_rejected_with_the_path(summary: object, fragment: str) -> None:
    with pytest.raises(SummaryError) as info:
        validate_summary(summary)
    assert fragment in str(info.value)


def test_a_bad_summary_makes_synchronize_skip_like_the_kubelet() -> None:
    provider = FakeSummaryProvider(result={"node": "broken"}, validate=True)
    manager = Manager(
        provider,
        Config(
            0,
            timedelta(minutes=5),
            [
                Threshold(
                    api.SIGNAL_MEMORY_AVAILABLE,
                    "LessThan",
                    ThresholdValue(quantity=must_parse("1Gi")),
                )
            ],
        ),
        FakePodKiller(),
        FakeDiskGC(),
        FakeDiskGC(),
        FakeRecorder(),
        None,
        FakeClock(),
    )
    assert manager.synchronize(FakeDiskInfoProvider(), list) is None
    trace = manager.last_trace
    assert trace is not None and trace.skipped == "failed to get summary stats"
    assert "summary.node: expected an object" in (trace.error or "")


def test_feature_gate_defaults_and_scoping() -> None:
    assert features.enabled(features.POD_PRIORITY) is False
    assert features.enabled(features.LOCAL_STORAGE_CAPACITY_ISOLATION) is True
    assert features.enabled(features.EXPERIMENTAL_CRITICAL_POD_ANNOTATION) is False
    with features.gates(PodPriority=True):
        assert features.enabled("PodPriority")
        features.DEFAULT_FEATURE_GATE.set("ExperimentalCriticalPodAnnotation=true")
        assert features.enabled("ExperimentalCriticalPodAnnotation")
    assert not features.enabled("PodPriority")
    assert not features.enabled("ExperimentalCriticalPodAnnotation")
    with pytest.raises(ValueError, match="unrecognized key: Bogus"):
        features.DEFAULT_FEATURE_GATE.set_from_map({"Bogus": True})
    with pytest.raises(KeyError):
        features.enabled("Bogus")


def test_fake_clock_steps_and_sleeps_without_blocking() -> None:
    start = datetime(2018, 1, 1, tzinfo=UTC)
    clock = FakeClock(start)
    clock.step(timedelta(seconds=5))
    clock.sleep(timedelta(hours=1))
    assert clock.now() == start + timedelta(hours=1, seconds=5)
    clock.set_time(start)
    assert clock.since(start) == timedelta(0)
    assert RealClock().now().tzinfo is not None


def test_go_sort_matches_go_for_small_inputs_and_sorts_large_ones() -> None:
    # n <= 6: plain insertion sort, so stable.
    items = [(1, "a"), (0, "b"), (1, "c"), (0, "d")]
    go_sort(items, lambda x, y: x[0] < y[0])
    assert items == [(0, "b"), (0, "d"), (1, "a"), (1, "c")]
    # n = 7..12: the gap-6 shell pass runs first and can reorder equal keys.
    items = [(1, "a"), (1, "b"), (1, "c"), (1, "d"), (1, "e"), (1, "f"), (0, "g")]
    go_sort(items, lambda x, y: x[0] < y[0])
    assert items[0] == (0, "g")
    assert [k for _, k in items[1:]] == ["b", "c", "d", "e", "f", "a"]  # not stable
    rng = random.Random(7)
    for n in (13, 41, 200, 1000):
        data = [rng.randrange(20) for _ in range(n)]
        out = list(data)
        go_sort(out, lambda x, y: x < y)
        assert out == sorted(data)


def test_memory_is_always_reclaimed_first() -> None:
    resources = [h.RESOURCE_NODE_FS, h.RESOURCE_IMAGE_FS, "memory"]
    go_sort(resources, h.by_eviction_priority_less)
    assert resources[0] == "memory"


def _manager(thresholds, summary, clock=None):
    killer = FakePodKiller()
    provider = FakeSummaryProvider(result=summary)
    manager = Manager(
        provider,
        Config(5, timedelta(minutes=5), thresholds),
        killer,
        FakeDiskGC(),
        FakeDiskGC(),
        FakeRecorder(),
        {"kind": "Node", "name": "n"},
        clock or FakeClock(),
    )
    return manager, killer, provider


def test_monitor_loop_runs_on_the_fake_clock() -> None:
    pod, stats = make_pod_with_memory_stats("hog", 0, {}, {}, "900Mi")
    threshold = Threshold(
        api.SIGNAL_MEMORY_AVAILABLE, "LessThan", ThresholdValue(quantity=must_parse("1Gi"))
    )
    clock = FakeClock()
    manager, killer, _ = _manager([threshold], make_memory_stats("500Mi", [stats]), clock)
    pods = [pod]
    loop = manager.start(
        FakeDiskInfoProvider(), lambda: list(pods), lambda p: p not in pods, timedelta(seconds=10)
    )
    start = clock.now()
    evicted = loop.step()
    assert evicted == [pod] and killer.pod is pod
    # the cleanup wait polls every second; the killed pod is still "running", so it times out
    assert clock.now() - start == timedelta(seconds=30)
    pods.clear()
    loop.run_for(timedelta(minutes=1))
    assert loop.iterations > 2


def test_trace_records_the_pass_and_is_json() -> None:
    with features.gates(PodPriority=True):
        low, low_stats = make_pod_with_memory_stats("low", -5, {}, {}, "100Mi")
        high, high_stats = make_pod_with_memory_stats("high", 5, {}, {}, "800Mi")
        soft = Threshold(
            api.SIGNAL_MEMORY_AVAILABLE,
            "LessThan",
            ThresholdValue(quantity=must_parse("1Gi")),
            timedelta(minutes=1),
        )
        clock = FakeClock()
        manager, _, _ = _manager([soft], make_memory_stats("500Mi", [low_stats, high_stats]), clock)
        manager.synchronize(FakeDiskInfoProvider(), lambda: [high, low])
        first = manager.last_trace
        assert first is not None
        assert [t["signal"] for t in first.thresholds_met] == ["memory.available"]
        assert first.thresholds_grace_period_met == []
        assert first.node_conditions == ["MemoryPressure"]
        clock.step(timedelta(minutes=2))
        manager.synchronize(FakeDiskInfoProvider(), lambda: [high, low])
        trace = manager.last_trace
        assert trace is not None
        assert trace.resource_to_reclaim == "memory" and trace.soft_eviction is True
        assert trace.ranking == ["/low", "/high"]
        assert trace.evicted[0].pod == "/low" and trace.evicted[0].grace_period_override == 5
        assert "Warning EvictionThresholdMet Attempting to reclaim memory" in trace.events
        encoded = json.loads(json.dumps(trace.to_dict()))
        assert encoded["evicted"][0]["uid"] == "low"


def test_stale_stats_do_not_evict_twice() -> None:
    """thresholdsUpdatedStats: an observation whose timestamp did not advance is ignored."""
    pod, stats = make_pod_with_memory_stats("hog", 0, {}, {}, "900Mi")
    summary = make_memory_stats("500Mi", [stats])
    summary["node"]["memory"]["time"] = "2018-11-26T10:00:00Z"
    hard = Threshold(
        api.SIGNAL_MEMORY_AVAILABLE, "LessThan", ThresholdValue(quantity=must_parse("1Gi"))
    )
    manager, killer, _ = _manager([hard], summary)
    assert manager.synchronize(FakeDiskInfoProvider(), lambda: [pod]) == [pod]
    killer.reset()
    assert manager.synchronize(FakeDiskInfoProvider(), lambda: [pod]) is None
    assert killer.pod is None
    assert manager.is_under_memory_pressure()


def test_pid_signal_is_observed_but_cannot_be_configured() -> None:
    observations, _ = h.make_signal_observations(
        {"node": {"rlimit": {"maxpid": 1000, "curproc": 900}}}
    )
    obs = observations[api.SIGNAL_PID_AVAILABLE]
    assert obs.available.value() == 100 and obs.capacity.value() == 1000  # type: ignore[union-attr]
    assert not h.valid_signal(api.SIGNAL_PID_AVAILABLE)


def test_admission_lets_critical_pods_in_only_with_the_gate() -> None:
    pod, stats = make_pod_with_memory_stats("hog", 0, {}, {}, "900Mi")
    hard = Threshold(
        api.SIGNAL_NODE_FS_AVAILABLE, "LessThan", ThresholdValue(quantity=must_parse("1Gi"))
    )
    summary = {"node": {"fs": {"availableBytes": 1, "capacityBytes": 100}}, "pods": [stats]}
    manager, _, _ = _manager([hard], summary)
    manager.synchronize(FakeDiskInfoProvider(), lambda: [pod])
    assert manager.is_under_disk_pressure() and not manager.is_under_pid_pressure()
    critical = new_pod("dns", 0, [new_container("dns", new_resource_list("", "10Mi", ""), {})])
    critical["metadata"].update(
        namespace="kube-system", annotations={"scheduler.alpha.kubernetes.io/critical-pod": ""}
    )
    result = manager.admit(PodAdmitAttributes(pod=critical))
    assert not result.admit and result.reason == "Evicted"
    assert result.message == "The node was low on resource: [DiskPressure]."
    with features.gates(ExperimentalCriticalPodAnnotation=True):
        assert manager.admit(PodAdmitAttributes(pod=critical)).admit


def test_memcg_notifier_is_described_not_registered() -> None:
    soft = Threshold(
        api.SIGNAL_MEMORY_AVAILABLE,
        "LessThan",
        ThresholdValue(percentage=0.1),
        timedelta(minutes=1),
    )
    observations, _ = h.make_signal_observations(make_memory_stats("1Gi", []))
    described = start_memory_threshold_notifier([soft], observations, False, lambda d: None)
    assert described is not None and described["registered"] is False
    assert described["attribute"] == "memory.usage_in_bytes"
    # capacity 2Gi minus float32 10% of it
    assert described["threshold"] == str(2 * 2**30 - int(float(2 * 2**30) * api.float32(0.1)))
    assert described["description"] == "<10.000000% available"
    assert start_memory_threshold_notifier([soft], observations, True, lambda d: None) is None


_SORT_CASES = json.loads((Path(__file__).parent / "data" / "gosort_cases.json").read_text())[
    "cases"
]


@pytest.mark.parametrize("case", _SORT_CASES, ids=lambda c: f"n{len(c[0])}")
def test_go_sort_reproduces_go_permutations_with_ties(case: list[list[int]]) -> None:
    """Recorded outputs of Go's sort.Sort on keys with many ties (see the file's "about")."""
    keys, expected = case
    items = list(enumerate(keys))
    go_sort(items, lambda a, b: a[1] < b[1])
    assert [i for i, _ in items] == expected
