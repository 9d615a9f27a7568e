"""Regenerate the committed callgraph edges of our Go fixture corpus.

Usage: .venv/bin/python tests/indexer/regen_expected.py

Needs `go` and `callgraph` (golang.org/x/tools/cmd/callgraph).  Writes
tests/fixtures/go/testdata/expected/<algo>.tsv: the distinct caller/callee
pairs between functions declared in the fixture source, one per line.  The
directory is named testdata so the go tool ignores it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from annotate.index import callgraph

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "go"
MODULE = "example.com/fixture"


def main() -> int:
    if not callgraph.available():
        print("needs go and callgraph on PATH", file=sys.stderr)
        return 2
    version = subprocess.run(["go", "version"], capture_output=True, text=True, check=True).stdout
    out_dir = FIXTURE / "testdata" / "expected"
    out_dir.mkdir(parents=True, exist_ok=True)
    for algo in callgraph.ALGORITHMS:
        edges = callgraph.source_edges(callgraph.run(FIXTURE, algo), MODULE)
        header = (
            f"callgraph -algo={algo} ./... ({version.strip()}); regenerate: {Path(__file__).name}"
        )
        callgraph.write_tsv(out_dir / f"{algo}.tsv", edges, header)
        print(f"{algo}: {len(edges)} edges")
    return 0


if __name__ == "__main__":
    sys.exit(main())
