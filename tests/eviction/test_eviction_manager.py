"""Ports of the 7 tests in pkg/kubelet/eviction/eviction_manager_test.go (v1.10.11).

Each test keeps the Go test's name, its pods, thresholds, clock steps and
expectations.  The Go tests flip the global feature gate and never restore it;
here each test sets the gates it needs inside ``features.gates`` so tests stay
independent.

One module, over 600 lines, on purpose: it ports one Go test file (eviction_manager_test.go)
test by test, so the mapping to the Go names stays 1:1.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from reference_impl import features
from reference_impl.clock import FakeClock
from reference_impl.eviction import api
from reference_impl.eviction.api import Threshold, ThresholdValue
from reference_impl.eviction.eviction_manager import Manager
from reference_impl.eviction.fakes import (
    FakeDiskGC,
    FakeDiskInfoProvider,
    FakePodKiller,
    FakeRecorder,
    FakeSummaryProvider,
)
from reference_impl.eviction.types import Config, PodAdmitAttributes
from reference_impl.quantity import must_parse
from tests.eviction.eviction_builders import (
    DEFAULT_PRIORITY,
    HIGH_PRIORITY,
    LOW_PRIORITY,
    make_disk_stats,
    make_inode_stats,
    make_memory_stats,
    make_pod_with_disk_stats,
    make_pod_with_memory_stats,
    new_container,
    new_pod,
    new_pod_inode_stats,
    new_resource_list,
    parse_quantity_or_zero,
)

NODE_REF = {"kind": "Node", "name": "test", "uid": "test", "namespace": ""}
MINUTE = timedelta(minutes=1)


def threshold(
    signal: str, value: str, grace: timedelta = timedelta(0), min_reclaim: str | None = None
) -> Threshold:
    return Threshold(
        signal=signal,
        operator=api.OP_LESS_THAN,
        value=ThresholdValue(quantity=must_parse(value)),
        grace_period=grace,
        min_reclaim=ThresholdValue(quantity=must_parse(min_reclaim)) if min_reclaim else None,
    )


class Harness:
    """The managerImpl literal and mocks every Go test builds."""

    def __init__(
        self,
        thresholds: list[Threshold],
        summary: dict[str, Any],
        pods: list[dict[str, Any]],
        gc_swaps_summary: bool = False,
    ) -> None:
        self.clock = FakeClock(datetime(2018, 11, 26, 10, 0, tzinfo=UTC))
        self.killer = FakePodKiller()
        self.disk_info = FakeDiskInfoProvider(dedicated_image_fs=False)
        self.summary_provider = FakeSummaryProvider(result=summary)
        self.gc = FakeDiskGC(
            fake_summary_provider=self.summary_provider if gc_swaps_summary else None
        )
        self.config = Config(
            max_pod_grace_period_seconds=5,
            pressure_transition_period=5 * MINUTE,
            thresholds=thresholds,
        )
        self.pods = pods
        self.manager = Manager(
            self.summary_provider,
            self.config,
            self.killer.kill_pod_now,
            self.gc,
            self.gc,
            FakeRecorder(),
            NODE_REF,
            self.clock,
        )

    def sync(self, step: timedelta, summary: dict[str, Any]) -> None:
        self.clock.step(step)
        self.summary_provider.result = summary
        self.manager.synchronize(self.disk_info, lambda: self.pods)

    def admits(self, *pods: dict[str, Any]) -> list[bool]:
        return [self.manager.admit(PodAdmitAttributes(pod=p)).admit for p in pods]


MEMORY_PODS = [
    (
        "guaranteed-low-priority-high-usage",
        LOW_PRIORITY,
        ("100m", "1Gi", ""),
        ("100m", "1Gi", ""),
        "900Mi",
    ),
    (
        "burstable-below-requests",
        DEFAULT_PRIORITY,
        ("100m", "100Mi", ""),
        ("200m", "1Gi", ""),
        "50Mi",
    ),
    (
        "burstable-above-requests",
        DEFAULT_PRIORITY,
        ("100m", "100Mi", ""),
        ("200m", "1Gi", ""),
        "400Mi",
    ),
    ("best-effort-high-priority-high-usage", HIGH_PRIORITY, ("", "", ""), ("", "", ""), "400Mi"),
    ("best-effort-low-priority-low-usage", LOW_PRIORITY, ("", "", ""), ("", "", ""), "100Mi"),
]

DISK_PODS = [
    # name, priority, requests, limits, rootFsUsed, logsFsUsed, perLocalVolumeUsed
    (
        "low-priority-high-usage",
        LOW_PRIORITY,
        ("100m", "1Gi", ""),
        ("100m", "1Gi", ""),
        "900Mi",
        "",
        "",
    ),
    (
        "below-requests",
        DEFAULT_PRIORITY,
        ("100m", "100Mi", ""),
        ("200m", "1Gi", ""),
        "",
        "50Mi",
        "",
    ),
    (
        "above-requests",
        DEFAULT_PRIORITY,
        ("100m", "100Mi", ""),
        ("200m", "1Gi", ""),
        "400Mi",
        "",
        "",
    ),
    ("high-priority-high-usage", HIGH_PRIORITY, ("", "", ""), ("", "", ""), "", "", "400Mi"),
    ("low-priority-low-usage", LOW_PRIORITY, ("", "", ""), ("", "", ""), "100Mi", "", ""),
]


def memory_pods() -> tuple[list[dict], list[dict]]:
    pods, stats = [], []
    for name, prio, req, lim, ws in MEMORY_PODS:
        pod, stat = make_pod_with_memory_stats(
            name, prio, new_resource_list(*req), new_resource_list(*lim), ws
        )
        pods.append(pod)
        stats.append(stat)
    return pods, stats


def disk_pods() -> tuple[list[dict], list[dict]]:
    pods, stats = [], []
    for name, prio, req, lim, root, logs, volume in DISK_PODS:
        pod, stat = make_pod_with_disk_stats(
            name, prio, new_resource_list(*req), new_resource_list(*lim), root, logs, volume
        )
        pods.append(pod)
        stats.append(stat)
    return pods, stats


def admission_pods() -> tuple[dict, dict]:
    best_effort, _ = make_pod_with_memory_stats(
        "best-admit",
        DEFAULT_PRIORITY,
        new_resource_list("", "", ""),
        new_resource_list("", "", ""),
        "0Gi",
    )
    burstable, _ = make_pod_with_memory_stats(
        "burst-admit",
        DEFAULT_PRIORITY,
        new_resource_list("100m", "100Mi", ""),
        new_resource_list("200m", "200Mi", ""),
        "0Gi",
    )
    return best_effort, burstable


def test_TestMemoryPressure() -> None:
    """TestMemoryPressure: soft then hard memory thresholds, admission, transition period."""
    with features.gates(PodPriority=True):
        pods, stats = memory_pods()
        pod_to_evict = pods[4]
        mem = api.SIGNAL_MEMORY_AVAILABLE
        t = Harness(
            [threshold(mem, "1Gi"), threshold(mem, "2Gi", 2 * MINUTE)],
            make_memory_stats("2Gi", stats),
            pods,
        )
        best_effort, burstable = admission_pods()

        t.sync(timedelta(0), make_memory_stats("2Gi", stats))
        assert not t.manager.is_under_memory_pressure()
        assert t.admits(best_effort, burstable) == [True, True]

        # induce soft threshold
        t.sync(MINUTE, make_memory_stats("1500Mi", stats))
        assert t.manager.is_under_memory_pressure()
        assert t.killer.pod is None, "no kill before the grace period has passed"

        # step past the grace period
        t.sync(3 * MINUTE, make_memory_stats("1500Mi", stats))
        assert t.manager.is_under_memory_pressure()
        assert t.killer.pod is pod_to_evict
        assert t.killer.grace_period_override == t.config.max_pod_grace_period_seconds

        t.killer.reset()
        # remove memory pressure
        t.sync(20 * MINUTE, make_memory_stats("3Gi", stats))
        assert not t.manager.is_under_memory_pressure()

        # induce memory pressure (hard threshold)
        t.sync(MINUTE, make_memory_stats("500Mi", stats))
        assert t.manager.is_under_memory_pressure()
        assert t.killer.pod is pod_to_evict
        assert t.killer.grace_period_override == 0
        assert t.admits(best_effort, burstable) == [False, True]

        # reduce memory pressure: still reported during the transition period
        t.killer.reset()
        t.sync(MINUTE, make_memory_stats("2Gi", stats))
        assert t.manager.is_under_memory_pressure()
        assert t.killer.pod is None
        assert t.admits(best_effort, burstable) == [False, True]

        # move past the transition period
        t.killer.reset()
        t.sync(5 * MINUTE, make_memory_stats("2Gi", stats))
        assert not t.manager.is_under_memory_pressure()
        assert t.killer.pod is None
        assert t.admits(best_effort, burstable) == [True, True]


def _disk_pressure_sequence(
    t: Harness,
    summary: Callable[[str], dict[str, Any]],
    levels: tuple[str, str, str, str],
    pod_to_evict: dict,
    pod_to_admit: dict,
) -> None:
    """The step sequence shared by TestDiskPressureNodeFs and TestInodePressureNodeFsInodes."""
    ok, soft, hard, _ = levels
    t.sync(timedelta(0), summary(ok))
    assert not t.manager.is_under_disk_pressure()
    assert t.admits(pod_to_admit) == [True]

    t.sync(MINUTE, summary(soft))
    assert t.manager.is_under_disk_pressure()
    assert t.killer.pod is None

    t.sync(3 * MINUTE, summary(soft))
    assert t.manager.is_under_disk_pressure()
    assert t.killer.pod is pod_to_evict
    assert t.killer.grace_period_override == t.config.max_pod_grace_period_seconds

    t.killer.reset()
    t.sync(20 * MINUTE, summary(ok))
    assert not t.manager.is_under_disk_pressure()

    t.sync(MINUTE, summary(hard))
    assert t.manager.is_under_disk_pressure()
    assert t.killer.pod is pod_to_evict
    assert t.killer.grace_period_override == 0
    assert t.admits(pod_to_admit) == [False]

    t.killer.reset()
    t.sync(MINUTE, summary(ok))
    assert t.manager.is_under_disk_pressure(), "transition period not yet met"
    assert t.killer.pod is None
    assert t.admits(pod_to_admit) == [False]

    t.killer.reset()
    t.sync(5 * MINUTE, summary(ok))
    assert not t.manager.is_under_disk_pressure()
    assert t.killer.pod is None
    assert t.admits(pod_to_admit) == [True]


def test_TestDiskPressureNodeFs() -> None:
    """TestDiskPressureNodeFs: nodefs.available soft/hard, ranking by disk usage."""
    with features.gates(LocalStorageCapacityIsolation=True, PodPriority=True):
        pods, stats = disk_pods()
        nodefs = api.SIGNAL_NODE_FS_AVAILABLE
        t = Harness(
            [threshold(nodefs, "1Gi"), threshold(nodefs, "2Gi", 2 * MINUTE)],
            make_disk_stats("16Gi", "200Gi", stats),
            pods,
        )
        pod_to_admit, _ = make_pod_with_disk_stats(
            "pod-to-admit", DEFAULT_PRIORITY, {}, {}, "0Gi", "0Gi", "0Gi"
        )
        _disk_pressure_sequence(
            t,
            lambda avail: make_disk_stats(avail, "200Gi", stats),
            ("16Gi", "1.5Gi", "500Mi", ""),
            pods[0],
            pod_to_admit,
        )


def test_TestMinReclaim() -> None:
    """TestMinReclaim: pressure persists until available >= threshold + min-reclaim."""
    with features.gates(PodPriority=True):
        pods, stats = memory_pods()
        pod_to_evict = pods[4]
        mem = api.SIGNAL_MEMORY_AVAILABLE
        t = Harness(
            [threshold(mem, "1Gi", min_reclaim="500Mi")], make_memory_stats("2Gi", stats), pods
        )

        t.sync(timedelta(0), make_memory_stats("2Gi", stats))
        assert not t.manager.is_under_memory_pressure()

        t.sync(MINUTE, make_memory_stats("500Mi", stats))
        assert t.manager.is_under_memory_pressure()
        assert t.killer.pod is pod_to_evict
        assert t.killer.grace_period_override == 0

        # reduce pressure, but not below the min-reclaim amount: evict again
        t.killer.reset()
        t.sync(MINUTE, make_memory_stats("1.2Gi", stats))
        assert t.manager.is_under_memory_pressure()
        assert t.killer.pod is pod_to_evict
        assert t.killer.grace_period_override == 0

        # reclaim satisfied: no kill, but the condition holds for the transition period
        t.killer.reset()
        t.sync(MINUTE, make_memory_stats("2Gi", stats))
        assert t.manager.is_under_memory_pressure()
        assert t.killer.pod is None

        t.killer.reset()
        t.sync(5 * MINUTE, make_memory_stats("2Gi", stats))
        assert not t.manager.is_under_memory_pressure()
        assert t.killer.pod is None


def test_TestNodeReclaimFuncs() -> None:
    """TestNodeReclaimFuncs: container and image GC first; evict only if GC was not enough."""
    with features.gates(PodPriority=True, LocalStorageCapacityIsolation=True):
        pods, stats = disk_pods()
        pod_to_evict = pods[0]
        nodefs = api.SIGNAL_NODE_FS_AVAILABLE
        t = Harness(
            [threshold(nodefs, "1Gi", min_reclaim="500Mi")],
            make_disk_stats("16Gi", "200Gi", stats),
            pods,
            gc_swaps_summary=True,
        )

        t.sync(timedelta(0), make_disk_stats("16Gi", "200Gi", stats))
        assert not t.manager.is_under_disk_pressure()

        # induce hard threshold; GC brings usage back
        t.gc.summary_after_gc = make_disk_stats("16Gi", "200Gi", stats)
        t.sync(MINUTE, make_disk_stats(".9Gi", "200Gi", stats))
        assert t.manager.is_under_disk_pressure()
        assert t.gc.image_gc_invoked and t.gc.container_gc_invoked
        assert t.killer.pod is None

        t.gc.image_gc_invoked = t.gc.container_gc_invoked = False
        t.sync(20 * MINUTE, make_disk_stats("16Gi", "200Gi", stats))
        assert not t.manager.is_under_disk_pressure()

        # induce disk pressure; GC reclaims nothing
        t.gc.summary_after_gc = make_disk_stats("400Mi", "200Gi", stats)
        t.sync(MINUTE, make_disk_stats("400Mi", "200Gi", stats))
        assert t.manager.is_under_disk_pressure()
        assert t.gc.image_gc_invoked and t.gc.container_gc_invoked
        assert t.killer.pod is pod_to_evict
        assert t.killer.grace_period_override == 0

        # reduce disk pressure
        t.gc.image_gc_invoked = t.gc.container_gc_invoked = False
        t.killer.reset()
        t.sync(MINUTE, make_disk_stats("16Gi", "200Gi", stats))
        assert t.manager.is_under_disk_pressure()
        assert not (t.gc.image_gc_invoked or t.gc.container_gc_invoked)
        assert t.killer.pod is None

        t.gc.image_gc_invoked = t.gc.container_gc_invoked = False
        t.killer.reset()
        t.sync(5 * MINUTE, make_disk_stats("16Gi", "200Gi", stats))
        assert not t.manager.is_under_disk_pressure()
        assert not (t.gc.image_gc_invoked or t.gc.container_gc_invoked)
        assert t.killer.pod is None


def test_TestInodePressureNodeFsInodes() -> None:
    """TestInodePressureNodeFsInodes: nodefs.inodesFree soft/hard, ranking by inodes."""
    with features.gates(PodPriority=True):
        specs = [
            (
                "low-priority-high-usage",
                LOW_PRIORITY,
                ("100m", "1Gi", ""),
                ("100m", "1Gi", ""),
                "900Mi",
            ),
            (
                "below-requests",
                DEFAULT_PRIORITY,
                ("100m", "100Mi", ""),
                ("200m", "1Gi", ""),
                "50Mi",
            ),
            (
                "above-requests",
                DEFAULT_PRIORITY,
                ("100m", "100Mi", ""),
                ("200m", "1Gi", ""),
                "400Mi",
            ),
            ("high-priority-high-usage", HIGH_PRIORITY, ("", "", ""), ("", "", ""), "400Mi"),
            ("low-priority-low-usage", LOW_PRIORITY, ("", "", ""), ("", "", ""), "100Mi"),
        ]
        pods, stats = [], []
        for name, prio, req, lim, root_inodes in specs:
            pod = new_pod(
                name, prio, [new_container(name, new_resource_list(*req), new_resource_list(*lim))]
            )
            pods.append(pod)
            zero = parse_quantity_or_zero("")
            stats.append(new_pod_inode_stats(pod, parse_quantity_or_zero(root_inodes), zero, zero))
        inodes = api.SIGNAL_NODE_FS_INODES_FREE
        t = Harness(
            [threshold(inodes, "1Mi"), threshold(inodes, "2Mi", 2 * MINUTE)],
            make_inode_stats("3Mi", "4Mi", stats),
            pods,
        )
        pod_to_admit = new_pod(
            "pod-to-admit", DEFAULT_PRIORITY, [new_container("pod-to-admit", {}, {})]
        )
        _disk_pressure_sequence(
            t,
            lambda free: make_inode_stats(free, "4Mi", stats),
            ("3Mi", "1.5Mi", "0.5Mi", ""),
            pods[0],
            pod_to_admit,
        )


def test_TestCriticalPodsAreNotEvicted() -> None:
    """TestCriticalPodsAreNotEvicted: a critical static pod survives while the gate is on."""
    with features.gates(PodPriority=True):
        pod, stat = make_pod_with_memory_stats(
            "critical",
            DEFAULT_PRIORITY,
            new_resource_list("100m", "1Gi", ""),
            new_resource_list("100m", "1Gi", ""),
            "800Mi",
        )
        pod["metadata"]["annotations"] = {
            "scheduler.alpha.kubernetes.io/critical-pod": "",
            "kubernetes.io/config.source": "file",
        }
        pod["metadata"]["namespace"] = "kube-system"
        stats = [stat]
        mem = api.SIGNAL_MEMORY_AVAILABLE
        t = Harness(
            [threshold(mem, "1Gi"), threshold(mem, "2Gi", 2 * MINUTE)],
            make_memory_stats("2Gi", stats),
            [pod],
        )

        with features.gates(ExperimentalCriticalPodAnnotation=True):
            t.sync(MINUTE, make_memory_stats("1500Mi", stats))
            assert t.manager.is_under_memory_pressure()
            assert t.killer.pod is None

            t.sync(3 * MINUTE, make_memory_stats("1500Mi", stats))
            assert t.manager.is_under_memory_pressure()
            assert t.killer.pod is not pod, "critical pod must not be evicted"

            t.killer.reset()
            t.sync(20 * MINUTE, make_memory_stats("3Gi", stats))
            assert not t.manager.is_under_memory_pressure()

        with features.gates(ExperimentalCriticalPodAnnotation=False):
            t.sync(MINUTE, make_memory_stats("500Mi", stats))
            assert t.manager.is_under_memory_pressure()
            assert t.killer.pod is pod


def test_TestAllocatableMemoryPressure() -> None:
    """TestAllocatableMemoryPressure: allocatableMemory.available drives eviction too."""
    with features.gates(PodPriority=True):
        pods, stats = memory_pods()
        pod_to_evict = pods[4]
        t = Harness(
            [threshold(api.SIGNAL_ALLOCATABLE_MEMORY_AVAILABLE, "1Gi")],
            make_memory_stats("4Gi", stats),
            pods,
        )
        best_effort, burstable = admission_pods()

        t.sync(timedelta(0), make_memory_stats("4Gi", stats))
        assert not t.manager.is_under_memory_pressure()
        assert t.admits(best_effort, burstable) == [True, True]

        # a new pod's stats appear (it is not active) and memory is low
        _, extra = make_pod_with_memory_stats(
            "guaranteed-high-2",
            DEFAULT_PRIORITY,
            new_resource_list("100m", "1Gi", ""),
            new_resource_list("100m", "1Gi", ""),
            "1Gi",
        )
        t.sync(MINUTE, make_memory_stats("500Mi", [*stats, extra]))
        assert t.manager.is_under_memory_pressure()
        assert t.killer.pod is pod_to_evict
        assert t.killer.grace_period_override == 0
        t.killer.reset()
        assert t.admits(best_effort, burstable) == [False, True]

        t.sync(MINUTE, make_memory_stats("2Gi", stats))
        assert t.manager.is_under_memory_pressure()
        assert t.killer.pod is None
        assert t.admits(best_effort, burstable) == [False, True]

        t.sync(5 * MINUTE, make_memory_stats("2Gi", stats))
        assert not t.manager.is_under_memory_pressure()
        assert t.killer.pod is None
        assert t.admits(best_effort, burstable) == [True, True]


@pytest.mark.parametrize("gate", [True, False])
def test_local_storage_eviction_respects_gate(gate: bool) -> None:
    """Beyond upstream: an emptyDir over its sizeLimit is evicted only with the gate on."""
    with features.gates(LocalStorageCapacityIsolation=gate):
        pod = new_pod(
            "scratch",
            0,
            [new_container("scratch", {}, {})],
            [{"name": "cache", "emptyDir": {"sizeLimit": "100Mi"}}],
        )
        stats = {
            "podRef": {"name": "scratch", "namespace": "", "uid": "scratch"},
            "containers": [],
            "volume": [{"name": "cache", "usedBytes": must_parse("200Mi").value()}],
        }
        t = Harness([], make_memory_stats("4Gi", [stats]), [pod])
        t.sync(timedelta(0), make_memory_stats("4Gi", [stats]))
        assert (t.killer.pod is pod) is gate
        if gate:
            assert t.killer.grace_period_override == 0
            trace = t.manager.last_trace
            assert trace is not None and trace.evicted[0].local_storage
            assert 'emptyDir usage exceeds the limit "100Mi"' in trace.evicted[0].message


def test_pod_ephemeral_storage_limit_event_prints_the_go_struct() -> None:
    """Beyond upstream: Go formats the limit with %v on a Quantity value."""
    pod = new_pod("writer", 0, [new_container("writer", {}, {"ephemeral-storage": "1Gi"})], [])
    stats = {
        "podRef": {"name": "writer", "namespace": "", "uid": "writer"},
        "containers": [{"name": "writer", "rootfs": {"usedBytes": 2 * 2**30}, "logs": {}}],
    }
    t = Harness([], make_memory_stats("4Gi", [stats]), [pod])
    recorder = t.manager.recorder
    t.sync(timedelta(0), make_memory_stats("4Gi", [stats]))
    assert t.killer.pod is pod
    assert t.killer.status == {
        "phase": "Failed",
        "message": "The node was low on resource: ephemeral-storage.",
        "reason": "Evicted",
    }
    assert recorder.events == [  # type: ignore[attr-defined]
        "Warning Evicted pod ephemeral local storage usage exceeds the total limit of "
        "containers {{1073741824 0} {<nil>} 1Gi BinarySI}"
    ]


def test_new_manager_returns_one_object_and_the_pair_form_is_deprecated() -> None:
    import warnings
    from datetime import UTC, datetime, timedelta

    from reference_impl.clock import FakeClock
    from reference_impl.eviction import new_manager
    from reference_impl.eviction.fakes import (
        FakeDiskGC,
        FakePodKiller,
        FakeRecorder,
        FakeSummaryProvider,
    )
    from reference_impl.eviction.types import Config

    gc = FakeDiskGC()
    args = (
        FakeSummaryProvider(),
        Config(0, timedelta(minutes=5), []),
        FakePodKiller(),
        gc,
        gc,
        FakeRecorder(),
        {"kind": "Node"},
        FakeClock(datetime(2018, 11, 26, tzinfo=UTC)),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the one-object form warns about nothing
        manager = new_manager(*args)
        assert callable(manager.admit) and callable(manager.synchronize)
    with pytest.warns(DeprecationWarning, match="unpacking it as"):
        old_manager, admit_handler = new_manager(*args)
    assert old_manager is admit_handler
    assert callable(admit_handler.admit)
