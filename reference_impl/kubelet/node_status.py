"""From the eviction manager to the Node object: the pressure conditions (v1.10.11,
pkg/kubelet/kubelet_node_status.go).

Every node-status update (every 10 s by default, ``--node-status-update-frequency``) runs the
kubelet's ``setNode*Condition`` functions.  The two here ask the eviction manager
``IsUnderMemoryPressure`` / ``IsUnderDiskPressure`` -- which answer from the last
``synchronize`` pass, pressure-transition period included -- and write the answer into
``node.status.conditions``.  The scheduler reads it from there.

A node is the JSON of a v1.Node (a dict); it is updated in place, as Go updates ``*v1.Node``.

Quirk kept: reason and message are written only on a status change, so a condition another
writer left (upstream's TestUpdateExistingNodeStatus starts DiskPressure with reason
``KubeletHasSufficientDisk``) keeps its words while only its heartbeat moves.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reference_impl.mirrors import mirrors

_KUBELET = "k8s.io/kubernetes/pkg/kubelet"

Node = dict[str, Any]
RecordEvent = Callable[[str, str], None]  # (event type, reason), recordNodeStatusEvent


def _set_pressure_condition(
    node: Node,
    now: str,
    under_pressure: bool,
    condition_type: str,
    true_reason_message_event: tuple[str, str, str],
    false_reason_message_event: tuple[str, str, str],
    record_event: RecordEvent | None,
) -> None:
    conditions = node.setdefault("status", {}).setdefault("conditions", [])
    condition = None
    # the Go loop keeps the LAST condition of that type when there are several
    for existing in conditions:
        if existing.get("type") == condition_type:
            condition = existing
    new_condition = condition is None
    if condition is None:
        condition = {"type": condition_type, "status": "Unknown"}
    condition["lastHeartbeatTime"] = now
    if under_pressure:
        if condition["status"] != "True":
            reason, message, event = true_reason_message_event
            condition.update(status="True", reason=reason, message=message)
            condition["lastTransitionTime"] = now
            if record_event:
                record_event("Normal", event)
    elif condition["status"] != "False":
        reason, message, event = false_reason_message_event
        condition.update(status="False", reason=reason, message=message)
        condition["lastTransitionTime"] = now
        if record_event:
            record_event("Normal", event)
    if new_condition:
        conditions.append(condition)


@mirrors(f"(*{_KUBELET}.Kubelet).setNodeMemoryPressureCondition")
def set_node_memory_pressure_condition(
    node: Node, now: str, under_memory_pressure: bool, record_event: RecordEvent | None = None
) -> None:
    """Mirrors Kubelet.setNodeMemoryPressureCondition: write ``MemoryPressure``.

    The heartbeat time moves on every update; the status, reason, message and transition time
    change (and an event is recorded) only when the answer changes.  A new condition starts as
    ``Unknown``, so its first update always records a transition.

    >>> node = {"status": {"conditions": []}}
    >>> set_node_memory_pressure_condition(node, "2018-01-01T00:00:00Z", True)
    >>> c = node["status"]["conditions"][0]
    >>> c["type"], c["status"], c["reason"]
    ('MemoryPressure', 'True', 'KubeletHasInsufficientMemory')
    >>> set_node_memory_pressure_condition(node, "2018-01-01T00:00:10Z", True)
    >>> c["lastTransitionTime"], c["lastHeartbeatTime"]
    ('2018-01-01T00:00:00Z', '2018-01-01T00:00:10Z')
    """
    _set_pressure_condition(
        node,
        now,
        under_memory_pressure,
        "MemoryPressure",
        (
            "KubeletHasInsufficientMemory",
            "kubelet has insufficient memory available",
            "NodeHasInsufficientMemory",
        ),
        (
            "KubeletHasSufficientMemory",
            "kubelet has sufficient memory available",
            "NodeHasSufficientMemory",
        ),
        record_event,
    )


@mirrors(f"(*{_KUBELET}.Kubelet).setNodeDiskPressureCondition")
def set_node_disk_pressure_condition(
    node: Node, now: str, under_disk_pressure: bool, record_event: RecordEvent | None = None
) -> None:
    """Mirrors Kubelet.setNodeDiskPressureCondition: write ``DiskPressure`` (the twin of
    :func:`set_node_memory_pressure_condition`).

    >>> node = {}
    >>> events = []
    >>> set_node_disk_pressure_condition(node, "t0", False, lambda t, r: events.append(r))
    >>> node["status"]["conditions"][0]["reason"], events
    ('KubeletHasNoDiskPressure', ['NodeHasNoDiskPressure'])
    """
    _set_pressure_condition(
        node,
        now,
        under_disk_pressure,
        "DiskPressure",
        ("KubeletHasDiskPressure", "kubelet has disk pressure", "NodeHasDiskPressure"),
        ("KubeletHasNoDiskPressure", "kubelet has no disk pressure", "NodeHasNoDiskPressure"),
        record_event,
    )
