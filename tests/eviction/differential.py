"""Random scenarios for differential testing against the real Go eviction manager.

``generate(seed)`` builds one scenario: feature gates, eviction flags, pods (as
pod JSON) and a sequence of Summary documents with clock steps.  Usage numbers
are unique random values, so pod ranking never meets a tie: the outcome then
does not depend on which Go version's ``sort.Sort`` ran it, nor on map order.

``replay(scenario)`` runs it through the Python mirror and returns one line per
``synchronize``: evicted pods, grace period override, node conditions
(sorted), whether each probe pod would be admitted, and the events recorded.
``go/zz_diff_test.go`` prints the same lines from the real ``managerImpl``;
``write_scenarios`` writes the input it reads.

    .venv/bin/python -m tests.eviction.differential 200 0 scenarios.json [--ties]
"""

from __future__ import annotations

import json
import random
import sys
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

MI = 2**20
START = datetime(2018, 11, 26, 10, 0, tzinfo=UTC)
GATE_DEFAULTS = {
    "PodPriority": False,
    "LocalStorageCapacityIsolation": True,
    "ExperimentalCriticalPodAnnotation": False,
}


def _rfc3339(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def _flags(r: random.Random) -> dict[str, Any]:
    hard: dict[str, str] = {}
    soft: dict[str, str] = {}
    grace: dict[str, str] = {}
    reclaim: dict[str, str] = {}
    if r.random() < 0.8:
        hard["memory.available"] = r.choice(
            [f"{r.randint(50, 1500)}Mi", f"{r.randint(1, 30)}%", f"{r.randint(1, 30)}.5%"]
        )
    if r.random() < 0.6:
        soft["memory.available"] = r.choice([f"{r.randint(500, 3000)}Mi", f"{r.randint(10, 40)}%"])
        grace["memory.available"] = r.choice(["0s", "10s", "30s", "1m", "1m30s", "2m"])
    disk = r.choice([None, "nodefs.available", "nodefs.inodesFree", "imagefs.available"])
    if disk:
        if r.random() < 0.7:
            absolute = f"{r.randint(1000, 200000)}" if "inodes" in disk else f"{r.randint(1, 20)}Gi"
            hard[disk] = r.choice([f"{r.randint(1, 30)}%", absolute])
        else:
            soft[disk] = f"{r.randint(5, 40)}%"
            grace[disk] = r.choice(["10s", "1m"])
    for signal in [*hard, *soft]:
        if r.random() < 0.35:
            if "inodes" in signal:
                reclaim[signal] = f"{r.randint(1, 5)}%"
            else:
                reclaim[signal] = r.choice([f"{r.randint(1, 500)}Mi", f"{r.randint(1, 10)}%"])
    return {"hard": hard, "soft": soft, "grace": grace, "reclaim": reclaim, "disk": disk}


def _pod(r: random.Random, i: int) -> dict[str, Any]:
    name = f"p{i}"
    req: dict[str, str] = {}
    lim: dict[str, str] = {}
    if r.random() < 0.6:
        req["memory"] = f"{r.choice([64, 128, 256, 512, 1024])}Mi"
    if r.random() < 0.3:
        req["cpu"] = "100m"
    if r.random() < 0.4:
        lim["memory"] = req.get("memory", "2Gi") if r.random() < 0.5 else "2Gi"
    if r.random() < 0.3:
        lim["cpu"] = req.get("cpu", "100m")
    if r.random() < 0.3:
        req["ephemeral-storage"] = f"{r.randint(1, 2000)}Mi"
    if r.random() < 0.15:
        lim["ephemeral-storage"] = f"{r.randint(500, 5000)}Mi"
    volumes: list[dict[str, Any]] = []
    if r.random() < 0.4:
        empty_dir: dict[str, str] = {}
        if r.random() < 0.4:
            empty_dir["sizeLimit"] = f"{r.randint(100, 3000)}Mi"
        if r.random() < 0.2:
            empty_dir["medium"] = "Memory"
        volumes.append({"name": "scratch", "emptyDir": empty_dir})
    if r.random() < 0.2:
        volumes.append({"name": "cfg", "configMap": {"name": "c"}})
    meta: dict[str, Any] = {"name": name, "namespace": "default", "uid": f"uid-{i}"}
    if r.random() < 0.15:
        meta["namespace"] = "kube-system"
        meta["annotations"] = {
            "scheduler.alpha.kubernetes.io/critical-pod": "",
            "kubernetes.io/config.source": r.choice(["file", "api"]),
        }
    resources = {k: v for k, v in (("requests", req), ("limits", lim)) if v}
    spec: dict[str, Any] = {"containers": [{"name": name, "resources": resources}]}
    if volumes:
        spec["volumes"] = volumes
    if r.random() < 0.9:
        spec["priority"] = r.randint(-3, 3)
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}


PROBES = [
    {"metadata": {"name": "probe-be", "uid": "pbe"}, "spec": {"containers": [{"name": "c"}]}},
    {
        "metadata": {"name": "probe-bu", "uid": "pbu"},
        "spec": {"containers": [{"name": "c", "resources": {"requests": {"memory": "10Mi"}}}]},
    },
    {
        "metadata": {
            "name": "probe-cr",
            "uid": "pcr",
            "namespace": "kube-system",
            "annotations": {"scheduler.alpha.kubernetes.io/critical-pod": ""},
        },
        "spec": {"containers": [{"name": "c"}]},
    },
]


