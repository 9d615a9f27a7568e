"""Index sub-commands: index, edges, symbols, callers, callees, path, show, graph, problems."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from annotate.errors import UserError
from annotate.index import target
from annotate.index.query import CallEdge, Index, Symbol
from annotate.parse import buildctx
from annotate.render import graph
from annotate.render.excerpt import doc_start, read_excerpt

GRAPH_FORMATS = ("svg", "dot", "json", "png")


def _add_target(p: argparse.ArgumentParser) -> None:
    """CORPUS (optional: every corpus in the cache) or --dir/--import-path, and the platform."""
    p.add_argument("corpus", nargs="?", help="corpus name from the lock")
    p.add_argument(
        "--corpus", dest="corpus_opt", metavar="NAME", help="corpus name (if SYMBOL is positional)"
    )
    p.add_argument("--dir", metavar="DIR", help="index any Go directory instead of a corpus")
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
    p.add_argument("--platform", default="linux/amd64", metavar="GOOS/GOARCH")
    p.add_argument("--tests", action="store_true", help="include _test.go files")
    p.add_argument("--tags", default="", help="extra build tags, comma-separated")


def _platform(args: argparse.Namespace) -> buildctx.Platform:
    try:
        return buildctx.parse_platform(args.platform, tests=args.tests, tags=args.tags)
    except ValueError as exc:
        raise UserError(str(exc)) from exc


def _targets(args: argparse.Namespace) -> list[target.Target]:
    platform = _platform(args)
    if args.dir:
        return [target.for_directory(args.dir, args.import_path or "", args.cache, platform)]
    name = getattr(args, "corpus_opt", None) or getattr(args, "corpus", None)
    if name:
        return [target.for_corpus(name, args.cache, args.lock, platform)]
    # No corpus named: try each locked corpus in the cache, kubernetes first.
    out = []
    for cname in ("kubernetes", "etcd-operator"):
        try:
            out.append(target.for_corpus(cname, args.cache, args.lock, platform))
        except UserError:
            continue
    if not out:
        raise UserError("no corpus in the cache; name one (annotate fetch NAME) or use --dir")
    return out


def _progress(msg: str) -> None:
    print(f"annotate: {msg}", file=sys.stderr)


def _open(t: target.Target) -> Index:
    t.ensure_index(progress=_progress)
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


def cmd_index(args: argparse.Namespace) -> int:
    for t in _targets(args):
        started = time.perf_counter()
        stats = t.ensure_index(rebuild=args.rebuild, progress=_progress)
        secs = time.perf_counter() - started
        state = "rebuilt" if stats.rebuilt else "up to date"
        print(f"{t.label} [{t.platform.key}]: {state} in {secs:.2f}s -> {t.db_path}")
        print(
            f"  files {stats.files} (parsed {stats.parsed}, excluded {stats.excluded}, "
            f"with errors {stats.errors}); symbols {stats.symbols}; edges {stats.edges}; "
            f"unresolved calls {stats.unresolved}"
        )
    return 0


def cmd_edges(args: argparse.Namespace) -> int:
    (t,) = _targets(args)[:1]
    idx = _open(t)
    out = sys.stdout
    for e in sorted(idx.all_edges(external=args.external), key=_edge_key):
        out.write(f"{e.caller.sym}\t{e.callee.sym}\t{e.kind}\n")
    return 0


def _edge_key(e: CallEdge) -> tuple:
    return (e.caller.sym, e.file, e.line, e.col, e.callee.sym)


def cmd_symbols(args: argparse.Namespace) -> int:
    found = 0
    for t in _targets(args):
        idx = _open(t)
        kinds = tuple(args.kind.split(",")) if args.kind else ()
        for s in idx.search(args.pattern, kinds, external=args.external):
            where = f"{s.file}:{s.start}" if s.file else "(external)"
            print(f"{s.sym}\t{s.kind}\t{where}")
            found += 1
    if not found:
        raise UserError(f"no symbol matches {args.pattern!r}")
    return 0


def _print_edges(edges: list[CallEdge], other: str, show_external: bool) -> None:
    for e in edges:
        sym = e.callee if other == "callee" else e.caller
        if sym.external and not show_external:
            continue
        print(f"{sym.sym}\t{e.kind}\t{e.via}\t{e.file}:{e.line}")


def cmd_callees(args: argparse.Namespace) -> int:
    _t, idx, sym = _open_for_symbol(args, args.symbol)
    print(f"# callees of {sym.sym}", file=sys.stderr)
    _print_edges(idx.callees(sym), "callee", not args.hide_external)
    if args.unresolved:
        for _caller, text, reason, file, line in idx.unresolved(sym):
            print(f"? {text}\tunresolved\t{reason}\t{file}:{line}")
    return 0


def cmd_callers(args: argparse.Namespace) -> int:
    _t, idx, sym = _open_for_symbol(args, args.symbol)
    print(f"# callers of {sym.sym}", file=sys.stderr)
    _print_edges(idx.callers(sym), "caller", True)
    return 0


def cmd_path(args: argparse.Namespace) -> int:
    _t, idx, src = _open_for_symbol(args, args.source)
    dst = idx.resolve(args.dest)
    paths = idx.paths(src, dst, max_depth=args.max_depth, limit=args.limit)
    if not paths:
        print(f"no call path from {src.sym} to {dst.sym} within {args.max_depth} calls")
        return 1
    for p in paths:
        print("\n  -> ".join(s.sym for s in p))
        print()
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    t, _idx, sym = _open_for_symbol(args, args.symbol)
    if sym.file is None or sym.start is None:
        raise UserError(f"{sym.sym} is external; no source in this corpus")
    first = sym.start if args.no_doc else doc_start(sym.start, sym.doc)
    ex = read_excerpt(t.root, sym.file, first, sym.end or sym.start, args.context)
    print(f"{sym.sym}  ({sym.kind})")
    print(t.permalink(sym.file, sym.start, sym.end))
    print()
    print(ex.numbered())
    return 0


def cmd_graph(args: argparse.Namespace) -> int:
    t, idx, _sym = _open_for_symbol(args, args.symbols[0])
    spec = graph.GraphSpec(
        focus=args.symbols,
        depth=args.depth,
        direction=args.direction,
        group=args.group,
        include=tuple(args.include),
        exclude=tuple(args.exclude),
        hide_external=args.hide_external,
        max_nodes=args.max_nodes,
        rankdir=args.rankdir,
        legend=not args.no_legend,
    )
    g = graph.collect(idx, spec)

    def link(s: Symbol) -> str | None:
        return t.permalink(s.file, s.start, s.end) if s.file else None

    fmt = args.format or (Path(args.output).suffix.lstrip(".") if args.output else "svg")
    if fmt not in GRAPH_FORMATS:
        raise UserError(
            f"cannot tell the format from -o {args.output!r}: use a name ending in "
            f"{', '.join('.' + f for f in GRAPH_FORMATS)} or --format"
        )
    if fmt == "json":
        data = graph.to_json(g, link).encode()
    else:
        data = graph.render(graph.to_dot(g, spec, link), fmt, engine=args.engine)
    if args.output and args.output != "-":
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
    for t in _targets(args):
        idx = _open(t)
        rows = idx.file_problems()
        kinds = (
            {"excluded", "error"}
            if args.all
            else {"error"} | ({"excluded"} if args.excluded else set())
        )
        shown = [r for r in rows if r[1] in kinds]
        for path, kind, reason in shown:
            print(f"{path}\t{kind}\t{reason}")
        n_err = sum(1 for r in rows if r[1] == "error")
        n_exc = sum(1 for r in rows if r[1] == "excluded")
        print(
            f"# {t.label}: {n_err} parse errors, {n_exc} files excluded by build constraints "
            f"({t.platform.key})",
            file=sys.stderr,
        )
        if args.unresolved:
            for caller, text, reason, file, line in idx.unresolved():
                print(f"{file}:{line}\tunresolved\t{caller}\t{text}\t{reason}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("index", help="build (or refresh) the symbol and call index")
    _add_target(p)
    p.add_argument(
        "--rebuild", action="store_true", help="discard the index and re-parse everything"
    )
    p.set_defaults(handler=cmd_index)

    p = subparsers.add_parser("edges", help="print every resolved edge: caller<TAB>callee<TAB>kind")
    _add_target(p)
    p.add_argument(
        "--external", action="store_true", help="include calls to code outside the corpus"
    )
    p.set_defaults(handler=cmd_edges)

    p = subparsers.add_parser("symbols", help="list symbols matching a glob or substring")
    p.add_argument("pattern")
    p.add_argument("--kind", help="comma-separated kinds: func,method,closure,struct,interface,...")
    p.add_argument("--external", action="store_true", help="include external symbols")
    _add_symbol_target(p)
    p.set_defaults(handler=cmd_symbols)

    for name, handler, help_text in (
        ("callees", cmd_callees, "what a function calls"),
        ("callers", cmd_callers, "who calls a function"),
    ):
        p = subparsers.add_parser(name, help=help_text)
        p.add_argument(
            "symbol", help="full go/ssa name or unambiguous suffix (managerImpl.synchronize)"
        )
        _add_symbol_target(p)
        if name == "callees":
            p.add_argument("--hide-external", action="store_true")
            p.add_argument(
                "--unresolved", action="store_true", help="also list calls we could not resolve"
            )
        p.set_defaults(handler=handler)

    p = subparsers.add_parser("path", help="call paths from one symbol to another")
    p.add_argument("source")
    p.add_argument("dest")
    p.add_argument("--max-depth", type=int, default=8)
    p.add_argument("--limit", type=int, default=10)
    _add_symbol_target(p)
    p.set_defaults(handler=cmd_path)

    p = subparsers.add_parser("show", help="a symbol's source excerpt with its permalink")
    p.add_argument("symbol")
    p.add_argument("--context", type=int, default=0, help="extra lines around the symbol")
    p.add_argument("--no-doc", action="store_true", help="leave out the doc comment")
    _add_symbol_target(p)
    p.set_defaults(handler=cmd_show)

    p = subparsers.add_parser("graph", help="draw the call graph around symbols (svg, dot, json)")
    p.add_argument("symbols", nargs="+", metavar="SYMBOL")
    p.add_argument("--depth", type=int, default=2)
    p.add_argument("--direction", choices=graph.DIRECTIONS, default="callees")
    p.add_argument("--group", choices=graph.GROUPS, default="package")
    p.add_argument("--include", action="append", default=[], metavar="PREFIX")
    p.add_argument("--exclude", action="append", default=[], metavar="PREFIX")
    p.add_argument("--hide-external", action="store_true")
    p.add_argument("--max-nodes", type=int, default=200)
    p.add_argument("--rankdir", choices=("LR", "TB"), default="LR")
    p.add_argument("--engine", default="dot", help="graphviz layout engine (dot, sfdp, ...)")
    p.add_argument("--no-legend", action="store_true")
    p.add_argument("--format", choices=GRAPH_FORMATS)
    p.add_argument("-o", "--output", metavar="FILE")
    _add_symbol_target(p)
    p.set_defaults(handler=cmd_graph)

    p = subparsers.add_parser(
        "problems", help="per-file parse errors and build-constraint exclusions"
    )
    _add_target(p)
    p.add_argument("--excluded", action="store_true", help="also list excluded files")
    p.add_argument("--all", action="store_true", help="errors and exclusions")
    p.add_argument("--unresolved", action="store_true", help="also list unresolved calls")
    p.set_defaults(handler=cmd_problems)
