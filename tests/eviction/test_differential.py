"""The mirror against decisions recorded from the real Go eviction manager.

``data/differential_go.json.gz`` holds random scenarios (``differential.py``)
and, for each ``synchronize`` pass, what the v1.10.11 ``managerImpl`` decided —
evicted pods, grace period override, node conditions, admission of probe pods,
events —
as printed by ``go/zz_diff_test.go``.  Replaying them through the mirror must
give the same lines.

With ``EVICTION_DIFF_GOPATH`` pointing at a GOPATH that holds kubernetes
v1.10.11 under ``src/k8s.io/kubernetes`` (and the Go toolchain on PATH), the
``differential`` test also runs fresh scenarios through the real code.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.eviction.differential import replay, write_scenarios

HERE = Path(__file__).parent
_RECORDED = json.loads(gzip.decompress((HERE / "data" / "differential_go.json.gz").read_bytes()))


@pytest.mark.parametrize("case", _RECORDED["cases"], ids=lambda c: c["scenario"]["name"])
def test_recorded_go_decisions(case: dict) -> None:
    assert replay(case["scenario"]) == case["go"]


@pytest.mark.parametrize("case", _RECORDED["tie_cases"], ids=lambda c: c["scenario"]["name"])
def test_recorded_go_decisions_with_ties(case: dict) -> None:
    """Equal pods: the kubelet's order is Go 1.10's sort.Sort, not Go 1.19's pdqsort."""
    actual = replay(case["scenario"])
    assert actual == case["go"]
    assert actual != case["go119_pdqsort"]


def test_recorded_sample_covers_the_interesting_paths() -> None:
    lines = [line.split("\t") for case in _RECORDED["cases"] for line in case["go"]]
    evicted = [fields for fields in lines if fields[2]]
    assert len(evicted) > 40
    assert any("," in fields[2] for fields in evicted), "several pods in one local-storage pass"
    assert {fields[3] for fields in evicted} >= {"0", "30"}, "hard and soft evictions"
    assert any("DiskPressure" in fields[4] for fields in lines)
    assert any("MemoryPressure" in fields[4] for fields in lines)
    events = "|".join(fields[6] for fields in lines)
    assert "EvictionThresholdMet" in events
    assert "{{" in events, "the %v-formatted Quantity in the ephemeral-storage message"


@pytest.mark.differential
@pytest.mark.golang
def test_live_against_the_go_code(tmp_path: Path) -> None:
    gopath = os.environ.get("EVICTION_DIFF_GOPATH")
    if not gopath or shutil.which("go") is None:
        pytest.skip("set EVICTION_DIFF_GOPATH to a GOPATH with kubernetes v1.10.11 and install Go")
    package = Path(gopath) / "src" / "k8s.io" / "kubernetes" / "pkg" / "kubelet" / "eviction"
    shutil.copy(HERE / "go" / "zz_diff_test.go", package / "zz_diff_test.go")
    scenarios = tmp_path / "scenarios.json"
    out = tmp_path / "go.txt"
    write_scenarios(100, 50_000, str(scenarios))
    env = {
        **os.environ,
        "GOPATH": gopath,
        "GO111MODULE": "off",
        "GOFLAGS": "",
        "EVICTION_DIFF_IN": str(scenarios),
        "EVICTION_DIFF_OUT": str(out),
    }
    subprocess.run(
        [
            "go",
            "test",
            "-vet=off",
            "-count=1",
            "-run",
            "TestZZDifferential",
            "./pkg/kubelet/eviction/",
        ],
        cwd=Path(gopath) / "src" / "k8s.io" / "kubernetes",
        env=env,
        check=True,
        capture_output=True,
        timeout=900,
    )
    expected = out.read_text().splitlines()
    actual = [line for s in json.loads(scenarios.read_text()) for line in replay(s)]
    assert actual == expected
