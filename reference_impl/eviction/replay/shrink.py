"""Shrink a mismatching scenario to a minimal one (delta debugging).

Each round proposes every one-step reduction of the scenario — drop a tick, a pod (with
its stats and mentions), a probe pod, a flag statement, the allocatable enforcement,
a reclaim summary, a volume, an init container, a gate set back to its default — runs
the candidates through the mirror, and keeps the first one that still crashes it with the
same exception. It stops when no reduction keeps the crash (a 1-minimal scenario) or after
``max_rounds``.

Shrinking a *mismatch against Go* is dropped: it needed the real code to decide every
candidate, and this project never builds or runs upstream code. A recorded mismatch is
reported with its scenario instead.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

from reference_impl.eviction.replay.schema import FLAG_MAPS, GATE_DEFAULTS, check_scenario


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
    """Every one-step reduction of a scenario (smaller candidates first).

    >>> from reference_impl.eviction.replay.generate import batch
    >>> s = batch(3, 1)[0]
    >>> all(len(r["ticks"]) <= len(s["ticks"]) for r in reductions(s))
    True
    """
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


def crash_signature(result: dict[str, Any]) -> str | None:
    """The exception line of a mirror result's traceback (None when it did not crash).

    >>> crash_signature({"error": "Traceback ...\\nZeroDivisionError: division by zero\\n"})
    'ZeroDivisionError'
    >>> crash_signature({"error": None}) is None
    True
    """
    error = result.get("error")
    if not error:
        return None
    last = error.strip().splitlines()[-1]
    return last.split(":", 1)[0]


def shrink_crash(
    sc: dict[str, Any],
    run_py: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    max_rounds: int = 60,
) -> tuple[dict[str, Any], int]:
    """The smallest scenario found that still crashes the mirror with the same exception
    type as ``sc`` does; and the number of rounds. Only the mirror runs: shrinking a
    mismatch *against Go* needed fresh Go runs and went with the Go harness.

    >>> from reference_impl.eviction.replay.generate import batch
    >>> s = batch(3, 1)[0]
    >>> shrink_crash(s, lambda sc: {"error": None}) == (s, 0)
    True
    """
    if run_py is None:
        from reference_impl.eviction.replay.pyrunner import run_scenario

        run_py = run_scenario
    wanted = crash_signature(run_py(sc))
    if wanted is None:
        return sc, 0
    current = sc
    rounds = 0
    while rounds < max_rounds:
        rounds += 1
        found = None
        for cand in reductions(current):
            if check_scenario(cand):
                continue
            if crash_signature(run_py(cand)) == wanted:
                found = cand
                break
        if found is None:
            break
        current = found
    return current, rounds
