"""The notebook API: load a corpus, show excerpts, draw graphs, list callers and callees.

Every object returned here renders itself in Jupyter: excerpts as highlighted
HTML (``_repr_html_``), graphs as inline SVG (``_repr_svg_``), call lists as
HTML tables.  Outside Jupyter they print as plain text.

    >>> from annotate import api
    >>> k8s = api.load("kubernetes")
    >>> k8s.show("managerImpl.synchronize")
    >>> k8s.graph("managerImpl.synchronize", depth=2)
    >>> k8s.callees("managerImpl.synchronize")
"""

from __future__ import annotations

import html
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotate.index import target as targetmod
from annotate.index.query import CallEdge, Index, Symbol
from annotate.render import graph as graphmod
from annotate.render.excerpt import Excerpt, code_html, doc_start, read_excerpt
from annotate.render.sourcepage import anchor_id

# Set by the book build (book/conf.py): which Go files have a source page.  When it is set,
# graph nodes link to the symbol's anchor there instead of to the upstream permalink.
BOOK_PAGES_ENV = "K8S_READING_KIT_BOOK_PAGES"
# From a notebook's page (generated/notebooks/) to the source pages (generated/source/).
NOTEBOOK_TO_SOURCE = "../source/"


@dataclass
class ExcerptView:
    symbol: Symbol
    excerpt: Excerpt

    def __str__(self) -> str:
        return f"{self.symbol.sym}\n{self.excerpt.permalink}\n\n{self.excerpt.numbered()}"

    def _repr_html_(self) -> str:
        body = code_html(self.excerpt.lines, self.excerpt.start, "go", width=110)
        link = html.escape(self.excerpt.permalink or "")
        title = html.escape(self.symbol.sym)
        return f'<div><p><a href="{link}" target="_blank"><code>{title}</code></a></p>{body}</div>'


@dataclass
class GraphView:
    dot_source: str
    svg: str
    nodes: int
    edges: int
    inline: str = ""  # the SVG fit for an HTML page (hover titles, no XML prologue)
    cut_note: str = ""

    def _repr_svg_(self) -> str:
        return self.svg

    def _repr_html_(self) -> str:
        # inline SVG (not an <img>), so its nodes are links a reader can click
        note = (
            f'<p class="kit-graph-note">{html.escape(self.cut_note)}</p>' if self.cut_note else ""
        )
        return f'<div class="kit-graph">{self.inline or self.svg}{note}</div>'

    def __str__(self) -> str:
        cut = f" ({self.cut_note})" if self.cut_note else ""
        return f"call graph: {self.nodes} nodes, {self.edges} edges{cut}"

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.write_text(self.dot_source if path.suffix == ".dot" else self.svg, encoding="utf-8")
        return path


@dataclass
class EdgeTable:
    title: str
    rows: list[tuple[str, str, str, str, str | None]]  # symbol, kind, via, site, link

    def __len__(self) -> int:
        return len(self.rows)

    def symbols(self) -> list[str]:
        return [r[0] for r in self.rows]

    def __str__(self) -> str:
        return "\n".join([self.title] + ["\t".join(r[:4]) for r in self.rows])

    def _repr_html_(self) -> str:
        head = "<tr><th>symbol</th><th>kind</th><th>via</th><th>call site</th></tr>"
        body = []
        for sym, kind, via, site, link in self.rows:
            site_html = html.escape(site)
            if link:
                site_html = f'<a href="{html.escape(link)}" target="_blank">{site_html}</a>'
            body.append(
                f"<tr><td><code>{html.escape(sym)}</code></td><td>{kind}</td>"
                f"<td>{via}</td><td>{site_html}</td></tr>"
            )
        return f"<table><caption>{html.escape(self.title)}</caption>{head}{''.join(body)}</table>"


