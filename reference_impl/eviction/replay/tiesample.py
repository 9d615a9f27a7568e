"""The Go-1.10-sort tie sample: recorded lines of the real manager, replayed through the mirror.

``tests/eviction/data/differential_go.json.gz`` was recorded before the replay package
existed, by an earlier harness that printed one tab-separated line per ``synchronize``:
scenario name, pass, evicted pods, grace period override, node conditions (sorted),
admission of each probe pod, and the events recorded. It holds 45 random scenarios
(``cases``) and 12 tie-heavy ones (``tie_cases``) recorded with Go 1.10's ``sort.Sort``
algorithm substituted for the recording Go's pdqsort -- the only recorded evidence that
the mirror orders exact rank ties as the kubelet's own toolchain did (the 20,000-scenario
recording was made with Go 1.19's pdqsort; there ties are accepted either way).

Its Go side is those printed lines only, not the replay result format
(``recording.schema.json``), so it cannot be converted into a recording: it stays frozen
in this legacy format, and this module only reads it. Its scenario generator is gone;
new recordings use :mod:`reference_impl.eviction.replay.generate` and arrive as data.

:func:`replay` runs one of its scenarios through the mirror and prints the same lines.
Unlike :mod:`.pyrunner`, every pass hands ``synchronize`` all the scenario's pods (the
earlier harness did not drop evicted ones).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from reference_impl import features
from reference_impl.clock import FakeClock
from reference_impl.eviction.eviction_manager import Manager
from reference_impl.eviction.fakes import (
    FakeDiskGC,
    FakeDiskInfoProvider,
    FakePodKiller,
    FakeRecorder,
    FakeSummaryProvider,
)
from reference_impl.eviction.helpers import parse_threshold_config
from reference_impl.eviction.types import Config, PodAdmitAttributes

# the earlier harness's clock start and the gate defaults it filled in
START = datetime(2018, 11, 26, 10, 0, tzinfo=UTC)
GATE_DEFAULTS = {
    "PodPriority": False,
    "LocalStorageCapacityIsolation": True,
    "ExperimentalCriticalPodAnnotation": False,
}


def replay(scenario: dict[str, Any]) -> list[str]:
    """One line per synchronize, in the harness's format.

    >>> import gzip, json, pathlib
    >>> data = json.loads(
    ...     gzip.decompress(
    ...         (
    ...             pathlib.Path(__file__).resolve().parents[3]
    ...             / "tests"
    ...             / "eviction"
    ...             / "data"
    ...             / "differential_go.json.gz"
    ...         ).read_bytes()
    ...     )
    ... )
    >>> case = data["tie_cases"][0]
    >>> replay(case["scenario"]) == case["go"]
    True
    """
    name = scenario["name"]
    with features.gates({**GATE_DEFAULTS, **scenario["gates"]}):
        try:
            thresholds = parse_threshold_config(
                scenario["allocatable"],
                scenario["hard"],
                scenario["soft"],
                scenario["grace"],
                scenario["reclaim"],
            )
        except ValueError as err:
            return [f"{name}\tERR\t{err}"]
        clock = FakeClock(START)
        killer = FakePodKiller()
        provider = FakeSummaryProvider()
        gc = FakeDiskGC()
        config = Config(
            scenario["maxGrace"], timedelta(seconds=scenario["transitionSeconds"]), thresholds
        )
        recorder = FakeRecorder()
        manager = Manager(provider, config, killer, gc, gc, recorder, {"kind": "Node"}, clock)
        disk = FakeDiskInfoProvider(scenario["dedicatedImageFs"])
        lines = []
        for i, step in enumerate(scenario["steps"]):
            clock.step(timedelta(seconds=step["advanceSeconds"]))
            provider.result = step["summary"]
            killer.reset()
            pods = list(scenario["pods"])

            def active_pods(pods: list[Any] = pods) -> list[Any]:
                return pods

            evicted = manager.synchronize(disk, active_pods)
            names = ",".join(p["metadata"]["name"] for p in evicted or [])
            grace = (
                "-" if killer.grace_period_override is None else str(killer.grace_period_override)
            )
            conditions = ",".join(sorted(manager.node_conditions))
            admits = ",".join(
                "true" if manager.admit(PodAdmitAttributes(pod=p)).admit else "false"
                for p in scenario["probes"]
            )
            events = "|".join(recorder.events)
            recorder.events.clear()
            lines.append(f"{name}\t{i}\t{names}\t{grace}\t{conditions}\t{admits}\t{events}")
        return lines
