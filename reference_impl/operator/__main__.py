"""``python -m reference_impl.operator simulate SCENARIO [--world fake|etcd] [--plot out.png]``

Exit codes: 0 done; 2 bad input or usage (one line on stderr naming the file and field);
3 environment (no etcd installed, an output file that cannot be written); 130/143 when
interrupted by SIGINT/SIGTERM (etcd processes and temporary directories are cleaned up).
"""

from __future__ import annotations

import argparse
import json
import math
import sys

from reference_impl.operator.scenario import EnvironmentProblem, ScenarioError, load, run


def _time_scale(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a number is required, got {text!r}") from None
    if not math.isfinite(value) or not 0 < value <= 100:
        raise argparse.ArgumentTypeError(f"a finite number in (0, 100] is required, got {text!r}")
    return value


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m reference_impl.operator")
    sub = ap.add_subparsers(dest="cmd", required=True)
    sim = sub.add_parser("simulate", help="run a scenario and print its reconcile trace")
    sim.add_argument("scenario", help="scenario YAML (see reference_impl/operator/scenario.py)")
    sim.add_argument("--world", choices=["fake", "etcd"], default="fake")
    sim.add_argument("--plot", metavar="PNG", help="write a timeline figure")
    sim.add_argument(
        "--time-scale",
        type=_time_scale,
        default=None,
        help="world seconds per scenario second (default 1 fake, 0.75 etcd: etcd's own "
        "5 s health window is not scaled)",
    )
    sim.add_argument("--json", metavar="FILE", help="write the trace as JSON")
    args = ap.parse_args(argv)
    try:
        scn = load(args.scenario)
    except (ScenarioError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    try:
        result = run(scn, args.world, args.time_scale)
    except ScenarioError as err:
        print(f"error: {args.scenario}: {err}", file=sys.stderr)
        return 2
    except EnvironmentProblem as err:
        print(f"error: {err}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:  # the world has cleaned up in run()'s finally
        print("interrupted", file=sys.stderr)
        return 130
    for at, what in result.applied:
        print(f"t={at:7.1f}s  event  {what}")
    for c in result.trace.for_cluster(scn.cluster.name):
        err = f"  error: {c.error}" if c.error else ""
        acts = "; ".join(c.actions)
        print(
            f"t={c.time:7.1f}s  {c.branch:<20} pods={len(c.running)} "
            f"members={len(c.members_after)} {acts}{err}"
        )
    try:
        if args.json:
            with open(args.json, "w") as f:
                json.dump(result.trace.to_dicts(), f, indent=1)
        if args.plot:
            from reference_impl.operator.plot import plot

            print(f"wrote {plot(result, args.plot)}")
    except OSError as err:
        print(
            f"error: cannot write {err.filename or args.json or args.plot}: {err.strerror or err}",
            file=sys.stderr,
        )
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
