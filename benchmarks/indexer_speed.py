"""Indexing speed and memory, against a bare tree-sitter parse of the same files.

Usage::

    .venv/bin/python benchmarks/indexer_speed.py --tree LABEL DIR IMPORT_ROOT [--tree ...]
        [--query SYMBOL] [--repeat N] [--out benchmarks/results/indexer-speed.md]

For each tree, in this one run:

* **bare parse** -- read and ``tree-sitter`` parse every ``.go`` file, one process;
* **cold index** -- a fresh index (parse in a process pool, resolve, store), run in a
  child process so its peak memory (and its workers') can be read;
* **warm index** -- the same command again with nothing changed;
* **query** -- callees of ``--query`` to depth 3 (reachability over the stored edges).

Ratios are against the bare parse measured in the same run (the machine is
shared, so absolute seconds move; ratios move less).  Paths are only read,
never recorded; give LABEL as what the results should name.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from annotate.errors import UserError
from annotate.index import build as index
from annotate.index.query import Index
from annotate.parse.syntax import new_parser

# The cold and warm runs build as the `annotate index` program does (annotate.cli.run):
# the builder's heap is left to the process exit, which skips its teardown.
_CHILD = """
import json, os, resource, sys, time
from pathlib import Path
from annotate.index import build as index
index.leave_heap_to_exit = True
root, import_root, db = sys.argv[1:4]
t = time.perf_counter()
st = index.build(Path(root), import_root, Path(db))
secs = time.perf_counter() - t
print(json.dumps({
    "seconds": secs, "phases": st.seconds, "files": st.files, "parsed": st.parsed,
    "symbols": st.symbols, "edges": st.edges, "unresolved": st.unresolved,
    "rss_self_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "rss_children_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
}), flush=True)
os._exit(0)
"""


def bare_parse(root: Path) -> tuple[float, int, int]:
    paths = list(index.discover(root))
    parser = new_parser()
    size = 0
    started = time.perf_counter()
    for rel in paths:
        data = (root / rel).read_bytes()
        size += len(data)
        parser.parse(data)
    return time.perf_counter() - started, len(paths), size


def run_index(root: Path, import_root: str, db: Path) -> dict:
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, str(root), import_root, str(db)],
        capture_output=True,
        text=True,
        check=True,
        env=dict(os.environ),
    )
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    out["wall_with_startup"] = time.perf_counter() - started
    return out


def query_time(db: Path, symbols: list[str]) -> tuple[str, float, int] | None:
    """Callees to depth 3 of the first of ``symbols`` this tree has."""
    idx = Index(db)
    try:
        for name in symbols:
            try:
                sym = idx.resolve(name)
            except UserError:
                continue
            started = time.perf_counter()
            reached = idx.reach(sym, 3)
            return sym.sym, time.perf_counter() - started, len(reached)
        return None
    finally:
        idx.close()


def measure(
    label: str, root: Path, import_root: str, symbols: list[str], repeat: int = 1
) -> list[str]:
    """One table row.  With ``repeat`` > 1, bare parse and cold index alternate that many
    times and the row gives the median of the per-pair ratios (and their range): on a
    shared machine a single pair can land on a busy or a quiet moment."""
    pairs: list[tuple[float, dict]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(repeat):
            bare, nfiles, size = bare_parse(root)
            db = Path(tmp) / f"speed{i}.sqlite"
            pairs.append((bare, run_index(root, import_root, db)))
        warm = run_index(root, import_root, db)
        q = query_time(db, symbols)
    ratios = sorted(cold["seconds"] / bare for bare, cold in pairs)
    # the pair whose ratio is the median is the one reported in full
    bare, cold = next(
        pair for pair in pairs if pair[1]["seconds"] / pair[0] == ratios[len(ratios) // 2]
    )
    phases = ", ".join(f"{k} {v:.1f}s" for k, v in cold["phases"].items())
    qtext = f"{q[1] * 1000:.1f} ms: `{q[0]}` ({q[2]} symbols)" if q else "no query symbol here"
    spread = f" (median of {repeat}; {ratios[0]:.2f}x-{ratios[-1]:.2f}x)" if repeat > 1 else ""
    rss = max(c["rss_self_mb"] for _b, c in pairs)
    rss_workers = max(c["rss_children_mb"] for _b, c in pairs)
    shown = [round(r, 2) for r in ratios]
    print(f"{label}: ratios {shown}; cold phases: {phases}", file=sys.stderr)
    return [
        f"| {label} | {nfiles} | {size / 1e6:.1f} MB | {bare:.2f} s | {cold['seconds']:.2f} s "
        f"({cold['wall_with_startup']:.2f} s as a process, start to exit) "
        f"| {cold['seconds'] / bare:.2f}x{spread} | {warm['seconds']:.3f} s "
        f"({warm['wall_with_startup']:.2f} s with interpreter start) "
        f"| {rss:.0f} MB (workers {rss_workers:.0f} MB) | {qtext} "
        f"| {cold['symbols']} / {cold['edges']} / {cold['unresolved']} | {phases} |"
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--tree", nargs=3, action="append", required=True, metavar=("LABEL", "DIR", "IMPORT_ROOT")
    )
    parser.add_argument(
        "--query",
        action="append",
        help="symbols to query (the first one a tree has); default: managerImpl.synchronize, "
        "then etcd-operator's (*Cluster).reconcile",
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="bare/cold pairs per tree (median ratio reported)"
    )
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    queries = args.query or [
        "(*k8s.io/kubernetes/pkg/kubelet/eviction.managerImpl).synchronize",
        "(*github.com/coreos/etcd-operator/pkg/cluster.Cluster).reconcile",
    ]
    header = [
        f"cores: {os.cpu_count()} (shared with other jobs); query: callees to depth 3; "
        f"peak RSS: the largest over the cold runs",
        "",
        "| tree | .go files | size | bare parse (1 process) | cold index | cold / bare "
        "| warm index | peak RSS (cold) | query depth 3 | symbols / edges / unresolved "
        "| cold phases |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    rows: list[str] = []
    for label, directory, import_root in args.tree:
        rows += measure(label, Path(directory), import_root, queries, args.repeat)
    table = "\n".join(header + rows)
    print(table)
    if args.out:
        args.out.write_text(table + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
