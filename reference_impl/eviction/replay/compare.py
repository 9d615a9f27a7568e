"""Compare the Go harness and the Python mirror, decision by decision.

Both sides produce the result shape documented in :mod:`reference_impl.eviction.replay.schema`. The
comparison is exact except where release-1.10 itself is not deterministic; there it
accepts every outcome Go could have produced:

* **Threshold order** (``ParseThresholdConfig`` iterates Go maps): thresholds and the
  quantities derived from them are compared as multisets.
* **Node-condition order** (map iteration in ``nodeConditionsObservedSince``): the
  ``[...]`` list inside the admission message is compared as a set.
* **Which starved resource is reclaimed** when several non-memory resources are starved at
  once (``getStarvedResources`` walks a list built from a map; ``byEvictionPriority`` only
  puts memory first): the Python choice must be one of the starved resources. If it is not
  the one this Go run picked, the two runs may legitimately part ways, so the scenario is
  marked ``diverged`` from that tick on (nothing after it is compared).
* **Exact ties in the pod ranking**: Go's ``sort.Sort`` is not stable, and the Go that
  builds the harness (pdqsort since Go 1.19) is not the Go that built 1.10 (quicksort with
  a gap-6 shell pass), which the mirror replays. The harness lists the pods that the real
  rank function cannot order against the evicted one (``tied_with``); evicting one of those
  is accepted, and the scenario is marked ``diverged`` after that tick.
* **Go toolchain error text**: ``time.ParseDuration`` messages are compared without quotes
  (see :func:`toolchain_text`).
* **Which of two equal-valued thresholds survives** ``mergeThresholds`` (it deduplicates by
  signal, operator, value and grace period, ignoring minimum reclaim, in the order of a
  list built from a map): this happens only when node-allocatable enforcement copies the
  hard ``memory.available`` threshold to ``allocatableMemory.available`` beside an
  equal-valued hard ``allocatableMemory.available`` flag with another minimum reclaim;
  the generator keeps only one of the two hard flags then.
* **Error text** with several invalid flags depends on map order; the generator never puts
  more than one invalid statement in a scenario, so error texts are compared exactly.
* **Grace periods** are compared at microsecond resolution (:func:`grace_key`), the
  mirror's documented representation.
* **Go panics**: where the real code dereferences a nil pointer (a volume's stats without
  ``usedBytes`` in ``emptyDirLimitEviction``) the harness reports the panic; the mirror is
  expected to raise too (``go.panic`` otherwise). The generator does not produce such input.
* **Event text** for the pod-level ephemeral-storage limit embeds Go's ``%v`` of a
  ``resource.Quantity`` *value* (its struct fields, not its string form); only the event
  kind is compared for that one message.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

# regex: the event text the kubelet formats (%s of a resource name: ASCII). re.ASCII so \S
# is Go's ASCII notion; \Z, not '$', so a trailing newline is not silently accepted; used
# with match (anchored at the start). Case-sensitive, as the event text is.
RECLAIM_EVENT = re.compile(r"Warning EvictionThresholdMet Attempting to reclaim (\S+)\Z", re.ASCII)
# regex: the "[A B]" list of %v-formatted node conditions; no classes, anchors or case
# questions: one bracketed group, leftmost-first = leftmost-longest here (no alternation).
CONDITIONS_IN_MESSAGE = re.compile(r"\[([^\]]*)\]")


@dataclass
class Mismatch:
    """One decision on which the recorded Go result and the mirror differ."""

    scenario: str
    tick: int | None
    field: str
    go: Any
    py: Any

    def signature(self) -> str:
        """What kind of mismatch this is (stable while shrinking)."""
        return self.field

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Comparison:
    """The comparison of one scenario: its mismatches, and where Go's nondeterminism parted the
    runs."""

    scenario: str
    mismatches: list[Mismatch] = field(default_factory=list)
    diverged_at: int | None = None  # tick after which nondeterminism made the runs part
    diverged_why: str | None = None
    ticks_compared: int = 0
    ambiguous_resource_ticks: int = 0
    tie_ticks: int = 0

    @property
    def ok(self) -> bool:
        return not self.mismatches

    def add(self, tick: int | None, name: str, go: Any, py: Any) -> None:
        self.mismatches.append(Mismatch(self.scenario, tick, name, go, py))


def toolchain_text(message: str | None) -> str | None:
    """Undo error-text changes made by Go releases after the one that built 1.10.

    The harness is compiled by the local Go; since Go 1.15 ``time.ParseDuration`` quotes
    the offending text (``time: unknown unit "x" in duration "5x"``), while the Go that
    built release-1.10 did not (``time: unknown unit x in duration 5x``), which is what
    the mirror reproduces.

    >>> toolchain_text('time: invalid duration "5x"')
    'time: invalid duration 5x'
    """
    if message is not None and message.startswith("time: "):
        return message.replace('"', "")
    return message


def percentage_key(p: float | str) -> float | str:
    """Go writes percentages as strings (JSON has no NaN); NaN compares equal to NaN."""
    x = float(p)
    if math.isnan(x):
        return "NaN"
    return x


def value_key(v: dict[str, Any] | None) -> tuple | None:
    """A threshold value as a comparable key (quantity in milli-units, or the percentage)."""
    if v is None:
        return None
    if v.get("quantity_milli") is not None:
        return ("q", v["quantity_milli"])
    return ("p", percentage_key(v["percentage"]))


def value_text(v: dict[str, Any] | None) -> str | None:
    """A threshold value as text, for reports."""
    return None if v is None else v.get("quantity")


def grace_key(ns: int) -> int:
    """A grace period at the mirror's resolution: whole microseconds, rounded up.

    Go keeps nanoseconds; the mirror keeps a ``timedelta`` and documents that it rounds a
    duration up to the next microsecond (so a 1ns soft threshold stays soft). The harness
    clock moves in whole seconds, so no decision can tell the two apart.

    >>> grace_key(1500), grace_key(90 * 10**9)
    (2000, 90000000000)
    """
    return -(-int(ns) // 1000) * 1000


def threshold_key(t: dict[str, Any]) -> tuple:
    """A threshold as a comparable key (signal, operator, value, grace period, min reclaim)."""
    return (
        t["signal"],
        t.get("operator"),
        value_key(t["value"]),
        grace_key(t["grace_period_ns"]),
        value_key(t.get("min_reclaim")),
    )


def threshold_text_key(t: dict[str, Any]) -> tuple:
    """A threshold as a key built from the text of its values."""
    return (threshold_key(t), value_text(t["value"]), value_text(t.get("min_reclaim")))


def quantity_key(q: dict[str, Any]) -> tuple:
    """A derived threshold quantity as a comparable key."""
    return (
        q["signal"],
        grace_key(q["grace_period_ns"]),
        value_key(q["value"]),
        int(q["threshold_bytes"]),
        q.get("min_reclaim_bytes"),
    )


def _multiset(items: list[Any], key) -> Counter:
    return Counter(key(i) for i in items)


def normalize_message(message: str) -> str:
    """Sort the ``[A B]`` node-condition list inside an admission message.

    >>> normalize_message("The node was low on resource: [MemoryPressure DiskPressure].")
    'The node was low on resource: [DiskPressure MemoryPressure].'
    """

    def repl(m: re.Match[str]) -> str:
        return "[" + " ".join(sorted(m.group(1).split())) + "]"

    return CONDITIONS_IN_MESSAGE.sub(repl, message)


def event_kind(event: str) -> str:
    """What an event is about, ignoring text that legitimately differs.

    >>> event_kind("Warning EvictionThresholdMet Attempting to reclaim memory")
    'reclaim:memory'
    """
    if m := RECLAIM_EVENT.match(event):
        return f"reclaim:{m.group(1)}"
    if event.startswith("Warning Evicted pod ephemeral local storage usage exceeds"):
        return "evict:pod-ephemeral-limit"
    return event


def reclaimed_resource(events: list[str]) -> str | None:
    """The resource an ``EvictionThresholdMet`` event says is being reclaimed, if any.

    >>> reclaimed_resource(
    ...     ["Normal Started x", "Warning EvictionThresholdMet Attempting to reclaim nodefs"]
    ... )
    'nodefs'
    """
    for e in events:
        if m := RECLAIM_EVENT.match(e):
            return m.group(1)
    return None


def _eviction_key(e: dict[str, Any]) -> tuple:
    return (
        e["pod"],
        e.get("grace_period_override"),
        e.get("phase"),
        e.get("reason"),
        e.get("message"),
    )


def compare_parse(cmp: Comparison, go: dict[str, Any], py: dict[str, Any]) -> None:
    """Compare the parsed thresholds and quantities of a scenario."""
    if go["ok"] != py["ok"]:
        cmp.add(None, "parse.ok", go.get("error") or go["ok"], py.get("error") or py["ok"])
        return
    if not go["ok"]:
        if toolchain_text(go.get("error")) != toolchain_text(py.get("error")):
            cmp.add(None, "parse.error", go.get("error"), py.get("error"))
        return
    g = _multiset(go["thresholds"], threshold_key)
    p = _multiset(py["thresholds"], threshold_key)
    if g != p:
        cmp.add(
            None,
            "parse.thresholds",
            sorted(map(repr, g.elements())),
            sorted(map(repr, p.elements())),
        )
    else:
        g = _multiset(go["thresholds"], threshold_text_key)
        p = _multiset(py["thresholds"], threshold_text_key)
        if g != p:
            cmp.add(
                None,
                "parse.quantity_text",
                sorted(map(repr, g.elements())),
                sorted(map(repr, p.elements())),
            )
    g = _multiset(go.get("quantities", []), quantity_key)
    p = _multiset(py.get("quantities", []), quantity_key)
    if g != p:
        cmp.add(
            None,
            "parse.quantities",
            sorted(map(repr, g.elements())),
            sorted(map(repr, p.elements())),
        )


def _trace_sets(trace: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in ("met", "unresolved", "grace_met", "updated_stats"):
        if trace.get(name) is not None:
            out[name] = _multiset(trace[name], threshold_key)
    for name in ("starved", "conditions"):
        if trace.get(name) is not None:
            out[name] = sorted(set(trace[name]))
    if trace.get("reclaim_sufficient") is not None:
        out["reclaim_sufficient"] = trace["reclaim_sufficient"]
    return out


def compare_tick(cmp: Comparison, i: int, go: dict[str, Any], py: dict[str, Any]) -> bool:
    """Compare one tick; False when the runs may legitimately part after it."""
    keep_going = True
    go_res = reclaimed_resource(go["events"])
    py_res = reclaimed_resource(py["events"])
    starved = set(go["trace"].get("starved") or [])
    ambiguous = "memory" not in starved and len(starved) > 1
    if ambiguous:
        cmp.ambiguous_resource_ticks += 1
    if ambiguous and go_res != py_res:
        if py_res not in starved:
            cmp.add(i, "reclaimed_resource", sorted(starved), py_res)
            return False
        # Another resource Go could have picked. When both still took the same action
        # (e.g. nodefs and imagefs share a device, so rank and reclaim are the same), the
        # runs stay in step; otherwise they may legitimately part here.
        same = (
            [(e["pod"], e.get("grace_period_override")) for e in go["evicted"]]
            == [(e["pod"], e.get("grace_period_override")) for e in py["evicted"]]
            and go["image_gc"] == py["image_gc"]
            and go["container_gc"] == py["container_gc"]
        )
        if not same:
            cmp.diverged_at, cmp.diverged_why = i, f"reclaim {go_res} (Go) vs {py_res} (mirror)"
            return False
        go = {**go, "evicted": [{**e, "message": None} for e in go["evicted"]], "events": []}
        py = {**py, "evicted": [{**e, "message": None} for e in py["evicted"]], "events": []}

    # evictions
    g_ev, p_ev = go["evicted"], py["evicted"]
    if [_eviction_key(e) for e in g_ev] != [_eviction_key(e) for e in p_ev]:
        tied = (
            len(g_ev) == 1
            and len(p_ev) == 1
            and p_ev[0]["pod"] in (g_ev[0].get("tied_with") or [])
            and _eviction_key(g_ev[0])[1:] == _eviction_key(p_ev[0])[1:]
        )
        if tied:
            cmp.tie_ticks += 1
            cmp.diverged_at, cmp.diverged_why = (
                i,
                (f"tie: Go evicted {g_ev[0]['pod']}, mirror {p_ev[0]['pod']}"),
            )
            keep_going = False
        else:
            cmp.add(
                i, "evicted", [_eviction_key(e) for e in g_ev], [_eviction_key(e) for e in p_ev]
            )
    for name in ("memory_pressure", "disk_pressure", "image_gc", "container_gc", "summary_gets"):
        if name in py and go[name] != py[name]:
            cmp.add(i, name, go[name], py[name])
    g_ad = [
        (a["pod"], a["admit"], a["reason"], normalize_message(a["message"])) for a in go["admit"]
    ]
    p_ad = [
        (a["pod"], a["admit"], a["reason"], normalize_message(a["message"])) for a in py["admit"]
    ]
    if g_ad != p_ad:
        cmp.add(i, "admit", g_ad, p_ad)
    if keep_going and py.get("events") is not None:
        g = [event_kind(e) for e in go["events"]]
        p = [event_kind(e) for e in py["events"]]
        if g != p:
            cmp.add(i, "events", g, p)
    if py.get("trace") and py["trace"].get("reached") is not None:
        gt, pt = _trace_sets(go["trace"]), _trace_sets(py["trace"])
        if go["trace"].get("reached") != py["trace"].get("reached"):
            cmp.add(i, "trace.reached", go["trace"].get("reached"), py["trace"].get("reached"))
        elif go["trace"].get("reached"):
            for name, gv in gt.items():
                if name in pt and pt[name] != gv:
                    gshow = sorted(map(repr, gv.elements())) if isinstance(gv, Counter) else gv
                    pv = pt[name]
                    pshow = sorted(map(repr, pv.elements())) if isinstance(pv, Counter) else pv
                    cmp.add(i, f"trace.{name}", gshow, pshow)
    if keep_going and py.get("mirror_trace") is not None:
        compare_mirror_trace(cmp, i, go, py["mirror_trace"], ambiguous)
    return keep_going


def _go_sig_grace(items: list[dict[str, Any]]) -> list[list[Any]]:
    return sorted([t["signal"], grace_key(t["grace_period_ns"])] for t in items)


def compare_mirror_trace(
    cmp: Comparison, i: int, go: dict[str, Any], mt: dict[str, Any], ambiguous: bool
) -> None:
    """The mirror's own trace (``Manager.last_trace``) against what Go decided."""
    trace = go["trace"]
    if not trace.get("reached"):
        if mt.get("reached"):
            cmp.add(i, "mirror_trace.reached", False, True)
        return
    if not mt.get("reached"):
        cmp.add(i, "mirror_trace.reached", True, False)
        return
    local = any(
        (e["message"] or "").endswith(("EmptyDir.", "ephemeral-storage.")) for e in go["evicted"]
    )
    checks: dict[str, Any] = {
        "met": _go_sig_grace(trace["met"]),
        "grace_met": _go_sig_grace(trace["grace_met"]),
        "updated_stats": _go_sig_grace(trace["updated_stats"]),
        "conditions": sorted(set(trace["conditions"])),
    }
    if trace["unresolved"]:
        checks["unresolved"] = _go_sig_grace(trace["unresolved"])
    if not local:
        checks["starved"] = sorted(set(trace["starved"]))
        if not ambiguous:
            checks["resource_to_reclaim"] = reclaimed_resource(go["events"])
        checks["evicted"] = [e["pod"] for e in go["evicted"]]
    if trace.get("reclaim_sufficient") is not None:
        checks["reclaim_relieved"] = trace["reclaim_sufficient"]
    for name, expected in checks.items():
        got = mt.get(name)
        if name in ("met", "unresolved", "grace_met", "updated_stats") and got is not None:
            got = sorted([sig, grace_key(ns)] for sig, ns in got)
        if got != expected:
            cmp.add(i, f"mirror_trace.{name}", expected, got)


