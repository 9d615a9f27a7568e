"""Scenario schema and generation (no Go, no mirror needed)."""

from __future__ import annotations

import copy
import itertools
import json

from hypothesis import HealthCheck, given, settings

from reference_impl.eviction.replay import generate
from reference_impl.eviction.replay.schema import check_scenario, gates_of, validate_scenario


def test_batch_is_reproducible_and_valid():
    a = generate.batch(3, 40)
    b = generate.batch(3, 40)
    assert json.dumps(a) == json.dumps(b)
    assert json.dumps(a) != json.dumps(generate.batch(4, 40))
    for s in a:
        assert check_scenario(s) == [], s["id"]


def test_batch_covers_the_space():
    scenarios = generate.batch(5, 400)
    pods = [p for s in scenarios for p in s["pods"]]
    volumes = {
        next(k for k in v if k != "name") for p in pods for v in p["spec"].get("volumes", [])
    }
    assert {"emptyDir", "hostPath", "configMap", "gitRepo", "downwardAPI", "secret"} <= volumes
    assert any(
        v.get("emptyDir", {}).get("medium") == "Memory"
        for p in pods
        for v in p["spec"].get("volumes", [])
    )
    assert any(
        p["metadata"].get("annotations", {}).get("kubernetes.io/config.source") == "file"
        for p in pods
    )
    assert any("initContainers" in p["spec"] for p in pods)
    assert any("priority" in p["spec"] for p in pods)
    assert any(s["dedicated_imagefs"] for s in scenarios)
    assert not all(s["dedicated_imagefs"] for s in scenarios)
    assert any(t["advance_seconds"] == 0 for s in scenarios for t in s["ticks"][1:])
    assert any(t["summary_after_reclaim"] for s in scenarios for t in s["ticks"])
    assert any(s["flags"]["eviction_soft"] for s in scenarios)
    assert any(s["flags"]["eviction_minimum_reclaim"] for s in scenarios)
    assert any("pods" in s["flags"]["allocatable_config"] for s in scenarios)
    assert any(v.endswith("%") for s in scenarios for v in s["flags"]["eviction_hard"].values())
    assert {gates_of(s)["PodPriority"] for s in scenarios} == {True, False}
    # stats timestamps that do not advance between ticks
    stale = 0
    for s in scenarios:
        times = [t["summary"]["node"].get("memory", {}).get("time") for t in s["ticks"]]
        stale += sum(1 for x, y in itertools.pairwise(times) if x and x == y)
    assert stale > 0


def test_at_most_one_invalid_statement():
    from reference_impl.eviction.replay.generate import INVALID_FLAGS

    bad_values = {(m, sig, v) for m, sig, v in INVALID_FLAGS}
    for s in generate.batch(9, 500):
        found = sum(
            1
            for m in (
                "eviction_hard",
                "eviction_soft",
                "eviction_soft_grace_period",
                "eviction_minimum_reclaim",
            )
            for sig, v in s["flags"][m].items()
            if (m, sig, v) in bad_values
        )
        assert found <= 1


def test_validation_reports_problems():
    good = generate.batch(1, 1)[0]
    validate_scenario(good)
    bad = copy.deepcopy(good)
    bad["start_time"] = "yesterday"
    bad["config"]["max_pod_grace_period_seconds"] = -1
    bad["feature_gates"]["NoSuchGate"] = True
    bad["ticks"].append({"advance_seconds": 1, "summary": {"pods": []}, "active": ["ghost"]})
    problems = check_scenario(bad)
    joined = "\n".join(problems)
    for needle in (
        "start_time",
        "max_pod_grace_period_seconds",
        "NoSuchGate",
        "summary.node",
        "active",
    ):
        assert needle in joined
    try:
        validate_scenario(bad)
    except ValueError as exc:
        assert "start_time" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("validate_scenario accepted a bad scenario")


@settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(generate.scenarios())
def test_hypothesis_strategy_yields_valid_scenarios(scenario):
    assert check_scenario(scenario) == []
