"""One memory reading followed down the whole reading path, for the notebooks' sliders.

Not a mirror of one Go function: it chains the mirrors in the order the kubelet runs them --
``thresholdsMet`` and ``thresholdsMetGracePeriod`` (is a threshold met, and for long enough?),
the grace-period override ``synchronize`` gives the pod killer (0 for hard, the max pod grace
period for soft), ``killPodNow``'s grace period and wait, ``setNodeMemoryPressureCondition`` and
the scheduler's ``CheckNodeMemoryPressurePredicate`` -- for one memory.available value.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from reference_impl.eviction.helpers import (
    is_hard_eviction_threshold,
    parse_threshold_config,
    thresholds_first_observed_at,
    thresholds_met,
    thresholds_met_grace_period,
)
from reference_impl.eviction.types import SignalObservation
from reference_impl.kubelet.node_status import set_node_memory_pressure_condition
from reference_impl.kubelet.pod_killer import kill_pod_now
from reference_impl.quantity import must_parse
from reference_impl.scheduler.predicates import check_node_memory_pressure_predicate

_T0 = datetime(2018, 11, 26, 10, 0, tzinfo=UTC)
# typed: mypy would infer dict[str, object] from the two differently shaped pods
_QOS_PODS: dict[str, dict[str, Any]] = {
    "BestEffort": {"spec": {"containers": [{"name": "c"}]}},
    "Burstable": {
        "spec": {"containers": [{"name": "c", "resources": {"requests": {"memory": "128Mi"}}}]}
    },
}


@dataclass(frozen=True)
class MemoryPass:
    """Mirrors no one Go type: what one memory reading leads to, step by step along the
    path (``thresholdsMet`` ... ``CheckNodeMemoryPressurePredicate``, see the module docstring).

    >>> p = memory_pass(50)
    >>> p.met, p.kill_grace_s, p.memory_pressure
    (('hard 100Mi', 'soft 300Mi'), 0, 'True')
    """

    available_mi: int
    met: tuple[str, ...]  # "hard 100Mi", "soft 300Mi"
    past_grace: tuple[str, ...]  # met for at least their grace period: these act
    kill_grace_s: int | None  # None: nobody is evicted
    kill_wait_s: int | None
    memory_pressure: str  # the node condition's status
    scheduler: tuple[tuple[str, bool], ...]  # (QoS class, fits)

    def lines(self) -> list[str]:
        """The pass as ``name: value`` lines (what the notebooks print and check).

        >>> memory_pass(400).lines()[:2]
        ['memory.available: 400Mi', 'thresholds met: none']
        """
        evicted = (
            "none"
            if self.kill_grace_s is None
            else f"one pod, grace {self.kill_grace_s}s (wait <= {self.kill_wait_s}s)"
        )
        return [
            f"memory.available: {self.available_mi}Mi",
            f"thresholds met: {', '.join(self.met) or 'none'}",
            f"met for their grace period: {', '.join(self.past_grace) or 'none'}",
            f"eviction: {evicted}",
            f"node condition: MemoryPressure={self.memory_pressure}",
            "scheduler: "
            + ", ".join(f"{q} {'fits' if fits else 'refused'}" for q, fits in self.scheduler),
        ]


def memory_pass(
    available_mi: int,
    hard_mi: int = 100,
    soft_mi: int = 300,
    soft_grace_s: int = 90,
    met_for_s: int = 120,
    max_pod_grace_s: int = 60,
    pod_grace_s: int = 30,
) -> MemoryPass:
    """Follow one memory.available reading from the thresholds to the scheduler.

    ``met_for_s``: how long the thresholds have been met already (they count from the first
    pass that saw them).  The pod evicted asks for ``pod_grace_s`` to shut down.

    >>> memory_pass(250).lines()[1:4]  # doctest: +NORMALIZE_WHITESPACE
    ['thresholds met: soft 300Mi', 'met for their grace period: soft 300Mi',
     'eviction: one pod, grace 60s (wait <= 90s)']
    >>> memory_pass(250, met_for_s=30).lines()[2:4]
    ['met for their grace period: none', 'eviction: none']
    >>> memory_pass(50).kill_grace_s
    0
    """
    hard = {"memory.available": f"{hard_mi}Mi"} if hard_mi > 0 else {}
    soft = {"memory.available": f"{soft_mi}Mi"} if soft_mi > 0 else {}
    grace = {"memory.available": f"{soft_grace_s}s"} if soft else {}
    thresholds = parse_threshold_config([], hard, soft, grace, {})
    observed = {
        "memory.available": SignalObservation(must_parse(f"{available_mi}Mi"), must_parse("8Gi"))
    }
    met = thresholds_met(thresholds, observed, False)
    now = _T0 + timedelta(seconds=met_for_s)
    acting = thresholds_met_grace_period(thresholds_first_observed_at(met, {}, _T0), now)

    def label(t):  # "hard 100Mi" / "soft 300Mi"
        return f"{'hard' if is_hard_eviction_threshold(t) else 'soft'} {t.value.quantity}"

    # synchronize: a hard threshold among those acting -> override 0; a soft one -> max grace
    kill_grace = kill_wait = None
    if acting:
        override = 0 if any(is_hard_eviction_threshold(t) for t in acting) else max_pod_grace_s
        plan = kill_pod_now({"spec": {"terminationGracePeriodSeconds": pod_grace_s}}, {}, override)
        kill_grace, kill_wait = plan.grace_period_seconds, plan.timeout_seconds
    node: dict = {"status": {"conditions": []}}
    # the condition follows the thresholds met (before their grace period; synchronize step 9)
    set_node_memory_pressure_condition(node, now.isoformat(), bool(met))
    return MemoryPass(
        available_mi,
        tuple(label(t) for t in met),
        tuple(label(t) for t in acting),
        kill_grace,
        kill_wait,
        node["status"]["conditions"][0]["status"],
        tuple(
            (qos, check_node_memory_pressure_predicate(pod, node).fits)
            for qos, pod in _QOS_PODS.items()
        ),
    )
