"""Which decision branches of ``synchronize`` (and ``Admit``) a Go run reached.

Nothing in the upstream package is instrumented: every branch is inferred from what the
harness observes — the kill calls, the recorder's events, GC and summary-provider calls,
node conditions, admission results — and from the intermediate decisions it recomputes
with the package's own helpers.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from reference_impl.eviction.replay.compare import reclaimed_resource, threshold_key

SIGNAL_RESOURCE = {
    "memory.available": "memory",
    "allocatableMemory.available": "memory",
    "nodefs.available": "nodefs",
    "nodefs.inodesFree": "nodefsInodes",
    "imagefs.available": "imagefs",
    "imagefs.inodesFree": "imagefsInodes",
}
SIGNAL_CONDITION = {
    "memory.available": "MemoryPressure",
    "allocatableMemory.available": "MemoryPressure",
    "nodefs.available": "DiskPressure",
    "nodefs.inodesFree": "DiskPressure",
    "imagefs.available": "DiskPressure",
    "imagefs.inodesFree": "DiskPressure",
}

# Every branch the generator is meant to reach; the report lists any that were not.
ALL_BRANCHES = (
    "parse:ok",
    "parse:error",
    "sync:skipped-no-thresholds",
    "sync:disk-info-error",
    "sync:summary-error",
    "sync:reached",
    "threshold:met",
    "threshold:grace-period-pending",
    "threshold:min-reclaim-holding",
    "threshold:stale-stats-dropped",
    "condition:transition-period-holding",
    "local-storage:emptydir",
    "local-storage:pod-limit",
    "local-storage:container-limit",
    "starved:none",
    "starved:ambiguous",
    "reclaim:memory",
    "reclaim:nodefs",
    "reclaim:nodefsInodes",
    "reclaim:imagefs",
    "reclaim:imagefsInodes",
    "node-reclaim:none",
    "node-reclaim:sufficient",
    "node-reclaim:insufficient",
    "node-reclaim:gc-error",
    "node-reclaim:summary-error",
    "evict:kill-error",
    "evict:hard",
    "evict:soft",
    "evict:no-active-pods",
    "evict:only-critical-static",
    "rank:tie",
    "pressure:memory",
    "pressure:disk",
    "admit:no-conditions",
    "admit:critical",
    "admit:not-best-effort-under-memory-pressure",
    "admit:rejected",
)


def tick_branches(
    scenario: dict[str, Any],
    go: dict[str, Any],
    sc_tick: dict[str, Any],
    tick: dict[str, Any],
    gates: dict[str, bool],
) -> list[str]:
    """The branches one recorded Go tick reached (inferred from what the run observed)."""
    out: list[str] = []
    trace = tick["trace"]
    if not trace.get("reached"):
        if not go["parse"]["thresholds"] and not gates["LocalStorageCapacityIsolation"]:
            return ["sync:skipped-no-thresholds"]
        if sc_tick.get("summary_error"):
            return ["sync:summary-error"]
        return ["sync:disk-info-error"]
    out.append("sync:reached")
    met = {threshold_key(t) for t in trace["met"]}
    unresolved = {threshold_key(t) for t in trace["unresolved"]}
    grace = {threshold_key(t) for t in trace["grace_met"]}
    updated = {threshold_key(t) for t in trace["updated_stats"]}
    if met:
        out.append("threshold:met")
    if (met | unresolved) - grace:
        out.append("threshold:grace-period-pending")
    if unresolved - met:
        out.append("threshold:min-reclaim-holding")
    if grace - updated:
        out.append("threshold:stale-stats-dropped")
    live = {SIGNAL_CONDITION[t["signal"]] for t in trace["met"] + trace["unresolved"]}
    if set(trace["conditions"]) - live:
        out.append("condition:transition-period-holding")
    if tick["memory_pressure"]:
        out.append("pressure:memory")
    if tick["disk_pressure"]:
        out.append("pressure:disk")
    local = False
    for e in tick["events"]:
        if e.startswith("Warning Evicted emptyDir usage exceeds"):
            out.append("local-storage:emptydir")
            local = True
        elif e.startswith("Warning Evicted pod ephemeral local storage"):
            out.append("local-storage:pod-limit")
            local = True
        elif e.startswith("Warning Evicted container's ephemeral local storage"):
            out.append("local-storage:container-limit")
            local = True
    starved = set(trace["starved"])
    if not local:
        if not starved:
            out.append("starved:none")
        elif "memory" not in starved and len(starved) > 1:
            out.append("starved:ambiguous")
    resource = reclaimed_resource(tick["events"])
    if resource:
        out.append(f"reclaim:{resource}")
        gc = tick["image_gc"] + tick["container_gc"]
        if gc and sc_tick.get("gc_error"):
            out.append("node-reclaim:gc-error")
        if gc and sc_tick.get("reclaim_summary_error"):
            out.append("node-reclaim:summary-error")
        if gc == 0:
            out.append("node-reclaim:none")
        elif trace.get("reclaim_sufficient"):
            out.append("node-reclaim:sufficient")
        else:
            out.append("node-reclaim:insufficient")
        if tick["evicted"]:
            if sc_tick.get("kill_error"):
                out.append("evict:kill-error")
            soft = all(
                t["grace_period_ns"] > 0
                for t in trace["updated_stats"]
                if SIGNAL_RESOURCE.get(t["signal"]) == resource
            )
            out.append("evict:soft" if soft else "evict:hard")
            if tick["evicted"][0].get("tied_with"):
                out.append("rank:tie")
        elif "node-reclaim:sufficient" not in out:
            out.append(
                "evict:no-active-pods" if not tick.get("active") else "evict:only-critical-static"
            )
    for a in tick["admit"]:
        if a["admit"]:
            if not (tick["memory_pressure"] or tick["disk_pressure"]):
                out.append("admit:no-conditions")
            elif _critical(scenario, a["pod"]) and gates["ExperimentalCriticalPodAnnotation"]:
                out.append("admit:critical")
            else:
                out.append("admit:not-best-effort-under-memory-pressure")
        else:
            out.append("admit:rejected")
    return out


def _critical(scenario: dict[str, Any], name: str) -> bool:
    for p in scenario["probe_pods"]:
        if p["metadata"]["name"] == name:
            meta = p["metadata"]
            if meta.get("namespace") != "kube-system":
                return False
            ann = meta.get("annotations") or {}
            prio = p["spec"].get("priority")
            return ann.get("scheduler.alpha.kubernetes.io/critical-pod") == "" or (
                prio is not None and prio >= 2_000_000_000
            )
    return False


def scenario_branches(scenario: dict[str, Any], go: dict[str, Any]) -> Counter:
    """Count the branches every tick of a recorded Go run reached.

    >>> from reference_impl.eviction.replay.generate import batch
    >>> from reference_impl.eviction.replay.pyrunner import run_scenario
    >>> s = batch(3, 1)[0]
    >>> "parse:ok" in scenario_branches(s, run_scenario(s)) or "parse:error" in scenario_branches(
    ...     s, run_scenario(s)
    ... )
    True
    """
    from reference_impl.eviction.replay.schema import gates_of

    counts: Counter = Counter()
    if go.get("error"):
        counts["harness:error"] += 1
        return counts
    if not go["parse"]["ok"]:
        counts["parse:error"] += 1
        return counts
    counts["parse:ok"] += 1
    gates = gates_of(scenario)
    for sc_tick, tick in zip(scenario["ticks"], go["ticks"], strict=False):
        counts.update(tick_branches(scenario, go, sc_tick, tick, gates))
    return counts
