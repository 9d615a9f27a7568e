"""Run a scenario through the real mirror on a fake clock and collect what happened.

The node model turns each pod's usage-over-time into Summary API documents; the
eviction manager is the unmodified mirror, driven by its own monitoring loop
(:class:`~.eviction_manager.MonitorLoop`): one ``synchronize`` per tick, and
after an eviction the 1 s cleanup polling the kubelet does.  A killed pod
releases its usage at once and never comes back (no controller recreates it).
Node-level reclaim (container and image GC) frees nothing in the model.

The model keeps running totals and rebuilds only the pod stats that changed, so a
24-hour day at a 10 s tick with 110 pods runs in a couple of seconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from reference_impl import features
from reference_impl.clock import FakeClock
from reference_impl.eviction.eviction_manager import Manager, MonitorLoop
from reference_impl.eviction.fakes import FakeDiskInfoProvider, FakeRecorder
from reference_impl.eviction.helpers import SIGNAL_TO_NODE_CONDITION
from reference_impl.eviction.scenario import PodSpec, Scenario
from reference_impl.eviction.stats import format_time
from reference_impl.eviction.trace import SyncTrace
from reference_impl.eviction.types import Pod


class _NoGC:
    """Container and image GC that find nothing to delete."""

    def delete_unused_images(self) -> None:
        return None

    def delete_all_unused_containers(self) -> None:
        return None


@dataclass
class _PodState:
    spec: PodSpec
    stats: dict[str, Any]
    current: dict[str, int] = field(default_factory=dict)
    dynamic: list[tuple[str, Any]] = field(default_factory=list)


class NodeModel:
    """Serves Summary documents for the scenario's node at the clock's current time.

    >>> import pathlib
    >>> soft_yaml = (
    ...     pathlib.Path(__file__).resolve().parents[2]
    ...     / "examples"
    ...     / "eviction"
    ...     / "soft-memory.yaml"
    ... )
    >>> from reference_impl.clock import FakeClock
    >>> from reference_impl.eviction.scenario import load_scenario
    >>> sc = load_scenario(soft_yaml)
    >>> node = NodeModel(sc, FakeClock(sc.start))
    >>> sorted(node.get(True))
    ['node', 'pods']
    """

    def __init__(self, scenario: Scenario, clock: FakeClock) -> None:
        self.scenario = scenario
        self.clock = clock
        self.waiting = sorted(scenario.pods, key=lambda p: p.start)
        self.alive: dict[str, _PodState] = {}
        self.dead: set[str] = set()
        self.totals = {"memory": 0, "rootfs": 0, "logs": 0, "volumes": 0, "inodes": 0}
        self._pod_stats_list: list[dict[str, Any]] = []
        self._pods: list[Pod] = []
        self._dirty = True

    # -- pods -------------------------------------------------------------------
    def _elapsed(self) -> float:
        return (self.clock.now() - self.scenario.start).total_seconds()

    def _admit_started(self, t: float) -> None:
        while self.waiting and self.waiting[0].start <= t:
            spec = self.waiting.pop(0)
            container: dict[str, Any] = {"name": spec.name, "memory": {}, "rootfs": {}, "logs": {}}
            volumes = [{"name": name} for name in spec.volume_usage]
            stats = {
                "podRef": {"name": spec.name, "namespace": spec.namespace, "uid": spec.uid},
                "containers": [container],
                "volume": volumes,
            }
            state = _PodState(spec, stats)
            for metric, series in spec.usage.items():
                self._set(state, metric, series.at(t))
                if not series.is_constant:
                    state.dynamic.append((metric, series))
            for name, series in spec.volume_usage.items():
                self._set(state, "volume:" + name, series.at(t))
                if not series.is_constant:
                    state.dynamic.append(("volume:" + name, series))
            self.alive[spec.uid] = state
            self._dirty = True

    def _set(self, state: _PodState, metric: str, value: int) -> None:
        old = state.current.get(metric, 0)
        if old == value and metric in state.current:
            return
        state.current[metric] = value
        delta = value - old
        container = state.stats["containers"][0]
        if metric == "memory":
            self.totals["memory"] += delta
            container["memory"]["workingSetBytes"] = value
        elif metric == "rootfs":
            self.totals["rootfs"] += delta
            container["rootfs"]["usedBytes"] = value
        elif metric == "logs":
            self.totals["logs"] += delta
            container["logs"]["usedBytes"] = value
        elif metric == "rootfsInodes":
            self.totals["inodes"] += delta
            container["rootfs"]["inodesUsed"] = value
        elif metric == "logsInodes":
            self.totals["inodes"] += delta
            container["logs"]["inodesUsed"] = value
        else:
            name = metric.split(":", 1)[1]
            self.totals["volumes"] += delta
            for volume in state.stats["volume"]:
                if volume["name"] == name:
                    volume["usedBytes"] = value

    def kill(self, pod: Pod) -> None:
        uid = pod["metadata"]["uid"]
        state = self.alive.pop(uid, None)
        if state is None:
            return
        for metric in list(state.current):
            self._set(state, metric, 0)
        self.dead.add(uid)
        self._dirty = True

    def cleaned_up(self, pod: Pod) -> bool:
        return pod["metadata"]["uid"] not in self.alive

    def active_pods(self) -> list[Pod]:
        self._refresh()
        # A new list every call, like Kubelet.GetActivePods: ranking sorts it in place.
        return list(self._pods)

    def _refresh(self) -> None:
        t = self._elapsed()
        self._admit_started(t)
        for state in self.alive.values():
            for metric, series in state.dynamic:
                self._set(state, metric, series.at(t))
        if self._dirty:
            self._pods = [s.spec.pod for s in self.alive.values()]
            self._pod_stats_list = [s.stats for s in self.alive.values()]
            self._dirty = False

    # -- summary ----------------------------------------------------------------
    def get(self, update_stats: bool) -> dict[str, Any]:
        """The SummaryProvider interface."""
        self._refresh()
        sc = self.scenario
        now = format_time(self.clock.now())
        working_set = sc.system_memory_usage + self.totals["memory"]
        pods_working_set = self.totals["memory"]
        dedicated = sc.imagefs is not None
        nodefs_used = sc.nodefs.used + self.totals["logs"] + self.totals["volumes"]
        if not dedicated:
            nodefs_used += self.totals["rootfs"]
        fs: dict[str, Any] = {
            "time": now,
            "capacityBytes": sc.nodefs.capacity,
            "usedBytes": nodefs_used,
            "availableBytes": max(sc.nodefs.capacity - nodefs_used, 0),
        }
        if sc.nodefs.inodes is not None:
            used = (sc.nodefs.inodes_used or 0) + self.totals["inodes"]
            fs.update(
                inodes=sc.nodefs.inodes, inodesUsed=used, inodesFree=max(sc.nodefs.inodes - used, 0)
            )
        node: dict[str, Any] = {
            "nodeName": sc.node_name,
            "memory": {
                "time": now,
                "workingSetBytes": working_set,
                "availableBytes": max(sc.memory_capacity - working_set, 0),
            },
            "systemContainers": [
                {
                    "name": "pods",
                    "memory": {
                        "time": now,
                        "workingSetBytes": pods_working_set,
                        "availableBytes": max(sc.allocatable_memory - pods_working_set, 0),
                    },
                }
            ],
            "fs": fs,
        }
        if sc.imagefs is not None:
            image_used = sc.imagefs.used + self.totals["rootfs"]
            image: dict[str, Any] = {
                "time": now,
                "capacityBytes": sc.imagefs.capacity,
                "usedBytes": image_used,
                "availableBytes": max(sc.imagefs.capacity - image_used, 0),
            }
            if sc.imagefs.inodes is not None:
                used = sc.imagefs.inodes_used or 0
                image.update(
                    inodes=sc.imagefs.inodes, inodesUsed=used, inodesFree=sc.imagefs.inodes - used
                )
            node["runtime"] = {"imageFs": image}
        return {"node": node, "pods": self._pod_stats_list}


@dataclass
class EvictionRecord:
    """One eviction the simulation saw: when, which pod, why, with which grace period.

    >>> import pathlib
    >>> soft_yaml = (
    ...     pathlib.Path(__file__).resolve().parents[2]
    ...     / "examples"
    ...     / "eviction"
    ...     / "soft-memory.yaml"
    ... )
    >>> from reference_impl.eviction.scenario import load_scenario
    >>> r = run_scenario(load_scenario(soft_yaml))
    >>> all(isinstance(e, EvictionRecord) for e in r.evictions), len(r.evictions) > 0
    (True, True)
    """

    time: datetime
    offset_seconds: float
    pod: str
    message: str
    grace_period_override: int | None


@dataclass
class TickRecord:
    """One ``synchronize`` pass as the plot and the tests need it.

    >>> import pathlib
    >>> soft_yaml = (
    ...     pathlib.Path(__file__).resolve().parents[2]
    ...     / "examples"
    ...     / "eviction"
    ...     / "soft-memory.yaml"
    ... )
    >>> from reference_impl.eviction.scenario import load_scenario
    >>> r = run_scenario(load_scenario(soft_yaml))
    >>> isinstance(r.ticks[0], TickRecord)
    True
    """

    offset_seconds: float
    observations: dict[str, tuple[int, int]]  # signal → (available, capacity)
    node_conditions: list[str]
    evicted: list[str]
    trace: SyncTrace | None = None


@dataclass
class SimulationResult:
    """Every pass of a simulation and every eviction in it.

    >>> import pathlib
    >>> soft_yaml = (
    ...     pathlib.Path(__file__).resolve().parents[2]
    ...     / "examples"
    ...     / "eviction"
    ...     / "soft-memory.yaml"
    ... )
    >>> from reference_impl.eviction.scenario import load_scenario
    >>> r = run_scenario(load_scenario(soft_yaml))
    >>> isinstance(r, SimulationResult), sorted(r.to_dict())[:2]
    (True, ['evictions', 'scenario'])
    """

    scenario: Scenario
    ticks: list[TickRecord]
    evictions: list[EvictionRecord]
    events: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario.name,
            "thresholds": [t.to_dict() for t in self.scenario.settings.thresholds],
            "evictions": [
                {
                    "time": e.time.isoformat(),
                    "offset_seconds": e.offset_seconds,
                    "pod": e.pod,
                    "message": e.message,
                    "grace_period_override": e.grace_period_override,
                }
                for e in self.evictions
            ],
            "ticks": [
                {
                    "offset_seconds": t.offset_seconds,
                    "observations": {k: list(v) for k, v in t.observations.items()},
                    "node_conditions": t.node_conditions,
                    "evicted": t.evicted,
                    "trace": t.trace.to_dict() if t.trace else None,
                }
                for t in self.ticks
            ],
        }


def run_scenario(scenario: Scenario, *, record_traces: bool = True) -> SimulationResult:
    """Run ``scenario`` from start to ``start + duration`` and return every pass.

    >>> import pathlib
    >>> soft_yaml = (
    ...     pathlib.Path(__file__).resolve().parents[2]
    ...     / "examples"
    ...     / "eviction"
    ...     / "soft-memory.yaml"
    ... )
    >>> from reference_impl.eviction.scenario import load_scenario
    >>> r = run_scenario(load_scenario(soft_yaml))
    >>> [e.pod for e in r.evictions][:2]
    ['default/sidecar', 'default/cache']
    """
    clock = FakeClock(scenario.start)
    model = NodeModel(scenario, clock)
    evictions: list[EvictionRecord] = []
    recorder = FakeRecorder()

    def kill(pod: Pod, status: dict[str, Any], grace: int | None) -> None:
        now = clock.now()
        meta = pod["metadata"]
        evictions.append(
            EvictionRecord(
                time=now,
                offset_seconds=(now - scenario.start).total_seconds(),
                pod=f"{meta['namespace']}/{meta['name']}",
                message=status.get("message", ""),
                grace_period_override=grace,
            )
        )
        model.kill(pod)

    gc = _NoGC()
    manager = Manager(
        model,
        scenario.settings.config,
        kill,
        gc,
        gc,
        recorder,
        {"kind": "Node", "name": scenario.node_name},
        clock,
        record_traces=record_traces,
    )
    loop = MonitorLoop(
        manager,
        FakeDiskInfoProvider(dedicated_image_fs=scenario.imagefs is not None),
        model.active_pods,
        model.cleaned_up,
        scenario.tick,
    )
    ticks: list[TickRecord] = []
    end = scenario.start + scenario.duration
    with features.gates(scenario.settings.feature_gates):
        while clock.now() < end:
            count = len(evictions)
            loop.step()
            started = loop.last_started or clock.now()
            observations = {
                signal: (
                    obs.available.value() if obs.available is not None else 0,
                    obs.capacity.value() if obs.capacity is not None else 0,
                )
                for signal, obs in manager.last_observations.items()
            }
            ticks.append(
                TickRecord(
                    offset_seconds=(started - scenario.start).total_seconds(),
                    observations=observations,
                    node_conditions=list(manager.node_conditions),
                    evicted=[e.pod for e in evictions[count:]],
                    trace=manager.last_trace,
                )
            )
    return SimulationResult(scenario, ticks, evictions, recorder.events)


def signals_in_use(scenario: Scenario) -> list[str]:
    """Signals with a threshold, in first-seen order.

    >>> import pathlib
    >>> soft_yaml = (
    ...     pathlib.Path(__file__).resolve().parents[2]
    ...     / "examples"
    ...     / "eviction"
    ...     / "soft-memory.yaml"
    ... )
    >>> from reference_impl.eviction.scenario import load_scenario
    >>> signals_in_use(load_scenario(soft_yaml))
    ['memory.available', 'allocatableMemory.available']
    """
    seen: list[str] = []
    for threshold in scenario.settings.thresholds:
        if threshold.signal not in seen:
            seen.append(threshold.signal)
    return seen


def condition_for(signal: str) -> str | None:
    """The node condition a signal reports (MemoryPressure or DiskPressure).

    >>> condition_for("memory.available"), condition_for("nodefs.inodesFree")
    ('MemoryPressure', 'DiskPressure')
    """
    return SIGNAL_TO_NODE_CONDITION.get(signal)


__all__ = ["EvictionRecord", "NodeModel", "SimulationResult", "TickRecord", "run_scenario"]
