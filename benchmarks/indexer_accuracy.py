"""Call-graph accuracy: our indexer against ``callgraph -algo=static|cha|vta``.

Usage::

    .venv/bin/python benchmarks/indexer_accuracy.py \\
        [--repo DIR MODULE LABEL COMMIT]... [--out benchmarks/results/indexer-accuracy.md]

The fixture corpus (tests/fixtures/go) is always measured.  Each ``--repo`` is
a checkout of a dependency-free (stdlib-only) Go module; its path is only read,
never recorded -- LABEL and COMMIT are what the results name.

Compared are distinct (caller, callee) pairs between functions declared in the
measured code (callgraph's synthetic wrappers and package inits are dropped).
Recall against ``static`` and ``vta`` says how much of the real graph we find;
precision against ``cha`` (the most permissive of the three) says how much of
what we report is possible at all.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from annotate.index import build as index
from annotate.index import callgraph
from annotate.index.query import Index

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "go"


def ours(directory: Path, module: str) -> tuple[dict[tuple[str, str], set[str]], set[str], float]:
    """Our edges (pair -> call kinds), our declared function names, and the build time."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "i.sqlite"
        started = time.perf_counter()
        index.build(directory, module, db)
        secs = time.perf_counter() - started
        idx = Index(db)
        pairs: dict[tuple[str, str], set[str]] = {}
        for e in idx.all_edges():
            pairs.setdefault((e.caller.sym, e.callee.sym), set()).add(e.via)
        defined = {s.sym for s in idx.search("", kinds=("func", "method", "closure"))} | {
            s.sym for s in idx.search("init#")
        }
        idx.close()
    return pairs, defined, secs


def _ratio(num: int, den: int) -> str:
    return f"{num / den:.3f}" if den else "n/a"


def measure(label: str, directory: Path, module: str, commit: str) -> list[str]:
    pairs, defined, secs = ours(directory, module)
    # both sides: edges between functions declared in the source (no synthetic inits)
    pairs = {p: k for p, k in pairs.items() if p[0] in defined and p[1] in defined}
    ours_set = set(pairs)
    rows = []
    for algo in callgraph.ALGORITHMS:
        raw = callgraph.run(directory, algo)
        theirs_all = callgraph.source_edges(raw, module)
        theirs = {p for p in theirs_all if p[0] in defined and p[1] in defined}
        hit = ours_set & theirs
        rows.append(
            f"| {label} | {commit[:12]} | {algo} | {len(theirs)} | {len(ours_set)} | {len(hit)} "
            f"| {_ratio(len(hit), len(theirs))} | {_ratio(len(hit), len(ours_set))} "
            f"| {len(theirs_all) - len(theirs)} |"
        )
        for kind in ("static", "closure", "interface", "funcvalue"):
            mine = {p for p, kinds in pairs.items() if kind in kinds}
            if not mine:
                continue
            rows.append(
                f"| {label} | | {algo} / our `{kind}` edges | | {len(mine)} "
                f"| {len(mine & theirs)} | | {_ratio(len(mine & theirs), len(mine))} | |"
            )
        if algo == "vta":
            missing = sorted(theirs - ours_set)[:8]
            for a, b in missing:
                print(f"  {label}: missed vta edge {a} -> {b}", file=sys.stderr)
    print(f"{label}: indexed in {secs:.2f}s", file=sys.stderr)
    return rows


def measure_gopath(
    label: str,
    gopath: str,
    load: str,
    caller_pkg: str,
    directory: Path,
    import_root: str,
    commit: str,
) -> list[str]:
    """Real code with dependencies (GOPATH mode): callgraph loads package ``load`` and all
    it imports from GOPATH; compared are edges whose caller is in ``caller_pkg`` and whose
    callee is declared in the tree we index (``directory``, e.g. a reading set)."""
    pairs, defined, _secs = ours(directory, import_root)
    prefixes = (caller_pkg + ".", "(*" + caller_pkg + ".", "(" + caller_pkg + ".")
    mine = {p for p in pairs if p[0].startswith(prefixes) and p[1] in defined}
    rows = []
    for algo in callgraph.ALGORITHMS:
        env = {"GO111MODULE": "off", "GOPATH": gopath, "GOFLAGS": ""}
        raw = callgraph.run(Path(gopath, "src", import_root), algo, [load], env=env)
        theirs = {
            p
            for p in callgraph.source_edges(raw, import_root)
            if p[0].startswith(prefixes) and p[1] in defined
        }
        hit = mine & theirs
        rows.append(
            f"| {label} | {commit[:12]} | {algo} | {len(theirs)} | {len(mine)} | {len(hit)} "
            f"| {_ratio(len(hit), len(theirs))} | {_ratio(len(hit), len(mine))} | |"
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--repo", nargs=4, action="append", default=[], metavar=("DIR", "MODULE", "LABEL", "COMMIT")
    )
    parser.add_argument(
        "--gopath-package",
        nargs=7,
        action="append",
        default=[],
        metavar=("LABEL", "GOPATH", "LOAD", "CALLERS", "DIR", "IMPORT_ROOT", "COMMIT"),
        help="real code in GOPATH layout: load package LOAD, compare the edges out of "
        "package CALLERS into functions declared under DIR",
    )
    parser.add_argument("--out", type=Path, help="also write the Markdown table here")
    args = parser.parse_args(argv)
    if not callgraph.available():
        print("needs `go` and `callgraph` on PATH", file=sys.stderr)
        return 2
    header = [
        "| code | commit | algorithm | callgraph edges | our edges | common | recall "
        "| precision | callgraph edges to undeclared functions (not compared) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    rows = measure("fixture (tests/fixtures/go)", FIXTURE, "example.com/fixture", "working tree")
    for directory, module, label, commit in args.repo:
        rows += measure(label, Path(directory), module, commit)
    for label, gopath, load, callers, directory, root, commit in args.gopath_package:
        rows += measure_gopath(label, gopath, load, callers, Path(directory), root, commit)
    table = "\n".join(header + rows)
    print(table)
    if args.out:
        args.out.write_text(table + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
