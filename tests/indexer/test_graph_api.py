"""Graph drawing conventions and the notebook API."""

from __future__ import annotations

import json

import pytest

from annotate import api
from annotate.index.query import Index, Symbol
from annotate.render import graph
from tests.indexer.conftest import FIXTURE, MODULE


def _link(s: Symbol) -> str | None:
    return f"https://example.invalid/{s.file}#L{s.start}" if s.file else None


def test_dot_conventions(fixture_index: Index) -> None:
    spec = graph.GraphSpec(focus=["managerImpl.synchronize"], depth=1, hide_external=True)
    g = graph.collect(fixture_index, spec)
    src = graph.to_dot(g, spec, _link).source
    assert "cluster_legend" in src
    assert "style=dashed" in src and "style=solid" in src
    assert "arrowhead=dot" in src  # the deferred logDone call
    assert 'href="https://example.invalid/eviction/manager.go#L' in src
    assert not any(s.external for s in g.nodes.values())
    assert {s.sym for s in g.nodes.values()} >= {f"{MODULE}/eviction.rankMemoryPressure"}


def test_direction_group_and_filters(fixture_index: Index) -> None:
    spec = graph.GraphSpec(focus=["eviction.describe"], depth=4, direction="callers", group="type")
    g = graph.collect(fixture_index, spec)
    names = {s.sym for s in g.nodes.values()}
    assert f"(*{MODULE}/eviction.managerImpl).waitForCleanup" in names
    assert f"(*{MODULE}/eviction.managerImpl).Start$1" in names
    spec.exclude = (f"{MODULE}/eviction.managerImpl",)
    g2 = graph.collect(fixture_index, spec)
    assert not any("managerImpl" in s.sym for s in g2.nodes.values())
    data = json.loads(graph.to_json(g, _link))
    assert data["focus"] == [f"{MODULE}/eviction.describe"]


def test_node_guard(fixture_index: Index) -> None:
    spec = graph.GraphSpec(focus=["kubeletlike.main"], depth=6, max_nodes=3)
    with pytest.raises(graph.GraphTooLarge, match="--hide-external"):
        graph.collect(fixture_index, spec)


def test_notebook_api(tmp_path) -> None:
    view = api.load_dir(FIXTURE, MODULE, cache=str(tmp_path))
    ex = view.show("eviction.describe")
    html = ex._repr_html_()
    assert "describe" in html and "file://" in html and "<pre" in html
    table = view.callees("managerImpl.synchronize")
    assert f"{MODULE}/eviction.thresholdsMet" in table.symbols()
    assert "<table>" in table._repr_html_()
    g = view.graph("managerImpl.synchronize", depth=1)
    assert g._repr_svg_().lstrip().startswith(("<?xml", "<svg")) and g.nodes > 5
    assert view.callers("eviction.describe").symbols() == [
        f"{MODULE}/eviction.init$1",  # the package-level closure describeAll
        f"(*{MODULE}/eviction.managerImpl).waitForCleanup$1$1",
    ]


@pytest.mark.parametrize(
    ("group", "label"),
    [
        ("package", f'label="{MODULE}/eviction"'),
        ("file", 'label="eviction/helpers.go"'),
        ("type", f'label="{MODULE}/eviction.multiSorter"'),
    ],
)
def test_clusters(fixture_index: Index, group: str, label: str) -> None:
    spec = graph.GraphSpec(focus=["rankMemoryPressure"], depth=1, group=group, hide_external=True)
    src = graph.to_dot(graph.collect(fixture_index, spec), spec, _link).source
    assert label in src


def test_symbol_kinds_and_docs(fixture_index: Index) -> None:
    kinds = {s.sym: s.kind for s in fixture_index.search(f"{MODULE}/eviction.")}
    assert kinds[f"{MODULE}/eviction.DiskInfoProvider"] == "interface"
    assert kinds[f"{MODULE}/eviction.managerImpl"] == "struct"
    assert kinds[f"{MODULE}/eviction.rankFunc"] == "functype"
    assert kinds[f"{MODULE}/eviction.defaultThresholds"] == "var"
    assert kinds[f"{MODULE}/eviction.signalMemory"] == "const"
    assert kinds[f"{MODULE}/eviction.rankDiskPressureFunc$1"] == "closure"
    doc = fixture_index.resolve("eviction.NewManager").doc
    assert doc.startswith("// NewManager builds a manager")
