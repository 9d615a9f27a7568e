"""Recorded decisions of the real v1.10.11 eviction package, replayed through the mirror.

``data/recorded_sample.json.gz`` is a sample (with full scenarios) of the 20,000-scenario
recording in ``shared/recorded/``: every branch that recording reaches, one scenario per
divergence reason, a dozen rank ties and a seeded random draw
(``scripts/make_replay_sample.py``). It replays on every test run; the whole recording is
``benchmarks/replay_recorded.py``'s job. Nothing here builds or runs Go.
"""

from __future__ import annotations

import copy
import gzip
import itertools
import json
from pathlib import Path

import pytest

from reference_impl.eviction.replay import __main__ as cli
from reference_impl.eviction.replay import generate, pyrunner, recorded
from reference_impl.eviction.replay.branches import ALL_BRANCHES
from reference_impl.eviction.replay.compare import compare
from reference_impl.eviction.replay.run import replay

DATA = Path(__file__).parent.parent / "data"
SAMPLE = DATA / "recorded_sample.json.gz"
REPO = Path(__file__).resolve().parents[3]
SHARED = sorted((REPO.parent / "shared" / "recorded" / "eviction-v1.10.11").glob("*.json.gz"))


@pytest.fixture(scope="module")
def sample() -> recorded.Recording:
    return recorded.load(SAMPLE)


@pytest.fixture(scope="module")
def sample_report(sample: recorded.Recording) -> dict:
    return replay(recorded.pairs(sample), source=str(SAMPLE)).to_dict()


def test_sample_replays_without_unexplained_mismatch(sample_report: dict) -> None:
    assert sample_report["scenarios"] == 330
    assert sample_report["ticks_compared"] > 2000
    assert sample_report["mismatching_scenarios_unexplained"] == 0, sample_report["examples"]
    assert sample_report["mismatches"] == 0, sample_report["mismatches_by_field"]
    assert sample_report["mirror_crashes"] == 0


def test_sample_reaches_every_branch_and_both_kinds_of_divergence(sample_report: dict) -> None:
    coverage = sample_report["branch_coverage"]
    assert coverage["missing"] == [] and coverage["of"] == len(ALL_BRANCHES)
    assert set(sample_report["diverged_why"]) == {"rank tie", "another starved resource"}


def _plant(monkeypatch: pytest.MonkeyPatch, name: str, fake) -> None:
    # Patch the helpers module the manager really calls (``eviction_manager.h``): when
    # doctest collection has imported helpers.py a second time, ``sys.modules`` may hold
    # another module object than the one the manager bound at import.
    from reference_impl.eviction import eviction_manager

    monkeypatch.setattr(eviction_manager.h, name, fake)


@pytest.mark.parametrize("mutation", ["hard-is-soft", "stale-stats-kept"])
def test_planted_mirror_bug_is_an_unexplained_mismatch(
    sample: recorded.Recording, monkeypatch: pytest.MonkeyPatch, mutation: str
) -> None:
    """The replay has teeth: a one-line bug planted in the mirror fails it."""
    if mutation == "hard-is-soft":
        _plant(monkeypatch, "is_soft_eviction_thresholds", lambda thresholds, resource: True)
    else:
        _plant(monkeypatch, "thresholds_updated_stats", lambda t, obs, last: list(t))
    report = replay(itertools.islice(recorded.pairs(sample), 150)).to_dict()
    assert report["mismatching_scenarios_unexplained"] > 0
    assert report["examples"] and report["examples"][0]["kind"].startswith("UNEXPLAINED")


