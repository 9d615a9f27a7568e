"""What a committed notebook may store: outputs our own code produces, never upstream text.

nbval compares the stored outputs (strict, pyproject's addopts), so a notebook keeps the output
of every cell that runs a mirror, a trace, a table or a simulator.  Cells that show upstream Go
text -- notes, excerpts, side-by-side panels, call graphs, views of the cache -- are tagged
``nbval-ignore-output`` (or ``nbval-skip``) and stored empty.  These tests enforce both rules:

* a cell that calls a view of upstream text carries the tag, and a tagged cell stores nothing;
* no stored output holds 40 or more characters of a cached upstream line, from that line's
  start, anywhere in an output line (so a prefixed or truncated echo is caught too; corpus test:
  skips without the sources), and no stored output names the source cache;
* every chapter ends with an exercise whose solution cell stores (checked) output.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from annotate.sources.cache import cache_root, installed_corpus_dir
from annotate.sources.lock import get_corpus

NOTEBOOKS = sorted((Path(__file__).parents[2] / "notebooks").glob("*.ipynb"))
NO_OUTPUT_TAGS = {"nbval-ignore-output", "nbval-skip"}
# calls that render upstream text read from the cache (annotate.reading.pairing, annotate.api)
UPSTREAM_VIEW = re.compile(
    r"\bnote\(|\bbeside\(|\.graph\(|\.step\(|\bk8s\.|\bview\.|\.callees\(|\.callers\(|"
    r"\bcorpus_overview\(|\bfetch_hint\("
)
MIN_LINE = 40


def _tags(cell) -> set[str]:
    return set(cell.metadata.get("tags", []))


def _output_text(cell) -> str:
    parts = []
    for out in cell.get("outputs", []):
        parts.append(out.get("text", ""))
        for kind, value in out.get("data", {}).items():
            if kind.startswith("text/") or kind.endswith("json"):
                parts.append(value if isinstance(value, str) else str(value))
        parts.extend(out.get("traceback", []))
    return "\n".join(parts)


def test_there_are_notebooks():
    assert NOTEBOOKS, "notebooks/ holds no .ipynb"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_upstream_views_are_tagged_and_stored_empty(path: Path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    untagged, stored = [], []
    for i, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        if UPSTREAM_VIEW.search(cell.source) and not NO_OUTPUT_TAGS & _tags(cell):
            untagged.append(i)
        if NO_OUTPUT_TAGS & _tags(cell) and (cell.outputs or cell.execution_count):
            stored.append(i)
    assert not untagged, f"{path.name}: cells {untagged} show upstream text but are not tagged"
    assert not stored, f"{path.name}: cells {stored} are tagged no-output but store outputs"
    assert "widgets" not in notebook.metadata, f"{path.name}: widget state stored"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_output_names_the_source_cache(path: Path):
    notebook = nbformat.read(path, as_version=4)
    roots = {str(cache_root()), "/.mirror/", "/cache-"}
    for i, cell in enumerate(notebook.cells):
        text = _output_text(cell)
        leaked = [r for r in roots if r in text]
        assert not leaked, f"{path.name}: cell {i} output names the cache ({leaked})"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_chapter_ends_with_a_checked_exercise(path: Path):
    notebook = nbformat.read(path, as_version=4)
    heads = [
        i
        for i, c in enumerate(notebook.cells)
        if c.cell_type == "markdown" and re.search(r"^#+ Exercise", c.source, re.M)
    ]
    assert heads, f"{path.name}: no '## Exercise' section"
    solutions = [
        c
        for c in notebook.cells[heads[-1] :]
        if c.cell_type == "code" and c.outputs and not NO_OUTPUT_TAGS & _tags(c)
    ]
    assert solutions, f"{path.name}: the exercise has no solution cell with a checked output"


def _upstream_hits(text: str, upstream_heads: set[str]) -> list[str]:
    """Output lines that contain the first MIN_LINE characters of some upstream line."""
    hits = []
    for line in text.splitlines():
        line = line.strip()
        if any(line[i : i + MIN_LINE] in upstream_heads for i in range(len(line) - MIN_LINE + 1)):
            hits.append(line[:60])
    return hits


@pytest.fixture(scope="module")
def upstream_lines() -> set[str]:
    lines: set[str] = set()
    found = False
    for name in ("kubernetes", "etcd-operator"):
        directory = installed_corpus_dir(get_corpus(name))
        if directory is None:
            continue
        found = True
        for file in directory.rglob("*"):
            if file.is_file() and file.suffix in {".go", ".md", ".proto", ".yaml", ".sh"}:
                for line in file.read_text(encoding="utf-8", errors="replace").splitlines():
                    line = line.strip()
                    if len(line) >= MIN_LINE:
                        lines.add(line[:MIN_LINE])  # the line's head: see _upstream_hits
    if not found:
        pytest.skip(f"no upstream corpus in the cache ({cache_root()}); run `annotate fetch`")
    return lines


@pytest.mark.corpus
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_stored_output_holds_upstream_text(path: Path, upstream_lines: set[str]):
    notebook = nbformat.read(path, as_version=4)
    hits = [
        (i, hit)
        for i, cell in enumerate(notebook.cells)
        for hit in _upstream_hits(_output_text(cell), upstream_lines)
    ]
    assert not hits, f"{path.name}: stored outputs repeat upstream lines: {hits[:3]}"


def test_the_upstream_line_check_can_fail(tmp_path: Path):
    """The rule catches an output that echoes a source line, whole, prefixed or truncated
    (our own fixture text standing in for an upstream line)."""
    line = "func (m *managerImpl) synchronize(diskInfoProvider DiskInfoProvider) {"
    heads = {line[:MIN_LINE]}
    for shown in (line, f"eviction_manager.go:223: {line[:50]}", "unrelated output line " * 3):
        cell = nbformat.v4.new_code_cell("print(x)")
        cell.outputs = [nbformat.v4.new_output("stream", text=shown + "\n")]
        assert bool(_upstream_hits(_output_text(cell), heads)) == ("synchronize" in shown)
    assert UPSTREAM_VIEW.search('beside("managerImpl.synchronize")')
