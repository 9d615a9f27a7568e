"""The decision trace: what each reconcile cycle saw, which branch it took, what it did.

Plain data (dataclasses of str/int/float/list/dict), so tests assert on it, the plot draws it
and ``to_dicts`` serialises it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# Branches of one reconcile cycle, from Cluster.run down to reconcile and upgrade.
PAUSED = "paused"
POLL_FAILED = "poll-pods-failed"
SKIP_PENDING = "skip-pending"
ALL_DEAD = "all-pods-dead"
REBUILD_FAILED = "rebuild-members-failed"
NOOP = "no-op"
REMOVE_UNKNOWN = "remove-unknown-pods"
LOST_QUORUM = "lost-quorum"
REMOVE_DEAD = "remove-dead-member"
ADD_MEMBER = "add-member"
REMOVE_MEMBER = "remove-member"
UPGRADE_MEMBER = "upgrade-member"

BRANCHES = [
    NOOP,
    PAUSED,
    SKIP_PENDING,
    ALL_DEAD,
    POLL_FAILED,
    REBUILD_FAILED,
    REMOVE_UNKNOWN,
    LOST_QUORUM,
    REMOVE_DEAD,
    ADD_MEMBER,
    REMOVE_MEMBER,
    UPGRADE_MEMBER,
]


@dataclass
class CycleRecord:
    time: float
    cluster: str
    running: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    members_before: list[str] = field(default_factory=list)
    rebuilt_members: bool = False
    branch: str = NOOP
    actions: list[str] = field(default_factory=list)
    error: str = ""
    members_after: list[str] = field(default_factory=list)
    pods_after: list[str] = field(default_factory=list)
    versions: dict[str, str] = field(default_factory=dict)
    spec_size: int = 0
    spec_version: str = ""
    phase: str = ""
    size: int = 0
    conditions: list[str] = field(default_factory=list)
    ready: list[str] = field(default_factory=list)
    unready: list[str] = field(default_factory=list)
    current_version: str = ""
    target_version: str = ""


@dataclass
class Note:
    """Something outside a reconcile cycle: a spec update, a failure, an injected event."""

    time: float
    cluster: str
    kind: str
    detail: str


@dataclass
class Trace:
    cycles: list[CycleRecord] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)

    def for_cluster(self, name: str) -> list[CycleRecord]:
        return [c for c in self.cycles if c.cluster == name]

    def branches(self, name: str | None = None) -> list[str]:
        return [c.branch for c in self.cycles if name is None or c.cluster == name]

    def to_dicts(self) -> dict[str, Any]:
        return {
            "cycles": [asdict(c) for c in self.cycles],
            "notes": [asdict(n) for n in self.notes],
        }
