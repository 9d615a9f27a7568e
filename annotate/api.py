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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotate.index import target as targetmod
from annotate.index.query import CallEdge, Index, Symbol
from annotate.render import graph as graphmod
from annotate.render.excerpt import Excerpt, code_html, doc_start, read_excerpt


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

    def _repr_svg_(self) -> str:
        return self.svg

    def __str__(self) -> str:
        return f"call graph: {self.nodes} nodes, {self.edges} edges"

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
        :class:`annotate.render.graph.GraphSpec` fields (include, exclude, max_nodes, rankdir)."""
        spec = graphmod.GraphSpec(
            focus=list(names),
            depth=depth,
            direction=direction,
            group=group,
            hide_external=hide_external,
            **options,
        )
        g = graphmod.collect(self.index, spec)

        def link(s: Symbol) -> str | None:
            return self.target.permalink(s.file, s.start, s.end) if s.file else None

        dot = graphmod.to_dot(g, spec, link)
        svg = graphmod.render(dot, "svg").decode("utf-8")
        return GraphView(dot.source, svg, len(g.nodes), len(g.edges))


def load(name: str, cache: str | None = None, lock: str | None = None) -> CorpusView:
    """A locked corpus from the cache (fetch it first with ``annotate fetch NAME``);
    ``cache`` and ``lock`` default to the environment's cache and the package's lock."""
    return CorpusView(targetmod.for_corpus(name, cache, lock))


def load_dir(directory: str | Path, import_path: str, cache: str | None = None) -> CorpusView:
    """Any Go directory, e.g. our fixture corpus."""
    return CorpusView(targetmod.for_directory(str(directory), import_path, cache))
