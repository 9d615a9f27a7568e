"""Replay whole recordings of the real kubelet's decisions through the mirror, and record
the figures under ``benchmarks/results/``.

    .venv/bin/python benchmarks/replay_recorded.py [RECORDING.json.gz ...]

Without arguments it looks for ``../shared/recorded/eviction-v1.10.11/*.json.gz`` relative
to the repository root (where the project's shared data sits beside a clone) and says so
and exits 0 when there is none. Every scenario is regenerated and checked against its
recorded hash first, so a run also proves the generator still reproduces the recording.
Prints figures; asserts nothing about time.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reference_impl.eviction.replay.__main__ import replay_files, summary_lines  # noqa: E402
from reference_impl.eviction.replay.recorded import RecordingError  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
DEFAULT_GLOB = "eviction-v1.10.11/*.json.gz"


def markdown(d: dict, wall: float) -> str:
    cov = d["branch_coverage"]
    name = Path(d["source"]).name
    lines = [
        f"# Replay of recorded real-kubelet decisions — {name}",
        "",
        "The real kubelet eviction package of release-1.10 (v1.10.11; results recorded with "
        f"`{d['go_version']}`) against the Python mirror `reference_impl.eviction`, replayed "
        "from data by `benchmarks/replay_recorded.py` (nothing built or run but the mirror).",
        "",
        "| figure | value |",
        "|---|---|",
        f"| scenarios (each regenerated and checked against its recorded SHA-256) | "
        f"{d['scenarios']} |",
        f"| ticks (synchronize passes) | {d['ticks']} |",
        f"| ticks compared | {d['ticks_compared']} |",
        f"| mismatches | {d['mismatches']} |",
        f"| unexplained mismatching scenarios | {d['mismatching_scenarios_unexplained']} |",
        f"| mirror crashes | {d['mirror_crashes']} |",
        f"| scenarios that parted on Go's legitimate nondeterminism | {d['diverged_scenarios']} |",
        f"| ticks with several starved non-memory resources | {d['ambiguous_resource_ticks']} |",
        f"| ticks whose evicted pod had exact ranking ties | {d['tie_ticks']} |",
        f"| branch coverage | {cov['reached']}/{cov['of']} |",
        f"| seconds (wall, load + regenerate + replay) | {wall:.1f} |",
        f"| load average (1 min) at the end, {os.cpu_count()} cores | {os.getloadavg()[0]:.1f} |",
        "",
        "Seconds by stage: " + ", ".join(f"{k} {v}" for k, v in d["seconds"].items()),
        "",
        "## Why scenarios diverged",
        "",
    ]
    lines += [f"- {why}: {n}" for why, n in d["diverged_why"].items()] or ["- none"]
    lines += ["", "## Mismatches by field", ""]
    lines += [f"- `{f}`: {n}" for f, n in d["mismatches_by_field"].items()] or ["- none"]
    lines += ["", "## Branches reached (Go side)", ""]
    lines += [f"- `{b}`: {n}" for b, n in cov["counts"].items()]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    paths = argv or [
        str(p) for p in sorted((ROOT.parent / "shared" / "recorded").glob(DEFAULT_GLOB))
    ]
    if not paths:
        print(
            f"replay_recorded: no recording at ../shared/recorded/{DEFAULT_GLOB} "
            "(relative to the repository root); nothing to replay"
        )
        return 0
    RESULTS.mkdir(parents=True, exist_ok=True)
    bad = 0
    for path in paths:
        t0 = time.perf_counter()
        try:
            (d,) = replay_files([path])
        except RecordingError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        wall = time.perf_counter() - t0
        print("\n".join(summary_lines(d)))
        print(f"wall seconds: {wall:.1f}")
        stem = Path(path).name.removesuffix(".gz").removesuffix(".json")
        d["wall_seconds"] = round(wall, 1)
        # recorded relative to the repository root: no machine path goes into the results
        d["source"] = os.path.relpath(os.path.abspath(path), ROOT)
        (RESULTS / f"replay-{stem}.json").write_text(
            json.dumps({k: v for k, v in d.items() if k != "examples"}, indent=2) + "\n"
        )
        (RESULTS / f"replay-{stem}.md").write_text(markdown(d, wall))
        print(f"recorded in benchmarks/results/replay-{stem}.md and .json")
        bad += d["mismatching_scenarios_unexplained"] + d["mirror_crashes"]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
