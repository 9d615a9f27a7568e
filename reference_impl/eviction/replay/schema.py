"""The scenario and result formats shared by the Go harness and the Python mirror.

A *scenario* is one kubelet life: eviction flags as the kubelet takes them, feature
gates, whether the runtime has a dedicated image filesystem, the pods bound to the
node, probe pods offered for admission, and a sequence of clock ticks, each with the
``/stats/summary`` (stats/v1alpha1 JSON) the summary provider returns, optionally
the summary it returns after node-level reclaim (container + image GC).

Scenario (JSON object)::

    id                  str
    feature_gates       {gate: bool}           PodPriority, LocalStorageCapacityIsolation,
                                               ExperimentalCriticalPodAnnotation (1.10 defaults
                                               for any gate left out)
    flags               {allocatable_config: [str], eviction_hard: {signal: value},
                         eviction_soft: {...}, eviction_soft_grace_period: {signal: duration},
                         eviction_minimum_reclaim: {signal: value}}
    config              {pressure_transition_period_seconds: int,
                         max_pod_grace_period_seconds: int}
    dedicated_imagefs   bool
    probe_capacity      quantity string: GetThresholdQuantity is evaluated against it
    start_time          RFC 3339, whole seconds, UTC ("Z")
    pods                [v1.Pod JSON]          the pods bound to the node
    probe_pods          [v1.Pod JSON]          offered to Admit after every tick
    ticks               [{advance_seconds: int, summary: Summary JSON,
                          summary_after_reclaim: Summary JSON | null,
                          active: [pod name] | null,
                          summary_error, reclaim_summary_error, gc_error, kill_error: bool}]
    disk_info_errors    int (optional): HasDedicatedImageFs fails this many times first

The failure flags (optional, false when absent) inject the error path of one call: the
first summary read of the tick, the read after node-level reclaim, both GC calls, the
pod kill.

Per tick, the clock advances, the active pods are ``active`` (all pods when null) minus
every pod evicted at an earlier tick *by the same implementation*, ``synchronize`` runs
once, then every probe pod is offered to ``Admit``.

Result (JSON object, one per scenario; the Go harness writes one per line)::

    id      str
    error   str | null                         a crash of the implementation under test
    parse   {ok, error, thresholds: [threshold], quantities: [quantity]}
    ticks   [{evicted: [{pod, grace_period_override, phase, reason, message, tied_with}],
              memory_pressure, disk_pressure,
              admit: [{pod, admit, reason, message}],
              image_gc, container_gc, summary_gets, events: [str],
              trace: {reached, met, unresolved, grace_met, updated_stats, starved,
                      conditions}}]

    threshold  {signal, operator, value: value, grace_period_ns, min_reclaim: value | null}
    value      {quantity: str | null, quantity_milli: int | null, percentage: str | float | null}
    quantity   {signal, grace_period_ns, value: value, threshold_bytes, min_reclaim_bytes}

``percentage`` is the float32 the kubelet keeps, widened exactly to a float64 (Go writes it as
a string, shortest round-trip form, so that NaN survives JSON).
``tied_with`` (Go only) names the active pods the real rank function cannot order
against the evicted one. ``active`` (Go only) lists the pods handed to ``synchronize``.
``trace.reclaim_sufficient`` is set when GC ran: no configured threshold is met on the
summary read after it. The mirror adds ``mirror_trace``: its own ``Manager.last_trace``
reduced to comparable facts (see ``reference_impl.eviction.replay.pyrunner.mirror_trace``).
"""

from __future__ import annotations

import re
from typing import Any

