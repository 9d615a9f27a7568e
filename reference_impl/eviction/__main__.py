"""Command line: ``python -m reference_impl.eviction {simulate,explain,replay,...} ...``.

``replay``, ``generate``, ``mirror`` and ``shrink-crash`` come from
:mod:`reference_impl.eviction.replay.__main__`.

Exit codes: 0 done; 2 bad input (a file or field that cannot be used: one line on stderr
naming the file and the field) or bad usage (argparse); 3 a release-1.10 kubelet would
crash (panic) on this input.  No traceback for either.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from reference_impl.eviction.api import GoPanic
from reference_impl.eviction.explain import ExplainError, explain, load_pods, load_summary, render
from reference_impl.eviction.kubeletconfig import KubeletConfigError, load_eviction_settings
from reference_impl.eviction.pods import PodError
from reference_impl.eviction.replay import __main__ as replay_cli
from reference_impl.eviction.scenario import ScenarioError, load_scenario


def _simulate(args: argparse.Namespace) -> int:
    from reference_impl.eviction.simulator import run_scenario

    scenario = load_scenario(args.scenario)
    result = run_scenario(scenario, record_traces=bool(args.json))
    print(f"scenario {scenario.name}: {len(result.ticks)} passes over {scenario.duration}")
    for threshold in scenario.settings.thresholds:
        print(f"  threshold {threshold.to_dict()}")
    if not result.evictions:
        print("no pod was evicted")
    for e in result.evictions:
        print(
            f"  {e.offset_seconds / 60:7.2f} min  evicted {e.pod}: {e.message} "
            f"(grace period override {e.grace_period_override}s)"
        )
    if args.plot:
        from reference_impl.eviction.plot import plot_result

        print(f"plot written to {plot_result(result, args.plot)}")
    if args.json:
        Path(args.json).write_text(json.dumps(result.to_dict(), indent=2))
        print(f"trace written to {args.json}")
    return 0


def _explain(args: argparse.Namespace) -> int:
    summary = load_summary(args.summary)
    pods = load_pods(args.pods)
    settings = load_eviction_settings(args.config) if args.config else None
    try:
        result = explain(summary, pods, settings)
    except PodError as err:  # pods are validated lazily, as the kubelet reads them
        raise ExplainError(f"pods {args.pods}: {err}") from None
    if args.json:
        print(json.dumps(result.to_dict(), indent=2))
    else:
        print(render(result))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the ``python -m reference_impl.eviction`` command line; return the exit status
    (0 ok, 1 a replay found an unexplained mismatch, 2 bad input, 3 input on which the 1.10
    kubelet would panic). A project command, not a mirror of a Go symbol; it is run by
    ``tests/eviction/test_simulator.py`` and the replay tests rather than as a doctest."""
    parser = argparse.ArgumentParser(
        prog="python -m reference_impl.eviction",
        description="The release-1.10 (v1.10.11) kubelet eviction manager, mirrored in Python.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sim = sub.add_parser("simulate", help="run a scenario YAML on a fake clock")
    sim.add_argument("scenario")
    sim.add_argument("--plot", help="write a PNG of signals, thresholds, pressure and evictions")
    sim.add_argument("--json", help="write every pass's decision trace as JSON")
    sim.set_defaults(func=_simulate)
    exp = sub.add_parser("explain", help="what would a 1.10 kubelet do with this node now?")
    exp.add_argument("--summary", required=True, help="Summary JSON file or http(s) URL")
    exp.add_argument("--pods", required=True, help="pods JSON/YAML (kubectl get pods -o json)")
    exp.add_argument("--config", help="KubeletConfiguration v1beta1 YAML (default: 1.10 defaults)")
    exp.add_argument("--json", action="store_true", help="print the traces as JSON")
    exp.set_defaults(func=_explain)
    replay_cli.add_commands(sub)
    args = parser.parse_args(argv)
    if args.command in replay_cli.COMMANDS:
        return replay_cli.run_command(args)
    try:
        return int(args.func(args))
    except (ScenarioError, ExplainError, KubeletConfigError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except GoPanic as err:
        print(f"a release-1.10 kubelet would crash on this input: {err}", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
