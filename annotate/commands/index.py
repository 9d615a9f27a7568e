"""Index sub-commands: index, edges, symbols, callers, callees, path, show, graph, problems.

Start-up matters here (a warm ``annotate callees`` must answer in well under 150 ms): the
index, parser, renderers and rich are imported inside the handlers that use them.

Flags mean one thing in every command: ``--dir`` a Go directory to index instead of a corpus,
``--external/--no-external`` whether symbols outside the corpus are listed, ``--json`` one
JSON document on stdout (schema: ``annotate/data/schemas/<command>.schema.json``),
``-v/--verbose`` list everything, not only the summary or the problems.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotate import commands
from annotate.commands import output
from annotate.errors import UserError

if TYPE_CHECKING:
    from annotate.index import target
    from annotate.index.query import CallEdge, Index, Symbol
    from annotate.parse import buildctx

GRAPH_FORMATS = ("svg", "dot", "json", "png")
# annotate.render.graph's DIRECTIONS and GROUPS, spelled here so that building the parser
# does not import graphviz (tests/tool/test_cli_shell.py checks they agree).
GRAPH_DIRECTIONS = ("callees", "callers", "both")
GRAPH_GROUPS = ("package", "file", "type", "none")


def _complete_symbol(prefix: str, parsed_args: argparse.Namespace, **_: Any) -> list[str]:
    """Shell completion of a symbol: the indexed names (full, and the short forms the
    commands accept) starting with ``prefix``, read straight from the index database."""
    import sqlite3

    from annotate.index import target as targetmod
    from annotate.index.query import normalize

    names = [getattr(parsed_args, "corpus_opt", None) or "kubernetes", "etcd-operator"]
    out: set[str] = set()
    for name in dict.fromkeys(names):
        try:
            t = targetmod.for_corpus(name, getattr(parsed_args, "cache", None))
            conn = sqlite3.connect(f"file:{t.db_path}?mode=ro", uri=True)
        except (UserError, sqlite3.Error):
            continue
        try:
            rows = conn.execute("SELECT sym FROM symbols WHERE external = 0").fetchall()
        except sqlite3.Error:
            rows = []
        finally:
            conn.close()
        for (sym,) in rows:
            if "$" in sym:  # closures: named through their function
                continue
            tail = normalize(sym).rsplit("/", 1)[-1]
            parts = tail.split(".")
            for form in (sym, *(".".join(parts[i:]) for i in range(len(parts)))):
                if form.startswith(prefix):
                    out.add(form)
    return sorted(out)


def _symbol_arg(p: argparse.ArgumentParser, name: str, **spec: Any) -> None:
    action = p.add_argument(name, **spec)
    action.completer = _complete_symbol  # type: ignore[attr-defined]


def _add_target(p: argparse.ArgumentParser) -> None:
    """CORPUS (optional: every corpus in the cache) or --dir/--import-path, and the platform."""
    p.add_argument("corpus", nargs="?", help="corpus name from the lock")
    p.add_argument(
        "--corpus", dest="corpus_opt", metavar="NAME", help="corpus name from the lock (as CORPUS)"
    )
    p.add_argument("--dir", metavar="DIR", help="a Go directory instead of a corpus")
    p.add_argument("--import-path", metavar="ROOT", help="Go import path of --dir")
    p.add_argument(
        "--platform",
        default="linux/amd64",
        metavar="GOOS/GOARCH",
        help="build target for build constraints (default linux/amd64)",
    )
    p.add_argument("--tests", action="store_true", help="include _test.go files")
    p.add_argument("--tags", default="", help="extra build tags, comma-separated")


def _add_symbol_target(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--corpus",
        dest="corpus_opt",
        metavar="NAME",
        default=None,
        help="corpus name from the lock (default: kubernetes, or etcd-operator "
        "when the symbol is only there)",
    )
    p.add_argument("--dir", metavar="DIR", help="a Go directory instead of a corpus")
    p.add_argument("--import-path", metavar="ROOT", help="Go import path of --dir")
    p.add_argument(
        "--platform",
        default="linux/amd64",
        metavar="GOOS/GOARCH",
        help="build target for build constraints (default linux/amd64)",
    )
    p.add_argument("--tests", action="store_true", help="include _test.go files")
    p.add_argument("--tags", default="", help="extra build tags, comma-separated")


def _platform(args: argparse.Namespace) -> buildctx.Platform:
    from annotate.parse import buildctx

    try:
        return buildctx.parse_platform(args.platform, tests=args.tests, tags=args.tags)
    except ValueError as exc:
        raise UserError(str(exc)) from exc


def _targets(args: argparse.Namespace) -> list[target.Target]:
    from annotate.index import target
    from annotate.sources.lock import get_corpus

    platform = _platform(args)
    if args.dir:
        return [target.for_directory(args.dir, args.import_path or "", args.cache, platform)]
    name = getattr(args, "corpus_opt", None) or getattr(args, "corpus", None)
    if name:
        return [target.for_corpus(name, args.cache, args.lock, platform)]
    # No corpus named: each locked corpus that is in the cache, kubernetes first.  Only
    # "not in the cache" is passed over; any other problem (a bad lock, an unreadable
    # cache) is the user's to see.
    out = []
    missing = []
    for cname in ("kubernetes", "etcd-operator"):
        get_corpus(cname, Path(args.lock) if args.lock else None)  # a bad lock: say so
        try:
            out.append(target.for_corpus(cname, args.cache, args.lock, platform))
        except target.NotInCache as exc:
            missing.append(str(exc))
    if not out:
        raise UserError(
            "no corpus in the cache; name one (annotate fetch NAME) or use --dir: "
            + "; ".join(missing)
        )
    return out


def _progress(msg: str) -> None:
    print(f"annotate: {msg}", file=sys.stderr)


class _IndexBars:
    """Rich progress on a terminal for an index build: a bar of the files parsed, then a
    spinner while the calls are resolved.  Other messages (a lock waited for, a corrupt
    index) are printed as lines.  Used only when stderr is a terminal."""

    def __init__(self, label: str) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=output.console(stderr=True),
            transient=True,
        )
        self.label = label
        self.parsing: Any = None
        self.resolving: Any = None

    def __call__(self, msg: str) -> None:
        if msg.startswith("parsing ") and self.parsing is None:
            self.progress.start()
            self.parsing = self.progress.add_task(f"{self.label}: parsing files", total=None)
        elif msg == "resolving calls" and self.resolving is None:
            if self.parsing is not None:
                self.progress.update(self.parsing, visible=False)
            self.resolving = self.progress.add_task(f"{self.label}: resolving calls", total=None)
        else:
            self.progress.console.print(f"annotate: {msg}", highlight=False)

    def files(self, done: int, total: int) -> None:
        if self.parsing is not None:
            self.progress.update(self.parsing, completed=done, total=total)

    def close(self) -> None:
        self.progress.stop()


def _ensure(t: target.Target, rebuild: bool = False) -> Any:
    from annotate.index import build

    build.leave_heap_to_exit = commands.leave_heap_to_exit
    if not sys.stderr.isatty():
        return t.ensure_index(rebuild=rebuild, progress=_progress)
    bars = _IndexBars(t.label.split("@")[0])
    try:
        return t.ensure_index(rebuild=rebuild, progress=bars)
    finally:
        bars.close()


def _open(t: target.Target) -> Index:
    from annotate.index.query import Index

    _ensure(t)
    return Index(t.db_path)


def _open_for_symbol(args: argparse.Namespace, query: str) -> tuple[target.Target, Index, Symbol]:
    """The first target whose index knows ``query`` (so corpora need not be named)."""
    errors: list[UserError] = []
    for t in _targets(args):
        idx = _open(t)
        try:
            return t, idx, idx.resolve(query)
        except UserError as exc:
            errors.append(exc)
            idx.close()
    raise errors[0] if len(errors) == 1 or "ambiguous" in str(errors[0]) else errors[-1]


def _edge_json(e: CallEdge, other: Symbol) -> dict[str, Any]:
    return {
        "symbol": other.sym,
        "kind": e.kind,
        "via": e.via,
        "file": e.file,
        "line": e.line,
        "external": other.external,
    }


def cmd_index(args: argparse.Namespace) -> int:
    reports = []
    for t in _targets(args):
        started = time.perf_counter()
        stats = _ensure(t, rebuild=args.rebuild)
        secs = time.perf_counter() - started
        state = "rebuilt" if stats.rebuilt else "up to date"
        counts = {
            "files": stats.files,
            "parsed": stats.parsed,
            "excluded": stats.excluded,
            "errors": stats.errors,
            "symbols": stats.symbols,
            "edges": stats.edges,
            "unresolved": stats.unresolved,
        }
        reports.append(
            {
                "target": t.label,
                "platform": t.platform.key,
                "state": state,
                "seconds": round(secs, 3),
                "database": str(t.db_path),
                **counts,
            }
        )
        if not args.json:
            print(f"{t.label} [{t.platform.key}]: {state} in {secs:.2f}s -> {t.db_path}")
            print(
                f"  files {stats.files} (parsed {stats.parsed}, excluded {stats.excluded}, "
                f"with errors {stats.errors}); symbols {stats.symbols}; edges {stats.edges}; "
                f"unresolved calls {stats.unresolved}"
            )
    if args.json:
        output.emit_json("index", {"targets": reports})
    return 0


def cmd_edges(args: argparse.Namespace) -> int:
    (t,) = _targets(args)[:1]
    idx = _open(t)
    edges = sorted(idx.all_edges(external=args.external), key=_edge_key)
    if args.json:
        output.emit_json(
            "edges",
            {
                "target": t.label,
                "edges": [
                    {"caller": e.caller.sym, "callee": e.callee.sym, "kind": e.kind} for e in edges
                ],
            },
        )
        return 0
    out = sys.stdout
    for e in edges:
        out.write(f"{e.caller.sym}\t{e.callee.sym}\t{e.kind}\n")
    return 0


def _edge_key(e: CallEdge) -> tuple[str, str, int, int, str]:
    return (e.caller.sym, e.file, e.line, e.col, e.callee.sym)


def cmd_symbols(args: argparse.Namespace) -> int:
    found = []
    kinds = tuple(args.kind.split(",")) if args.kind else ()
    for t in _targets(args):
        idx = _open(t)
        for s in idx.search(args.pattern, kinds, external=args.external):
            found.append(
                {
                    "symbol": s.sym,
                    "kind": s.kind,
                    "file": s.file,
                    "line": s.start,
                    "corpus": t.label,
                }
            )
    if not found:
        raise UserError(f"no symbol matches {args.pattern!r}")
    if args.json:
        output.emit_json("symbols", {"pattern": args.pattern, "symbols": found})
        return 0
    for row in found:
        where = f"{row['file']}:{row['line']}" if row["file"] else "(external)"
        print(f"{row['symbol']}\t{row['kind']}\t{where}")
    return 0


def _report_edges(
    args: argparse.Namespace, direction: str, sym: Symbol, edges: Iterable[CallEdge], idx: Index
) -> int:
    rows = []
    for e in edges:
        other = e.callee if direction == "callees" else e.caller
        if other.external and not args.external:
            continue
        rows.append(_edge_json(e, other))
    unresolved = []
    if getattr(args, "unresolved", False):
        for _caller, text, reason, file, line in idx.unresolved(sym):
            unresolved.append({"text": text, "reason": reason, "file": file, "line": line})
    if args.json:
        output.emit_json(
            "calls",
            {"symbol": sym.sym, "direction": direction, "calls": rows, "unresolved": unresolved},
        )
        return 0
    print(f"# {direction} of {sym.sym}", file=sys.stderr)
    for r in rows:
        print(f"{r['symbol']}\t{r['kind']}\t{r['via']}\t{r['file']}:{r['line']}")
    for u in unresolved:
        print(f"? {u['text']}\tunresolved\t{u['reason']}\t{u['file']}:{u['line']}")
    return 0


def cmd_callees(args: argparse.Namespace) -> int:
    _t, idx, sym = _open_for_symbol(args, args.symbol)
    return _report_edges(args, "callees", sym, idx.callees(sym), idx)


def cmd_callers(args: argparse.Namespace) -> int:
    _t, idx, sym = _open_for_symbol(args, args.symbol)
    return _report_edges(args, "callers", sym, idx.callers(sym), idx)


def cmd_path(args: argparse.Namespace) -> int:
    _t, idx, src = _open_for_symbol(args, args.source)
    dst = idx.resolve(args.dest)
    paths = idx.paths(src, dst, max_depth=args.max_depth, limit=args.limit)
    if args.json:
        output.emit_json(
            "path",
            {
                "source": src.sym,
                "dest": dst.sym,
                "max_depth": args.max_depth,
                "paths": [[s.sym for s in p] for p in paths],
            },
        )
        return 0 if paths else 1
    if not paths:
        print(f"no call path from {src.sym} to {dst.sym} within {args.max_depth} calls")
        return 1
    for p in paths:
        print("\n  -> ".join(s.sym for s in p))
        print()
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from annotate.render.excerpt import doc_start, read_excerpt

    t, _idx, sym = _open_for_symbol(args, args.symbol)
    if sym.file is None or sym.start is None:
        raise UserError(f"{sym.sym} is external; no source in this corpus")
    first = sym.start if args.no_doc else doc_start(sym.start, sym.doc)
    ex = read_excerpt(t.root, sym.file, first, sym.end or sym.start, args.context)
    permalink = t.permalink(sym.file, sym.start, sym.end)
    if args.json:
        output.emit_json(
            "show",
            {
                "symbol": sym.sym,
                "kind": sym.kind,
                "file": sym.file,
                "start": sym.start,
                "end": sym.end or sym.start,
                "permalink": permalink,
                "lines": [{"line": ex.start + i, "text": text} for i, text in enumerate(ex.lines)],
            },
        )
        return 0
    print(f"{sym.sym}  ({sym.kind})")
    print(permalink)
    print()
    print(ex.numbered())
    return 0


def cmd_graph(args: argparse.Namespace) -> int:
    from annotate.render import graph

    fmt = "json" if args.json else args.format
    if fmt is None:
        fmt = Path(args.output).suffix.lstrip(".") if args.output and args.output != "-" else "svg"
    if fmt not in GRAPH_FORMATS:
        raise UserError(
            f"cannot tell the format from -o {args.output!r}: use a name ending in "
            f"{', '.join('.' + f for f in GRAPH_FORMATS)} or --format"
        )
    to_stdout = not args.output or args.output == "-"
    if to_stdout and fmt != "json" and sys.stdout.isatty() and args.output != "-":
        raise UserError(
            f"a {fmt} drawing is not for the terminal: write it to a file with "
            f"-o FILE.{fmt} (or .dot, .png), redirect it (> graph.{fmt}), "
            "or print the graph as JSON with --json"
        )
    t, idx, _sym = _open_for_symbol(args, args.symbols[0])
    spec = graph.GraphSpec(
        focus=args.symbols,
        depth=args.depth,
        direction=args.direction,
        group=args.group,
        include=tuple(args.include),
        exclude=tuple(args.exclude),
        hide_external=not args.external,
        max_nodes=args.max_nodes,
        rankdir=args.rankdir,
        legend=not args.no_legend,
    )
    g = graph.collect(idx, spec)

    def link(s: Symbol) -> str | None:
        return t.permalink(s.file, s.start, s.end) if s.file else None

    if fmt == "json":
        import json

        document = {
            "schema": f"graph/{output.SCHEMA_VERSION}",
            **json.loads(graph.to_json(g, link)),
        }
        data = (json.dumps(document, indent=2) + "\n").encode()
    else:
        data = graph.render(graph.to_dot(g, spec, link), fmt, engine=args.engine)
    if not to_stdout:
        _write_output(Path(args.output), data)
        print(f"{len(g.nodes)} nodes, {len(g.edges)} edges -> {args.output}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
    return 0


def _write_output(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path``; a regular file is written aside and renamed, so a full
    disk or a size limit never leaves half a file (devices are written directly)."""
    try:
        if path.exists() and not path.is_file():
            with path.open("wb") as out:
                out.write(data)
            return
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            tmp.write_bytes(data)
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
    except OSError as exc:
        raise OutputFailed(f"cannot write {path}: {exc.strerror or exc}") from None


