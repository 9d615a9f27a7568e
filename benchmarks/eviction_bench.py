"""Speed of the eviction mirror: one synchronize with 110 pods, and a simulated day.

Prints figures only; asserts nothing about time (machines differ).

    .venv/bin/python benchmarks/eviction_bench.py
"""

from __future__ import annotations

import json
import statistics
import time
from datetime import timedelta

from reference_impl import features
from reference_impl.clock import FakeClock
from reference_impl.eviction import api
from reference_impl.eviction.api import Threshold, ThresholdValue
from reference_impl.eviction.eviction_manager import Manager
from reference_impl.eviction.fakes import (
    FakeDiskGC,
    FakeDiskInfoProvider,
    FakePodKiller,
    FakeRecorder,
    FakeSummaryProvider,
)
from reference_impl.eviction.scenario import parse_scenario
from reference_impl.eviction.simulator import run_scenario
from reference_impl.eviction.types import Config
from reference_impl.quantity import must_parse

PODS = 110  # the kubelet's default --max-pods
MI = 2**20


def _pods_and_stats() -> tuple[list[dict], list[dict]]:
    pods, stats = [], []
    for i in range(PODS):
        name = f"pod-{i:03d}"
        requests = {"memory": f"{64 + (i % 7) * 32}Mi", "cpu": "100m"} if i % 3 else {}
        pods.append(
            {
                "metadata": {"name": name, "namespace": "bench", "uid": name},
                "spec": {
                    "priority": i % 5,
                    "containers": [{"name": name, "resources": {"requests": requests}}],
                },
            }
        )
        stats.append(
            {
                "podRef": {"name": name, "namespace": "bench", "uid": name},
                "containers": [
                    {"name": name, "memory": {"workingSetBytes": (50 + i % 13 * 20) * MI}}
                ],
            }
        )
    return pods, stats


def _summary(available_mib: int, stats: list[dict], t: int) -> dict:
    memory = {
        "time": f"2018-11-26T10:{t // 60 % 60:02d}:{t % 60:02d}Z",
        "availableBytes": available_mib * MI,
        "workingSetBytes": 14 * 1024 * MI,
    }
    return {
        "node": {
            "memory": memory,
            "systemContainers": [{"name": "pods", "memory": dict(memory)}],
            "fs": {"time": memory["time"], "availableBytes": 50 << 30, "capacityBytes": 100 << 30},
        },
        "pods": stats,
    }


def bench_synchronize(available_mib: int, rounds: int = 200) -> float:
    """Median seconds per synchronize; a fresh clock second each pass keeps stats 'new'."""
    pods, stats = _pods_and_stats()
    threshold = Threshold(
        api.SIGNAL_MEMORY_AVAILABLE, api.OP_LESS_THAN, ThresholdValue(quantity=must_parse("500Mi"))
    )
    provider = FakeSummaryProvider()
    clock = FakeClock()
    manager = Manager(
        provider,
        Config(30, timedelta(minutes=5), [threshold]),
        FakePodKiller(),
        FakeDiskGC(),
        FakeDiskGC(),
        FakeRecorder(),
        None,
        clock,
    )
    disk = FakeDiskInfoProvider()
    samples = []
    for i in range(rounds):
        provider.result = _summary(available_mib, stats, i)
        clock.step(timedelta(seconds=1))
        active = list(pods)
        start = time.perf_counter()
        manager.synchronize(disk, lambda active=active: active)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def day_scenario() -> dict:
    pods = []
    for i in range(PODS):
        pod: dict = {
            "name": f"pod-{i:03d}",
            "priority": i % 5,
            "usage": {"memory": f"{40 + i % 9 * 10}Mi", "logs": "10Mi"},
        }
        if i % 3:
            pod["requests"] = {"memory": f"{64 + (i % 7) * 32}Mi"}
        if i % 10 == 0:  # a few pods with a daily memory cycle
            pod["usage"]["memory"] = [
                {"at": "0s", "value": "50Mi"},
                {"at": "6h", "value": "400Mi", "ramp": True},
                {"at": "12h", "value": "50Mi", "ramp": True},
                {"at": "18h", "value": "500Mi", "ramp": True},
                {"at": "24h", "value": "50Mi", "ramp": True},
            ]
        pods.append(pod)
    return {
        "name": "bench-day",
        "tick": "10s",
        "duration": "24h",
        "node": {"memory": "16Gi", "systemMemoryUsage": "8Gi"},
        "kubelet": {
            "evictionHard": {"memory.available": "500Mi"},
            "evictionSoft": {"memory.available": "1Gi"},
            "evictionSoftGracePeriod": {"memory.available": "1m"},
            "featureGates": {"PodPriority": True},
        },
        "pods": pods,
    }


def bench_day(record_traces: bool) -> tuple[int, float, int]:
    scenario = parse_scenario(day_scenario())
    start = time.perf_counter()
    result = run_scenario(scenario, record_traces=record_traces)
    elapsed = time.perf_counter() - start
    return len(result.ticks), elapsed, len(result.evictions)


def bench_baseline(rounds: int = 200) -> float:
    """Median time to encode and decode the same Summary as JSON: a machine yardstick."""
    _, stats = _pods_and_stats()
    summary = _summary(100, stats, 0)
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        json.loads(json.dumps(summary))
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    baseline = bench_baseline()
    with features.gates():
        calm = bench_synchronize(available_mib=4096)
        pressure = bench_synchronize(available_mib=100)
    print(f"baseline: JSON round trip of the {PODS}-pod Summary: median {baseline * 1e6:8.1f} µs")
    print(
        f"synchronize, {PODS} pods, no threshold met: median {calm * 1e6:8.1f} µs "
        f"({calm / baseline:.1f}x baseline)"
    )
    print(
        f"synchronize, {PODS} pods, hard threshold met (rank + kill): median "
        f"{pressure * 1e6:8.1f} µs ({pressure / baseline:.1f}x baseline)"
    )
    for record in (False, True):
        ticks, elapsed, evictions = bench_day(record)
        label = "with decision traces" if record else "without traces"
        print(
            f"24h at 10s tick, {PODS} pods, {label}: {ticks} passes in {elapsed:.2f} s "
            f"= {ticks / elapsed:,.0f} ticks/s ({evictions} evictions)"
        )


if __name__ == "__main__":
    main()
