"""Whole-file source pages, Docco/woboq style: our notes beside the lines they anchor.

A Go file becomes a column of *blocks*; a block starts at each declaration (with its doc
comment) and at each line a note anchors.  Left: the notes, and for a function its
"calls / called by" lists and its Python mirror; right: the highlighted lines.  Every call
site the index resolved is a link to the callee's definition -- on a source page of the
book when the callee's file has one, else at the pinned upstream permalink, else (a
package outside the corpus) its package at the pinned commit or its documentation.

This module only turns data into HTML: the caller (the book's Sphinx extension) says which
files have pages (``PageMap``), and hands over the notes and mirrors it looked up, so the
render layer needs neither the notes nor the mirror packages.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import pairwise

from pygments.lexers import GoLexer, PythonLexer
from pygments.token import STANDARD_TYPES, Token, _TokenType

from annotate.index.query import CallEdge, Index, Symbol

# Identifier chain at a call site: ``m.config.Thresholds(`` -> the last name is the callee.
_CHAIN = re.compile(r"(?:[A-Za-z_]\w*\s*\.\s*)*([A-Za-z_]\w*)")
_ANCHOR_JUNK = re.compile(r"[^A-Za-z0-9_.$-]+")
DECLARATION_KINDS = ("func", "method", "struct", "interface", "type", "functype", "init")


def anchor_id(sym: str) -> str:
    """The HTML id of a Go symbol on its file's page: its package-local name.

    ``(*k8s.io/kubernetes/pkg/kubelet/eviction.managerImpl).synchronize`` ->
    ``eviction.managerImpl.synchronize``; unique within a file because Go names are
    unique within a package.
    """
    local = sym.rsplit("/", 1)[-1].replace("(*", "").replace("(", "").replace(")", "")
    return _ANCHOR_JUNK.sub("-", local).replace("$", "-")


def short_name(sym: str) -> str:
    """``(*eviction.managerImpl).synchronize`` -> ``managerImpl.synchronize``."""
    local = anchor_id(sym)
    return local.split(".", 1)[-1] if "." in local else local


@dataclass
class PageMap:
    """Which files of which corpus have a source page, and where (URLs relative to the
    directory that holds every source page)."""

    pages: dict[tuple[str, str], str] = field(default_factory=dict)  # (corpus, file) -> url

    def url(self, corpus: str, file: str) -> str | None:
        return self.pages.get((corpus, file))


@dataclass
class LinkStats:
    resolved: int = 0  # call sites the index resolved in this file
    located: int = 0  # ... whose callee identifier was found at the recorded column
    to_page: int = 0  # linked to a source page of the book
    to_permalink: int = 0  # linked to the pinned upstream line
    to_package: int = 0  # callee outside the corpus: linked to its package / documentation

    @property
    def linked(self) -> int:
        return self.to_page + self.to_permalink + self.to_package

    def add(self, other: LinkStats) -> None:
        for name in ("resolved", "located", "to_page", "to_permalink", "to_package"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Note:
    line: int  # Go line the note anchors
    title: str
    html: str  # already rendered


@dataclass
class GoFile:
    corpus: str
    path: str  # repository-relative
    text: str
    notes: list[Note] = field(default_factory=list)
    mirrors: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # sym -> (name, url)


@dataclass
class Rendered:
    html: str
    stats: LinkStats
    symbols: list[tuple[str, str, str]]  # (go/ssa name, short name, anchor) declared here


def _css_class(ttype: _TokenType) -> str:
    while ttype not in STANDARD_TYPES:
        ttype = ttype.parent
    return STANDARD_TYPES[ttype]


def highlight_lines(
    text: str,
    lexer_name: str,
    links: dict[int, tuple[int, str, str]],
    emitted: set[int] | None = None,
) -> list[str]:
    """Pygments-highlighted HTML, one string per line; ``links`` maps a character offset in
    ``text`` to (end offset, href, title) of an identifier to wrap in a link; the offsets
    of the links actually made are added to ``emitted``."""
    lexer = GoLexer() if lexer_name == "go" else PythonLexer()
    lexer.stripnl = False
    lexer.ensurenl = False
    out: list[str] = []
    current: list[str] = []
    for offset, ttype, value in lexer.get_tokens_unprocessed(text):
        cls = _css_class(ttype)
        link = links.get(offset) if ttype in Token.Name else None
        pieces = value.split("\n")
        for i, piece in enumerate(pieces):
            if i:
                out.append("".join(current))
                current = []
            if not piece:
                continue
            body = html.escape(piece)
            if cls:
                body = f'<span class="{cls}">{body}</span>'
            if link and i == 0 and offset + len(piece) == link[0]:
                body = f'<a href="{html.escape(link[1])}" title="{html.escape(link[2])}">{body}</a>'
                if emitted is not None:
                    emitted.add(offset)
            current.append(body)
    out.append("".join(current))
    lines = text.split("\n")
    return out[: len(lines)]


def _line_offsets(text: str) -> list[int]:
    offsets = [0]
    for line in text.split("\n"):
        offsets.append(offsets[-1] + len(line) + 1)
    return offsets


def _char_col(line: str, byte_col: int) -> int:
    """Go columns are 1-based byte offsets; the page works in characters."""
    return len(line.encode("utf-8")[: byte_col - 1].decode("utf-8", "ignore"))


class GoLinker:
    """Where a symbol's definition is, for a link: a page anchor, a permalink, a package."""

    def __init__(
        self,
        corpus: str,
        pages: PageMap,
        permalink: Callable[[str, int | None, int | None], str | None],
        package_url: Callable[[str], str | None],
        prefix: str = "",
    ) -> None:
        self.corpus = corpus
        self.pages = pages
        self.permalink = permalink
        self.package_url = package_url
        self.prefix = prefix  # from the page being written to the directory of all pages

    def __call__(self, sym: Symbol) -> tuple[str | None, str]:
        """(href, "page" | "permalink" | "package" | "none")."""
        if sym.file is not None:
            page = self.pages.url(self.corpus, sym.file)
            if page is not None:
                return f"{self.prefix}{page}#{anchor_id(sym.sym)}", "page"
            return self.permalink(sym.file, sym.start, sym.end), "permalink"
        url = self.package_url(sym.pkg) if sym.pkg else None
        return (url, "package") if url else (None, "none")