class OutputFailed(UserError):
    exit_code = 3


def cmd_problems(args: argparse.Namespace) -> int:
    reports = []
    for t in _targets(args):
        idx = _open(t)
        rows = idx.file_problems()
        kinds = {"error"} | ({"excluded"} if args.excluded else set())
        shown = [r for r in rows if r[1] in kinds]
        n_err = sum(1 for r in rows if r[1] == "error")
        n_exc = sum(1 for r in rows if r[1] == "excluded")
        unresolved = idx.unresolved() if args.unresolved else []
        reports.append(
            {
                "target": t.label,
                "platform": t.platform.key,
                "parse_errors": n_err,
                "excluded": n_exc,
                "files": [{"path": p, "kind": k, "reason": r} for p, k, r in shown],
                "unresolved": [
                    {"caller": c, "text": x, "reason": r, "file": f, "line": ln}
                    for c, x, r, f, ln in unresolved
                ],
            }
        )
        if args.json:
            continue
        for path, kind, reason in shown:
            print(f"{path}\t{kind}\t{reason}")
        print(
            f"# {t.label}: {n_err} parse errors, {n_exc} files excluded by build constraints "
            f"({t.platform.key})",
            file=sys.stderr,
        )
        for caller, text, reason, file, line in unresolved:
            print(f"{file}:{line}\tunresolved\t{caller}\t{text}\t{reason}")
    if args.json:
        output.emit_json("problems", {"targets": reports})
    return 0