def compare(go: dict[str, Any], py: dict[str, Any]) -> Comparison:
    """Compare a recorded Go result with the mirror's result for the same scenario.

    >>> from reference_impl.eviction.replay.generate import batch
    >>> from reference_impl.eviction.replay.pyrunner import run_scenario
    >>> s = batch(3, 1)[0]
    >>> compare(run_scenario(s), run_scenario(s)).ok
    True
    """
    cmp = Comparison(scenario=go.get("id") or py.get("id") or "?")
    if go.get("error"):
        if go["error"].startswith("panic:"):
            # the real code crashed (the kubelet would too); the mirror must refuse as well
            if not py.get("error"):
                cmp.add(None, "go.panic", go["error"], None)
            return cmp
        cmp.add(None, "go.error", go["error"], py.get("error"))
        return cmp
    if py.get("error"):
        cmp.add(None, "py.error", None, py["error"])
        return cmp
    compare_parse(cmp, go["parse"], py["parse"])
    if not go["parse"]["ok"] or not py["parse"]["ok"]:
        return cmp
    if len(go["ticks"]) != len(py["ticks"]):
        cmp.add(None, "ticks.count", len(go["ticks"]), len(py["ticks"]))
    for i, (g, p) in enumerate(zip(go["ticks"], py["ticks"], strict=False)):
        cmp.ticks_compared += 1
        if not compare_tick(cmp, i, g, p):
            break
    return cmp
