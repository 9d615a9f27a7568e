"""Call graphs around focus symbols, drawn with graphviz (DOT, SVG) or dumped as JSON.

Conventions follow go-callvis: a solid edge is a static call, a dashed edge a
dynamic one (interface dispatch or a function value); calls made with ``go``
and ``defer`` get their own colour and arrowhead.  Every node links where the
caller says (its source page in the book, else its permalink at the pinned
commit), and its SVG ``<title>`` -- the hover text -- is the signature and
``file:line``.  The legend lists only the edge kinds the graph has.  A graph too
big to read can be cut (``GraphSpec.cut``): the deepest ring of nodes is dropped
until it fits, and ``CallGraph.cut_note`` says what was left out.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import graphviz

from annotate.errors import UserError
from annotate.index.query import CallEdge, Index, Symbol

DIRECTIONS = ("callees", "callers", "both")
GROUPS = ("package", "file", "type", "none")
MODE_STYLE = {
    "call": {"color": "#333333", "arrowhead": "normal"},
    "go": {"color": "#1f6fd1", "arrowhead": "onormal"},
    "defer": {"color": "#b0650b", "arrowhead": "dot"},
}


class GraphTooLarge(UserError):
    pass


@dataclass
class GraphSpec:
    focus: list[str]
    depth: int = 2
    direction: str = "callees"
    group: str = "package"
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    hide_external: bool = False
    max_nodes: int = 200
    rankdir: str = "LR"
    legend: bool = True
    cut: bool = False  # too many nodes: drop the farthest ring(s) instead of refusing


@dataclass
class CallGraph:
    focus: list[Symbol]
    nodes: dict[int, Symbol] = field(default_factory=dict)
    distance: dict[int, int] = field(default_factory=dict)
    edges: list[CallEdge] = field(default_factory=list)
    cut_note: str = ""  # what was left out when the graph was cut to fit


def _keep(sym: Symbol, spec: GraphSpec) -> bool:
    if spec.hide_external and sym.external:
        return False
    if spec.include and not any(sym.sym.lstrip("(*").startswith(p) for p in spec.include):
        return False
    return not any(sym.sym.lstrip("(*").startswith(p) for p in spec.exclude)


def collect(idx: Index, spec: GraphSpec) -> CallGraph:
    """Nodes within ``depth`` of the focus symbols, and the edges among them."""
    if spec.direction not in DIRECTIONS:
        raise UserError(f"--direction must be one of {', '.join(DIRECTIONS)}")
    focus = [idx.resolve(name) for name in spec.focus]
    graph = CallGraph(focus)
    for f in focus:
        graph.nodes[f.id] = f
        graph.distance[f.id] = 0
    frontier = [f.id for f in focus]
    for d in range(1, spec.depth + 1):
        nxt: list[int] = []
        for sid in frontier:
            edges: list[CallEdge] = []
            if spec.direction in ("callees", "both"):
                edges += idx.callees(idx.symbol_by_id(sid))
            if spec.direction in ("callers", "both"):
                edges += idx.callers(idx.symbol_by_id(sid))
            for e in edges:
                other = e.callee if e.caller.id == sid else e.caller
                if other.id in graph.nodes or not _keep(other, spec):
                    continue
                graph.nodes[other.id] = other
                graph.distance[other.id] = d
                nxt.append(other.id)
        frontier = nxt
        if len(graph.nodes) > spec.max_nodes:
            break
    if len(graph.nodes) > spec.max_nodes and spec.cut:
        _cut(graph, spec)
    if len(graph.nodes) > spec.max_nodes:
        raise GraphTooLarge(
            f"the graph has more than {spec.max_nodes} nodes at depth {spec.depth}; narrow it: "
            "lower --depth, add --hide-external, --exclude PREFIX or --include PREFIX, "
            "or raise --max-nodes"
        )
    seen: set[tuple] = set()
    for sid in graph.nodes:
        for e in idx.callees(idx.symbol_by_id(sid)):
            key = (e.caller.id, e.callee.id, e.dispatch, e.mode)
            if e.callee.id in graph.nodes and key not in seen:
                seen.add(key)
                graph.edges.append(e)
    return graph


def _cut(graph: CallGraph, spec: GraphSpec) -> None:
    """Drop the farthest ring of nodes until the graph fits; note what went."""
    dropped: dict[int, int] = {}
    while len(graph.nodes) > spec.max_nodes:
        far = max(graph.distance.values())
        if far == 0:
            break
        ring = [sid for sid, d in graph.distance.items() if d == far]
        dropped[far] = len(ring)
        for sid in ring:
            del graph.nodes[sid]
            del graph.distance[sid]
    kept = max(graph.distance.values(), default=0)
    lost = sum(dropped.values())
    # a ring cut at the frontier may also hide nodes collect() never reached
    graph.cut_note = (
        f"cut to depth {kept} of {spec.depth} to stay readable ({spec.max_nodes} nodes at most): "
        f"{lost} symbol(s) {spec.direction.replace('both', 'linked')} at depth "
        f"{', '.join(map(str, sorted(dropped)))} not shown, nor anything beyond them"
    )


def _label(sym: Symbol) -> str:
    if sym.sym.startswith("("):
        recv, _, meth = sym.sym.partition(").")
        star = "*" if recv.startswith("(*") else ""
        return f"({star}{recv.rsplit('.', 1)[-1]}).{meth}"
    return (
        sym.sym.rsplit("/", 1)[-1].split(".", 1)[-1]
        if not sym.external
        else sym.sym.rsplit("/", 1)[-1]
    )


def _cluster_key(sym: Symbol, group: str) -> tuple[str, str] | None:
    if group == "none":
        return None
    if group == "file":
        return ("file", sym.file or sym.pkg)
    if group == "type" and sym.sym.startswith("("):
        recv = sym.sym.split(")")[0].lstrip("(*")
        return ("type", recv)
    return ("package", sym.pkg)


def to_dot(
    graph: CallGraph,
    spec: GraphSpec,
    link: Callable[[Symbol], str | None],
    describe: Callable[[Symbol], str] | None = None,
) -> graphviz.Digraph:
    """DOT of ``graph``; ``link`` gives each node's href, ``describe`` its hover text
    (default: the go/ssa name and ``file:line``)."""
    dot = graphviz.Digraph("callgraph")
    dot.attr(
        rankdir=spec.rankdir,
        fontname="Helvetica",
        fontsize="11",
        newrank="true",
        nodesep="0.25",
        ranksep="0.6",
        tooltip="call graph",
    )
    dot.attr(
        "node",
        shape="box",
        style="rounded,filled",
        fillcolor="#ffffff",
        fontname="Helvetica",
        fontsize="10",
        margin="0.12,0.04",
    )
    dot.attr("edge", fontname="Helvetica", fontsize="8", arrowsize="0.7")
    focus_ids = {f.id for f in graph.focus}
    clusters: dict[tuple[str, str] | None, list[Symbol]] = {}
    for sym in graph.nodes.values():
        clusters.setdefault(_cluster_key(sym, spec.group), []).append(sym)
    for n, (key, members) in enumerate(sorted(clusters.items(), key=lambda kv: str(kv[0]))):
        target = dot if key is None else graphviz.Digraph(f"cluster_{n}")
        if key is not None:
            external = all(m.external for m in members)
            target.attr(
                label=key[1],
                style="rounded,filled",
                fillcolor="#f2f2f2" if external else "#e8f0fb",
                color="#9fb3cc",
                fontsize="10",
                fontname="Helvetica",
            )
        for sym in sorted(members, key=lambda s: s.sym):
            attrs = {"tooltip": describe(sym) if describe else default_description(sym)}
            if href := link(sym):
                attrs.update(href=href)
                if href.startswith(("http://", "https://")):
                    attrs.update(target="_blank")
            if sym.id in focus_ids:
                attrs.update(fillcolor="#ffd966", penwidth="2")
            elif sym.external:
                attrs.update(
                    fillcolor="#eeeeee", fontcolor="#555555", style="rounded,filled,dashed"
                )
            target.node(str(sym.id), _label(sym), **attrs)
        if key is not None:
            dot.subgraph(target)
    for e in graph.edges:
        style = dict(MODE_STYLE[e.mode])
        style["style"] = "dashed" if e.dispatch == "dynamic" else "solid"
        style["tooltip"] = f"{e.kind} call at {e.file}:{e.line}"
        dot.edge(str(e.caller.id), str(e.callee.id), **style)
    if spec.legend:
        _legend(dot, graph)
    return dot


def default_description(sym: Symbol) -> str:
    where = f"{sym.file}:{sym.start}" if sym.file else f"{sym.pkg} (outside the corpus)"
    return f"{sym.sym}\n{where}"


LEGEND_ROWS = {
    "static": ("static call", "solid", "call"),
    "dynamic": ("dynamic call (interface, func value)", "dashed", "call"),
    "go": ("go statement", "solid", "go"),
    "defer": ("defer statement", "solid", "defer"),
}


def edge_kinds(graph: CallGraph) -> list[str]:
    """The legend rows this graph needs, in legend order."""
    present = {e.dispatch for e in graph.edges} | {e.mode for e in graph.edges}
    return [kind for kind in LEGEND_ROWS if kind in present]


LEGEND_GLYPH = {"call": "───▶", "go": "───▷", "defer": "───●"}


def _legend(dot: graphviz.Digraph, graph: CallGraph) -> None:
    """One small table node: a line glyph in each edge kind's colour and style, and its name."""
    kinds = edge_kinds(graph)
    if not kinds:
        return
    legend = graphviz.Digraph("cluster_legend")
    legend.attr(label="", style="rounded", color="#cccccc", margin="4")
    rows = []
    for kind in kinds:
        text, style, mode = LEGEND_ROWS[kind]
        glyph = LEGEND_GLYPH[mode]
        if style == "dashed":
            glyph = glyph.replace("─", "╌")
        colour = MODE_STYLE[mode]["color"]
        rows.append(
            f'<tr><td align="left"><font color="{colour}">{glyph}</font></td>'
            f'<td align="left">{html.escape(text)}</td></tr>'
        )
    label = f'<<table border="0" cellspacing="0" cellpadding="1">{"".join(rows)}</table>>'
    legend.node("legend_table", label, shape="plaintext", fontsize="10", style="", fillcolor="")
    dot.subgraph(legend)


