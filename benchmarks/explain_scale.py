"""Large inputs stay linear: ``explain`` on N pods, in a child process per size.

For each N (default 10,000 and 100,000 pods, each with one container, a request and a
Summary entry) this writes the pods JSON and Summary, runs
``python -m reference_impl.eviction explain`` and prints wall time and peak RSS, and the
time ratio between sizes (10x the pods should cost about 10x the time: linear).
Prints figures only; asserts nothing about time (machines differ).

    .venv/bin/python benchmarks/explain_scale.py [N ...]
"""

from __future__ import annotations

import itertools
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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


def measure(n: int, d: Path) -> tuple[float, float]:
    pods, summary = write_inputs(n, d)
    cmd = [sys.executable, "-m", "reference_impl.eviction", "explain"]
    cmd += ["--summary", str(summary), "--pods", str(pods), "--json"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    # ru_maxrss of children is the largest child so far: sizes run in increasing order.
    peak_kib = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return seconds, peak_kib / 1024


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [10_000, 100_000]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sorted(sizes):
            seconds, mib = measure(n, Path(tmp))
            results.append((n, seconds))
            print(f"explain, {n:>7,} pods: {seconds:6.2f} s, peak RSS {mib:7.1f} MiB")
    for (n0, t0), (n1, t1) in itertools.pairwise(results):
        print(f"{n1 / n0:.0f}x the pods -> {t1 / t0:.1f}x the time (linear: ~{n1 / n0:.0f}x)")


if __name__ == "__main__":
    main()
