"""Large differential run: the real release-1.10 eviction manager against the Python mirror.

    python benchmarks/differential_run.py [--count 10000] [--seed 1126] [--gopath DIR]
                                          [--go-only] [--out benchmarks/results]

Generates ``--count`` scenarios from ``--seed`` (500 per harness call), runs each through
the Go harness and the mirror, compares them decision by decision, shrinks up to five
mismatching scenarios (one per kind of mismatch), and records scenarios, ticks,
mismatches, seconds and branch coverage in
``<out>/differential-<date>-seed<seed>.json`` and ``.md``.

Run from the repository root (``cd`` there first until the ``differential`` package is
listed in pyproject.toml). The harness binary is built first and not timed; timings are
figures to read, never assertions.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from differential import gorunner  # noqa: E402
from differential.run import Report, run_differential  # noqa: E402


def _markdown(d: dict, total: float) -> str:
    cov = d["branch_coverage"]
    lines = [
        f"# Differential run — seed {d['seed']}",
        "",
        "The kubelet eviction manager of release-1.10 (v1.10.11, compiled by "
        f"{d['go_version']}) against the Python mirror `reference_impl.eviction`.",
        "",
        "| figure | value |",
        "|---|---|",
        f"| scenarios | {d['scenarios']} |",
        f"| ticks (synchronize passes) | {d['ticks']} |",
        f"| ticks compared | {d['ticks_compared']} |",
        f"| mirror compared | {d['python_compared']} |",
        f"| mismatching scenarios | {d['mismatching_scenarios']} |",
        f"| mismatches | {d['mismatches']} |",
        f"| scenarios that parted on a legitimate nondeterminism | {d['diverged_scenarios']} |",
        f"| ticks with several starved non-memory resources | {d['ambiguous_resource_ticks']} |",
        f"| ticks whose evicted pod had exact ranking ties | {d['tie_ticks']} |",
        f"| branch coverage | {cov['reached']}/{cov['of']} |",
        f"| seconds (total, harness build excluded) | {total:.1f} |",
        "",
        "Seconds by stage: " + ", ".join(f"{k} {v:.1f}" for k, v in d["seconds"].items()),
        "",
    ]
    if d["python_unavailable"]:
        lines += [f"Mirror not compared: {d['python_unavailable']}", ""]
    if d["mismatches_by_field"]:
        lines += ["## Mismatches by field", ""]
        lines += [f"- `{k}`: {v}" for k, v in d["mismatches_by_field"].items()]
        lines += [""]
    if d["mismatches"]:
        lines += ["## What explains the mismatching scenarios", ""]
        lines += [
            f"- `{k}`: {v} scenario(s) agree with Go once this fix is applied to the mirror"
            for k, v in d["mismatching_scenarios_explained"].items()
        ]
        lines += [f"- unexplained: {d['mismatching_scenarios_unexplained']}", ""]
        for k, bug in d["known_bugs"].items():
            lines += [f"### `{k}`", "", bug["summary"], "", f"Minimal: {bug['minimal']}", ""]
    if d["diverged_why"]:
        lines += ["## Where the runs parted (accepted: Go could have done either)", ""]
        lines += [f"- {k}: {v}" for k, v in d["diverged_why"].items()]
        lines += [""]
    lines += ["## Branch coverage (ticks or scenarios reaching each branch)", ""]
    lines += [f"- `{k}`: {v}" for k, v in cov["counts"].items()]
    if cov["missing"]:
        lines += ["", "Not reached: " + ", ".join(f"`{m}`" for m in cov["missing"])]
    if d["examples"]:
        lines += ["", "## Shrunk mismatching scenarios", ""]
        for e in d["examples"]:
            lines += [f"### {e['kind']} (from {e['original']}, {e['shrink_rounds']} rounds)", ""]
            lines += ["```json", json.dumps(e["mismatches"], indent=1)[:3000], "```", ""]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--count", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=1126)
    ap.add_argument("--gopath")
    ap.add_argument("--go-only", action="store_true")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results"))
    args = ap.parse_args(argv)

    try:
        t0 = time.perf_counter()
        harness = gorunner.build_harness(args.gopath)
        build = time.perf_counter() - t0
    except gorunner.GoUnavailable as exc:
        print(f"differential_run: skipped — {exc}", file=sys.stderr)
        return 2

    def progress(r: Report) -> None:
        print(
            f"  {r.scenarios} scenarios, {r.ticks} ticks, {r.mismatches} mismatches",
            file=sys.stderr,
            flush=True,
        )

    t0 = time.perf_counter()
    report = run_differential(
        harness, args.count, args.seed, compare_python=not args.go_only, progress=progress
    )
    total = time.perf_counter() - t0
    d = report.to_dict()
    d["seconds_total"] = round(total, 2)
    d["seconds_harness_build"] = round(build, 2)
    d["machine"] = {"python": platform.python_version(), "platform": platform.platform()}
    d["recorded_at"] = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stem = f"differential-{datetime.now(UTC):%Y%m%d}-seed{args.seed}"
    (out / f"{stem}.json").write_text(json.dumps(d, indent=1, default=str) + "\n", encoding="utf-8")
    (out / f"{stem}.md").write_text(_markdown(d, total), encoding="utf-8")
    keys = (
        "scenarios",
        "ticks",
        "ticks_compared",
        "mismatches",
        "mismatching_scenarios",
        "mismatching_scenarios_explained",
        "mismatching_scenarios_unexplained",
        "diverged_scenarios",
        "seconds_total",
    )
    print(json.dumps({k: d[k] for k in keys}))
    print(f"recorded {out / stem}.json and .md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