SIGNALS = (
    "memory.available",
    "allocatableMemory.available",
    "nodefs.available",
    "nodefs.inodesFree",
    "imagefs.available",
    "imagefs.inodesFree",
)
UNSUPPORTED_SIGNALS = ("pid.available", "allocatableNodeFs.available", "cpu.available")
GATES = ("PodPriority", "LocalStorageCapacityIsolation", "ExperimentalCriticalPodAnnotation")
GATE_DEFAULTS = {
    "PodPriority": False,
    "LocalStorageCapacityIsolation": True,
    "ExperimentalCriticalPodAnnotation": False,
}
FLAG_MAPS = (
    "eviction_hard",
    "eviction_soft",
    "eviction_soft_grace_period",
    "eviction_minimum_reclaim",
)
# regex: our own rule for a scenario's start_time (UTC, whole seconds), not Go's parser:
# ASCII digits (re.ASCII), the whole string (\Z, not '$'), uppercase 'T'/'Z' only.
RFC3339_Z = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\Z", re.ASCII)


def _go_accepts_time(value: str) -> bool:
    """Stats times are metav1.Time: whatever Go's RFC 3339 parser accepts."""
    from reference_impl.eviction.rfc3339 import RFC3339Error, parse_rfc3339

    try:
        parse_rfc3339(value)
    except RFC3339Error:
        return False
    return True


class ScenarioError(ValueError):
    """A scenario that does not follow the schema.

    >>> try:
    ...     validate_scenario({"id": 1})
    ... except ScenarioError as e:
    ...     print(str(e)[:28])
    id: must be a string; flags:
    """


def _expect(cond: bool, where: str, what: str, errors: list[str]) -> bool:
    if not cond:
        errors.append(f"{where}: {what}")
    return cond


def _check_time(value: Any, where: str, errors: list[str], zero_ok: bool = False) -> None:
    """``zero_ok`` marks a stats timestamp: any RFC 3339 form, or Go's zero time (JSON
    null, or the key left out). Otherwise: UTC, whole seconds."""
    if zero_ok:
        if value is not None:
            _expect(
                isinstance(value, str) and _go_accepts_time(value),
                where,
                "must be a time Go's time.Parse(time.RFC3339) accepts",
                errors,
            )
        return
    _expect(
        isinstance(value, str) and bool(RFC3339_Z.match(value)),
        where,
        "must be an RFC 3339 UTC time in whole seconds",
        errors,
    )


def _check_fs(fs: Any, where: str, errors: list[str]) -> None:
    if not _expect(isinstance(fs, dict), where, "must be an object", errors):
        return
    _check_time(fs.get("time"), f"{where}.time", errors, zero_ok=True)
    for key in (
        "availableBytes",
        "capacityBytes",
        "usedBytes",
        "inodesFree",
        "inodes",
        "inodesUsed",
    ):
        if key in fs:
            _expect(
                isinstance(fs[key], int) and fs[key] >= 0,
                f"{where}.{key}",
                "must be a non-negative integer",
                errors,
            )


def _check_memory(mem: Any, where: str, errors: list[str]) -> None:
    if not _expect(isinstance(mem, dict), where, "must be an object", errors):
        return
    _check_time(mem.get("time"), f"{where}.time", errors, zero_ok=True)
    for key in ("availableBytes", "workingSetBytes", "usageBytes"):
        if key in mem:
            _expect(
                isinstance(mem[key], int) and mem[key] >= 0,
                f"{where}.{key}",
                "must be a non-negative integer",
                errors,
            )


def _check_container_stats(c: Any, where: str, errors: list[str]) -> None:
    if not _expect(
        isinstance(c, dict) and isinstance(c.get("name"), str),
        where,
        "must be an object with a name",
        errors,
    ):
        return
    if "memory" in c:
        _check_memory(c["memory"], f"{where}.memory", errors)
    for key in ("rootfs", "logs"):
        if key in c:
            _check_fs(c[key], f"{where}.{key}", errors)


