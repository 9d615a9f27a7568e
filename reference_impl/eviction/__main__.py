"""Command line: ``kubelet-eviction-1.10 {simulate,explain,examples,replay,...} ...`` (also
``python -m reference_impl.eviction``).

``replay``, ``generate``, ``mirror`` and ``shrink-crash`` come from
:mod:`reference_impl.eviction.replay.__main__` (and keep its exit codes: 1 an unexplained
mismatch, 2 bad input).

Exit codes (:mod:`reference_impl.cli`, as ``annotate``): 0 done; 1 bad input (one line on
stderr naming the file and the field); 2 usage; 3 the environment (a file that cannot be read
or written); 4 a release-1.10 kubelet would crash (panic) on this input.  ``--debug`` shows a
traceback instead; a closed pipe ends quietly.
"""

from __future__ import annotations

import argparse
import json
import sys
from importlib.resources import files
from pathlib import Path

from reference_impl import cli
from reference_impl.eviction.api import GoPanic
from reference_impl.eviction.explain import ExplainError, explain, load_pods, load_summary, render
from reference_impl.eviction.kubeletconfig import (
    EvictionSettings,
    KubeletConfigError,
    eviction_settings,
    load_eviction_settings,
)
from reference_impl.eviction.kubeletflags import flags_to_config
from reference_impl.eviction.pods import PodError
from reference_impl.eviction.replay import __main__ as replay_cli
from reference_impl.eviction.scenario import ScenarioError, load_scenario

PROG = "kubelet-eviction-1.10"


def inputs_dir() -> Path:
    """The example inputs shipped with the package (stats summary, pods, kubelet config)."""
    return Path(str(files("reference_impl.eviction") / "inputs"))


def _simulate(args: argparse.Namespace) -> int:
    from reference_impl.eviction.simulator import run_scenario

    scenario = load_scenario(args.scenario)
    result = run_scenario(scenario, record_traces=bool(args.trace))
    evictions = [
        {
            "minutes": round(e.offset_seconds / 60, 4),
            "pod": e.pod,
            "message": e.message,
            "grace_period_override": e.grace_period_override,
        }
        for e in result.evictions
    ]
    if args.json:
        document = {
            "scenario": scenario.name,
            "passes": len(result.ticks),
            "duration": str(scenario.duration),
            "thresholds": [t.to_dict() for t in scenario.settings.thresholds],
            "evictions": evictions,
        }
        print(json.dumps(document, indent=2, default=str))
    else:
        print(f"scenario {scenario.name}: {len(result.ticks)} passes over {scenario.duration}")
        for threshold in scenario.settings.thresholds:
            print(f"  threshold {threshold.to_dict()}")
        if not result.evictions:
            print("no pod was evicted")
        for e in evictions:
            print(
                f"  {e['minutes']:7.2f} min  evicted {e['pod']}: {e['message']} "
                f"(grace period override {e['grace_period_override']}s)"
            )
    out = sys.stderr if args.json else sys.stdout
    if args.plot:
        from reference_impl.eviction.plot import plot_result

        print(f"plot written to {plot_result(result, args.plot)}", file=out)
    if args.trace:
        Path(args.trace).write_text(json.dumps(result.to_dict(), indent=2))
        print(f"trace written to {args.trace}", file=out)
    return 0


def _settings(args: argparse.Namespace) -> EvictionSettings | None:
    if args.config and args.kubelet_flags:
        raise KubeletConfigError("give --config or --kubelet-flags, not both")
    if args.config:
        return load_eviction_settings(args.config)
    if args.kubelet_flags:
        try:
            if args.kubelet_flags == "-":
                text = sys.stdin.read()
            else:
                text = Path(args.kubelet_flags).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise KubeletConfigError(f"kubelet flags {args.kubelet_flags}: {err}") from None
        doc, switches = flags_to_config(text)
        return eviction_settings(doc, **switches)
    return None


def _explain(args: argparse.Namespace) -> int:
    if args.example:
        here = inputs_dir()
        args.summary = args.summary or str(here / "stats-summary.json")
        args.pods = args.pods or str(here / "pods.json")
        if not (args.config or args.kubelet_flags):
            args.config = str(here / "kubelet-config.yaml")
    if not args.summary or not args.pods:
        raise ExplainError("--summary and --pods are needed (or --example for the shipped ones)")
    stdin_users = [a for a in (args.summary, args.pods, args.kubelet_flags) if a == "-"]
    if len(stdin_users) > 1:
        raise ExplainError("only one input can be read from stdin (-)")
    with cli.collector_paused():  # 100,000 pods: see collector_paused
        summary = load_summary(args.summary)
        pods = load_pods(args.pods)
        settings = _settings(args)
        try:
            result = explain(summary, pods, settings)
        except PodError as err:  # pods are validated lazily, as the kubelet reads them
            raise ExplainError(f"pods {args.pods}: {err}") from None
        if args.json:
            print(json.dumps(result.to_dict(), indent=2))
        else:
            print(render(result))
    return 0


