"""Choose the committed replay sample from a full recording (data in, data out).

    .venv/bin/python scripts/make_replay_sample.py RECORDING.json.gz OUT.json.gz [--random 300]

Replays the whole recording through the mirror once to learn, per scenario, which branches
the Go run reached and whether the runs diverged; then keeps (1) a greedy cover of every
branch the full recording reaches, (2) one scenario for each distinct divergence reason
and a dozen more rank ties, (3) ``--random`` further scenarios drawn with a fixed seed.
The sample stores each scenario beside its Go result, so it replays without the generator.
Nothing here runs Go: the Go side is copied from the recording.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
from typing import Any

from reference_impl.eviction.replay import pyrunner, recorded
from reference_impl.eviction.replay.branches import scenario_branches
from reference_impl.eviction.replay.compare import compare


def choose(facts: list[dict[str, Any]], extra: int, seed: int = 20261206) -> list[int]:
    uncovered = set().union(*(f["branches"] for f in facts))
    chosen: list[int] = []
    while uncovered:
        best = max(range(len(facts)), key=lambda i: (len(uncovered & facts[i]["branches"]), -i))
        chosen.append(best)
        uncovered -= facts[best]["branches"]
    reasons: set[str] = set()
    ties = 0
    for i, f in enumerate(facts):
        why = f["diverged"]
        if why and why not in reasons and not why.startswith("tie"):
            reasons.add(why)
            chosen.append(i)
        elif why and why.startswith("tie") and ties < 12:
            ties += 1
            chosen.append(i)
    rest = [i for i in range(len(facts)) if i not in set(chosen)]
    chosen += random.Random(seed).sample(rest, min(extra, len(rest)))
    return sorted(set(chosen))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("recording")
    ap.add_argument("out")
    ap.add_argument("--random", type=int, default=300)
    args = ap.parse_args(argv)
    try:
        rec = recorded.load(args.recording)
        pairs = list(recorded.pairs(rec))
    except recorded.RecordingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    facts = []
    for sc, g in pairs:
        c = compare(g, pyrunner.run_scenario(sc))
        facts.append({"branches": set(scenario_branches(sc, g)), "diverged": c.diverged_why})
    keep = choose(facts, args.random)
    data = {k: v for k, v in rec.data.items() if k != "records"}
    data["about"] = (
        f"A sample of {len(keep)} records of {args.recording.rsplit('/', 1)[-1]} (chosen by "
        "scripts/make_replay_sample.py: every branch the full recording reaches, one scenario "
        "per divergence reason, a dozen rank ties, and a seeded random draw), each with its "
        "scenario. " + rec.data["about"]
    )
    data["generator"] = None
    data["count"] = len(keep)
    data["records"] = [dict(rec.records[i], scenario=pairs[i][0]) for i in keep]
    with gzip.open(args.out, "wt", encoding="utf-8", compresslevel=9) as out:
        json.dump(data, out, separators=(",", ":"), sort_keys=True)
    print(f"{args.out}: {len(keep)} records")
    return 0


if __name__ == "__main__":
    sys.exit(main())
