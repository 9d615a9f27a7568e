"""``python -m reference_impl.operator simulate SCENARIO [--world fake|etcd] [--plot out.png]``"""

from __future__ import annotations

import argparse
import json
import sys

from reference_impl.operator.scenario import ScenarioError, load, run


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m reference_impl.operator")
    sub = ap.add_subparsers(dest="cmd", required=True)
    sim = sub.add_parser("simulate", help="run a scenario and print its reconcile trace")
    sim.add_argument("scenario", help="scenario YAML (see reference_impl/operator/scenario.py)")
    sim.add_argument("--world", choices=["fake", "etcd"], default="fake")
    sim.add_argument("--plot", metavar="PNG", help="write a timeline figure")
    sim.add_argument(
        "--time-scale",
        type=float,
        default=None,
        help="world seconds per scenario second (default 1 fake, 0.125 etcd)",
    )
    sim.add_argument("--json", metavar="FILE", help="write the trace as JSON")
    args = ap.parse_args(argv)
    try:
        scn = load(args.scenario)
    except (ScenarioError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    result = run(scn, args.world, args.time_scale)
    for at, what in result.applied:
        print(f"t={at:7.1f}s  event  {what}")
    for c in result.trace.for_cluster(scn.cluster.name):
        err = f"  error: {c.error}" if c.error else ""
        acts = "; ".join(c.actions)
        print(
            f"t={c.time:7.1f}s  {c.branch:<20} pods={len(c.running)} "
            f"members={len(c.members_after)} {acts}{err}"
        )
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result.trace.to_dicts(), f, indent=1)
    if args.plot:
        from reference_impl.operator.plot import plot

        print(f"wrote {plot(result, args.plot)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