def to_json(graph: CallGraph, link: Callable[[Symbol], str | None]) -> str:
    return json.dumps(
        {
            "focus": [f.sym for f in graph.focus],
            "nodes": [
                {
                    "id": s.sym,
                    "kind": s.kind,
                    "package": s.pkg,
                    "file": s.file,
                    "line": s.start,
                    "external": s.external,
                    "distance": graph.distance.get(sid),
                    "href": link(s),
                }
                for sid, s in sorted(graph.nodes.items(), key=lambda kv: kv[1].sym)
            ],
            "edges": [
                {
                    "caller": e.caller.sym,
                    "callee": e.callee.sym,
                    "kind": e.kind,
                    "via": e.via,
                    "file": e.file,
                    "line": e.line,
                }
                for e in graph.edges
            ],
        },
        indent=2,
    )


def render(dot: graphviz.Digraph, fmt: str, engine: str = "dot") -> bytes:
    """Rendered bytes (``svg``, ``png``, ...) or the DOT source for ``dot``."""
    if fmt == "dot":
        return dot.source.encode()
    try:
        return dot.pipe(format=fmt, engine=engine)
    except graphviz.ExecutableNotFound:
        raise GraphvizFailed(
            f"graphviz's `{engine}` program is not installed (Debian package graphviz); "
            "use --format dot or json"
        ) from None
    except ValueError as exc:  # an unknown engine or format, refused by the graphviz package
        raise GraphvizFailed(f"graphviz: {exc}".split(" (must be one of")[0]) from None
    except graphviz.CalledProcessError as exc:
        detail = (exc.stderr or b"").decode(errors="replace").strip().splitlines()
        raise GraphvizFailed(
            f"graphviz `{engine}` failed (exit {exc.returncode})"
            + (f": {detail[0]}" if detail else "")
        ) from None