class CorpusView:
    """An indexed corpus (or directory) ready for questions."""

    def __init__(self, t: targetmod.Target) -> None:
        self.target = t
        t.ensure_index()
        self.index = Index(t.db_path)

    def symbol(self, name: str) -> Symbol:
        return self.index.resolve(name)

    def symbols(self, pattern: str) -> list[str]:
        return [s.sym for s in self.index.search(pattern)]

    def show(self, name: str, context: int = 0, doc: bool = False) -> ExcerptView:
        """The symbol's source lines (with its doc comment when ``doc``) and permalink."""
        sym = self.symbol(name)
        if sym.file is None or sym.start is None:
            raise ValueError(f"{sym.sym} is external: no source in this corpus")
        link = self.target.permalink(sym.file, sym.start, sym.end)
        first = doc_start(sym.start, sym.doc) if doc else sym.start
        ex = read_excerpt(self.target.root, sym.file, first, sym.end or sym.start, context, link)
        return ExcerptView(sym, ex)

    def _table(self, title: str, edges: list[CallEdge], side: str, external: bool) -> EdgeTable:
        rows = []
        for e in edges:
            sym = e.callee if side == "callee" else e.caller
            if sym.external and not external:
                continue
            link = self.target.permalink(e.file, e.line)
            rows.append((sym.sym, e.kind, e.via, f"{e.file}:{e.line}", link))
        return EdgeTable(title, rows)

    def callees(self, name: str, external: bool = False) -> EdgeTable:
        sym = self.symbol(name)
        return self._table(f"callees of {sym.sym}", self.index.callees(sym), "callee", external)

    def callers(self, name: str) -> EdgeTable:
        sym = self.symbol(name)
        return self._table(f"callers of {sym.sym}", self.index.callers(sym), "caller", True)

    def graph(
        self,
        *names: str,
        depth: int = 2,
        direction: str = "callees",
        group: str = "package",
        hide_external: bool = True,
        **options: Any,
    ) -> GraphView:
        """The call graph around ``names`` as inline SVG; ``options`` are the other
        :class:`annotate.render.graph.GraphSpec` fields (include, exclude, max_nodes, rankdir,
        cut).  A graph over ``max_nodes`` (default 60 here: more does not read) is cut by
        depth, and says so."""
        options.setdefault("max_nodes", 60)
        options.setdefault("cut", True)
        spec = graphmod.GraphSpec(
            focus=list(names),
            depth=depth,
            direction=direction,
            group=group,
            hide_external=hide_external,
            **options,
        )
        g = graphmod.collect(self.index, spec)
        pages = _book_pages().get(self.target.corpus.name if self.target.corpus else "", {})

        def link(s: Symbol) -> str | None:
            if s.file is None:
                return None
            if s.file in pages:
                return f"{NOTEBOOK_TO_SOURCE}{pages[s.file]}#{anchor_id(s.sym)}"
            return self.target.permalink(s.file, s.start, s.end)

        dot = graphmod.to_dot(g, spec, link, self.describe)
        svg = graphmod.render(dot, "svg").decode("utf-8")
        inline = graphmod.inline_svg(svg, g, self.describe)
        return GraphView(dot.source, svg, len(g.nodes), len(g.edges), inline, g.cut_note)

    def describe(self, sym: Symbol) -> str:
        """Hover text of a graph node: the declaration's first line and ``file:line``."""
        if sym.file is None or sym.start is None:
            return f"{sym.sym}\n{sym.pkg} (outside the corpus)"
        try:
            with (self.target.root / sym.file).open(encoding="utf-8", errors="replace") as fh:
                for n, line in enumerate(fh, 1):
                    if n == sym.start:
                        signature = line.strip().removesuffix("{").strip()
                        break
                else:
                    signature = sym.sym
        except OSError:
            signature = sym.sym
        return f"{signature}\n{sym.file}:{sym.start}"


def _book_pages() -> dict[str, dict[str, str]]:
    """corpus -> {file: page} when built inside the book, else nothing."""
    path = os.environ.get(BOOK_PAGES_ENV)
    if not path:
        return {}
    try:
        return json.loads(Path(path).read_text(encoding="utf-8")).get("pages", {})
    except (OSError, ValueError):
        return {}


def load(name: str, cache: str | None = None, lock: str | None = None) -> CorpusView:
    """A locked corpus from the cache (fetch it first with ``annotate fetch NAME``);
    ``cache`` and ``lock`` default to the environment's cache and the package's lock."""
    return CorpusView(targetmod.for_corpus(name, cache, lock))


def load_dir(directory: str | Path, import_path: str, cache: str | None = None) -> CorpusView:
    """Any Go directory, e.g. our fixture corpus."""
    return CorpusView(targetmod.for_directory(str(directory), import_path, cache))
