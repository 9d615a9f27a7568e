"""The scheduler's node-condition predicates for eviction pressure (v1.10.11,
pkg/scheduler/algorithm/predicates/predicates.go).

The scheduler caches each node's ``MemoryPressure`` and ``DiskPressure`` condition status
(``schedulercache.NodeInfo.SetNode``: for each condition of the node, the last one of a type
wins).  ``CheckNodeMemoryPressurePredicate`` refuses only BestEffort pods on a node under memory
pressure -- Burstable and Guaranteed pods still land there, and the eviction manager's
``Admit`` on that node makes the same distinction.  ``CheckNodeDiskPressurePredicate`` refuses
every pod.  Both are default predicates of the 1.10 algorithm provider.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from reference_impl.eviction.pods import get_pod_qos
from reference_impl.mirrors import mirrors

_PREDICATES = "k8s.io/kubernetes/pkg/scheduler/algorithm/predicates"

# error.go: newPredicateFailureError(name, description)
ERR_NODE_UNDER_MEMORY_PRESSURE = ("NodeUnderMemoryPressure", "node(s) had memory pressure")
ERR_NODE_UNDER_DISK_PRESSURE = ("NodeUnderDiskPressure", "node(s) had disk pressure")


@dataclass(frozen=True)
class PredicateResult:
    """``(fit bool, reasons []PredicateFailureReason, err error)`` of a predicate.

    Mirrors nothing on its own: the result of the predicates below.

    >>> PredicateResult(True).reasons
    ()
    """

    fits: bool
    reasons: tuple[tuple[str, str], ...] = ()


def node_condition_status(node: Mapping[str, Any], condition_type: str) -> str:
    """The status ``NodeInfo.SetNode`` caches for ``condition_type``: the last condition of that
    type wins; none -> ``""`` (Go's zero ConditionStatus, which is not ``True``).

    Mirrors nothing on its own: a helper that plays schedulercache.NodeInfo.

    >>> node_condition_status(
    ...     {"status": {"conditions": [{"type": "DiskPressure", "status": "True"}]}}, "DiskPressure"
    ... )
    'True'
    """
    status = ""
    for cond in (node.get("status") or {}).get("conditions") or []:
        if cond.get("type") == condition_type:
            status = cond.get("status", "")
    return status


@mirrors(f"{_PREDICATES}.CheckNodeMemoryPressurePredicate")
def check_node_memory_pressure_predicate(
    pod: Mapping[str, Any], node: Mapping[str, Any]
) -> PredicateResult:
    """Mirrors predicates.CheckNodeMemoryPressurePredicate: a BestEffort pod does not fit a node
    whose ``MemoryPressure`` is ``True``; any other pod fits (memory pressure only).

    >>> best_effort = {"spec": {"containers": [{"name": "c"}]}}
    >>> burstable = {
    ...     "spec": {"containers": [{"name": "c", "resources": {"requests": {"memory": "1Gi"}}}]}
    ... }
    >>> under = {"status": {"conditions": [{"type": "MemoryPressure", "status": "True"}]}}
    >>> check_node_memory_pressure_predicate(best_effort, under).fits
    False
    >>> check_node_memory_pressure_predicate(burstable, under).fits
    True
    """
    if get_pod_qos(dict(pod)) != "BestEffort":
        return PredicateResult(True)
    if node_condition_status(node, "MemoryPressure") == "True":
        return PredicateResult(False, (ERR_NODE_UNDER_MEMORY_PRESSURE,))
    return PredicateResult(True)


@mirrors(f"{_PREDICATES}.CheckNodeDiskPressurePredicate")
def check_node_disk_pressure_predicate(
    pod: Mapping[str, Any], node: Mapping[str, Any]
) -> PredicateResult:
    """Mirrors predicates.CheckNodeDiskPressurePredicate: no pod fits a node whose
    ``DiskPressure`` is ``True``, whatever its QoS class.

    >>> under = {"status": {"conditions": [{"type": "DiskPressure", "status": "True"}]}}
    >>> check_node_disk_pressure_predicate({"spec": {"containers": []}}, under).reasons
    (('NodeUnderDiskPressure', 'node(s) had disk pressure'),)
    """
    del pod  # the Go predicate does not look at the pod
    if node_condition_status(node, "DiskPressure") == "True":
        return PredicateResult(False, (ERR_NODE_UNDER_DISK_PRESSURE,))
    return PredicateResult(True)
