"""Run scenarios through the Python mirror (``reference_impl.eviction``).

This adapter does for the mirror exactly what the (retired, external) Go harness did for
the Go package when the recordings were made: parse the flags, build the manager with our
own fakes and a fake clock, run ``synchronize`` once per tick, offer the probe pods to
``admit``, and record the result in the shape of :mod:`reference_impl.eviction.replay.schema`.
Where the Go harness recomputes
intermediate decisions with package helpers, this one calls the mirror's helpers of the
same names; a helper the mirror lacks simply leaves that part of the trace out.
"""

from __future__ import annotations

import contextlib
import importlib
import re
import traceback
from datetime import datetime, timedelta
from typing import Any

from reference_impl.eviction.replay.schema import gates_of

# regex: Go fmt verbs in the kubelet's own format strings; fmt reads ASCII digits for width
# and precision (re.ASCII). Unanchored on purpose (every verb); case-sensitive like fmt.
_VERB = re.compile(r"%([-+# 0]*\d*(?:\.\d+)?)([vsqdf%])", re.ASCII)


def go_sprintf(fmt: str, *args: Any) -> str:
    """Enough of Go's fmt.Sprintf for event messages (%v %s %q %d %f %%).

    >>> go_sprintf("limit %q, %d%%", "2Gi", 5)
    'limit "2Gi", 5%'
    """
    it = iter(args)

    def repl(m: re.Match[str]) -> str:
        verb = m.group(2)
        if verb == "%":
            return "%"
        arg = next(it, None)
        if verb == "q":
            return '"' + str(arg).replace("\\", "\\\\").replace('"', '\\"') + '"'
        if isinstance(arg, list):
            return "[" + " ".join(str(a) for a in arg) + "]"
        return str(arg)

    return _VERB.sub(repl, fmt)