def _examples(args: argparse.Namespace) -> int:
    here = inputs_dir()
    names = sorted(p.name for p in here.iterdir() if p.suffix in (".json", ".yaml", ".txt"))
    if args.json:
        print(json.dumps({"directory": str(here), "files": names}, indent=2))
        return 0
    print(f"example inputs in {here}:")
    for name in names:
        print(f"  {name}")
    print(f"try: {PROG} explain --example   (see {here / 'README.md'})")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the ``python -m reference_impl.eviction`` command line; return the exit status
    (0 ok, 1 bad input, 2 usage, 3 environment, 4 input on which the 1.10 kubelet would
    panic; the replay commands: 1 an unexplained mismatch, 2 bad input).  A project command,
    not a mirror of a Go symbol; it is run by ``tests/eviction/test_simulator.py`` and the
    replay tests rather than as a doctest."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="The release-1.10 (v1.10.11) kubelet eviction manager, mirrored in Python.",
        epilog="exit codes: 0 done, 1 bad input, 2 usage, 3 environment, "
        "4 a 1.10 kubelet would panic on this input, 130 interrupted",
    )
    cli.add_debug(parser)
    sub = parser.add_subparsers(dest="command", required=True)
    sim = sub.add_parser("simulate", help="run a scenario YAML on a fake clock")
    sim.add_argument("scenario")
    sim.add_argument("--plot", help="write a PNG of signals, thresholds, pressure and evictions")
    sim.add_argument("--trace", metavar="FILE", help="write every pass's decision trace as JSON")
    sim.add_argument("--json", action="store_true", help="print the outcome as JSON")
    sim.set_defaults(func=_simulate)
    exp = sub.add_parser("explain", help="what would a 1.10 kubelet do with this node now?")
    exp.add_argument(
        "--summary",
        metavar="FILE|URL|-",
        help="the node's stats summary (kubectl get --raw /api/v1/nodes/NODE/proxy/stats/summary)",
    )
    exp.add_argument(
        "--pods", metavar="FILE|-", help="the node's pods, JSON or YAML (kubectl get pods -o json)"
    )
    exp.add_argument(
        "--config",
        metavar="FILE",
        help="KubeletConfiguration v1beta1 YAML (default: 1.10 defaults)",
    )
    exp.add_argument(
        "--kubelet-flags",
        metavar="FILE|-",
        help="the kubelet's command line instead of --config (--eviction-hard=... and friends)",
    )
    exp.add_argument(
        "--example",
        action="store_true",
        help="use the shipped example inputs for what is not given",
    )
    exp.add_argument("--json", action="store_true", help="print the traces as JSON")
    exp.set_defaults(func=_explain)
    ex = sub.add_parser("examples", help="where the shipped example inputs of explain are")
    ex.add_argument("--json", action="store_true", help="print the list as JSON")
    ex.set_defaults(func=_examples)
    replay_cli.add_commands(sub)
    for name, choice in sub.choices.items():
        if name not in replay_cli.COMMANDS:
            cli.add_debug(choice, after_command=True)
    args = parser.parse_args(argv)
    if args.command in replay_cli.COMMANDS:
        return replay_cli.run_command(args)
    try:
        return int(args.func(args))
    except (ScenarioError, ExplainError, KubeletConfigError) as err:
        if args.debug:
            raise
        print(f"{PROG} {args.command}: error: {err}", file=sys.stderr)
        return cli.BAD_INPUT
    except GoPanic as err:
        if args.debug:
            raise
        print(f"a release-1.10 kubelet would crash on this input: {err}", file=sys.stderr)
        return cli.PANIC
    except OSError as err:
        if args.debug:
            raise
        print(f"{PROG} {args.command}: error: {err}", file=sys.stderr)
        return cli.ENVIRONMENT


def run() -> None:
    """The ``kubelet-eviction-1.10`` console script."""
    cli.run(PROG, main)


if __name__ == "__main__":
    run()
