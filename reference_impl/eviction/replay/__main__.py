"""Replay recorded real-kubelet decisions through the mirror, from the command line.

python -m reference_impl.eviction replay FILE... [--json OUT]   (recorded Go results vs mirror)
python -m reference_impl.eviction generate --count 10 --seed 1 > scenarios.json
python -m reference_impl.eviction mirror scenarios.json          (mirror results, one JSON a line)
python -m reference_impl.eviction shrink-crash scenarios.json    (smallest scenario that still
                                                                   crashes the mirror)

``python -m reference_impl.eviction.replay ...`` takes the same commands. Nothing here
builds or runs Go: recordings are data (format: ``recording.schema.json``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from reference_impl.eviction.replay import generate, pyrunner
from reference_impl.eviction.replay.recorded import RecordingError
from reference_impl.eviction.replay.schema import ScenarioError, validate_scenario

SUMMARY_KEYS = (
    "scenarios",
    "ticks",
    "ticks_compared",
    "mismatches",
    "mismatching_scenarios",
    "mismatches_by_field",
    "mismatching_scenarios_explained",
    "mismatching_scenarios_unexplained",
    "mirror_crashes",
    "diverged_scenarios",
    "diverged_why",
    "seconds",
)


class ReplayInputError(ValueError):
    """A scenarios file the commands cannot use; the message names the file and the place.

    >>> issubclass(ReplayInputError, ValueError)
    True
    """


def _load_scenarios(path: str) -> list[dict[str, Any]]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ReplayInputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ReplayInputError(f"{path}: not JSON: {exc}") from None
    scenarios = data.get("scenarios") if isinstance(data, dict) else data
    if not isinstance(scenarios, list):
        raise ReplayInputError(f"{path}: expected a list of scenarios or {{'scenarios': [...]}}")
    for i, s in enumerate(scenarios):
        try:
            validate_scenario(s)
        except ScenarioError as exc:
            raise ReplayInputError(f"{path}: scenarios[{i}]: {exc}") from None
    return scenarios


def _with_progress(items: Iterator[Any], total: int, label: str) -> Iterator[Any]:
    """``items`` unchanged, with a rich progress bar on a terminal (silent otherwise)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    console = Console(stderr=True)
    with Progress(
        f"[bold]{label}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        disable=not console.is_terminal,
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=total)
        for item in items:
            yield item
            bar.advance(task)


def replay_files(paths: list[str], *, progress: bool = True) -> list[dict[str, Any]]:
    """Replay every recording; one report dict per file (raises RecordingError).

    >>> import pathlib
    >>> sample = (
    ...     pathlib.Path(__file__).resolve().parents[3]
    ...     / "tests"
    ...     / "eviction"
    ...     / "data"
    ...     / "recorded_sample.json.gz"
    ... )
    >>> (d,) = replay_files([str(sample)], progress=False)
    >>> d["scenarios"], d["mismatching_scenarios_unexplained"]
    (330, 0)
    """
    from reference_impl.eviction.replay import recorded
    from reference_impl.eviction.replay.run import replay

    reports = []
    for path in paths:
        rec = recorded.load(path)
        pairs: Iterator[Any] = recorded.pairs(rec)
        if progress:
            pairs = _with_progress(pairs, len(rec.records), Path(path).name)
        report = replay(pairs, source=path, go_version=rec.go_version)
        reports.append(report.to_dict())
    return reports


def summary_lines(d: dict[str, Any]) -> list[str]:
    """What ``replay`` prints for one file's report.

    >>> from reference_impl.eviction.replay.run import Report
    >>> d = Report(source="rec.json", scenarios=2, ticks=9).to_dict()
    >>> line = summary_lines(d)[0]
    >>> line.startswith("rec.json: 2 scenarios, 9 ticks"), "0 mismatches (0 unexplained)" in line
    (True, True)
    """
    cov = d["branch_coverage"]
    lines = [
        f"{d['source']}: {d['scenarios']} scenarios, {d['ticks']} ticks, "
        f"{d['ticks_compared']} ticks compared, {d['mismatches']} mismatches "
        f"({d['mismatching_scenarios_unexplained']} unexplained), "
        f"{d['diverged_scenarios']} diverged, {d['mirror_crashes']} mirror crashes, "
        f"{sum(d['seconds'].values()):.1f} s",
        json.dumps({k: d[k] for k in SUMMARY_KEYS}, indent=2),
        f"branch coverage: {cov['reached']}/{cov['of']}; missing: {cov['missing']}",
    ]
    for ex in d["diverged_examples"][:5]:
        lines.append(f"  diverged {ex['id']} at tick {ex['tick']}: {ex['why']}")
    return lines


