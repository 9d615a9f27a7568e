"""The replay: recorded Go results through the mirror, compared, summarised.

Every pair is (scenario, what the real v1.10.11 package decided for it). The mirror runs
the scenario (:mod:`.pyrunner`), :func:`.compare.compare` holds the two results side by
side, :func:`.known.explain` attributes a mismatch to a known mirror bug, and
:func:`.branches.scenario_branches` counts which branches of ``synchronize`` / ``Admit``
the *Go* run reached. Nothing here builds or runs Go: the Go side is data.

Shrinking against Go is gone with the Go harness (it needed fresh Go runs of every
candidate). What stays: a scenario that *crashes the mirror* is shrunk to a small one that
still crashes it the same way (:func:`.shrink.shrink_crash`) — that needs only the mirror.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from reference_impl.eviction.replay import pyrunner
from reference_impl.eviction.replay.branches import ALL_BRANCHES, scenario_branches
from reference_impl.eviction.replay.compare import compare
from reference_impl.eviction.replay.known import KNOWN_BUGS, explain
from reference_impl.eviction.replay.shrink import crash_signature, shrink_crash

Pair = tuple[dict[str, Any], dict[str, Any]]


@dataclass
class Report:
    """What a replay found, in the shape ``run`` reported before the Go harness went.

    >>> Report(scenarios=1).to_dict()["branch_coverage"]["of"]
    38
    """

    source: str = ""
    go_version: str = ""
    scenarios: int = 0
    ticks: int = 0
    ticks_compared: int = 0
    mismatching_scenarios: int = 0
    mismatches: int = 0
    by_field: Counter = field(default_factory=Counter)
    diverged: int = 0
    diverged_why: Counter = field(default_factory=Counter)
    diverged_examples: list[dict[str, Any]] = field(default_factory=list)
    ambiguous_resource_ticks: int = 0
    tie_ticks: int = 0
    branches: Counter = field(default_factory=Counter)
    seconds: dict[str, float] = field(default_factory=dict)
    examples: list[dict[str, Any]] = field(default_factory=list)
    explained: Counter = field(default_factory=Counter)
    unexplained: int = 0
    mirror_crashes: int = 0

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data.

        >>> Report(scenarios=2, ticks=9).to_dict()["scenarios"]
        2
        """
        missing = [b for b in ALL_BRANCHES if not self.branches.get(b)]
        return {
            "source": self.source,
            "go_version": self.go_version,
            "scenarios": self.scenarios,
            "ticks": self.ticks,
            "ticks_compared": self.ticks_compared,
            "mismatching_scenarios": self.mismatching_scenarios,
            "mismatches": self.mismatches,
            "mismatches_by_field": dict(self.by_field.most_common()),
            "mismatching_scenarios_explained": dict(self.explained.most_common()),
            "mismatching_scenarios_unexplained": self.unexplained,
            "mirror_crashes": self.mirror_crashes,
            "known_bugs": {
                b.key: {"summary": b.summary, "minimal": b.minimal}
                for b in KNOWN_BUGS
                if self.explained.get(b.key)
            },
            "diverged_scenarios": self.diverged,
            "diverged_why": dict(self.diverged_why.most_common()),
            "diverged_examples": self.diverged_examples,
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


def divergence_kind(why: str) -> str:
    """Group a comparison's ``diverged_why`` text into the report's few kinds.

    >>> divergence_kind("tie: p3 and p5 rank equal")
    'rank tie'
    >>> divergence_kind("reclaim: nodefs vs imagefs")
    'another starved resource'
    """
    if why.startswith("tie"):
        return "rank tie"
    if why.startswith("reclaim"):
        return "another starved resource"
    return why


def replay(
    pairs: Iterable[Pair],
    *,
    source: str = "",
    go_version: str = "",
    shrink_examples: int = 5,
    progress: Callable[[Report], None] | None = None,
) -> Report:
    """Run each recorded (scenario, Go result) pair through the mirror and compare.

    ``progress`` is called after every scenario. Up to ``shrink_examples`` scenarios that
    crash the mirror are shrunk (mirror only) and reported under ``examples``.

    >>> import pathlib
    >>> sample = (
    ...     pathlib.Path(__file__).resolve().parents[3]
    ...     / "tests"
    ...     / "eviction"
    ...     / "data"
    ...     / "recorded_sample.json.gz"
    ... )
    >>> import itertools
    >>> from reference_impl.eviction.replay import recorded
    >>> r = replay(itertools.islice(recorded.pairs(recorded.load(sample)), 20))
    >>> r.scenarios, r.mismatches, r.unexplained
    (20, 0, 0)
    """
    report = Report(source=source, go_version=go_version)
    for key in ("python", "compare", "explain", "shrink"):
        report.seconds[key] = 0.0
    crashes: list[dict[str, Any]] = []
    for sc, g in pairs:
        report.scenarios += 1
        report.ticks += len(sc["ticks"])
        report.branches.update(scenario_branches(sc, g))

        t0 = time.perf_counter()
        p = pyrunner.run_scenario(sc)
        report.seconds["python"] += time.perf_counter() - t0

        t0 = time.perf_counter()
        c = compare(g, p)
        report.seconds["compare"] += time.perf_counter() - t0
        report.ticks_compared += c.ticks_compared
        report.ambiguous_resource_ticks += c.ambiguous_resource_ticks
        report.tie_ticks += c.tie_ticks
        if c.diverged_at is not None:
            report.diverged += 1
            kind = divergence_kind(c.diverged_why or "?")
            report.diverged_why[kind] += 1
            if len(report.diverged_examples) < 20:
                report.diverged_examples.append(
                    {"id": sc["id"], "tick": c.diverged_at, "why": c.diverged_why}
                )
        if p.get("error") and not g.get("error"):
            report.mirror_crashes += 1
            if len(crashes) < shrink_examples:
                crashes.append(sc)
        if c.mismatches:
            report.mismatching_scenarios += 1
            report.mismatches += len(c.mismatches)
            report.by_field.update({m.field for m in c.mismatches})
            t0 = time.perf_counter()
            why = explain(sc, g, pyrunner.run_scenario)
            report.seconds["explain"] += time.perf_counter() - t0
            if why:
                report.explained[why] += 1
            else:
                report.unexplained += 1
                if len(report.examples) < shrink_examples:
                    report.examples.append(
                        {
                            "kind": f"UNEXPLAINED: {c.mismatches[0].field}",
                            "original": sc["id"],
                            "mismatches": [m.to_dict() for m in c.mismatches][:5],
                        }
                    )
        if progress:
            progress(report)

    t0 = time.perf_counter()
    for sc in crashes:
        small, rounds = shrink_crash(sc)
        report.examples.append(
            {
                "kind": f"MIRROR CRASH: {crash_signature(pyrunner.run_scenario(sc))}",
                "original": sc["id"],
                "shrink_rounds": rounds,
                "scenario": small,
            }
        )
    report.seconds["shrink"] += time.perf_counter() - t0
    return report