class GraphvizFailed(UserError):
    """Graphviz is missing or refused the drawing."""

    exit_code = 3


_XML_HEAD = re.compile(r"^.*?(?=<svg)", re.DOTALL)
_NODE_TITLE = re.compile(
    r'(<g id="(?:node|edge)\d+" class="(?:node|edge)">\s*<title>)([^<]*)(</title>)'
)


def inline_svg(svg: str, graph: CallGraph, describe: Callable[[Symbol], str] | None = None) -> str:
    """Graphviz SVG made fit to sit inside an HTML page: no XML prologue, a class to style,
    and each node's ``<title>`` (the browser's hover text) the signature and ``file:line``
    instead of graphviz's internal node id."""
    titles = {
        str(sid): (describe(sym) if describe else default_description(sym))
        for sid, sym in graph.nodes.items()
    }
    edge_titles = {
        f"{e.caller.id}->{e.callee.id}": f"{e.kind} call at {e.file}:{e.line}" for e in graph.edges
    }

    def retitle(m: re.Match[str]) -> str:
        key = html.unescape(m.group(2))
        text = titles.get(key) or edge_titles.get(key)
        if text is None and key.startswith("legend_"):
            text = "legend"
        return m.group(1) + (html.escape(text) if text else m.group(2)) + m.group(3)

    body = _NODE_TITLE.sub(retitle, _XML_HEAD.sub("", svg, count=1))
    return body.replace("<svg ", '<svg class="kit-graph-svg" role="img" ', 1)