def check_summary(summary: Any, where: str = "summary") -> list[str]:
    """Problems with a stats/v1alpha1 Summary dict (empty when it is well formed).

    >>> check_summary({"node": {"memory": {"time": "2018-11-26 12:00:00Z"}}, "pods": []})
    ["summary.node.memory.time: must be a time Go's time.Parse(time.RFC3339) accepts"]
    """
    errors: list[str] = []
    if not _expect(isinstance(summary, dict), where, "must be an object", errors):
        return errors
    node = summary.get("node")
    if _expect(isinstance(node, dict), f"{where}.node", "must be an object", errors):
        if "memory" in node:
            _check_memory(node["memory"], f"{where}.node.memory", errors)
        if "fs" in node:
            _check_fs(node["fs"], f"{where}.node.fs", errors)
        runtime = node.get("runtime")
        if runtime is not None and "imageFs" in runtime:
            _check_fs(runtime["imageFs"], f"{where}.node.runtime.imageFs", errors)
        for i, c in enumerate(node.get("systemContainers") or []):
            _check_container_stats(c, f"{where}.node.systemContainers[{i}]", errors)
    pods = summary.get("pods")
    if _expect(isinstance(pods, list), f"{where}.pods", "must be a list", errors):
        for i, p in enumerate(pods):
            pw = f"{where}.pods[{i}]"
            if not _expect(
                isinstance(p, dict) and isinstance(p.get("podRef"), dict),
                pw,
                "must have a podRef",
                errors,
            ):
                continue
            _expect(
                isinstance(p["podRef"].get("uid"), str),
                f"{pw}.podRef.uid",
                "must be a string",
                errors,
            )
            for j, c in enumerate(p.get("containers") or []):
                _check_container_stats(c, f"{pw}.containers[{j}]", errors)
            for j, v in enumerate(p.get("volume") or []):
                vw = f"{pw}.volume[{j}]"
                if _expect(
                    isinstance(v, dict) and isinstance(v.get("name"), str),
                    vw,
                    "must be an object with a name",
                    errors,
                ):
                    _check_fs(v, vw, errors)
    return errors


def check_pod(pod: Any, where: str = "pod") -> list[str]:
    """Problems with a pod dict (empty when it is well formed).

    >>> for problem in check_pod({"metadata": {"name": ""}, "spec": {"containers": []}}):
    ...     print(problem)
    pod.metadata.name: must be a non-empty string
    pod.metadata.uid: must be a string
    pod.spec.containers: must be a non-empty list
    """
    errors: list[str] = []
    if not _expect(isinstance(pod, dict), where, "must be an object", errors):
        return errors
    meta = pod.get("metadata")
    if _expect(isinstance(meta, dict), f"{where}.metadata", "must be an object", errors):
        _expect(
            isinstance(meta.get("name"), str) and meta["name"] != "",
            f"{where}.metadata.name",
            "must be a non-empty string",
            errors,
        )
        _expect(
            isinstance(meta.get("uid"), str), f"{where}.metadata.uid", "must be a string", errors
        )
    spec = pod.get("spec")
    if _expect(isinstance(spec, dict), f"{where}.spec", "must be an object", errors):
        _expect(
            isinstance(spec.get("containers"), list) and len(spec["containers"]) > 0,
            f"{where}.spec.containers",
            "must be a non-empty list",
            errors,
        )
        if "priority" in spec:
            _expect(
                isinstance(spec["priority"], int) and -(2**31) <= spec["priority"] < 2**31,
                f"{where}.spec.priority",
                "must be an int32",
                errors,
            )
    return errors


