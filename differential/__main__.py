"""``python -m differential`` — run the differential check from the command line.

python -m differential run --count 1000 --seed 1 [--gopath DIR] [--go-only] [--json OUT]
python -m differential generate --count 10 --seed 1 > scenarios.json
python -m differential go scenarios.json            (Go results, one JSON per line)
python -m differential python scenarios.json        (mirror results, one JSON per line)
python -m differential compare scenarios.json       (both, then the comparison)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from differential import generate, gorunner, pyrunner
from differential.compare import compare
from differential.schema import validate_scenario


def _load(path: str) -> list[dict]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    scenarios = data["scenarios"] if isinstance(data, dict) else data
    for s in scenarios:
        validate_scenario(s)
    return scenarios


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m differential",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run", help="generate scenarios, run Go and the mirror, compare")
    r.add_argument("--count", type=int, default=200)
    r.add_argument("--seed", type=int, default=1)
    r.add_argument("--gopath")
    r.add_argument("--go-only", action="store_true", help="run only the Go side")
    r.add_argument("--json", help="write the report here")
    g = sub.add_parser("generate", help="print a batch of scenarios as JSON")
    g.add_argument("--count", type=int, default=10)
    g.add_argument("--seed", type=int, default=1)
    for name in ("go", "python", "compare"):
        s = sub.add_parser(name)
        s.add_argument("scenarios")
        s.add_argument("--gopath")
    args = ap.parse_args(argv)

    if args.cmd == "generate":
        json.dump({"scenarios": generate.batch(args.seed, args.count)}, sys.stdout)
        return 0
    if args.cmd == "python":
        for res in pyrunner.run(_load(args.scenarios)):
            print(json.dumps(res))
        return 0
    try:
        harness = gorunner.build_harness(getattr(args, "gopath", None))
    except gorunner.GoUnavailable as exc:
        print(f"differential: {exc}", file=sys.stderr)
        return 2
    if args.cmd == "go":
        for res in harness.run_batch(_load(args.scenarios)):
            print(json.dumps(res))
        return 0
    if args.cmd == "compare":
        scenarios = _load(args.scenarios)
        bad = 0
        for g, p in zip(harness.run_batch(scenarios), pyrunner.run(scenarios), strict=True):
            c = compare(g, p)
            bad += not c.ok
            print(
                json.dumps(
                    {
                        "id": c.scenario,
                        "ok": c.ok,
                        "diverged_at": c.diverged_at,
                        "mismatches": [m.to_dict() for m in c.mismatches],
                    }
                )
            )
        return 1 if bad else 0

    from differential.run import run_differential

    report = run_differential(harness, args.count, args.seed, compare_python=not args.go_only)
    out = json.dumps(report.to_dict(), indent=2, default=str)
    if args.json:
        Path(args.json).write_text(out + "\n", encoding="utf-8")
    d = report.to_dict()
    print(
        json.dumps(
            {
                k: d[k]
                for k in (
                    "scenarios",
                    "ticks",
                    "ticks_compared",
                    "mismatches",
                    "mismatching_scenarios",
                    "mismatches_by_field",
                    "mismatching_scenarios_explained",
                    "mismatching_scenarios_unexplained",
                    "diverged_scenarios",
                    "seconds",
                    "python_unavailable",
                )
            },
            indent=2,
        )
    )
    print(
        f"branch coverage: {d['branch_coverage']['reached']}/{d['branch_coverage']['of']}; "
        f"missing: {d['branch_coverage']['missing']}"
    )
    # known mirror bugs (differential/known.py) are reported, not failures of this run
    return 1 if report.unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
