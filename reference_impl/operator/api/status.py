"""Mirror of pkg/apis/etcd/v1beta2/status.go: phase, conditions, members, versions."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from reference_impl.mirrors import mirrors

_PKG = "github.com/coreos/etcd-operator/pkg/apis/etcd/v1beta2"

PHASE_NONE = ""
PHASE_CREATING = "Creating"
PHASE_RUNNING = "Running"
PHASE_FAILED = "Failed"

CONDITION_AVAILABLE = "Available"
CONDITION_RECOVERING = "Recovering"
CONDITION_SCALING = "Scaling"
CONDITION_UPGRADING = "Upgrading"


def _wall_clock() -> float:
    import time

    return time.time()


# Go stamps conditions with time.Now(); the mirror lets the world inject its clock so that
# fake-world statuses are reproducible.
now_func: Callable[[], float] = _wall_clock


@dataclass
class ClusterCondition:
    """Mirrors ``v1beta2.ClusterCondition``: one condition (Available, Scaling, ...).

    >>> new_cluster_condition("Scaling", "True", "Scaling up", scaling_msg(1, 3)).type
    'Scaling'
    """

    type: str
    status: str
    last_update_time: float = 0.0
    last_transition_time: float = 0.0
    reason: str = ""
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Mirrors nothing: the JSON form Go gets from the struct's field tags.

        >>> new_cluster_condition("Available", "True", "Cluster available", "").to_dict()["type"]
        'Available'
        """
        return {
            "type": self.type,
            "status": self.status,
            "reason": self.reason,
            "message": self.message,
        }


@dataclass
class MembersStatus:
    """Mirrors ``v1beta2.MembersStatus``: the names of ready and unready members.

    >>> MembersStatus(ready=["ex-a"]).unready
    []
    """

    ready: list[str] = field(default_factory=list)
    unready: list[str] = field(default_factory=list)


