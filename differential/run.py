"""The differential run: generate, run both sides, compare, shrink, summarise."""

from __future__ import annotations

import itertools
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from differential import generate, pyrunner
from differential.branches import ALL_BRANCHES, scenario_branches
from differential.compare import Comparison, compare
from differential.gorunner import GoHarness
from differential.known import KNOWN_BUGS, explain
from differential.shrink import shrink


@dataclass
class Report:
    seed: int
    scenarios: int = 0
    ticks: int = 0
    ticks_compared: int = 0
    mismatching_scenarios: int = 0
    mismatches: int = 0
    by_field: Counter = field(default_factory=Counter)
    diverged: int = 0
    diverged_why: Counter = field(default_factory=Counter)
    ambiguous_resource_ticks: int = 0
    tie_ticks: int = 0
    branches: Counter = field(default_factory=Counter)
    seconds: dict[str, float] = field(default_factory=dict)
    examples: list[dict[str, Any]] = field(default_factory=list)
    python_compared: bool = True
    python_unavailable: str | None = None
    explained: Counter = field(default_factory=Counter)
    unexplained: int = 0
    go_version: str = ""

    def to_dict(self) -> dict[str, Any]:
        missing = [b for b in ALL_BRANCHES if not self.branches.get(b)]
        return {
            "seed": self.seed,
            "go_version": self.go_version,
            "scenarios": self.scenarios,
            "ticks": self.ticks,
            "ticks_compared": self.ticks_compared,
            "python_compared": self.python_compared,
            "python_unavailable": self.python_unavailable,
            "mismatching_scenarios": self.mismatching_scenarios,
            "mismatches": self.mismatches,
            "mismatches_by_field": dict(self.by_field.most_common()),
            "mismatching_scenarios_explained": dict(self.explained.most_common()),
            "mismatching_scenarios_unexplained": self.unexplained,
            "known_bugs": {
                b.key: {"summary": b.summary, "minimal": b.minimal}
                for b in KNOWN_BUGS
                if self.explained.get(b.key)
            },
            "diverged_scenarios": self.diverged,
            "diverged_why": dict(self.diverged_why.most_common()),
            "ambiguous_resource_ticks": self.ambiguous_resource_ticks,
            "tie_ticks": self.tie_ticks,
            "branch_coverage": {
                "reached": len(ALL_BRANCHES) - len(missing),
                "of": len(ALL_BRANCHES),
                "missing": missing,
                "counts": dict(sorted(self.branches.items())),
            },
            "seconds": {k: round(v, 2) for k, v in self.seconds.items()},
            "examples": self.examples,
        }


def run_differential(
    harness: GoHarness,
    count: int,
    seed: int,
    *,
    chunk: int = 500,
    shrink_examples: int = 5,
    compare_python: bool = True,
    scenarios: Iterable[dict[str, Any]] | None = None,
    progress: Callable[[Report], None] | None = None,
) -> Report:
    """Generate ``count`` scenarios from ``seed`` (or take ``scenarios``), ``chunk`` at a
    time: run them through Go and the mirror, compare, keep counts; then shrink up to
    ``shrink_examples`` mismatching scenarios, one per kind of mismatch."""
    report = Report(seed=seed, go_version=harness.go_version)
    for key in ("generate", "go", "python", "compare", "shrink"):
        report.seconds[key] = 0.0
    if compare_python:
        reason = pyrunner.unavailable_reason()
        if reason:
            report.python_compared = False
            report.python_unavailable = reason
            compare_python = False
    else:
        report.python_compared = False
        report.python_unavailable = "not requested"

    source = iter(scenarios) if scenarios is not None else generate.iter_batch(seed, count)
    failing: list[tuple[dict[str, Any], Comparison, str | None]] = []
    while True:
        t0 = time.perf_counter()
        part = list(itertools.islice(source, chunk))
        report.seconds["generate"] += time.perf_counter() - t0
        if not part:
            break
        report.scenarios += len(part)
        report.ticks += sum(len(s["ticks"]) for s in part)

        t0 = time.perf_counter()
        go_results = harness.run_batch(part)
        report.seconds["go"] += time.perf_counter() - t0
        for sc, g in zip(part, go_results, strict=True):
            report.branches.update(scenario_branches(sc, g))
        if not compare_python:
            if progress:
                progress(report)
            continue

        t0 = time.perf_counter()
        py_results = [pyrunner.run_scenario(s) for s in part]
        report.seconds["python"] += time.perf_counter() - t0

        t0 = time.perf_counter()
        for sc, g, p in zip(part, go_results, py_results, strict=True):
            c = compare(g, p)
            report.ticks_compared += c.ticks_compared
            report.ambiguous_resource_ticks += c.ambiguous_resource_ticks
            report.tie_ticks += c.tie_ticks
            if c.diverged_at is not None:
                report.diverged += 1
                why = c.diverged_why or "?"
                report.diverged_why[
                    "rank tie"
                    if why.startswith("tie")
                    else "another starved resource"
                    if why.startswith("reclaim")
                    else why
                ] += 1
            if c.mismatches:
                report.mismatching_scenarios += 1
                report.mismatches += len(c.mismatches)
                report.by_field.update({m.field for m in c.mismatches})
                why = explain(sc, g, pyrunner.run_scenario)
                if why:
                    report.explained[why] += 1
                else:
                    report.unexplained += 1
                if len(failing) < 200:
                    failing.append((sc, c, why))
        report.seconds["compare"] += time.perf_counter() - t0
        if progress:
            progress(report)

    t0 = time.perf_counter()
    seen: set[str] = set()
    # one example per (cause, kind of mismatch); unexplained ones first
    failing.sort(key=lambda item: item[2] is not None)
    for sc, c, why in failing:
        kind = f"{why or 'UNEXPLAINED'}: {c.mismatches[0].field}"
        if kind in seen or len(report.examples) >= shrink_examples:
            continue
        seen.add(kind)
        small, rounds = shrink(sc, harness.run_batch, pyrunner.run)
        g, p = harness.run_batch([small])[0], pyrunner.run_scenario(small)
        sc_cmp = compare(g, p)
        report.examples.append(
            {
                "kind": kind,
                "explained_by": why,
                "original": sc["id"],
                "original_mismatches": [m.to_dict() for m in c.mismatches][:5],
                "shrink_rounds": rounds,
                "mismatches": [m.to_dict() for m in sc_cmp.mismatches][:5],
                "scenario": small,
            }
        )
    report.seconds["shrink"] += time.perf_counter() - t0
    return report
