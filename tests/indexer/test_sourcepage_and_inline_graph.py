"""Source pages (Docco-style whole files) and the book's inline, clickable call graphs,
on our own Go fixture corpus."""

from __future__ import annotations

import re

from annotate import api
from annotate.index.query import Index
from annotate.render import graph
from annotate.render import sourcepage as sp
from tests.indexer.conftest import FIXTURE, MODULE

MANAGER = "eviction/manager.go"


def _render(index: Index, notes: list[sp.Note] | None = None) -> sp.Rendered:
    pages = sp.PageMap({("fixture", MANAGER): "fixture/eviction/manager.go.html"})
    link = sp.GoLinker(
        "fixture",
        pages,
        lambda f, s=None, e=None: f"https://example.invalid/{f}#L{s}",
        lambda pkg: f"https://pkg.go.dev/{pkg}" if "." not in pkg.split("/")[0] else None,
        prefix="../../",
    )
    text = (FIXTURE / MANAGER).read_text(encoding="utf-8")
    mirrors = {f"(*{MODULE}/eviction.managerImpl).synchronize": [("py.mod.synchronize", "x#y")]}
    return sp.render_go(index, sp.GoFile("fixture", MANAGER, text, notes or [], mirrors), link)


def test_anchor_ids_are_package_local_names() -> None:
    assert sp.anchor_id(f"(*{MODULE}/eviction.managerImpl).synchronize") == (
        "eviction.managerImpl.synchronize"
    )
    assert sp.anchor_id(f"(*{MODULE}/eviction.managerImpl).Start$1") == (
        "eviction.managerImpl.Start-1"
    )
    assert sp.short_name(f"{MODULE}/eviction.thresholdsMet") == "thresholdsMet"


def test_every_line_once_and_every_resolved_call_site_counted(fixture_index: Index) -> None:
    rendered = _render(fixture_index)
    lines = (FIXTURE / MANAGER).read_text(encoding="utf-8").rstrip("\n").split("\n")
    numbers = [int(n) for n in re.findall(r'<span class="kit-line" id="L(\d+)">', rendered.html)]
    assert numbers == list(range(1, len(lines) + 1))
    sites = fixture_index.conn.execute(
        "SELECT COUNT(DISTINCT line || ':' || col) FROM edges WHERE file = ?", (MANAGER,)
    ).fetchone()[0]
    assert rendered.stats.resolved == sites > 0
    assert rendered.stats.located == sites  # every recorded column points at the callee chain
    # a same-file callee links to its anchor on this page; nothing links nowhere
    assert 'href="../../fixture/eviction/manager.go.html#eviction.' in rendered.html
    assert rendered.stats.linked == rendered.html.count('<a href="') - _non_call_links(rendered)


def _non_call_links(rendered: sp.Rendered) -> int:
    """Links that are not call sites: the calls/called-by lists and the mirror links."""
    calls = sum(
        block.count('<a href="')
        for block in re.findall(
            r'<div class="kit-notes">(.*?)</div><div class="kit-code', rendered.html
        )
    )
    return calls


def test_function_blocks_have_calls_called_by_and_mirror(fixture_index: Index) -> None:
    html = _render(fixture_index).html
    block = re.search(r'<div class="kit-block[^"]*" id="eviction.managerImpl.synchronize">', html)
    assert block, "synchronize has no anchored block"
    after = html[block.end() : block.end() + 4000]
    assert "calls (" in after and "called by (" in after
    assert 'href="x#y"' in after and "mod.synchronize" in after


def test_notes_sit_beside_the_line_they_anchor(fixture_index: Index) -> None:
    lines = (FIXTURE / MANAGER).read_text(encoding="utf-8").split("\n")
    target = next(n for n, line in enumerate(lines, 1) if "thresholdsMet(" in line)
    html = _render(fixture_index, [sp.Note(target, "a note", "<p>why this line</p>")]).html
    block = html[html.index('id="note-' + str(target)) :]
    code = block[block.index('<div class="kit-code') :]
    first_line = re.search(r'id="L(\d+)"', code)
    assert first_line and int(first_line.group(1)) == target


def test_python_page_links_back_to_go() -> None:
    text = "import x\n\n\n@mirrors('g')\ndef f():\n    return 1\n"
    html, made = sp.render_python(text, {4: [("pkg.F", "../go.html#pkg.F", "py-f")]})
    assert made == 1
    assert 'id="py-f"' in html and 'href="../go.html#pkg.F"' in html
    assert html.count('class="kit-line"') == 6


def test_graph_cut_by_depth_says_what_it_left_out(fixture_index: Index) -> None:
    full = graph.collect(fixture_index, graph.GraphSpec(focus=["kubeletlike.main"], depth=6))
    spec = graph.GraphSpec(focus=["kubeletlike.main"], depth=6, max_nodes=4, cut=True)
    cut = graph.collect(fixture_index, spec)
    assert 1 <= len(cut.nodes) <= 4 < len(full.nodes)
    assert cut.cut_note.startswith("cut to depth")
    ring = sum(1 for d in full.distance.values() if d == 1)
    assert f"{ring} symbol(s) callees at depth 1 not shown" in cut.cut_note


def test_legend_lists_only_the_edge_kinds_present(fixture_index: Index) -> None:
    spec = graph.GraphSpec(focus=["eviction.describe"], depth=1, direction="callees")
    g = graph.collect(fixture_index, spec)
    kinds = graph.edge_kinds(g)
    src = graph.to_dot(g, spec, lambda s: None).source
    for kind, (text, _style, _mode) in graph.LEGEND_ROWS.items():
        assert (text in src) == (kind in kinds)


def test_inline_graph_has_hover_text_and_keeps_dynamic_edges_dashed(tmp_path) -> None:
    view = api.load_dir(FIXTURE, MODULE, cache=str(tmp_path))
    plain = view.graph("managerImpl.synchronize", depth=1)
    html = plain._repr_html_()
    assert html.startswith('<div class="kit-graph"><svg') and "<?xml" not in html
    titles = re.findall(r'<g id="node\d+" class="node">\s*<title>([^<]*)</title>', html)
    titles = [t for t in titles if t != "legend"]
    assert titles and all(re.search(r"\.go:\d+|outside the corpus", t) for t in titles)
    assert any("func (m *managerImpl) synchronize" in t for t in titles)
    assert 'class="edge"' in html and "stroke-dasharray" in html  # dynamic edges stay dashed
