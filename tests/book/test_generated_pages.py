"""Pages the book generates from data: the fidelity page and the reading-path index."""

from __future__ import annotations

import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "book" / "_ext"))

import kit_common  # noqa: E402  (the book's Sphinx extensions, not a package)
import kit_pages  # noqa: E402


def test_mapping_counts_read_go_names_and_their_ports(tmp_path: Path) -> None:
    doc = tmp_path / "m.md"
    doc.write_text(
        "| Go test | Python test |\n|---|---|\n"
        "| `TestA` | `tests/x.py::test_TestA` |\n| TestB | (not ported) |\n"
        "| pkg/a_test.go | TestC | test_TestC | 3 |\n",
        encoding="utf-8",
    )
    assert kit_pages._mapping_counts(doc) == (3, 2)


def test_fidelity_page_carries_the_recorded_replay_figures() -> None:
    page = kit_pages.fidelity_page()
    for path in sorted((REPO / "benchmarks" / "results").glob("replay-*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        row = (
            f"| `{path.stem}` | {data['scenarios']} | {data['ticks_compared']} | "
            f"{data['mismatches']} | {data['mirror_crashes']} |"
        )
        assert row in page
    assert "```{include} ../../docs/eviction-test-mapping.md" in page
    assert "indexer-accuracy.md" in page


def test_reading_path_lists_every_step_in_order() -> None:
    steps = kit_common.reading_path()
    if not steps:
        return  # the notebooks have not written the path yet: the page says so (next test)
    page = kit_pages.reading_path_page(None)
    positions = [page.index(f'id="step-{s["id"]}"') for s in steps]
    assert positions == sorted(positions)
    assert page.count("<li ") == len(steps)


def test_reading_path_page_without_a_path(monkeypatch) -> None:
    monkeypatch.setattr(kit_pages, "reading_path", lambda: [])
    assert "not written yet" in kit_pages.reading_path_page(None)