def check_scenario(scenario: Any) -> list[str]:
    """Every problem with ``scenario`` (an empty list when it follows the schema).

    >>> from reference_impl.eviction.replay.generate import batch
    >>> check_scenario(batch(1, 1)[0])
    []
    """
    errors: list[str] = []
    if not _expect(isinstance(scenario, dict), "scenario", "must be an object", errors):
        return errors
    _expect(isinstance(scenario.get("id"), str), "id", "must be a string", errors)
    gates = scenario.get("feature_gates", {})
    if _expect(isinstance(gates, dict), "feature_gates", "must be an object", errors):
        for k, v in gates.items():
            _expect(
                k in GATES and isinstance(v, bool),
                f"feature_gates.{k}",
                f"must be one of {GATES} with a boolean value",
                errors,
            )
    flags = scenario.get("flags")
    if _expect(isinstance(flags, dict), "flags", "must be an object", errors):
        alloc = flags.get("allocatable_config", [])
        _expect(
            isinstance(alloc, list) and all(isinstance(a, str) for a in alloc),
            "flags.allocatable_config",
            "must be a list of strings",
            errors,
        )
        for name in FLAG_MAPS:
            m = flags.get(name, {})
            _expect(
                isinstance(m, dict)
                and all(isinstance(k, str) and isinstance(v, str) for k, v in m.items()),
                f"flags.{name}",
                "must map strings to strings",
                errors,
            )
    config = scenario.get("config")
    if _expect(isinstance(config, dict), "config", "must be an object", errors):
        for key in ("pressure_transition_period_seconds", "max_pod_grace_period_seconds"):
            _expect(
                isinstance(config.get(key), int) and config[key] >= 0,
                f"config.{key}",
                "must be a non-negative integer",
                errors,
            )
    _expect(
        isinstance(scenario.get("dedicated_imagefs"), bool),
        "dedicated_imagefs",
        "must be a boolean",
        errors,
    )
    _expect(
        isinstance(scenario.get("probe_capacity"), str),
        "probe_capacity",
        "must be a quantity string",
        errors,
    )
    _check_time(scenario.get("start_time"), "start_time", errors)
    names: set[object] = set()  # (a missing name is check_pod's to report)
    for key in ("pods", "probe_pods"):
        pods = scenario.get(key)
        if _expect(isinstance(pods, list), key, "must be a list", errors):
            for i, pod in enumerate(pods):
                errors.extend(check_pod(pod, f"{key}[{i}]"))
                if key == "pods" and isinstance(pod, dict):
                    pod_name = (pod.get("metadata") or {}).get("name")
                    _expect(
                        pod_name not in names,
                        f"pods[{i}]",
                        f"duplicate pod name {pod_name!r}",
                        errors,
                    )
                    names.add(pod_name)
    ticks = scenario.get("ticks")
    if _expect(isinstance(ticks, list), "ticks", "must be a list", errors):
        for i, tick in enumerate(ticks):
            tw = f"ticks[{i}]"
            if not _expect(isinstance(tick, dict), tw, "must be an object", errors):
                continue
            _expect(
                isinstance(tick.get("advance_seconds"), int) and tick["advance_seconds"] >= 0,
                f"{tw}.advance_seconds",
                "must be a non-negative integer",
                errors,
            )
            errors.extend(check_summary(tick.get("summary"), f"{tw}.summary"))
            if tick.get("summary_after_reclaim") is not None:
                errors.extend(
                    check_summary(tick["summary_after_reclaim"], f"{tw}.summary_after_reclaim")
                )
            for flag in ("summary_error", "reclaim_summary_error", "gc_error", "kill_error"):
                _expect(
                    isinstance(tick.get(flag, False), bool),
                    f"{tw}.{flag}",
                    "must be a boolean",
                    errors,
                )
            active = tick.get("active")
            if active is not None:
                _expect(
                    isinstance(active, list) and all(a in names for a in active),
                    f"{tw}.active",
                    "must list names of scenario pods",
                    errors,
                )
    return errors


def validate_scenario(scenario: Any) -> None:
    """Raise ScenarioError listing every problem with ``scenario``.

    >>> from reference_impl.eviction.replay.generate import batch
    >>> validate_scenario(batch(1, 1)[0]) is None
    True
    """
    errors = check_scenario(scenario)
    if errors:
        raise ScenarioError("; ".join(errors))


def gates_of(scenario: dict) -> dict[str, bool]:
    """The full feature-gate assignment a scenario runs with (1.10 defaults filled in).

    >>> gates = gates_of({"feature_gates": {"PodPriority": True}})
    >>> gates["PodPriority"], gates["LocalStorageCapacityIsolation"]
    (True, True)
    """
    return {**GATE_DEFAULTS, **scenario.get("feature_gates", {})}
