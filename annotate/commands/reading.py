"""``annotate notes`` and ``annotate mirrors``: checks that keep prose and Python tied to the Go.

* ``annotate notes`` resolves every symbol-anchored note under ``annotations/`` against the
  pinned corpus and fails on drift (a symbol or anchor fragment that is gone or ambiguous).
* ``annotate mirrors`` lists every ``@mirrors("<go/ssa symbol>")`` declaration of the
  installed mirror packages (:mod:`annotate.reading.mirrors`) and fails when a declared Go
  symbol does not exist in the corpus.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

from annotate.errors import UserError

console = Console(width=None if sys.stdout.isatty() else 160)


def register(subparsers: argparse._SubParsersAction) -> None:
    n = subparsers.add_parser("notes", help="check every annotation's anchors against the source")
    n.add_argument("--dir", default=None, help="notes directory (default: annotations/)")
    n.add_argument("-v", "--verbose", action="store_true", help="list every anchor and its line")
    n.set_defaults(handler=cmd_notes)
    m = subparsers.add_parser("mirrors", help="check every @mirrors declaration against the corpus")
    m.add_argument("--list", action="store_true", help="list every declaration, not only problems")
    m.set_defaults(handler=cmd_mirrors)


def cmd_notes(args: argparse.Namespace) -> int:
    from annotate.reading import pairing

    directory = Path(args.dir) if args.dir else pairing.ANNOTATIONS
    checked = pairing.check_all(directory)
    drift = [d for c in checked for d in c.drift]
    for c in checked:
        status = "[red]drift[/]" if c.drift else "[green]ok[/]"
        console.print(f"{status} {c.note.path.relative_to(directory)}: {c.note.symbol} "
                      f"({len(c.sections)}/{len(c.note.sections)} anchors)")  # fmt: skip
        if args.verbose:
            for s in c.sections:
                console.print(f"    L{s.line}  {s.section.fragment or '(whole symbol)'}")
    for d in drift:
        console.print(f"[red]{d.describe()}", highlight=False)
    anchors = sum(len(c.sections) for c in checked)
    console.print(f"{len(checked)} notes, {anchors} anchors resolved, {len(drift)} drifted")
    return 1 if drift else 0


def cmd_mirrors(args: argparse.Namespace) -> int:
    from annotate import api
    from annotate.index.query import AmbiguousSymbol, SymbolNotFound
    from annotate.reading.mirrors import import_all, registry
    from annotate.sources.lock import load_lock

    import_all(strict=True)
    corpora = load_lock()
    views: dict[str, object] = {}
    table = Table(title="@mirrors declarations")
    for column in ("state", "Go symbol", "Python"):
        table.add_column(column)
    counts = {"found": 0, "missing": 0, "outside": 0}
    for mirror in sorted(registry(), key=lambda m: (m.go_symbol, m.python_name)):
        corpus = corpora.get(mirror.corpus or "")
        directory = mirror.package.removeprefix(corpus.import_root).lstrip("/") if corpus else ""
        if corpus is None or not corpus.in_reading_set(f"{directory}/x.go".lstrip("/")):
            state = "outside"  # vendored or outside the reading set: nothing to check against
        else:
            if corpus.name not in views:
                try:
                    views[corpus.name] = api.load(corpus.name)
                except UserError as exc:
                    raise UserError(f"{exc} (needed to check mirrors of {corpus.name})") from exc
            try:
                found = views[corpus.name].index.resolve(mirror.go_symbol)  # type: ignore[attr-defined]
                state = "found" if found.sym == mirror.go_symbol else "missing"
            except (SymbolNotFound, AmbiguousSymbol):
                state = "missing"
        counts[state] += 1
        if args.list or state == "missing":
            colour = {"found": "green", "missing": "red", "outside": "yellow"}[state]
            table.add_row(f"[{colour}]{state}", mirror.go_symbol, mirror.python_name)
    if table.row_count:
        console.print(table)
    console.print(
        f"{sum(counts.values())} declarations: {counts['found']} found in the pinned corpus, "
        f"{counts['missing']} missing, {counts['outside']} outside the reading set (not checked)"
    )
    return 1 if counts["missing"] else 0
