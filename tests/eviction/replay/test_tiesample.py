"""The mirror against the frozen tie sample (``data/differential_go.json.gz``).

45 random scenarios and 12 tie-heavy ones, with the lines the real v1.10.11 ``managerImpl``
printed for them (see :mod:`reference_impl.eviction.replay.tiesample`); the tie cases were
recorded with Go 1.10's ``sort.Sort`` algorithm, so exact-tie rankings are checked too.
Replaying them through the mirror must give the same lines. Nothing here runs Go.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from reference_impl.eviction.replay.tiesample import replay

HERE = Path(__file__).parent.parent
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
