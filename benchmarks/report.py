"""What benchmark scripts share: the line naming the machine, and print-then-maybe-record.

A figure means little without the machine and its load at the time, so every results file
starts with the same line; ``--record`` writes the printed text unchanged to
``benchmarks/results/NAME``.
"""

from __future__ import annotations

import os
import platform
from pathlib import Path

RESULTS = Path(__file__).parent / "results"


def machine_line(load: float) -> str:
    """Interpreter, architecture, cores and the 1-minute load average measured at ``load``."""
    return (
        f"{platform.python_implementation()} {platform.python_version()} on "
        f"{platform.machine()}, {os.cpu_count()} cores, load average {load:.2f}"
    )


def emit(lines: list[str], name: str, record: bool) -> None:
    """Print ``lines``; with ``record``, also write them to ``benchmarks/results/<name>``."""
    text = "\n".join(lines) + "\n"
    print(text)
    if record:
        out = RESULTS / name
        out.write_text(text)
        print(f"written to {out}")