@dataclass
class ClusterStatus:
    """Mirrors ``v1beta2.ClusterStatus``: phase, conditions, size, versions, members.

    >>> st = ClusterStatus()
    >>> st.set_scaling_up_condition(1, 3)
    >>> st.set_ready_condition()
    >>> st.condition_types(), st.conditions[0].message
    (['Scaling', 'Available'], 'Current cluster size: 1, desired cluster size: 3')
    """

    phase: str = PHASE_NONE
    reason: str = ""
    control_paused: bool = False
    conditions: list[ClusterCondition] = field(default_factory=list)
    size: int = 0
    service_name: str = ""
    client_port: int = 0
    members: MembersStatus = field(default_factory=MembersStatus)
    current_version: str = ""
    target_version: str = ""

    def deepcopy(self) -> ClusterStatus:
        """Mirrors nothing: what Go's generated ``DeepCopy`` (or a struct copy) does.

        >>> st = ClusterStatus()
        >>> cp = st.deepcopy()
        >>> cp.members.ready.append("ex-a")
        >>> st.members.ready
        []
        """
        return ClusterStatus(
            self.phase,
            self.reason,
            self.control_paused,
            [copy.copy(c) for c in self.conditions],
            self.size,
            self.service_name,
            self.client_port,
            MembersStatus(list(self.members.ready), list(self.members.unready)),
            self.current_version,
            self.target_version,
        )

    def comparable(self) -> tuple[Any, ...]:
        """Mirrors nothing: the fields ``reflect.DeepEqual`` compares in ``updateCRStatus``.

        What reflect.DeepEqual compares, minus condition timestamps (see updateCRStatus).

        >>> st = ClusterStatus()
        >>> st.set_ready_condition()
        >>> other = st.deepcopy()
        >>> other.conditions[0].last_update_time += 60  # a newer timestamp alone is no change
        >>> st.comparable() == other.comparable()
        True
        """
        return (
            self.phase,
            self.reason,
            self.control_paused,
            tuple((c.type, c.status, c.reason, c.message) for c in self.conditions),
            self.size,
            self.service_name,
            self.client_port,
            tuple(self.members.ready),
            tuple(self.members.unready),
            self.current_version,
            self.target_version,
        )

    @mirrors(f"(*{_PKG}.ClusterStatus).IsFailed")
    def is_failed(self) -> bool:
        """Mirrors ``(*v1beta2.ClusterStatus).IsFailed``.

        >>> st = ClusterStatus()
        >>> st.set_phase(PHASE_FAILED)
        >>> st.is_failed()
        True
        """
        return self.phase == PHASE_FAILED

    @mirrors(f"(*{_PKG}.ClusterStatus).SetPhase")
    def set_phase(self, p: str) -> None:
        """Mirrors ``(*v1beta2.ClusterStatus).SetPhase``.

        >>> st = ClusterStatus()
        >>> st.set_phase(PHASE_RUNNING)
        >>> st.phase
        'Running'
        """
        self.phase = p

    @mirrors(f"(*{_PKG}.ClusterStatus).PauseControl")
    def pause_control(self) -> None:
        """Mirrors ``(*v1beta2.ClusterStatus).PauseControl``.

        >>> st = ClusterStatus()
        >>> st.pause_control()
        >>> st.control_paused
        True
        """
        self.control_paused = True

    @mirrors(f"(*{_PKG}.ClusterStatus).Control")
    def control(self) -> None:
        """Mirrors ``(*v1beta2.ClusterStatus).Control``.

        >>> st = ClusterStatus()
        >>> st.pause_control()
        >>> st.control()
        >>> st.control_paused
        False
        """
        self.control_paused = False

    @mirrors(f"(*{_PKG}.ClusterStatus).UpgradeVersionTo")
    def upgrade_version_to(self, v: str) -> None:
        """Mirrors ``(*v1beta2.ClusterStatus).UpgradeVersionTo``.

        >>> st = ClusterStatus()
        >>> st.upgrade_version_to("3.3.0")
        >>> st.target_version
        '3.3.0'
        """
        self.target_version = v

    @mirrors(f"(*{_PKG}.ClusterStatus).SetVersion")
    def set_version(self, v: str) -> None:
        """Mirrors ``(*v1beta2.ClusterStatus).SetVersion``.

        >>> st = ClusterStatus()
        >>> st.upgrade_version_to("3.3.0")
        >>> st.set_version("3.3.0")
        >>> st.current_version, st.target_version
        ('3.3.0', '')
        """
        self.target_version = ""
        self.current_version = v

    @mirrors(f"(*{_PKG}.ClusterStatus).SetReason")
    def set_reason(self, r: str) -> None:
        """Mirrors ``(*v1beta2.ClusterStatus).SetReason``.

        >>> st = ClusterStatus()
        >>> st.set_reason("lost quorum")
        >>> st.reason
        'lost quorum'
        """
        self.reason = r

    @mirrors(f"(*{_PKG}.ClusterStatus).SetScalingUpCondition")
    def set_scaling_up_condition(self, frm: int, to: int) -> None:
        """Mirrors ``(*v1beta2.ClusterStatus).SetScalingUpCondition``.

        >>> st = ClusterStatus()
        >>> st.set_scaling_up_condition(1, 3)
        >>> st.conditions[0].reason, st.conditions[0].message
        ('Scaling up', 'Current cluster size: 1, desired cluster size: 3')
        """
        self._set_condition(
            new_cluster_condition(CONDITION_SCALING, "True", "Scaling up", scaling_msg(frm, to))
        )

    @mirrors(f"(*{_PKG}.ClusterStatus).SetScalingDownCondition")
    def set_scaling_down_condition(self, frm: int, to: int) -> None:
        """Mirrors ``(*v1beta2.ClusterStatus).SetScalingDownCondition``.

        >>> st = ClusterStatus()
        >>> st.set_scaling_down_condition(5, 3)
        >>> st.conditions[0].reason
        'Scaling down'
        """
        self._set_condition(
            new_cluster_condition(CONDITION_SCALING, "True", "Scaling down", scaling_msg(frm, to))
        )

    @mirrors(f"(*{_PKG}.ClusterStatus).SetRecoveringCondition")
    def set_recovering_condition(self) -> None:
        # v0.9.4 never calls this (disaster recovery from backup was removed); kept for reading.
        """Mirrors ``(*v1beta2.ClusterStatus).SetRecoveringCondition``.

        >>> st = ClusterStatus()
        >>> st.set_recovering_condition()
        >>> st.condition_types()
        ['Recovering']
        """
        self._set_condition(
            new_cluster_condition(
                CONDITION_RECOVERING,
                "True",
                "Disaster recovery",
                "Majority is down. Recovering from backup",
            )
        )
        self.clear_condition(CONDITION_AVAILABLE)

    @mirrors(f"(*{_PKG}.ClusterStatus).SetUpgradingCondition")
    def set_upgrading_condition(self, to: str) -> None:
        """Mirrors ``(*v1beta2.ClusterStatus).SetUpgradingCondition``.

        >>> st = ClusterStatus()
        >>> st.set_upgrading_condition("3.3.0")
        >>> st.conditions[0].type, st.conditions[0].message
        ('Upgrading', 'upgrading to 3.3.0')
        """
        self._set_condition(
            new_cluster_condition(
                CONDITION_UPGRADING, "True", "Cluster upgrading", "upgrading to " + to
            )
        )

    @mirrors(f"(*{_PKG}.ClusterStatus).SetReadyCondition")
    def set_ready_condition(self) -> None:
        """Mirrors ``(*v1beta2.ClusterStatus).SetReadyCondition``.

        >>> st = ClusterStatus()
        >>> st.set_ready_condition()
        >>> st.conditions[0].type, st.conditions[0].status
        ('Available', 'True')
        """
        self._set_condition(
            new_cluster_condition(CONDITION_AVAILABLE, "True", "Cluster available", "")
        )

    @mirrors(f"(*{_PKG}.ClusterStatus).ClearCondition")
    def clear_condition(self, t: str) -> None:
        """Mirrors ``(*v1beta2.ClusterStatus).ClearCondition``.

        >>> st = ClusterStatus()
        >>> st.set_scaling_up_condition(1, 3)
        >>> st.clear_condition(CONDITION_SCALING)
        >>> st.conditions
        []
        """
        pos, _ = get_cluster_condition(self, t)
        if pos == -1:
            return
        del self.conditions[pos]

    @mirrors(f"(*{_PKG}.ClusterStatus).setClusterCondition")
    def _set_condition(self, c: ClusterCondition) -> None:
        pos, cp = get_cluster_condition(self, c.type)
        # An unchanged condition keeps its old timestamps: only content changes count.
        if cp is not None and (cp.status, cp.reason, cp.message) == (c.status, c.reason, c.message):
            return
        if cp is not None:
            self.conditions[pos] = c
        else:
            self.conditions.append(c)

    def condition_types(self) -> list[str]:
        """Mirrors nothing: a reading aid for tests and the trace.

        >>> st = ClusterStatus()
        >>> st.set_scaling_up_condition(1, 3)
        >>> st.set_ready_condition()
        >>> st.condition_types()
        ['Scaling', 'Available']
        """
        return [c.type for c in self.conditions]

    def to_dict(self) -> dict[str, Any]:
        """Mirrors nothing: the JSON form Go gets from the struct's field tags.

        >>> st = ClusterStatus()
        >>> st.set_phase(PHASE_RUNNING)
        >>> st.to_dict()["phase"]
        'Running'
        """
        return {
            "phase": self.phase,
            "reason": self.reason,
            "controlPaused": self.control_paused,
            "conditions": [c.to_dict() for c in self.conditions],
            "size": self.size,
            "members": {"ready": list(self.members.ready), "unready": list(self.members.unready)},
            "currentVersion": self.current_version,
            "targetVersion": self.target_version,
        }


