"""The scenario simulator, its plot and the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from reference_impl.eviction.__main__ import main
from reference_impl.eviction.scenario import ScenarioError, load_scenario, parse_scenario
from reference_impl.eviction.simulator import run_scenario

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "eviction" / "soft-memory.yaml"


def test_soft_memory_example_tells_its_story() -> None:
    scenario = load_scenario(EXAMPLE)
    result = run_scenario(scenario)
    evictions = [
        (round(e.offset_seconds), e.pod, e.grace_period_override) for e in result.evictions
    ]
    # soft threshold crossed at ~6.5 min; 90 s grace; the smallest low-priority pod first
    first, second, third = evictions
    assert first[1:] == ("default/sidecar", 30) and 470 <= first[0] <= 490
    # min-reclaim keeps the threshold met: the next pass (1 s later, after cleanup) evicts again
    assert second[1:] == ("default/cache", 30) and second[0] == first[0] + 1
    assert third[1:] == ("default/report-job", 0)  # a hard eviction: no grace period
    # no eviction before the grace period: MemoryPressure is reported first
    pressured = [t for t in result.ticks if "MemoryPressure" in t.node_conditions]
    assert pressured[0].offset_seconds <= first[0] - 90
    # the condition is held for the 2 min transition period after the last pass that met it
    last_met = max(
        t.offset_seconds
        for t in result.ticks
        if t.trace and (t.trace.thresholds_met or t.trace.thresholds_not_yet_resolved)
    )
    released = [t for t in result.ticks if t.offset_seconds > last_met and not t.node_conditions]
    assert released and released[0].offset_seconds - last_met >= 120
    assert all(
        "MemoryPressure" in t.node_conditions
        for t in result.ticks
        if last_met <= t.offset_seconds < last_met + 120
    )


def test_cli_simulate_writes_a_png(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "plot.png"
    trace = tmp_path / "trace.json"
    assert main(["simulate", str(EXAMPLE), "--plot", str(out), "--trace", str(trace)]) == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out.stat().st_size > 20_000
    assert "evicted default/sidecar" in capsys.readouterr().out
    assert '"evicted"' in trace.read_text()


BASE = {"duration": "1m", "node": {"memory": "4Gi"}}


@pytest.mark.parametrize(
    ("patch", "fragment"),
    [
        ({"duration": None}, "duration: expected a duration"),
        ({"tick": "soon"}, "tick: time: invalid duration soon"),
        ({"tick": "0s"}, "tick: must be positive"),
        ({"node": {}}, "node.memory: required"),
        ({"node": {"memory": "4GB"}}, "node.memory: '4GB': quantities must match"),
        ({"node": {"memory": "4Gi", "swap": "1Gi"}}, "node: unknown field(s) ['swap']"),
        ({"node": {"memory": "4Gi", "nodefs": {"used": "1Gi"}}}, "node.nodefs.capacity: required"),
        ({"pods": [{"priority": 1}]}, "pods[0].name: required"),
        ({"pods": [{"name": "a", "priority": "high"}]}, "pods[0].priority: expected an integer"),
        ({"pods": [{"name": "a", "requests": {"memory": "lots"}}]}, "pods[0].requests.memory"),
        (
            {"pods": [{"name": "a", "qos": "Guaranteed"}]},
            "pods[0].qos: 'Guaranteed' does not match",
        ),
        ({"pods": [{"name": "a", "usage": {"gpu": "1"}}]}, "pods[0].usage.gpu: unknown metric"),
        (
            {"pods": [{"name": "a", "usage": {"memory": [{"at": "1m"}]}}]},
            "pods[0].usage.memory[0]: needs both",
        ),
        (
            {
                "pods": [
                    {
                        "name": "a",
                        "usage": {
                            "memory": [{"at": "1m", "value": "1Mi"}, {"at": "30s", "value": "2Mi"}]
                        },
                    }
                ]
            },
            "pods[0].usage.memory[1].at: times must increase",
        ),
        (
            {"pods": [{"name": "a", "usage": {"volumes": {"data": "1Gi"}}}]},
            "pods[0].usage.volumes.data: no such volume",
        ),
        ({"pods": [{"name": "a"}, {"name": "a"}]}, "pods[1].name: duplicate pod default/a"),
        (
            {"kubelet": {"evictionHard": {"pid.available": "10"}}},
            "kubelet.eviction thresholds: unsupported eviction signal pid.available",
        ),
        (
            {"kubelet": {"evictionSoft": {"memory.available": "1Gi"}}},
            "grace period must be specified",
        ),
        ({"colour": "blue"}, "unknown field(s) ['colour']"),
    ],
)
def test_bad_scenarios_name_the_field(patch: dict, fragment: str) -> None:
    doc = {**BASE, **patch}
    if doc.get("duration") is None:
        doc["duration"] = []
    with pytest.raises(ScenarioError) as info:
        parse_scenario(doc)
    assert fragment in str(info.value)


def test_cli_reports_a_bad_scenario(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump({**BASE, "pods": [{"name": "a", "priority": "x"}]}))
    assert main(["simulate", str(path)]) == 1
    assert "pods[0].priority" in capsys.readouterr().err


def test_disk_scenario_with_imagefs_and_local_storage() -> None:
    doc = {
        "duration": "3m",
        "node": {
            "memory": "8Gi",
            "nodefs": {"capacity": "10Gi", "used": "2Gi"},
            "imagefs": {"capacity": "100Gi", "used": "10Gi"},
        },
        "kubelet": {"evictionHard": {"nodefs.available": "2Gi"}},
        "pods": [
            {
                "name": "logger",
                "usage": {
                    "logs": [
                        {"at": "0s", "value": "1Gi"},
                        {"at": "2m", "value": "7Gi", "ramp": True},
                    ]
                },
            },
            {
                "name": "scratch",
                "volumes": [{"name": "tmp", "emptyDir": {"sizeLimit": "100Mi"}}],
                "usage": {
                    "volumes": {
                        "tmp": [{"at": "0s", "value": "10Mi"}, {"at": "1m", "value": "200Mi"}]
                    }
                },
            },
        ],
    }
    result = run_scenario(parse_scenario(doc))
    pods = [e.pod for e in result.evictions]
    assert pods[0] == "default/scratch"  # local storage: over its emptyDir sizeLimit
    assert "default/logger" in pods  # nodefs pressure from logs
    logger = next(t for t in result.ticks if "default/logger" in t.evicted)
    assert logger.trace is not None and logger.trace.resource_to_reclaim == "nodefs"
    assert logger.trace.node_reclaim is not None and logger.trace.node_reclaim["ran"] == []
