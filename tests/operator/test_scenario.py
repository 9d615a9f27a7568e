"""The scenario runner, its error messages, the CLI and the plot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from reference_impl.operator import trace
from reference_impl.operator.__main__ import main
from reference_impl.operator.plot import plot
from reference_impl.operator.scenario import ScenarioError, load, parse, run

EXAMPLE = Path(__file__).parents[2] / "examples" / "operator" / "loss-resize-upgrade.yaml"


def _doc(**over: Any) -> dict[str, Any]:
    d: dict[str, Any] = {
        "cluster": {
            "apiVersion": "etcd.database.coreos.com/v1beta2",
            "kind": "EtcdCluster",
            "metadata": {"name": "s"},
            "spec": {"size": 3, "version": "3.2.13"},
        },
        "duration": 100,
        "events": [],
    }
    d.update(over)
    return d


def test_example_runs_in_the_fake_world() -> None:
    res = run(load(EXAMPLE), "fake")
    branches = res.trace.branches("example")
    for b in (trace.REMOVE_DEAD, trace.ADD_MEMBER, trace.UPGRADE_MEMBER, trace.REMOVE_MEMBER):
        assert b in branches
    last = res.samples[-1]
    assert (last.pods, last.members, last.spec_size) == (3, 3, 3)
    assert last.versions == {"3.3.0": 3}
    # The dead member is removed before its replacement is added.
    i = branches.index(trace.REMOVE_DEAD)
    assert branches[i + 1] == trace.ADD_MEMBER
    assert [w for _, w in res.applied][1:] == ["size=5", "version=3.3.0", "size=3"]


def test_same_scenario_same_trace() -> None:
    a = run(load(EXAMPLE), "fake").trace.to_dicts()
    b = run(load(EXAMPLE), "fake").trace.to_dicts()
    assert a == b  # deterministic: seeded names and IDs, simulated time


@pytest.mark.parametrize(
    ("doc", "field"),
    [
        ({"duration": 10}, "cluster"),
        (_doc(duration=-1), "duration"),
        (_doc(extra=1), "extra"),
        (_doc(events=[{"at": 5, "size": 0}]), "events[0].size"),
        (_doc(events=[{"at": 5, "version": 3.3}]), "events[0].version"),
        (_doc(events=[{"at": 500, "kill": 0}]), "events[0].at"),
        (_doc(events=[{"at": 5, "explode": True}]), "events[0]"),
        (_doc(events=[{"at": 5}, {"at": 6, "pause": "yes"}]), "events[0]"),
        (_doc(events=[{"at": 6, "pause": "yes"}]), "events[0].pause"),
        (
            _doc(
                cluster={
                    "kind": "EtcdCluster",
                    "metadata": {"name": "x"},
                    "spec": {"size": "three"},
                }
            ),
            "cluster.spec.size",
        ),
        (
            _doc(cluster={"metadata": {"name": "x"}, "spec": {"version": 3.2}}),
            "cluster.spec.version",
        ),
        (_doc(cluster={"metadata": {}, "spec": {"size": 1}}), "cluster.metadata.name"),
        (
            _doc(cluster={"metadata": {"name": "x"}, "spec": {"size": 1, "sise": 3}}),
            "cluster.spec.sise",
        ),
        (_doc(cluster={"apiVersion": "v1", "metadata": {"name": "x"}}), "cluster.apiVersion"),
    ],
)
def test_bad_scenarios_name_the_field(doc: dict[str, Any], field: str) -> None:
    with pytest.raises(ScenarioError) as exc:
        parse(doc)
    assert exc.value.field == field
    assert str(exc.value).startswith(field + ":")


def test_cli_reports_a_bad_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(_doc(events=[{"at": 5, "size": -2}])))
    assert main(["simulate", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "events[0].size" in err and str(bad) in err


def test_cli_simulates_and_plots(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    png = tmp_path / "out.png"
    assert (
        main(["simulate", str(EXAMPLE), "--plot", str(png), "--trace", str(tmp_path / "t.json")])
        == 0
    )
    out = capsys.readouterr().out
    assert "remove-dead-member" in out and "upgrade-member" in out
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "t.json").stat().st_size > 0


def test_plot_of_a_paused_and_restarted_run(tmp_path: Path) -> None:
    scn = parse(
        _doc(
            duration=120,
            events=[
                {"at": 20, "pause": True},
                {"at": 30, "kill": 1},
                {"at": 60, "pause": False},
                {"at": 70, "restart-operator": True},
            ],
        )
    )
    res = run(scn, "fake")
    assert trace.PAUSED in res.trace.branches("s")
    assert res.samples[-1].pods == 3
    assert any(c.rebuilt_members for c in res.trace.cycles)
    assert plot(res, tmp_path / "p.png").stat().st_size > 10_000


@pytest.mark.parametrize("path", sorted(EXAMPLE.parent.glob("*.yaml")), ids=lambda p: p.name)
def test_every_example_runs(path: Path) -> None:
    res = run(load(path), "fake")
    name = res.scenario.cluster.name
    if path.name == "lost-quorum.yaml":
        assert res.trace.branches(name)[-1] == trace.LOST_QUORUM
        assert res.samples[-1].pods == 1
    else:
        assert res.samples[-1].pods == res.samples[-1].spec_size
        assert res.trace.branches(name)[-1] == trace.NOOP
