"""A warm ``annotate callees|callers|show`` on the reading set, against a bare interpreter.

Runs the installed ``annotate`` console script (the one next to this Python) as a user
would, on the kubernetes reading set whose index is already built (a warm start: the
index is up to date, the OS file cache is warm), and ``python -c pass`` with the same
interpreter in the same run, interleaved so that the load of the machine weighs on both
alike.  Prints the median and 90th percentile wall time of each and the ratio of
``annotate``'s median to the bare interpreter's; ``--record`` writes them to
benchmarks/results/cli-latency.md.  Asserts nothing (machines differ); the target of issue
17 is a median of at most 150 ms.

    K8S_READING_KIT_CACHE=... .venv/bin/python benchmarks/cli_latency.py [--runs 21] [--record]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from report import emit, machine_line

BIN = Path(sys.executable).parent
SYMBOL = "managerImpl.synchronize"
COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    f"annotate callees {SYMBOL}": [str(BIN / "annotate"), "callees", SYMBOL],
    f"annotate callers {SYMBOL}": [str(BIN / "annotate"), "callers", SYMBOL],
    f"annotate show {SYMBOL}": [str(BIN / "annotate"), "show", SYMBOL],
}


def wall(cmd: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--runs", type=int, default=21)
    ap.add_argument("--record", action="store_true", help="write benchmarks/results/cli-latency.md")
    args = ap.parse_args()
    subprocess.run([str(BIN / "annotate"), "index", "kubernetes"], check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    for cmd in COMMANDS.values():  # warm the file cache
        wall(cmd)
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(args.runs):
        for name, cmd in COMMANDS.items():
            times[name].append(wall(cmd))
    base = statistics.median(times["python -c pass"])
    lines = [
        f"# Warm CLI latency ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)",
        "",
        f"{machine_line(os.getloadavg()[0])}; {args.runs} runs each, "
        "interleaved; wall time of the whole process.",
        "",
        "| command | median ms | p90 ms | median / `python -c pass` |",
        "|---|---:|---:|---:|",
    ]
    for name, samples in times.items():
        samples.sort()
        median = statistics.median(samples)
        p90 = samples[min(len(samples) - 1, int(0.9 * len(samples)))]
        lines.append(
            f"| `{name}` | {1000 * median:.0f} | {1000 * p90:.0f} | {median / base:.1f}x |"
        )
    worst = max(statistics.median(t) for n, t in times.items() if n.startswith("annotate"))
    lines += ["", f"Slowest annotate median: {1000 * worst:.0f} ms (target: <= 150 ms)."]
    emit(lines, "cli-latency.md", args.record)
    return 0


if __name__ == "__main__":
    sys.exit(main())
