"""The comparator and the shrinker on hand-made results (no Go, no mirror needed)."""

from __future__ import annotations

import copy

from reference_impl.eviction.replay import generate
from reference_impl.eviction.replay.compare import compare, normalize_message, toolchain_text
from reference_impl.eviction.replay.pyrunner import go_sprintf
from reference_impl.eviction.replay.shrink import shrink_crash


def _tick(**kw):
    base = {
        "active": ["a", "b"],
        "evicted": [],
        "memory_pressure": False,
        "disk_pressure": False,
        "admit": [],
        "image_gc": 0,
        "container_gc": 0,
        "summary_gets": 1,
        "events": [],
        "trace": {
            "reached": True,
            "met": [],
            "unresolved": [],
            "grace_met": [],
            "updated_stats": [],
            "starved": [],
            "conditions": [],
        },
    }
    base.update(kw)
    return base


def _result(ticks, parse=None):
    return {
        "id": "x",
        "error": None,
        "parse": parse or {"ok": True, "error": None, "thresholds": [], "quantities": []},
        "ticks": ticks,
    }


def _evict(pod, resource="memory", override=0, tied=()):
    return {
        "pod": pod,
        "grace_period_override": override,
        "phase": "Failed",
        "reason": "Evicted",
        "message": f"The node was low on resource: {resource}.",
        "tied_with": list(tied),
    }


def _reclaim(resource):
    return [
        f"Warning EvictionThresholdMet Attempting to reclaim {resource}",
        f"Warning Evicted The node was low on resource: {resource}.",
    ]


def test_identical_results_match():
    r = _result([_tick(evicted=[_evict("a")], events=_reclaim("memory"))])
    assert compare(r, copy.deepcopy(r)).ok


def test_different_pod_is_a_mismatch_unless_tied():
    go = _result([_tick(evicted=[_evict("a")], events=_reclaim("memory")), _tick()])
    py = _result([_tick(evicted=[_evict("b")], events=_reclaim("memory")), _tick()])
    c = compare(go, py)
    assert [m.field for m in c.mismatches] == ["evicted"]
    go["ticks"][0]["evicted"][0]["tied_with"] = ["b"]
    c = compare(go, py)
    assert c.ok and c.diverged_at == 0 and c.tie_ticks == 1
    # a tie with a different grace period is still a mismatch
    py["ticks"][0]["evicted"][0]["grace_period_override"] = 30
    assert not compare(go, py).ok


def test_ambiguous_starved_resources():
    trace = {**_tick()["trace"], "starved": ["imagefs", "nodefs"]}
    go = _result([_tick(evicted=[_evict("a", "imagefs")], events=_reclaim("imagefs"), trace=trace)])
    # the same pod through the other resource: still in step
    py = _result([_tick(evicted=[_evict("a", "nodefs")], events=_reclaim("nodefs"), trace=trace)])
    c = compare(go, py)
    assert c.ok and c.diverged_at is None and c.ambiguous_resource_ticks == 1
    # another pod through the other resource: Go could have done that, the runs part
    py["ticks"][0]["evicted"] = [_evict("b", "nodefs")]
    c = compare(go, py)
    assert c.ok and c.diverged_at == 0
    # a resource that was not starved is a mismatch
    py["ticks"][0]["events"] = _reclaim("memory")
    assert [m.field for m in compare(go, py).mismatches] == ["reclaimed_resource"]


def test_condition_order_and_toolchain_text():
    assert (
        normalize_message("low on resource: [MemoryPressure DiskPressure].")
        == "low on resource: [DiskPressure MemoryPressure]."
    )
    assert (
        toolchain_text('time: unknown unit "x" in duration "5x"')
        == "time: unknown unit x in duration 5x"
    )
    assert toolchain_text('strconv.ParseFloat: parsing "x": invalid syntax').count('"') == 2
    go = _result(
        [],
        parse={
            "ok": False,
            "error": 'time: invalid duration "5"',
            "thresholds": [],
            "quantities": [],
        },
    )
    py = _result(
        [],
        parse={
            "ok": False,
            "error": "time: invalid duration 5",
            "thresholds": [],
            "quantities": [],
        },
    )
    assert compare(go, py).ok


def test_thresholds_compare_as_multisets_with_nan():
    t1 = {
        "signal": "memory.available",
        "operator": "LessThan",
        "value": {"quantity": "100Mi", "quantity_milli": 104857600000, "percentage": None},
        "grace_period_ns": 0,
        "min_reclaim": None,
    }
    t2 = {
        "signal": "nodefs.available",
        "operator": "LessThan",
        "value": {"quantity": None, "quantity_milli": None, "percentage": "NaN"},
        "grace_period_ns": 0,
        "min_reclaim": None,
    }
    t2py = copy.deepcopy(t2)
    t2py["value"]["percentage"] = float("nan")
    go = _result([], parse={"ok": True, "error": None, "thresholds": [t1, t2], "quantities": []})
    py = _result([], parse={"ok": True, "error": None, "thresholds": [t2py, t1], "quantities": []})
    assert compare(go, py).ok
    t1b = copy.deepcopy(t1)
    t1b["value"]["quantity_milli"] += 1
    py["parse"]["thresholds"] = [t2py, t1b]
    assert [m.field for m in compare(go, py).mismatches] == ["parse.thresholds"]


def test_admission_and_pressure_mismatches():
    go = _result(
        [
            _tick(
                memory_pressure=True,
                admit=[
                    {
                        "pod": "p",
                        "admit": False,
                        "reason": "Evicted",
                        "message": "The node was low on resource: [MemoryPressure].",
                    }
                ],
            )
        ]
    )
    py = copy.deepcopy(go)
    py["ticks"][0]["admit"][0]["admit"] = True
    py["ticks"][0]["memory_pressure"] = False
    assert {m.field for m in compare(go, py).mismatches} == {"admit", "memory_pressure"}


def test_go_sprintf():
    assert go_sprintf("Attempting to reclaim %s", "memory") == "Attempting to reclaim memory"
    assert go_sprintf("limit %q", "2Gi") == 'limit "2Gi"'
    assert go_sprintf("%v%%", ["A", "B"]) == "[A B]%"


def test_crash_shrinker_finds_the_one_pod_that_matters():
    """A planted mirror crash that happens whenever pod p1 exists shrinks to p1 alone."""
    scenario = next(
        s for s in generate.batch(21, 200) if len(s["pods"]) >= 4 and len(s["ticks"]) >= 3
    )

    def fake_mirror(s):
        crashes = any(p["metadata"]["name"] == "p1" for p in s["pods"])
        return {"error": "Traceback ...\nKeyError: 'p1'\n" if crashes else None}

    small, rounds = shrink_crash(scenario, fake_mirror)
    assert rounds > 0
    assert [p["metadata"]["name"] for p in small["pods"]] == ["p1"]
    assert len(small["ticks"]) == 1
    assert not small["probe_pods"]


def test_crash_shrinker_leaves_a_scenario_that_does_not_crash():
    scenario = generate.batch(21, 1)[0]
    assert shrink_crash(scenario, lambda s: {"error": None}) == (scenario, 0)
