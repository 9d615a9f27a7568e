"""Shrink a mismatching scenario to a minimal one (delta debugging).

Each round proposes every one-step reduction of the scenario — drop a tick, a pod (with
its stats and mentions), a probe pod, a flag statement, the allocatable enforcement,
a reclaim summary, a volume, an init container, a gate set back to its default — runs
all candidates through Go and the mirror in *one* harness call, and keeps the first one
that still shows a mismatch of the same kind. It stops when no reduction keeps the
mismatch (a 1-minimal scenario) or after ``max_rounds``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

from differential.compare import compare
from differential.schema import FLAG_MAPS, GATE_DEFAULTS, check_scenario

Runner = Callable[[list[dict[str, Any]]], list[dict[str, Any]]]


def _drop_pod(sc: dict[str, Any], name: str) -> dict[str, Any]:
    out = copy.deepcopy(sc)
    out["pods"] = [p for p in out["pods"] if p["metadata"]["name"] != name]
    uid = f"uid-{name}"
    for p in sc["pods"]:
        if p["metadata"]["name"] == name:
            uid = p["metadata"].get("uid", uid)
    for tick in out["ticks"]:
        for key in ("summary", "summary_after_reclaim"):
            if tick.get(key):
                tick[key]["pods"] = [s for s in tick[key]["pods"] if s["podRef"]["uid"] != uid]
        if tick.get("active") is not None:
            tick["active"] = [n for n in tick["active"] if n != name]
    return out


def reductions(sc: dict[str, Any]) -> Iterator[dict[str, Any]]:
    # whole ticks, from the end first (later ticks rarely matter to an earlier mismatch)
    for i in reversed(range(len(sc["ticks"]))):
        out = copy.deepcopy(sc)
        del out["ticks"][i]
        if out["ticks"]:
            yield out
    for p in sc["pods"]:
        yield _drop_pod(sc, p["metadata"]["name"])
    for i in range(len(sc["probe_pods"])):
        out = copy.deepcopy(sc)
        del out["probe_pods"][i]
        yield out
    for name in FLAG_MAPS:
        for key in sc["flags"].get(name, {}):
            out = copy.deepcopy(sc)
            del out["flags"][name][key]
            yield out
    if sc["flags"].get("allocatable_config"):
        out = copy.deepcopy(sc)
        out["flags"]["allocatable_config"] = []
        yield out
    for i, tick in enumerate(sc["ticks"]):
        if tick.get("summary_after_reclaim") is not None:
            out = copy.deepcopy(sc)
            out["ticks"][i]["summary_after_reclaim"] = None
            yield out
        if tick.get("active") is not None:
            out = copy.deepcopy(sc)
            out["ticks"][i]["active"] = None
            yield out
    for gate, default in GATE_DEFAULTS.items():
        if sc.get("feature_gates", {}).get(gate, default) != default:
            out = copy.deepcopy(sc)
            out["feature_gates"][gate] = default
            yield out
    for pi, p in enumerate(sc["pods"]):
        spec = p["spec"]
        for vi in range(len(spec.get("volumes", []))):
            out = copy.deepcopy(sc)
            del out["pods"][pi]["spec"]["volumes"][vi]
            yield out
        if spec.get("initContainers"):
            out = copy.deepcopy(sc)
            del out["pods"][pi]["spec"]["initContainers"]
            yield out
        if len(spec["containers"]) > 1:
            out = copy.deepcopy(sc)
            del out["pods"][pi]["spec"]["containers"][-1]
            yield out
        if p["metadata"].get("annotations"):
            out = copy.deepcopy(sc)
            del out["pods"][pi]["metadata"]["annotations"]
            yield out
        if "priority" in spec:
            out = copy.deepcopy(sc)
            del out["pods"][pi]["spec"]["priority"]
            yield out


def signature(go: dict[str, Any], py: dict[str, Any]) -> set[str]:
    return {m.signature() for m in compare(go, py).mismatches}


def shrink(
    sc: dict[str, Any], run_go: Runner, run_py: Runner, max_rounds: int = 60, batch: int = 400
) -> tuple[dict[str, Any], int]:
    """The smallest scenario found that keeps one of ``sc``'s mismatch kinds; and rounds."""
    go0, py0 = run_go([sc])[0], run_py([sc])[0]
    wanted = signature(go0, py0)
    if not wanted:
        return sc, 0
    current = sc
    rounds = 0
    while rounds < max_rounds:
        rounds += 1
        candidates = [c for c in reductions(current) if not check_scenario(c)][:batch]
        if not candidates:
            break
        gos = run_go(candidates)
        found = None
        for cand, g in zip(candidates, gos, strict=True):
            p = run_py([cand])[0]
            if signature(g, p) & wanted:
                found = cand
                break
        if found is None:
            break
        current = found
    return current, rounds
