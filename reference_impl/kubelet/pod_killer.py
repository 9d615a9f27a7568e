"""The pod killer the eviction manager is given: ``killPodNow`` (pkg/kubelet/pod_workers.go).

The manager calls ``killPodFunc(pod, status, &gracePeriodOverride)`` with the status it wants
written (phase ``Failed``, reason ``Evicted``, a message naming the starved resource) and a
grace period it chose: 0 for a hard threshold, ``--eviction-max-pod-grace-period`` for a soft one
(``managerImpl.synchronize``).  ``killPodNow`` turns that into a ``SyncPodKill`` update for the
pod's worker and waits for it -- at most 1.5 x the grace period, and never less than 10 s.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from reference_impl.mirrors import mirrors


@dataclass(frozen=True)
class KillPlan:
    """What ``killPodNow`` asks the pod worker to do, and how long it waits.

    Mirrors nothing on its own: the result of :func:`kill_pod_now`.

    >>> KillPlan(0, 10, {"phase": "Failed"}, 0).timeout_seconds
    10
    """

    grace_period_seconds: int  # the grace period the kill uses
    timeout_seconds: int  # after this, an ExceededGracePeriod event and an error
    status: Mapping[str, Any]  # written through KillPodOptions.PodStatusFunc
    grace_period_override: int | None  # passed on to the runtime as the override


def _go_int64_div(a: int, b: int) -> int:
    # Go's integer division truncates toward zero (Python's // floors)
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


@mirrors("k8s.io/kubernetes/pkg/kubelet.killPodNow")
def kill_pod_now(
    pod: Mapping[str, Any], status: Mapping[str, Any], grace_period_override: int | None
) -> KillPlan:
    """Mirrors killPodNow (the returned closure): the grace period and the wait.

    The grace period is the override when one is given (the eviction manager always gives one:
    0 for hard thresholds, the max pod grace period for soft ones), else the pod's
    ``terminationGracePeriodSeconds``, else 0.  The wait is ``gracePeriod + gracePeriod/2``
    (integer division), at least 10 s.  The status is written as given.

    Quirk kept: the soft-eviction override is ``--eviction-max-pod-grace-period`` itself, not
    min(pod's period, max) -- in 1.10 the manager passes the flag's value unchanged.

    >>> pod = {"spec": {"terminationGracePeriodSeconds": 30}}
    >>> evicted = {"phase": "Failed", "reason": "Evicted"}
    >>> (
    ...     kill_pod_now(pod, evicted, 0).grace_period_seconds,
    ...     kill_pod_now(pod, evicted, 0).timeout_seconds,
    ... )
    (0, 10)
    >>> kill_pod_now(pod, evicted, None).grace_period_seconds
    30
    >>> kill_pod_now(pod, evicted, 45).timeout_seconds
    67
    """
    grace = 0
    if grace_period_override is not None:
        grace = grace_period_override
    else:
        spec_grace = (pod.get("spec") or {}).get("terminationGracePeriodSeconds")
        if spec_grace is not None:
            grace = int(spec_grace)
    timeout = max(grace + _go_int64_div(grace, 2), 10)
    return KillPlan(grace, timeout, dict(status), grace_period_override)
