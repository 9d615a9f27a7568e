"""The decision trace: what one ``synchronize`` pass saw and decided, as plain data.

The Go code reports these steps only through ``glog`` lines.  The trace keeps the
same steps as fields so that tests can assert on them, notebooks can plot them
and ``explain`` can print them.  Everything converts to JSON with
:meth:`SyncTrace.to_dict`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from reference_impl.eviction.api import Threshold
from reference_impl.eviction.types import SignalObservations


def describe_thresholds(thresholds: list[Threshold]) -> list[dict[str, Any]]:
    """Thresholds as dicts for the decision trace.

    >>> from reference_impl.eviction.helpers import parse_threshold_config
    >>> (d,) = describe_thresholds(
    ...     parse_threshold_config([], {"memory.available": "100Mi"}, {}, {}, {})
    ... )
    >>> d["signal"], d["value"], d["hard"]
    ('memory.available', '100Mi', True)
    """
    return [t.to_dict() for t in thresholds]


def describe_observations(observations: SignalObservations) -> dict[str, dict[str, Any]]:
    """Signal observations as dicts for the decision trace.

    >>> from reference_impl.quantity import must_parse
    >>> from reference_impl.eviction.types import SignalObservation
    >>> describe_observations(
    ...     {"memory.available": SignalObservation(must_parse("1Gi"), must_parse("4Gi"))}
    ... )
    {'memory.available': {'available': 1073741824, 'capacity': 4294967296, 'time': None}}
    """
    result = {}
    for signal, obs in observations.items():
        result[signal] = {
            "available": obs.available.value() if obs.available is not None else None,
            "capacity": obs.capacity.value() if obs.capacity is not None else None,
            "time": obs.time.isoformat() if obs.time is not None else None,
        }
    return result


@dataclass
class Eviction:
    """One pod the pass killed (or tried to).

    >>> e = Eviction(
    ...     pod="default/web",
    ...     uid="u1",
    ...     resource="memory",
    ...     message="The node was low on resource: memory.",
    ...     grace_period_override=0,
    ... )
    >>> e.pod, e.local_storage
    ('default/web', False)
    """

    pod: str  # namespace/name
    uid: str
    resource: str
    message: str
    grace_period_override: int | None
    local_storage: bool = False
    error: str | None = None


@dataclass
class SyncTrace:
    """Every step of one pass; fields stay empty for steps the pass never reached.

    >>> t = SyncTrace(time="2018-11-26T12:00:00Z")
    >>> t.to_dict()["time"]
    '2018-11-26T12:00:00Z'
    """

    time: str
    skipped: str | None = None
    error: str | None = None
    observations: dict[str, dict[str, Any]] = field(default_factory=dict)
    memcg_notifiers: list[dict[str, Any]] = field(default_factory=list)
    thresholds_met: list[dict[str, Any]] = field(default_factory=list)
    thresholds_not_yet_resolved: list[dict[str, Any]] = field(default_factory=list)
    thresholds_first_observed_at: list[dict[str, Any]] = field(default_factory=list)
    node_conditions_observed: list[str] = field(default_factory=list)
    node_conditions: list[str] = field(default_factory=list)
    node_conditions_last_observed_at: dict[str, str] = field(default_factory=dict)
    thresholds_grace_period_met: list[dict[str, Any]] = field(default_factory=list)
    thresholds_updated_stats: list[dict[str, Any]] = field(default_factory=list)
    starved_resources: list[str] = field(default_factory=list)
    resource_to_reclaim: str | None = None
    soft_eviction: bool | None = None
    node_reclaim: dict[str, Any] | None = None
    ranking: list[str] = field(default_factory=list)
    evicted: list[Eviction] = field(default_factory=list)
    events: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
