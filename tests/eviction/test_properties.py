"""Property tests of the manager's invariants (hypothesis)."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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
from reference_impl.quantity import BINARY_SI, new_quantity
from tests.eviction.eviction_builders import new_container, new_pod, new_pod_memory_stats

MI = 2**20
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

pod_strategy = st.tuples(
    st.integers(min_value=0, max_value=2048),  # usage MiB
    st.integers(min_value=0, max_value=1024),  # request MiB (0 = none)
    st.integers(min_value=-3, max_value=3),  # priority
    st.booleans(),  # critical static
)


def build(pods_spec, available_mib, thresholds, transition=timedelta(minutes=5)):
    pods, stats = [], []
    for i, (usage, request, priority, critical) in enumerate(pods_spec):
        requests = {"memory": f"{request}Mi"} if request else {}
        pod = new_pod(f"p{i}", priority, [new_container(f"p{i}", requests, {})])
        if critical:
            pod["metadata"]["namespace"] = "kube-system"
            pod["metadata"]["annotations"] = {
                "scheduler.alpha.kubernetes.io/critical-pod": "",
                "kubernetes.io/config.source": "file",
            }
        pods.append(pod)
        stats.append(new_pod_memory_stats(pod, new_quantity(usage * MI, BINARY_SI)))
    killer = FakePodKiller()
    provider = FakeSummaryProvider()
    clock = FakeClock()
    manager = Manager(
        provider,
        Config(30, transition, thresholds),
        killer,
        FakeDiskGC(),
        FakeDiskGC(),
        FakeRecorder(),
        None,
        clock,
    )

    def summary(avail_mib: int) -> dict:
        value = avail_mib * MI
        memory = {"availableBytes": value, "workingSetBytes": 4096 * MI}
        return {
            "node": {
                "memory": memory,
                "systemContainers": [{"name": "pods", "memory": dict(memory)}],
            },
            "pods": stats,
        }

    provider.result = summary(available_mib)
    return manager, killer, provider, clock, pods, summary


def memory_threshold(mib: int, grace_s: int = 0, reclaim_mib: int | None = None) -> Threshold:
    return Threshold(
        api.SIGNAL_MEMORY_AVAILABLE,
        api.OP_LESS_THAN,
        ThresholdValue(quantity=new_quantity(mib * MI, BINARY_SI)),
        timedelta(seconds=grace_s),
        ThresholdValue(quantity=new_quantity(reclaim_mib * MI, BINARY_SI)) if reclaim_mib else None,
    )


@SETTINGS
@given(
    st.lists(pod_strategy, min_size=1, max_size=15),
    st.lists(st.integers(min_value=0, max_value=3000), min_size=1, max_size=6),
    st.integers(min_value=1, max_value=2000),
    st.integers(min_value=0, max_value=120),
    st.booleans(),
)
def test_at_most_one_pod_per_pass(pods_spec, availability, threshold_mib, grace, priority_gate):
    with features.gates(PodPriority=priority_gate):
        thresholds = [memory_threshold(threshold_mib, grace)]
        manager, killer, provider, clock, pods, summary = build(
            pods_spec, availability[0], thresholds
        )
        for avail in availability:
            provider.result = summary(avail)
            before = len(killer.killed)
            evicted = manager.synchronize(FakeDiskInfoProvider(), lambda: list(pods))
            assert len(killer.killed) - before <= 1
            assert evicted is None or len(evicted) == 1
            clock.step(timedelta(seconds=61))


@SETTINGS
@given(
    st.lists(pod_strategy, min_size=0, max_size=15),
    st.integers(min_value=1, max_value=2000),
    st.integers(min_value=0, max_value=2000),
)
def test_nothing_happens_when_no_threshold_is_met(pods_spec, threshold_mib, headroom):
    manager, killer, _, _, pods, _ = build(
        pods_spec, threshold_mib + headroom, [memory_threshold(threshold_mib)]
    )
    assert manager.synchronize(FakeDiskInfoProvider(), lambda: list(pods)) is None
    assert killer.killed == []
    assert manager.node_conditions == []
    probe = new_pod("probe", 0, [new_container("probe", {}, {})])
    assert manager.admit(PodAdmitAttributes(pod=probe)).admit


@SETTINGS
@given(
    st.integers(min_value=10, max_value=900),  # transition period, seconds
    st.lists(
        st.integers(min_value=1, max_value=120), min_size=1, max_size=12
    ),  # steps after relief
)
def test_condition_holds_for_the_transition_period(period_s, steps):
    transition = timedelta(seconds=period_s)
    manager, _, provider, clock, pods, summary = build([], 100, [memory_threshold(500)], transition)
    manager.synchronize(FakeDiskInfoProvider(), lambda: list(pods))
    last_met = clock.now()
    assert manager.is_under_memory_pressure()
    provider.result = summary(4000)
    for step in steps:
        clock.step(timedelta(seconds=step))
        manager.synchronize(FakeDiskInfoProvider(), lambda: list(pods))
        assert manager.is_under_memory_pressure() == (clock.now() - last_met < transition)


@SETTINGS
@given(st.lists(pod_strategy, min_size=1, max_size=15), st.integers(min_value=0, max_value=400))
def test_critical_static_pods_are_never_evicted_with_the_gate_on(pods_spec, available):
    with features.gates(ExperimentalCriticalPodAnnotation=True, PodPriority=True):
        manager, killer, _, clock, pods, _ = build(pods_spec, available, [memory_threshold(500)])
        for _ in range(3):
            manager.synchronize(FakeDiskInfoProvider(), lambda: list(pods))
            clock.step(timedelta(seconds=10))
        for pod in killer.killed:
            assert "critical-pod" not in (pod["metadata"].get("annotations") or {})
        non_critical = [p for p, spec in zip(pods, pods_spec, strict=True) if not spec[3]]
        if non_critical:
            assert killer.killed, "with a hard threshold met, some non-critical pod is evicted"
