"""``annotate notes`` and ``annotate mirrors``: checks that keep prose and Python tied to the Go.

* ``annotate notes`` resolves every symbol-anchored note (``annotate/data/annotations/``, or
  ``--notes DIR``) against the pinned corpus and fails on drift (a symbol or anchor fragment
  that is gone or ambiguous).
* ``annotate mirrors`` lists every ``@mirrors("<go/ssa symbol>")`` declaration of the
  installed mirror packages (:mod:`annotate.reading.mirrors`) and fails when a declared Go
  symbol does not exist in the corpus.

Both read the corpus from ``--cache`` with ``--lock`` like every other command, and say so
and exit 1 when there is nothing to check.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from annotate.commands import output
from annotate.errors import UserError


def register(subparsers: argparse._SubParsersAction) -> None:
    n = subparsers.add_parser("notes", help="check every annotation's anchors against the source")
    n.add_argument(
        "--notes",
        metavar="DIR",
        default=None,
        help="directory of notes (default: the annotations shipped with annotate)",
    )
    n.add_argument("-v", "--verbose", action="store_true", help="list every anchor and its line")
    output.add_json(n, "notes")
    n.set_defaults(handler=cmd_notes)
    m = subparsers.add_parser("mirrors", help="check every @mirrors declaration against the corpus")
    m.add_argument(
        "-v", "--verbose", action="store_true", help="list every declaration, not only problems"
    )
    output.add_json(m, "mirrors")
    m.set_defaults(handler=cmd_mirrors)


def cmd_notes(args: argparse.Namespace) -> int:
    from annotate import data
    from annotate.reading import pairing

    directory = Path(args.notes) if args.notes else data.annotations_dir()
    if not directory.is_dir():
        raise UserError(f"no notes directory at {directory}")
    checked = pairing.check_all(directory, args.cache, args.lock)
    if not checked:
        raise UserError(f"no notes (*.md) under {directory}: nothing to check")
    drift = [d for c in checked for d in c.drift]
    anchors = sum(len(c.sections) for c in checked)
    if args.json:
        output.emit_json(
            "notes",
            {
                "directory": str(directory),
                "notes": [
                    {
                        "path": str(c.note.path.relative_to(directory)),
                        "symbol": c.note.symbol,
                        "corpus": c.note.corpus,
                        "anchors": len(c.note.sections),
                        "resolved": [
                            {"fragment": s.section.fragment or "", "line": s.line}
                            for s in c.sections
                        ],
                        "drift": [d.describe() for d in c.drift],
                    }
                    for c in checked
                ],
                "summary": {"notes": len(checked), "anchors": anchors, "drifted": len(drift)},
            },
        )
        return 1 if drift else 0
    console = output.console()
    for c in checked:
        status = "[red]drift[/]" if c.drift else "[green]ok[/]"
        console.print(f"{status} {c.note.path.relative_to(directory)}: {c.note.symbol} "
                      f"({len(c.sections)}/{len(c.note.sections)} anchors)")  # fmt: skip
        if args.verbose:
            for s in c.sections:
                console.print(f"    L{s.line}  {s.section.fragment or '(whole symbol)'}")
    for d in drift:
        console.print(f"[red]{d.describe()}", highlight=False)
    console.print(f"{len(checked)} notes, {anchors} anchors resolved, {len(drift)} drifted")
    return 1 if drift else 0


def cmd_mirrors(args: argparse.Namespace) -> int:
    from annotate import api
    from annotate.index.query import AmbiguousSymbol, SymbolNotFound
    from annotate.reading.mirrors import import_all, registry
    from annotate.sources.lock import load_lock

    import_all(strict=True)
    declared = sorted(registry(), key=lambda m: (m.go_symbol, m.python_name))
    if not declared:
        raise UserError(
            "no @mirrors declarations installed (entry-point group k8s_reading_kit.mirrors)"
        )
    corpora = load_lock(Path(args.lock) if args.lock else None)
    views: dict[str, Any] = {}
    rows: list[dict[str, str]] = []
    counts = {"found": 0, "missing": 0, "outside": 0}
    for mirror in declared:
        corpus = corpora.get(mirror.corpus or "")
        directory = mirror.package.removeprefix(corpus.import_root).lstrip("/") if corpus else ""
        if corpus is None or not corpus.in_reading_set(f"{directory}/x.go".lstrip("/")):
            state = "outside"  # vendored or outside the reading set: nothing to check against
        else:
            if corpus.name not in views:
                try:
                    views[corpus.name] = api.load(corpus.name, args.cache, args.lock)
                except UserError as exc:
                    raise UserError(f"{exc} (needed to check mirrors of {corpus.name})") from exc
            try:
                found = views[corpus.name].index.resolve(mirror.go_symbol)
                state = "found" if found.sym == mirror.go_symbol else "missing"
            except (SymbolNotFound, AmbiguousSymbol):
                state = "missing"
        counts[state] += 1
        rows.append({"state": state, "go_symbol": mirror.go_symbol, "python": mirror.python_name})
    if args.json:
        output.emit_json("mirrors", {"declarations": rows, "counts": counts})
        return 1 if counts["missing"] else 0
    from rich.table import Table

    table = Table(title="@mirrors declarations")
    table.add_column("state", no_wrap=True)
    table.add_column("Go symbol", overflow="fold")
    table.add_column("Python", overflow="fold")
    for row in rows:
        if args.verbose or row["state"] == "missing":
            colour = {"found": "green", "missing": "red", "outside": "yellow"}[row["state"]]
            table.add_row(f"[{colour}]{row['state']}", row["go_symbol"], row["python"])
    console = output.console()
    if table.row_count:
        console.print(table)
    console.print(
        f"{sum(counts.values())} declarations: {counts['found']} found in the pinned corpus, "
        f"{counts['missing']} missing, {counts['outside']} outside the reading set (not checked)"
    )
    return 1 if counts["missing"] else 0