def declaration_line(lines: list[str], sym: Symbol) -> str:
    """The first line of a declaration, without its body's brace: a one-line signature."""
    if sym.start is None or sym.start > len(lines):
        return sym.sym
    return lines[sym.start - 1].strip().removesuffix("{").strip()


def _call_links(
    text: str, edges: Iterable[CallEdge], link: GoLinker, stats: LinkStats
) -> dict[int, tuple[int, str, str, str]]:
    """Offset of each located callee identifier -> (end, href, title, where it links)."""
    lines = text.split("\n")
    offsets = _line_offsets(text)
    by_site: dict[tuple[int, int], list[CallEdge]] = {}
    for e in edges:
        by_site.setdefault((e.line, e.col), []).append(e)
    out: dict[int, tuple[int, str, str, str]] = {}
    for (line, col), site in sorted(by_site.items()):
        stats.resolved += 1
        if line > len(lines):
            continue
        start = _char_col(lines[line - 1], col)
        match = _CHAIN.match(lines[line - 1], start)
        if not match:
            continue
        stats.located += 1
        name_start = offsets[line - 1] + match.start(1)
        # a dynamic site may have several targets: link the first that has a place to go
        targets = sorted(site, key=lambda e: (e.callee.external, e.callee.sym))
        title = " | ".join(f"{e.kind}: {e.callee.sym}" for e in targets[:6])
        for e in targets:
            href, where = link(e.callee)
            if href:
                out[name_start] = (name_start + len(match.group(1)), href, title, where)
                break
    return out


def _edge_list(edges: list[CallEdge], side: str, link: GoLinker, limit: int = 40) -> str:
    seen: dict[str, str] = {}
    for e in edges:
        sym = e.callee if side == "callee" else e.caller
        if sym.sym in seen or (sym.kind == "closure" and side == "callee"):
            continue
        href, _ = link(sym)
        label = html.escape(short_name(sym.sym) if not sym.external else sym.sym)
        seen[sym.sym] = f'<a href="{html.escape(href)}">{label}</a>' if href else label
    items = list(seen.values())
    more = f" … and {len(items) - limit} more" if len(items) > limit else ""
    return ", ".join(items[:limit]) + more if items else "—"


def _block(notes: str, code: list[str], anchor: str | None = None) -> str:
    ident = f' id="{anchor}"' if anchor else ""
    css = "kit-block" + (" kit-has-notes" if notes else "")
    return (
        f'<div class="{css}"{ident}><div class="kit-notes">{notes}</div>'
        f'<div class="kit-code highlight"><pre>{"".join(code)}</pre></div></div>'
    )


def _doc_start(lines: list[str], start: int) -> int:
    first = start
    while first > 1 and lines[first - 2].lstrip().startswith("//"):
        first -= 1
    return first