def test_cli_replays_the_sample(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    assert cli.main(["replay", str(SAMPLE), "--json", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""  # the progress bar stays silent when stderr is not a terminal
    text = captured.out
    assert "330 scenarios" in text and "(0 unexplained)" in text
    assert "branch coverage: 38/38" in text
    assert json.loads(out.read_text())[0]["scenarios"] == 330


# ----------------------------------------------------------------------------- bad input


def _write(tmp_path: Path, data: object, name: str = "rec.json.gz") -> Path:
    path = tmp_path / name
    path.write_bytes(gzip.compress(json.dumps(data).encode()))
    return path


def _small(sample: recorded.Recording, n: int = 3) -> dict:
    data = copy.deepcopy({k: v for k, v in sample.data.items() if k != "records"})
    data["records"] = copy.deepcopy(sample.records[:n])
    data["count"] = n
    return data


def _run_cli(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = cli.main(["replay", str(path)])
    return code, capsys.readouterr().err


def test_bad_json_is_one_line_naming_the_file(tmp_path, capsys) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"about": ')
    code, err = _run_cli(path, capsys)
    assert code == 2
    assert err.count("\n") == 1 and "Traceback" not in err
    assert str(path) in err and "bad JSON at line 1" in err


def test_truncated_gzip(tmp_path, capsys) -> None:
    path = tmp_path / "cut.json.gz"
    path.write_bytes(gzip.compress(b'{"about": "x"}')[:12])
    code, err = _run_cli(path, capsys)
    assert code == 2 and str(path) in err and "gzip" in err and "Traceback" not in err


def test_tampered_record_names_the_record(sample, tmp_path, capsys) -> None:
    data = _small(sample)
    data["records"][1]["scenario"]["ticks"][0]["advance_seconds"] += 1
    path = _write(tmp_path, data)
    code, err = _run_cli(path, capsys)
    rid = data["records"][1]["id"]
    assert code == 2 and err.count("\n") == 1
    assert f"record 1 ({rid!r})" in err and "scenario_sha256" in err and str(path) in err


def test_schema_violation_names_the_record_and_field(sample, tmp_path, capsys) -> None:
    data = _small(sample)
    data["records"][2]["go"]["ticks"][0]["memory_pressure"] = "yes"
    path = _write(tmp_path, data)
    code, err = _run_cli(path, capsys)
    rid = data["records"][2]["id"]
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert f"record 2 ({rid!r})" in err and "go.ticks[0].memory_pressure" in err
    assert "recording.schema.json" in err


def test_missing_top_level_field(sample, tmp_path, capsys) -> None:
    data = _small(sample)
    del data["go_version"]
    code, err = _run_cli(_write(tmp_path, data), capsys)
    assert code == 2 and "'go_version' is a required property" in err


def test_unknown_generator_version_is_refused(sample, tmp_path, capsys) -> None:
    data = _small(sample)
    for r in data["records"]:
        del r["scenario"]
    data.update(
        generator="reference_impl.eviction.replay.generate.iter_batch",
        generator_version=2,
        seed=1,
        prefix="s",
    )
    code, err = _run_cli(_write(tmp_path, data), capsys)
    assert code == 2 and "version 2 is not reproducible" in err


def test_generated_recording_round_trip(tmp_path) -> None:
    """A recording without stored scenarios regenerates them and checks every hash."""
    scenarios = generate.batch(7, 3, prefix="t")
    records = [
        {
            "id": s["id"],
            "scenario_sha256": recorded.scenario_sha256(s),
            # stand-in results (the mirror's own): this checks the plumbing only
            "go": {k: v for k, v in pyrunner.run_scenario(s).items()},
        }
        for s in scenarios
    ]
    data = {
        "about": "test",
        "generator": "reference_impl.eviction.replay.generate.iter_batch",
        "seed": 7,
        "count": 3,
        "prefix": "t",
        "go_version": "none",
        "kubernetes": "v1.10.11 637c7e288581ee40ab4ca210618a89a555b6e7e9",
        "records": records,
    }
    rec = recorded.load(_write(tmp_path, data))
    assert [s for s, _ in recorded.pairs(rec)] == scenarios
    records[1]["scenario_sha256"] = "0" * 64
    with pytest.raises(recorded.RecordingError, match=r"record 1 \('t7-00001'\)"):
        list(recorded.pairs(recorded.load(_write(tmp_path, data, "t2.json.gz"))))


# ------------------------------------------------------------------ the shared recording


@pytest.mark.recorded
@pytest.mark.skipif(not SHARED, reason="no shared/recorded/eviction-v1.10.11 beside the repo")
def test_generator_still_reproduces_the_shared_recording() -> None:
    """The generator must stay byte for byte what it was when the recording was made: the
    first 300 scenarios regenerate to their recorded hashes (the benchmark checks all
    20,000), and the first 40 replay clean."""
    # json only: schema validation of the whole file is the benchmark's (and the sample's) job
    data = json.loads(gzip.decompress(SHARED[0].read_bytes()))
    rec = recorded.Recording(str(SHARED[0]), dict(data, records=data["records"][:300], count=300))
    pairs = list(recorded.pairs(rec))
    assert len(pairs) == 300
    for sc, g in pairs[:40]:
        assert compare(g, pyrunner.run_scenario(sc)).ok