def _ns(delta: timedelta) -> int:
    return ((delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds) * 1000


class _Mirror:
    """The mirror's modules, imported lazily (it may not exist everywhere)."""

    def __init__(self) -> None:
        self.ev = importlib.import_module("reference_impl.eviction")
        self.features = importlib.import_module("reference_impl.features")
        self.clock = importlib.import_module("reference_impl.clock")
        self.quantity = importlib.import_module("reference_impl.quantity")
        self.helpers = None
        for name in ("reference_impl.eviction.helpers",):
            with contextlib.suppress(ImportError):
                self.helpers = importlib.import_module(name)

    def helper(self, name: str):
        for mod in (self.helpers, self.ev):
            if mod is not None and hasattr(mod, name):
                return getattr(mod, name)
        return None


_MIRROR: _Mirror | None = None


def mirror() -> _Mirror:
    """The mirror's modules, imported once."""
    global _MIRROR
    if _MIRROR is None:
        _MIRROR = _Mirror()
    return _MIRROR


def unavailable_reason() -> str | None:
    """Why the Python mirror cannot run here (None when it can).

    >>> unavailable_reason() is None
    True
    """
    try:
        m = mirror()
        for name in ("parse_threshold_config", "get_threshold_quantity", "new_manager", "Config"):
            if not hasattr(m.ev, name):
                return f"reference_impl.eviction has no {name} yet"
    except Exception as exc:  # an import error in a half-written mirror
        return f"the Python mirror does not import: {exc!r}"
    return None


# ------------------------------------------------------------------------ fakes


class InjectedError(RuntimeError):
    """A failure the scenario asked for (Go: a non-nil error)."""


class SummaryProvider:
    """The scenario's summaries, with the injected failures."""

    def __init__(self) -> None:
        self.current: dict | None = None
        self.after: dict | None = None
        self.gets = 0
        self.fail_first = False
        self.fail_after_gc = False

    def get(self, update_stats: bool = True) -> dict:
        self.gets += 1
        if (self.gets == 1 and self.fail_first) or (self.gets == 2 and self.fail_after_gc):
            raise InjectedError("injected summary error")
        return self.current  # type: ignore[return-value]


class DiskInfo:
    """Whether the runtime has a dedicated image fs; fails the first ``failures`` calls."""

    def __init__(self, dedicated: bool, failures: int = 0) -> None:
        self.dedicated = dedicated
        self.failures = failures
        self.calls = 0

    def has_dedicated_image_fs(self) -> bool:
        self.calls += 1
        if self.calls <= self.failures:
            raise InjectedError("injected disk info error")
        return self.dedicated


class GC:
    """Image and container GC that count calls and swap in the summary after reclaim."""

    def __init__(self, provider: SummaryProvider) -> None:
        self.provider = provider
        self.images = 0
        self.containers = 0
        self.fail = False

    def _reclaimed(self) -> None:
        if self.provider.after is not None:
            self.provider.current = self.provider.after

    def delete_unused_images(self) -> None:
        self.images += 1
        self._reclaimed()
        if self.fail:
            raise InjectedError("injected image gc error")

    def delete_all_unused_containers(self) -> None:
        self.containers += 1
        self._reclaimed()
        if self.fail:
            raise InjectedError("injected container gc error")


class Killer:
    """Records every pod kill; fails when asked to."""

    def __init__(self) -> None:
        self.kills: list[tuple[dict, Any, int | None]] = []
        self.fail = False

    def kill(self, pod: dict, status: Any, grace_period_override: int | None = None) -> None:
        self.kills.append((pod, status, grace_period_override))
        if self.fail:
            raise InjectedError("injected kill error")


class Recorder:
    """Records events as ``type reason message`` strings, formatted like Go."""

    def __init__(self) -> None:
        self.events: list[str] = []

    def eventf(self, obj: Any, event_type: str, reason: str, message_fmt: str, *args: Any) -> None:
        self.events.append(f"{event_type} {reason} {go_sprintf(message_fmt, *args)}")

    def event(self, obj: Any, event_type: str, reason: str, message: str) -> None:
        self.events.append(f"{event_type} {reason} {message}")


def _status_field(status: Any, name: str) -> Any:
    if isinstance(status, dict):
        return status.get(name, status.get(name.capitalize()))
    return getattr(status, name, None)


# ------------------------------------------------------------------------ encoding


def value_dict(value: Any) -> dict[str, Any]:
    """A threshold value in the result format."""
    q = getattr(value, "quantity", None)
    if q is not None:
        return {"quantity": str(q), "quantity_milli": q.milli_value(), "percentage": None}
    return {"quantity": None, "quantity_milli": None, "percentage": float(value.percentage)}


def threshold_dict(t: Any) -> dict[str, Any]:
    """A threshold in the result format."""
    return {
        "signal": t.signal,
        "operator": t.operator,
        "value": value_dict(t.value),
        "grace_period_ns": _ns(t.grace_period),
        "min_reclaim": value_dict(t.min_reclaim) if t.min_reclaim is not None else None,
    }


def _parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


# ------------------------------------------------------------------------ driver


def run_scenario(scenario: dict[str, Any]) -> dict[str, Any]:
    """Run one scenario through the mirror; the result in the recorded format.

    >>> from reference_impl.eviction.replay.generate import batch
    >>> r = run_scenario(batch(3, 1)[0])
    >>> sorted(r), r["error"]
    (['error', 'id', 'parse', 'ticks'], None)
    """
    m = mirror()
    result: dict[str, Any] = {"id": scenario["id"], "parse": None, "ticks": [], "error": None}
    try:
        with m.features.gates(gates_of(scenario)):
            _run(m, scenario, result)
    except Exception:
        result["error"] = traceback.format_exc(limit=8)
    return result


def _run(m: _Mirror, sc: dict[str, Any], result: dict[str, Any]) -> None:
    ev = m.ev
    flags = sc["flags"]
    try:
        thresholds = ev.parse_threshold_config(
            list(flags.get("allocatable_config", [])),
            dict(flags.get("eviction_hard", {})),
            dict(flags.get("eviction_soft", {})),
            dict(flags.get("eviction_soft_grace_period", {})),
            dict(flags.get("eviction_minimum_reclaim", {})),
        )
    except (ValueError, ArithmeticError) as exc:
        # Go (T, error) returns become an exception carrying Go's message text.
        result["parse"] = {"ok": False, "error": str(exc), "thresholds": [], "quantities": []}
        return
    parse: dict[str, Any] = {
        "ok": True,
        "error": None,
        "thresholds": [threshold_dict(t) for t in thresholds],
        "quantities": [],
    }
    if sc.get("probe_capacity"):
        capacity = m.quantity.must_parse(sc["probe_capacity"])
        for t in thresholds:
            q = {
                "signal": t.signal,
                "grace_period_ns": _ns(t.grace_period),
                "value": value_dict(t.value),
                "threshold_bytes": ev.get_threshold_quantity(t.value, capacity).value(),
                "min_reclaim_bytes": None,
            }
            if t.min_reclaim is not None:
                q["min_reclaim_bytes"] = ev.get_threshold_quantity(t.min_reclaim, capacity).value()
            parse["quantities"].append(q)
    result["parse"] = parse

    clock = m.clock.FakeClock(_parse_time(sc["start_time"]))
    provider = SummaryProvider()
    gc = GC(provider)
    killer = Killer()
    recorder = Recorder()
    node_ref = {"kind": "Node", "name": "node", "uid": "node"}
    config = ev.Config(
        max_pod_grace_period_seconds=sc["config"]["max_pod_grace_period_seconds"],
        pressure_transition_period=timedelta(
            seconds=sc["config"]["pressure_transition_period_seconds"]
        ),
        thresholds=thresholds,
        kernel_memcg_notification=False,
    )
    manager = ev.new_manager(provider, config, killer.kill, gc, gc, recorder, node_ref, clock)
    admit_handler = manager  # one object: the Manager and the PodAdmitHandler
    disk_info = DiskInfo(sc["dedicated_imagefs"], sc.get("disk_info_errors", 0))
    lsci = m.features.enabled("LocalStorageCapacityIsolation")
    tracer = _Tracer(m)

    evicted: set[str] = set()
    by_name = {p["metadata"]["name"]: p for p in sc["pods"]}
    for tick in sc["ticks"]:
        clock.step(timedelta(seconds=tick["advance_seconds"]))
        provider.current = tick["summary"]
        provider.after = tick.get("summary_after_reclaim")
        provider.gets = 0
        provider.fail_first = bool(tick.get("summary_error"))
        provider.fail_after_gc = bool(tick.get("reclaim_summary_error"))
        gc.images = gc.containers = 0
        gc.fail = bool(tick.get("gc_error"))
        killer.kills = []
        killer.fail = bool(tick.get("kill_error"))
        disk_calls = disk_info.calls
        recorder.events = []
        if tick.get("active") is None:
            active = [p for p in sc["pods"] if p["metadata"]["name"] not in evicted]
        else:
            active = [by_name[n] for n in tick["active"] if n in by_name and n not in evicted]
        given = list(active)

        before = tracer.before(manager)
        manager.synchronize(disk_info, lambda given=given: given)

        tr: dict[str, Any] = {
            "evicted": [],
            "memory_pressure": bool(manager.is_under_memory_pressure()),
            "disk_pressure": bool(manager.is_under_disk_pressure()),
            "admit": [],
            "image_gc": gc.images,
            "container_gc": gc.containers,
            "summary_gets": provider.gets,
            "events": list(recorder.events),
            "trace": None,
        }
        disk_failed = disk_calls < disk_info.calls <= disk_info.failures
        if (thresholds or lsci) and not disk_failed and not tick.get("summary_error"):
            tr["trace"] = tracer.after(manager, thresholds, tick["summary"], before)
            if (
                tr["trace"] is not None
                and gc.images + gc.containers > 0
                and not tick.get("reclaim_summary_error")
            ):
                after_obs = tracer.observations(provider.current)
                tr["trace"]["reclaim_sufficient"] = not tracer.met(thresholds, after_obs, False)
        else:
            tr["trace"] = {
                "reached": False,
                "met": [],
                "unresolved": [],
                "grace_met": [],
                "updated_stats": [],
                "starved": [],
                "conditions": [],
            }
        tr["mirror_trace"] = mirror_trace(getattr(manager, "last_trace", None))
        for pod, status, override in killer.kills:
            tr["evicted"].append(
                {
                    "pod": pod["metadata"]["name"],
                    "grace_period_override": override,
                    "phase": _status_field(status, "phase"),
                    "reason": _status_field(status, "reason"),
                    "message": _status_field(status, "message"),
                }
            )
            evicted.add(pod["metadata"]["name"])
        attrs_cls = getattr(ev, "PodAdmitAttributes", None)
        for probe in sc["probe_pods"]:
            attrs = attrs_cls(pod=probe) if attrs_cls else {"pod": probe}
            r = admit_handler.admit(attrs)
            tr["admit"].append(
                {
                    "pod": probe["metadata"]["name"],
                    "admit": bool(r.admit),
                    "reason": r.reason,
                    "message": r.message,
                }
            )
        result["ticks"].append(tr)


def _sig_grace(items: list[dict[str, Any]] | None) -> list[list[Any]]:
    return sorted(
        [t["signal"], round(float(t["grace_period_seconds"]) * 1e9)] for t in (items or [])
    )


def mirror_trace(trace: Any) -> dict[str, Any] | None:
    """The mirror's own decision trace (what notebooks plot), reduced to comparable facts.

    Thresholds are reduced to (signal, grace period in ns): the trace describes values as
    text, which is for reading, not comparing.
    """
    if trace is None or not hasattr(trace, "to_dict"):
        return None
    d = trace.to_dict()
    if d.get("skipped"):
        return {"reached": False}
    reclaim = d.get("node_reclaim") or {}
    return {
        "reached": True,
        "met": _sig_grace(d.get("thresholds_met")),
        "unresolved": _sig_grace(d.get("thresholds_not_yet_resolved")),
        "grace_met": _sig_grace(d.get("thresholds_grace_period_met")),
        "updated_stats": _sig_grace(d.get("thresholds_updated_stats")),
        "starved": sorted(set(d.get("starved_resources") or [])),
        "conditions": sorted(set(d.get("node_conditions") or [])),
        "resource_to_reclaim": d.get("resource_to_reclaim"),
        "reclaim_relieved": reclaim.get("relieved"),
        "evicted": [e["pod"].split("/", 1)[-1] for e in d.get("evicted") or []],
    }


class _Tracer:
    """Recompute the intermediate decisions with the mirror's own helpers."""

    def __init__(self, m: _Mirror) -> None:
        self.make_obs = m.helper("make_signal_observations")
        self.met = m.helper("thresholds_met")
        self.updated = m.helper("thresholds_updated_stats")
        self.starved = m.helper("get_starved_resources")
        self.enabled = all((self.make_obs, self.met, self.updated, self.starved))

    @staticmethod
    def _attr(obj: Any, *names: str) -> Any:
        for n in names:
            if hasattr(obj, n):
                return getattr(obj, n)
        raise AttributeError(names[0])

    def before(self, manager: Any) -> tuple[list, Any] | None:
        if not self.enabled:
            return None
        try:
            met = list(self._attr(manager, "thresholds_met", "_thresholds_met") or [])
            last = self._attr(manager, "last_observations", "_last_observations")
            return met, last
        except AttributeError:
            return None

    def observations(self, summary: dict) -> Any:
        obs = self.make_obs(summary)
        return obs[0] if isinstance(obs, tuple) else obs

    def after(
        self, manager: Any, thresholds: list, summary: dict, before: tuple[list, Any] | None
    ) -> dict[str, Any] | None:
        if before is None:
            return None
        prev_met, prev_obs = before
        obs = self.make_obs(summary)
        if isinstance(obs, tuple):
            obs = obs[0]
        met = self.met(thresholds, obs, False)
        unresolved = self.met(prev_met, obs, True) if prev_met else []
        grace_met = list(self._attr(manager, "thresholds_met", "_thresholds_met") or [])
        updated = self.updated(grace_met, obs, prev_obs or {})
        starved = sorted(set(self.starved(updated)))
        conditions = sorted(set(self._attr(manager, "node_conditions", "_node_conditions") or []))
        return {
            "reached": True,
            "met": [threshold_dict(t) for t in met],
            "unresolved": [threshold_dict(t) for t in unresolved],
            "grace_met": [threshold_dict(t) for t in grace_met],
            "updated_stats": [threshold_dict(t) for t in updated],
            "starved": starved,
            "conditions": conditions,
        }


def run(scenarios: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Run every scenario through the mirror.

    >>> from reference_impl.eviction.replay.generate import batch
    >>> [r["id"] for r in run(batch(3, 2))]
    ['s3-00000', 's3-00001']
    """
    return [run_scenario(s) for s in scenarios]