def _replay(args: argparse.Namespace) -> int:
    reports = replay_files(args.files)
    for d in reports:
        print("\n".join(summary_lines(d)))
    if args.json:
        Path(args.json).write_text(json.dumps(reports, indent=2, default=str) + "\n")
    # known mirror bugs (known.py) are reported, not failures of the replay
    bad = sum(d["mismatching_scenarios_unexplained"] + d["mirror_crashes"] for d in reports)
    return 1 if bad else 0


def _generate(args: argparse.Namespace) -> int:
    json.dump({"scenarios": generate.batch(args.seed, args.count, args.prefix)}, sys.stdout)
    return 0


def _mirror(args: argparse.Namespace) -> int:
    for res in pyrunner.run(_load_scenarios(args.scenarios)):
        print(json.dumps(res))
    return 0


def _shrink_crash(args: argparse.Namespace) -> int:
    from reference_impl.eviction.replay.shrink import crash_signature, shrink_crash

    found = 0
    for sc in _load_scenarios(args.scenarios):
        small, rounds = shrink_crash(sc)
        if rounds:
            found += 1
            crash = crash_signature(pyrunner.run_scenario(small))
            print(json.dumps({"id": sc["id"], "crash": crash, "rounds": rounds, "scenario": small}))
    return 1 if found else 0


COMMANDS = ("replay", "generate", "mirror", "python", "shrink-crash")


def add_commands(sub: Any) -> None:
    """Add ``replay``, ``generate``, ``mirror`` and ``shrink-crash`` to a subparsers object.

    >>> import argparse
    >>> p = argparse.ArgumentParser()
    >>> add_commands(p.add_subparsers(dest="cmd"))
    >>> p.parse_args(["generate", "--count", "2"]).count
    2
    """
    r = sub.add_parser("replay", help="replay recorded real-kubelet decisions through the mirror")
    r.add_argument("files", nargs="+", metavar="FILE", help="recording (.json or .json.gz)")
    r.add_argument("--json", help="write the full reports here")
    r.set_defaults(func=_replay)
    g = sub.add_parser("generate", help="print a batch of generated scenarios as JSON")
    g.add_argument("--count", type=int, default=10)
    g.add_argument("--seed", type=int, default=1)
    g.add_argument("--prefix", default="s")
    g.set_defaults(func=_generate)
    m = sub.add_parser(
        "mirror",
        aliases=["python"],  # its name in the retired differential CLI
        help="run scenarios through the mirror; one result JSON a line",
    )
    m.add_argument("scenarios")
    m.set_defaults(func=_mirror)
    s = sub.add_parser("shrink-crash", help="shrink scenarios that crash the mirror")
    s.add_argument("scenarios")
    s.set_defaults(func=_shrink_crash)


def run_command(args: argparse.Namespace) -> int:
    """Run a parsed command; bad input is one line on stderr and exit status 2.

    >>> import argparse
    >>> p = argparse.ArgumentParser()
    >>> add_commands(p.add_subparsers(dest="cmd"))
    >>> run_command(p.parse_args(["replay", "/nonexistent.json"]))
    2
    """
    try:
        return int(args.func(args))
    except (RecordingError, ReplayInputError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `... | head`: the reader left; not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def main(argv: list[str] | None = None) -> int:
    """Run ``python -m reference_impl.eviction.replay``; return the exit status."""
    ap = argparse.ArgumentParser(
        prog="python -m reference_impl.eviction.replay",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_commands(ap.add_subparsers(dest="cmd", required=True))
    return run_command(ap.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
