"""``etcd-operator-0.9.4 simulate SCENARIO [--world fake|etcd] [--plot out.png]`` (also
``python -m reference_impl.operator``).

Prints the reconcile cycles that changed something (a branch other than no-op, an action,
an error, different pods or members); ``--verbose`` prints every cycle, ``--json`` the whole
result as one JSON document.

Exit codes (:mod:`reference_impl.cli`, as ``annotate``): 0 done; 1 bad input (one line on
stderr naming the file and field); 2 usage; 3 environment (no etcd installed, an output file
that cannot be written); 130/143 when interrupted by SIGINT/SIGTERM (etcd processes and
temporary directories are cleaned up).  ``--debug`` shows a traceback instead.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any

from reference_impl import cli
from reference_impl.operator.scenario import EnvironmentProblem, ScenarioError, load, run
from reference_impl.operator.trace import CycleRecord

PROG = "etcd-operator-0.9.4"


class _Bar:
    """A rich progress bar of scenario seconds on a terminal (the real-etcd world runs in
    real time: minutes); nothing when stderr is not a terminal."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.progress: Any = None
        self.task: Any = None

    def __enter__(self) -> _Bar:
        if sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            self.progress = Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                TextColumn("{task.completed:.0f}/{task.total:.0f} scenario s"),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self.progress.start()
        return self

    def tick(self, t: float, duration: float) -> None:
        if self.progress is None:
            return
        if self.task is None:
            self.task = self.progress.add_task(self.label, total=duration)
        self.progress.update(self.task, completed=t)

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.stop()


def _changed(cycle: CycleRecord, before: CycleRecord | None) -> bool:
    """Whether a cycle did or saw something its predecessor did not (the default output
    shows only these: the first cycle, and every change of branch, actions, error, running
    pods, members or phase; a no-op or an error repeated cycle after cycle shows once)."""
    if before is None:
        return True

    def seen(c: CycleRecord) -> tuple[object, ...]:
        return (c.branch, c.actions, c.error, c.running, c.members_after, c.phase)

    return seen(cycle) != seen(before)


def _time_scale(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a number is required, got {text!r}") from None
    if not math.isfinite(value) or not 0 < value <= 100:
        raise argparse.ArgumentTypeError(f"a finite number in (0, 100] is required, got {text!r}")
    return value


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog=PROG,
        description="The CoreOS etcd-operator v0.9.4's reconcile loop, mirrored in Python.",
        epilog="exit codes: 0 done, 1 bad input, 2 usage, 3 environment (no etcd, unwritable "
        "output), 130/143 interrupted",
    )
    cli.add_debug(ap)
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
    sim.add_argument("--trace", metavar="FILE", help="write the whole trace as JSON")
    sim.add_argument(
        "--json", action="store_true", help="print the events and cycles as one JSON document"
    )
    sim.add_argument(
        "-v", "--verbose", action="store_true", help="print every cycle, no-ops included"
    )
    cli.add_debug(sim, after_command=True)
    args = ap.parse_args(argv)
    try:
        scn = load(args.scenario)
    except (ScenarioError, OSError) as err:
        if args.debug:
            raise
        print(f"{PROG} simulate: error: {err}", file=sys.stderr)
        return cli.BAD_INPUT
    bar = _Bar(f"simulate {scn.cluster.name} ({args.world})")
    try:
        with bar:
            result = run(scn, args.world, args.time_scale, on_tick=bar.tick)
    except ScenarioError as err:
        if args.debug:
            raise
        print(f"{PROG} simulate: error: {args.scenario}: {err}", file=sys.stderr)
        return cli.BAD_INPUT
    except EnvironmentProblem as err:
        if args.debug:
            raise
        print(f"{PROG} simulate: error: {err}", file=sys.stderr)
        return cli.ENVIRONMENT
    except KeyboardInterrupt:  # the world has cleaned up in run()'s finally
        print(f"{PROG} simulate: interrupted", file=sys.stderr)
        return 130
    cycles = result.trace.for_cluster(scn.cluster.name)
    shown = [
        c for i, c in enumerate(cycles) if args.verbose or _changed(c, cycles[i - 1] if i else None)
    ]
    out = sys.stderr if args.json else sys.stdout
    if args.json:
        document = {
            "scenario": args.scenario,
            "cluster": scn.cluster.name,
            "events": [{"time": at, "event": what} for at, what in result.applied],
            "cycles": [
                {
                    "time": c.time,
                    "branch": c.branch,
                    "pods": list(c.running),
                    "members": list(c.members_after),
                    "actions": list(c.actions),
                    "error": c.error,
                }
                for c in shown
            ],
            "cycles_total": len(cycles),
        }
        print(json.dumps(document, indent=2))
    else:
        for at, what in result.applied:
            print(f"t={at:7.1f}s  event  {what}")
        for c in shown:
            problem = f"  error: {c.error}" if c.error else ""
            acts = "; ".join(c.actions)
            print(
                f"t={c.time:7.1f}s  {c.branch:<20} pods={len(c.running)} "
                f"members={len(c.members_after)} {acts}{problem}"
            )
        if not args.verbose:
            print(f"({len(shown)} of {len(cycles)} cycles changed something; --verbose shows all)")
    try:
        if args.trace:
            with open(args.trace, "w") as f:
                json.dump(result.trace.to_dicts(), f, indent=1)
        if args.plot:
            from reference_impl.operator.plot import plot

            print(f"wrote {plot(result, args.plot)}", file=out)
    except OSError as err:
        if args.debug:
            raise
        print(
            f"{PROG} simulate: error: cannot write {err.filename or args.trace or args.plot}: "
            f"{err.strerror or err}",
            file=sys.stderr,
        )
        return cli.ENVIRONMENT
    return 0


def run_cli() -> None:
    """The ``etcd-operator-0.9.4`` console script."""
    cli.run(PROG, main)


if __name__ == "__main__":
    run_cli()
