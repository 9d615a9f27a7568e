"""Large inputs stay linear: ``explain`` on N pods, in a child process per size.

For each N (default 10,000 and 100,000 pods, each with one container, a request and a
Summary entry) this writes the pods JSON and Summary, runs
``python -m reference_impl.eviction explain`` ``--runs`` times (default 3, a fresh process
each time) and prints the median and fastest wall time, the peak RSS, and the ratio of the
medians between sizes (10x the pods should cost about 10x the time: linear; the faithful Go
sort is n log n). Prints figures only; asserts nothing about time (machines differ).
``--record`` also writes them, with the machine and its load, to
``benchmarks/results/explain-scale.md``.

    .venv/bin/python benchmarks/explain_scale.py [--runs R] [--record] [N ...]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from report import emit, machine_line

T = "2018-11-26T10:00:00Z"
MI = 2**20


def write_inputs(n: int, d: Path) -> tuple[Path, Path]:
    pods = {
        "apiVersion": "v1",
        "kind": "List",
        "items": [
            {
                "metadata": {"name": f"p{i}", "namespace": "default", "uid": f"u{i}"},
                "spec": {
                    "priority": i % 7,
                    "containers": [{"name": "c", "resources": {"requests": {"memory": "64Mi"}}}],
                },
                "status": {"phase": "Running"},
            }
            for i in range(n)
        ],
    }
    memory = {"time": T, "availableBytes": 50 * MI, "workingSetBytes": 8 * 2**30}
    summary = {
        "node": {
            "nodeName": "n",
            "memory": memory,
            "systemContainers": [{"name": "pods", "memory": dict(memory)}],
            "fs": {"time": T, "availableBytes": 60 * 2**30, "capacityBytes": 100 * 2**30},
        },
        "pods": [
            {
                "podRef": {"name": f"p{i}", "namespace": "default", "uid": f"u{i}"},
                "containers": [
                    {"name": "c", "memory": {"time": T, "workingSetBytes": (i % 97) * MI}}
                ],
            }
            for i in range(n)
        ],
    }
    pods_path, summary_path = d / f"pods-{n}.json", d / f"summary-{n}.json"
    pods_path.write_text(json.dumps(pods))
    summary_path.write_text(json.dumps(summary))
    return pods_path, summary_path


def run_once(pods: Path, summary: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one ``explain`` process."""
    cmd = [sys.executable, "-m", "reference_impl.eviction", "explain"]
    cmd += ["--summary", str(summary), "--pods", str(pods), "--json"]
    start = time.perf_counter()
    with subprocess.Popen(cmd, stdout=subprocess.DEVNULL) as child:
        # wait4 gives this child's own peak RSS (RUSAGE_CHILDREN would give the largest so far).
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    if child.returncode != 0:
        raise SystemExit(f"explain exited {child.returncode} on {pods}")
    return seconds, usage.ru_maxrss / 1024


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("sizes", nargs="*", type=int, metavar="N", default=[10_000, 100_000])
    ap.add_argument("--runs", type=int, default=3, help="processes per size (default 3)")
    ap.add_argument(
        "--record", action="store_true", help="write benchmarks/results/explain-scale.md"
    )
    args = ap.parse_args()
    load = os.getloadavg()[0]
    rows: list[tuple[int, float, float, float]] = []  # n, median s, fastest s, peak MiB
    with tempfile.TemporaryDirectory() as tmp:
        for n in sorted(args.sizes):
            pods, summary = write_inputs(n, Path(tmp))
            runs = [run_once(pods, summary) for _ in range(args.runs)]
            seconds = [s for s, _ in runs]
            row = (n, statistics.median(seconds), min(seconds), max(m for _, m in runs))
            rows.append(row)
            print(f"explain, {n:>7,} pods: median {row[1]:6.2f} s, fastest {row[2]:6.2f} s, "
                  f"peak RSS {row[3]:7.1f} MiB")  # fmt: skip
    lines = [
        f"# `explain` on many pods ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)",
        "",
        f"{machine_line(load)} at the start; {args.runs} processes "
        "per size; wall time of the whole process (start-up, JSON load, validation, ranking, "
        "output).",
        "",
        "| pods | median s | fastest s | peak RSS MiB |",
        "|---:|---:|---:|---:|",
        *(f"| {n:,} | {med:.2f} | {fast:.2f} | {mib:.1f} |" for n, med, fast, mib in rows),
        "",
        *(
            f"{n1 / n0:.0f}x the pods -> {t1 / t0:.1f}x the median time (linear: ~{n1 / n0:.0f}x)."
            for (n0, t0, _, _), (n1, t1, _, _) in itertools.pairwise(rows)
        ),
    ]
    emit(lines, "explain-scale.md", args.record)
    return 0


if __name__ == "__main__":
    sys.exit(main())
