"""Corpus status and headline facts, for the book's first page and for notebooks.

One call -- ``corpus_overview()`` -- answers "which sources do I have, are they
the pinned ones, and what is in them?", rendered as an HTML table in Jupyter.
The facts are counts computed here by parsing the files with tree-sitter-go;
no source text leaves the cache.
"""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from annotate.sources.cache import cache_root
from annotate.sources.fetch import Status, check
from annotate.sources.lock import Corpus, load_lock

STATE_LABELS = {
    "verified": '<span style="color:#1a7f37">● verified</span>',
    "missing": '<span style="color:#9a6700">○ not fetched</span>',
    "corrupt": '<span style="color:#cf222e">✕ corrupt</span>',
}
PAD = 'style="padding: 0.2em 0.8em; text-align: left"'
FUNC_QUERY = "[(function_declaration) (method_declaration)] @decl"


@dataclass
class CorpusFacts:
    """Counts over the Go files of a corpus's reading set."""

    go_files: int = 0
    test_files: int = 0
    lines: int = 0
    functions: int = 0  # functions and methods declared outside _test.go files
    files_by_dir: Counter[str] = field(default_factory=Counter)


def go_facts(directory: Path, depth: int = 3) -> CorpusFacts:
    """Count Go files, lines and declared functions; group files by their first path parts."""
    from tree_sitter import Query, QueryCursor

    from annotate.parse.syntax import language, new_parser

    parser = new_parser()
    query = Query(language(), FUNC_QUERY)
    facts = CorpusFacts()
    for path in sorted(directory.rglob("*.go")):
        rel = path.relative_to(directory)
        data = path.read_bytes()
        facts.go_files += 1
        facts.lines += data.count(b"\n")
        facts.files_by_dir["/".join(rel.parts[: min(depth, len(rel.parts) - 1)])] += 1
        if path.name.endswith("_test.go"):
            facts.test_files += 1
            continue
        tree = parser.parse(data)
        captures = QueryCursor(query).captures(tree.root_node)
        facts.functions += len(captures.get("decl", []))
    return facts


@dataclass
class CorpusRow:
    corpus: Corpus
    status: Status
    facts: CorpusFacts | None


@dataclass
class Overview:
    cache: Path
    rows: list[CorpusRow]

    def _repr_html_(self) -> str:
        head = "".join(
            f"<th {PAD}>{h}</th>"
            for h in ("corpus", "pinned at", "state", "Go files", "functions", "lines")
        )
        body = []
        for row in self.rows:
            c, s, f = row.corpus, row.status, row.facts
            pinned = (
                f'<a href="https://{c.repository}/tree/{c.commit}">{html.escape(c.tag)}</a> '
                f"<code>{c.commit[:12]}</code>"
            )
            cells = [html.escape(c.name), pinned, STATE_LABELS[s.state]]
            if f:
                cells += [f"{f.go_files - f.test_files} (+{f.test_files} tests)",
                          str(f.functions), f"{f.lines:,}"]  # fmt: skip
            else:
                cells += ["–", "–", "–"]
            body.append("<tr>" + "".join(f"<td {PAD}>{x}</td>" for x in cells) + "</tr>")
        return f"<table><tr>{head}</tr>{''.join(body)}</table>"

    def __str__(self) -> str:
        lines = []
        for row in self.rows:
            c, s, f = row.corpus, row.status, row.facts
            extra = f", {f.go_files} Go files, {f.functions} functions" if f else ""
            lines.append(f"{c.name} {c.tag} ({c.commit[:12]}): {s.state}{extra}")
        return "\n".join(lines)

    def missing(self) -> list[str]:
        return [r.corpus.name for r in self.rows if r.status.state != "verified"]


def corpus_overview(cache: Path | None = None, with_facts: bool = True) -> Overview:
    """Status of every locked corpus, with Go facts for those that verify."""
    root = cache_root(cache)
    rows = []
    for corpus in load_lock().values():
        status = check(corpus, root)
        facts = go_facts(status.directory) if with_facts and status.state == "verified" else None
        rows.append(CorpusRow(corpus, status, facts))
    return Overview(root, rows)


def fetch_instructions(names: list[str]) -> str:
    """What to run to get the missing corpora, online and offline."""
    lines = ["Some sources are not in the cache yet. Online:"]
    lines += [f"    annotate fetch {n}" for n in names]
    lines.append("Offline, from a local clone that holds the pinned commit:")
    lines += [f"    annotate fetch {n} --from /path/to/clone" for n in names]
    return "\n".join(lines)