def generate(seed: int) -> dict[str, Any]:
    r = random.Random(seed)
    gates = {
        "PodPriority": r.random() < 0.6,
        "LocalStorageCapacityIsolation": r.random() < 0.8,
        "ExperimentalCriticalPodAnnotation": r.random() < 0.4,
    }
    memory_capacity = r.choice([4, 8, 16]) * 1024
    flags = _flags(r)
    allocatable = ["pods"] if r.random() < 0.5 else []
    dedicated = flags["disk"] == "imagefs.available" or r.random() < 0.3
    pods = [_pod(r, i) for i in range(r.randint(1, 16))]
    used: set[int] = set()

    def unique(lo: int, hi: int) -> int:
        while True:
            value = r.randint(lo, hi)
            if value not in used:
                used.add(value)
                return value

    missing = r.randrange(len(pods)) if r.random() < 0.2 else None
    t = START
    fs_capacity = 100 * 1024 * MI
    inodes = 1_000_000
    steps = []
    for _ in range(r.randint(4, 10)):
        advance = r.choice([1, 10, 10, 30, 60, 120, 400])
        if r.random() > 0.1:  # sometimes the stats do not advance
            t += timedelta(seconds=advance)
        stamp = _rfc3339(t)
        available = r.randint(10, memory_capacity) * MI
        working_set = memory_capacity * MI - available
        pod_stats = []
        for i, pod in enumerate(pods):
            if i == missing:
                continue
            volumes = [
                {
                    "name": v["name"],
                    "usedBytes": unique(1, 10**6) * 1024,
                    "inodesUsed": unique(1, 10**6),
                }
                for v in pod["spec"].get("volumes", [])
            ]
            meta = pod["metadata"]
            pod_stats.append(
                {
                    "podRef": {
                        "name": meta["name"],
                        "namespace": meta["namespace"],
                        "uid": meta["uid"],
                    },
                    "containers": [
                        {
                            "name": meta["name"],
                            "memory": {
                                "time": stamp,
                                "workingSetBytes": unique(1, 4000) * MI + unique(1, 10**5),
                            },
                            "rootfs": {
                                "time": stamp,
                                "usedBytes": unique(1, 10**6) * 1024,
                                "inodesUsed": unique(1, 10**6),
                            },
                            "logs": {
                                "time": stamp,
                                "usedBytes": unique(1, 10**6) * 1024,
                                "inodesUsed": unique(1, 10**6),
                            },
                        }
                    ],
                    "volume": volumes,
                }
            )
        node: dict[str, Any] = {
            "nodeName": "n",
            "memory": {"time": stamp, "availableBytes": available, "workingSetBytes": working_set},
            "systemContainers": [
                {
                    "name": "pods",
                    "memory": {
                        "time": stamp,
                        "availableBytes": max(available - 200 * MI, 0),
                        "workingSetBytes": working_set,
                    },
                }
            ],
            "fs": {
                "time": stamp,
                "availableBytes": r.randint(1, 100) * 1024 * MI,
                "capacityBytes": fs_capacity,
                "inodesFree": r.randint(0, inodes),
                "inodes": inodes,
            },
        }
        if dedicated or r.random() < 0.5:
            node["runtime"] = {
                "imageFs": {
                    "time": stamp,
                    "availableBytes": r.randint(1, 100) * 1024 * MI,
                    "capacityBytes": fs_capacity,
                    "inodesFree": r.randint(0, inodes),
                    "inodes": inodes,
                }
            }
        steps.append({"advanceSeconds": advance, "summary": {"node": node, "pods": pod_stats}})
    return {
        "name": f"s{seed}",
        "gates": gates,
        "hard": flags["hard"],
        "soft": flags["soft"],
        "grace": flags["grace"],
        "reclaim": flags["reclaim"],
        "allocatable": allocatable,
        "maxGrace": r.choice([0, 30]),
        "transitionSeconds": r.choice([60, 300]),
        "dedicatedImageFs": dedicated,
        "pods": pods,
        "probes": PROBES,
        "steps": steps,
    }


def with_ties(scenario: dict[str, Any], seed: int) -> dict[str, Any]:
    """Redraw every usage from three values, so many pods rank equal.

    Equal pods are ordered by whatever ``sort.Sort`` does with ties; with this
    variant the outcome depends on Go 1.10's sort algorithm (see the module doc of
    ``reference_impl.eviction.gosort``).  Modifies and returns ``scenario``.
    """
    r = random.Random(seed)
    values = [r.choice([64, 128, 256, 512]) for _ in range(3)]
    for step in scenario["steps"]:
        for pod_stats in step["summary"]["pods"]:
            container = pod_stats["containers"][0]
            container["memory"]["workingSetBytes"] = r.choice(values) * MI
            container["rootfs"]["usedBytes"] = r.choice(values) * MI
            container["logs"]["usedBytes"] = r.choice(values) * MI
            container["rootfs"]["inodesUsed"] = r.choice(values)
            container["logs"]["inodesUsed"] = r.choice(values)
            for volume in pod_stats["volume"]:
                volume["usedBytes"] = r.choice(values) * MI
                volume["inodesUsed"] = r.choice(values)
    return scenario


def replay(scenario: dict[str, Any]) -> list[str]:
    """One line per synchronize, in the harness's format."""
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
            evicted = manager.synchronize(disk, lambda pods=pods: pods)
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


def write_scenarios(count: int, first_seed: int, path: str, ties: bool = False) -> None:
    scenarios = [generate(first_seed + i) for i in range(count)]
    if ties:
        scenarios = [with_ties(s, i) for i, s in enumerate(scenarios)]
    with open(path, "w") as handle:
        json.dump(scenarios, handle)


if __name__ == "__main__":
    write_scenarios(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], "--ties" in sys.argv[4:])