def render_go(idx: Index, source: GoFile, link: GoLinker) -> Rendered:
    """A Go file as Docco-style blocks (see the module doc); ``link`` places definitions."""
    text = source.text
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    stats = LinkStats()
    rows = idx.conn.execute(
        "SELECT DISTINCT caller FROM edges WHERE file = ?", (source.path,)
    ).fetchall()
    site_edges = [
        e for (cid,) in rows for e in idx.callees(idx.symbol_by_id(cid)) if e.file == source.path
    ]
    links = _call_links(text, site_edges, link, stats)
    emitted: set[int] = set()
    code = highlight_lines(text, "go", {k: v[:3] for k, v in links.items()}, emitted)
    for offset in emitted:  # counted when made: an identifier the lexer split is not a link
        where = links[offset][3]
        setattr(stats, f"to_{where}", getattr(stats, f"to_{where}") + 1)
    declared = [
        idx.symbol_by_id(r[0])
        for r in idx.conn.execute(
            "SELECT id FROM symbols WHERE file = ? AND external = 0 ORDER BY start, id",
            (source.path,),
        )
    ]
    # where blocks start, and what their notes column holds
    starts: dict[int, list[str]] = {1: []}
    anchors: dict[int, str] = {}
    extra_ids: dict[int, list[str]] = {}
    symbols: list[tuple[str, str, str]] = []
    for sym in declared:
        if sym.start is None:
            continue
        anchor = anchor_id(sym.sym)
        symbols.append((sym.sym, short_name(sym.sym), anchor))
        if sym.kind not in DECLARATION_KINDS:
            extra_ids.setdefault(sym.start, []).append(anchor)
            continue
        first = _doc_start(lines, sym.start)
        if first in anchors:
            extra_ids.setdefault(sym.start, []).append(anchor)
            continue
        anchors[first] = anchor
        parts = [
            f'<p class="kit-sym"><a class="headerlink-sym" href="#{anchor}">'
            f"<code>{html.escape(short_name(sym.sym))}</code></a> <span class=kit-kind>"
            f"{sym.kind}</span></p>"
        ]
        if sym.kind in ("func", "method", "init"):
            for label, edges, side in (
                ("calls", idx.callees(sym), "callee"),
                ("called by", idx.callers(sym), "caller"),
            ):
                count = len({(e.callee if side == "callee" else e.caller).sym for e in edges})
                parts.append(
                    f'<details class="kit-calls"><summary>{label} ({count})</summary>'
                    f"{_edge_list(edges, side, link)}</details>"
                )
        for name, url in source.mirrors.get(sym.sym, []):
            parts.append(
                f'<p class="kit-mirror"><b>Python mirror</b> <a href="{html.escape(url)}" '
                f'title="{html.escape(name)}"><code>{html.escape(".".join(name.split(".")[-2:]))}'
                "</code></a></p>"
            )
        starts.setdefault(first, []).extend(parts)
    # a note about a whole declaration joins the block that starts at its doc comment
    block_of = {sym.start: _doc_start(lines, sym.start) for sym in declared if sym.start}
    for note in source.notes:
        first = block_of.get(note.line, note.line)
        if first not in anchors and first != note.line:
            first = note.line
        starts.setdefault(first, []).append(
            f'<div class="kit-note" id="note-{note.line}"><p class="kit-note-title">'
            f"{html.escape(note.title)}</p>{note.html}</div>"
        )
    blocks = []
    for first, nxt in pairwise([*sorted(starts), len(lines) + 1]):
        body = []
        for n in range(first, nxt):
            ids = "".join(f'<span id="{a}"></span>' for a in extra_ids.get(n, []))
            body.append(
                f'<span class="kit-line" id="L{n}">{ids}<a class="kit-ln" href="#L{n}">{n}</a>'
                f"{code[n - 1] if n - 1 < len(code) else ''}\n</span>"
            )
        blocks.append(_block("".join(starts[first]), body, anchors.get(first)))
    return Rendered(f'<div class="kit-source">{"".join(blocks)}</div>', stats, symbols)


def render_python(
    text: str, marks: dict[int, list[tuple[str, str | None, str]]]
) -> tuple[str, int]:
    """A Python mirror file, highlighted; ``marks`` maps the line of a mirrored definition to
    (Go symbol, href of its source page anchor or permalink, anchor id for this page).
    Returns the HTML and the number of Go links made."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    code = highlight_lines(text, "python", {})
    starts: dict[int, list[str]] = {1: []}
    anchors: dict[int, str] = {}
    made = 0
    for line, items in sorted(marks.items()):
        parts = []
        for go_sym, href, anchor in items:
            label = html.escape(short_name(go_sym))
            target = f'<a href="{html.escape(href)}"><code>{label}</code></a>' if href else label
            made += bool(href)
            parts.append(f'<p class="kit-mirror"><b>mirrors Go</b> {target}</p>')
            anchors.setdefault(line, anchor)
        starts.setdefault(line, []).extend(parts)
    blocks = []
    for first, nxt in pairwise([*sorted(starts), len(lines) + 1]):
        body = [
            f'<span class="kit-line" id="L{n}"><a class="kit-ln" href="#L{n}">{n}</a>'
            f"{code[n - 1] if n - 1 < len(code) else ''}\n</span>"
            for n in range(first, nxt)
        ]
        blocks.append(_block("".join(starts[first]), body, anchors.get(first)))
    return f'<div class="kit-source">{"".join(blocks)}</div>', made