def _add_external(p: argparse.ArgumentParser, default: bool) -> None:
    p.add_argument(
        "--external",
        action=argparse.BooleanOptionalAction,
        default=default,
        help="list symbols outside the corpus (standard library, vendored code) "
        f"(default: {'yes' if default else 'no'})",
    )
    # the older spelling, still accepted (annotate.render.graph's messages use it)
    p.add_argument("--hide-external", dest="external", action="store_false", help=argparse.SUPPRESS)


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("index", help="build (or refresh) the symbol and call index")
    _add_target(p)
    p.add_argument(
        "--rebuild", action="store_true", help="discard the index and re-parse everything"
    )
    output.add_json(p, "index")
    p.set_defaults(handler=cmd_index)

    p = subparsers.add_parser("edges", help="print every resolved edge: caller<TAB>callee<TAB>kind")
    _add_target(p)
    _add_external(p, False)
    output.add_json(p, "edges")
    p.set_defaults(handler=cmd_edges)

    p = subparsers.add_parser("symbols", help="list symbols matching a glob or substring")
    p.add_argument("pattern")
    p.add_argument("--kind", help="comma-separated kinds: func,method,closure,struct,interface,...")
    _add_external(p, False)
    _add_symbol_target(p)
    output.add_json(p, "symbols")
    p.set_defaults(handler=cmd_symbols)

    for name, handler, help_text in (
        ("callees", cmd_callees, "what a function calls"),
        ("callers", cmd_callers, "who calls a function"),
    ):
        p = subparsers.add_parser(name, help=help_text)
        _symbol_arg(
            p, "symbol", help="full go/ssa name or unambiguous suffix (managerImpl.synchronize)"
        )
        _add_symbol_target(p)
        _add_external(p, True)
        if name == "callees":
            p.add_argument(
                "--unresolved",
                action="store_true",
                help="also list the calls that could not be resolved",
            )
        output.add_json(p, "calls")
        p.set_defaults(handler=handler)

    p = subparsers.add_parser("path", help="call paths from one symbol to another")
    _symbol_arg(p, "source", help="the calling symbol")
    _symbol_arg(p, "dest", help="the symbol called, directly or not")
    p.add_argument("--max-depth", type=int, default=8, help="longest path, in calls (default 8)")
    p.add_argument("--limit", type=int, default=10, help="most paths listed (default 10)")
    _add_symbol_target(p)
    output.add_json(p, "path")
    p.set_defaults(handler=cmd_path)

    p = subparsers.add_parser("show", help="a symbol's source excerpt with its permalink")
    _symbol_arg(p, "symbol", help="full go/ssa name or unambiguous suffix")
    p.add_argument("--context", type=int, default=0, help="extra lines around the symbol")
    p.add_argument("--no-doc", action="store_true", help="leave out the doc comment")
    _add_symbol_target(p)
    output.add_json(p, "show")
    p.set_defaults(handler=cmd_show)

    p = subparsers.add_parser(
        "graph",
        help="draw the call graph around symbols (svg, png, dot, json) into a file",
        description="Draw the call graph around SYMBOLs.  The drawing goes to -o FILE (format "
        "from its suffix, or --format); to stdout only when redirected, with -o -, or as JSON "
        "(--json).",
    )
    _symbol_arg(p, "symbols", nargs="+", metavar="SYMBOL")
    p.add_argument("--depth", type=int, default=2, help="calls away from SYMBOL (default 2)")
    p.add_argument("--direction", choices=GRAPH_DIRECTIONS, default="callees")
    p.add_argument("--group", choices=GRAPH_GROUPS, default="package")
    p.add_argument("--include", action="append", default=[], metavar="PREFIX")
    p.add_argument("--exclude", action="append", default=[], metavar="PREFIX")
    _add_external(p, True)
    p.add_argument("--max-nodes", type=int, default=200)
    p.add_argument("--rankdir", choices=("LR", "TB"), default="LR")
    p.add_argument("--engine", default="dot", help="graphviz layout engine (dot, sfdp, ...)")
    p.add_argument("--no-legend", action="store_true")
    p.add_argument("--format", choices=GRAPH_FORMATS)
    p.add_argument("-o", "--output", metavar="FILE", help="write here (- for stdout)")
    output.add_json(p, "graph")
    _add_symbol_target(p)
    p.set_defaults(handler=cmd_graph)

    p = subparsers.add_parser(
        "problems", help="per-file parse errors and build-constraint exclusions"
    )
    _add_target(p)
    p.add_argument("--excluded", action="store_true", help="also list excluded files")
    p.add_argument(
        "--unresolved", action="store_true", help="also list the calls that could not be resolved"
    )
    output.add_json(p, "problems")
    p.set_defaults(handler=cmd_problems)