@mirrors(f"{_PKG}.getClusterCondition")
def get_cluster_condition(status: ClusterStatus, t: str) -> tuple[int, ClusterCondition | None]:
    """Mirrors ``v1beta2.getClusterCondition``.

    >>> st = ClusterStatus()
    >>> st.set_recovering_condition()
    >>> i, cond = get_cluster_condition(st, "Recovering")
    >>> i, cond.status
    (0, 'True')
    >>> get_cluster_condition(st, "Scaling")
    (-1, None)
    """
    for i, c in enumerate(status.conditions):
        if c.type == t:
            return i, c
    return -1, None


@mirrors(f"{_PKG}.newClusterCondition")
def new_cluster_condition(
    cond_type: str, status: str, reason: str, message: str
) -> ClusterCondition:
    """Mirrors ``v1beta2.newClusterCondition``.

    >>> c = new_cluster_condition("Available", "True", "Cluster available", "")
    >>> c.type, c.status, c.reason
    ('Available', 'True', 'Cluster available')
    """
    now = now_func()
    return ClusterCondition(cond_type, status, now, now, reason, message)


@mirrors(f"{_PKG}.scalingMsg")
def scaling_msg(frm: int, to: int) -> str:
    """Mirrors ``v1beta2.scalingMsg``.

    >>> scaling_msg(3, 5)
    'Current cluster size: 3, desired cluster size: 5'
    """
    return f"Current cluster size: {frm}, desired cluster size: {to}"
