"""Scenario generation.

One generator, two sources of choices:

* :func:`scenarios` is a hypothesis strategy (``st.composite``) — hypothesis draws every
  choice, so a failing scenario shrinks with hypothesis' own shrinker;
* :func:`random_scenario` / :func:`batch` draw the same choices from ``random.Random``,
  which is fast and reproducible from a seed, for batches of ten thousand scenarios.

What is generated: node sizes; pods of every QoS class (requests, limits, init containers,
priorities, emptyDir / memory-backed emptyDir / hostPath / configMap / gitRepo / downwardAPI
/ secret volumes, ephemeral-storage requests and limits, emptyDir size limits, critical and
static pods); usage that drifts over time; hard and soft thresholds as quantities and
percentages (incl. 0% and 100%, which 1.10 ignores), grace periods, minimum reclaim,
allocatable enforcement; at most one invalid flag per scenario; feature gates; clock steps
(incl. zero) and stats timestamps that do not advance; missing stats; a dedicated imagefs or
not; node-level reclaim that frees enough or not.

Where release-1.10 is random (Go map iteration) the generator keeps the outcome
well-defined and the comparator accepts every outcome Go could produce; see
``reference_impl/eviction/replay/compare.py`` for the list.

One module, over 600 lines, on purpose: the recorded real-kubelet decisions name their
scenarios by this generator, seed and prefix and check them by SHA-256; every choice it draws
and the order it draws them in are part of that contract, so they stay in one place where a
change shows as one diff (generator versions: ``recorded.GENERATORS`` and the replay README).
"""

from __future__ import annotations

import copy
import random
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, TypeVar

from reference_impl.eviction.replay.schema import SIGNALS

T = TypeVar("T")

Ki = 1024
Mi = 1024 * Ki
Gi = 1024 * Mi
START = datetime(2018, 11, 26, 12, 0, 0, tzinfo=UTC)


class Chooser:
    """The choices a generator makes; subclasses draw them from a source."""

    def integer(self, lo: int, hi: int) -> int:  # inclusive
        raise NotImplementedError

    def choice(self, options: Sequence[T]) -> T:
        return options[self.integer(0, len(options) - 1)]

    def chance(self, percent: int) -> bool:
        """True with probability ``percent``/100 (shrinks towards False)."""
        return self.integer(0, 99) >= 100 - percent

    def subset(self, options: Sequence[T], percent: int) -> list[T]:
        return [o for o in options if self.chance(percent)]


class RandomChooser(Chooser):
    """Choices drawn from a seeded ``random.Random`` (reproducible batches)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def integer(self, lo: int, hi: int) -> int:
        return self.rng.randint(lo, hi)


class HypothesisChooser(Chooser):
    """Choices drawn by hypothesis (failing scenarios shrink with hypothesis)."""

    def __init__(self, draw: Callable[[Any], Any]) -> None:
        from hypothesis import strategies as st

        self._st = st
        self.draw = draw

    def integer(self, lo: int, hi: int) -> int:
        return self.draw(self._st.integers(lo, hi))


def rfc3339(t: datetime) -> str:
    """A time as RFC 3339 in UTC, whole seconds.

    >>> from datetime import datetime, timezone
    >>> rfc3339(datetime(2018, 11, 26, 12, tzinfo=timezone.utc))
    '2018-11-26T12:00:00Z'
    """
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _stamp(style: str, t: datetime) -> str:
    """A stats timestamp in one of the RFC 3339 forms metav1.Time accepts."""
    if style == "offset":
        return t.astimezone(timezone(timedelta(hours=2))).strftime("%Y-%m-%dT%H:%M:%S+02:00")
    if style == "nanos":
        return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000000000Z")
    if style == "millis":
        return (t + timedelta(milliseconds=250)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.250Z")
    return rfc3339(t)


# ----------------------------------------------------------------------------- flags

MEMORY_QUANTITIES = (
    "100Mi",
    "256Mi",
    "500Mi",
    "1Gi",
    "1.5Gi",
    "2Gi",
    "300M",
    "0.5Gi",
    "1e9",
    "123456789",
    "0.1Gi",
    "750000k",
    "100m",
    "1.0001Gi",
)
DISK_QUANTITIES = ("1Gi", "2Gi", "5Gi", "10Gi", "500Mi", "7.5Gi", "3G", "2.5e9", "4096Mi")
INODE_QUANTITIES = ("1000", "5k", "20k", "50k", "100k", "2500", "1e4", "12345", "0.5Mi")
PERCENTAGES = (
    "1%",
    "5%",
    "10%",
    "15%",
    "20%",
    "33.3%",
    "7.5%",
    "50%",
    "0%",
    "100%",
    "0.5%",
    "10.5%",
    "0.001%",
    "99.99%",
    "12.345678%",
    "1e1%",
    "0.0%",
    "100.0%",
    "NaN%",
    "+5%",
    "05%",
)
GRACE_PERIODS = (
    "0s",
    "10s",
    "30s",
    "1m",
    "1m30s",
    "2m",
    "5m",
    "45s",
    "1.5m",
    "90s",
    "0",
    "1m0.5s",
    "300ms",
    "+20s",
    "1h",
    "1ns",
    "1500ns",
    "1.0000001s",
)
MIN_RECLAIMS_MEMORY = ("0", "100Mi", "500Mi", "1Gi", "5%", "10%", "0.5%", "100%", "150%")
MIN_RECLAIMS_DISK = ("0", "500Mi", "1Gi", "2Gi", "5%", "10%", "2.5%", "1.5Gi")
MIN_RECLAIMS_INODES = ("0", "1000", "10k", "5%")

INVALID_FLAGS: tuple[tuple[str, str, str], ...] = (
    # (flag map, signal, value) — each alone makes ParseThresholdConfig fail
    ("eviction_hard", "pid.available", "100"),
    ("eviction_hard", "allocatableNodeFs.available", "10%"),
    ("eviction_hard", "memory.available", "lots"),
    ("eviction_hard", "memory.available", "-1Gi"),
    ("eviction_hard", "memory.available", "0"),
    ("eviction_hard", "nodefs.available", "150%"),
    ("eviction_hard", "nodefs.available", "-5%"),
    ("eviction_hard", "nodefs.available", "x%"),
    ("eviction_soft", "cpu.available", "1"),
    ("eviction_soft_grace_period", "memory.available", "5x"),
    ("eviction_soft_grace_period", "memory.available", "-1s"),
    ("eviction_soft_grace_period", "memory.available", ""),
    ("eviction_soft_grace_period", "memory.available", "5"),
    ("eviction_hard", "memory.available", "inf%"),
    ("eviction_hard", "memory.available", "1Gb"),
    ("eviction_hard", "memory.available", ""),
    ("eviction_soft_grace_period", "pid.available", "1m"),
    ("eviction_minimum_reclaim", "memory.available", "0%"),
    ("eviction_minimum_reclaim", "memory.available", "-1Gi"),
    ("eviction_minimum_reclaim", "nodefs.available", "-3%"),
    ("eviction_minimum_reclaim", "pid.available", "1"),
    ("eviction_minimum_reclaim", "nodefs.available", "1zz"),
    ("eviction_soft", "__missing_grace__", ""),
)


SUFFIXES = (
    "",
    "",
    "Ki",
    "Mi",
    "Gi",
    "Ti",
    "Pi",
    "Ei",
    "k",
    "M",
    "G",
    "T",
    "P",
    "E",
    "m",
    "u",
    "n",
    "e3",
    "E6",
    "e-3",
    "e+2",
    "Kb",
    "mi",
    "i",
    "ki",
    "e",
    "e99",
    "%",
)
PERCENT_ODD = (
    "1e-3%",
    ".5%",
    "5.%",
    "Inf%",
    "+Inf%",
    "-0%",
    "1e400%",
    "1e-50%",
    "0.00001%",
    "99.999999%",
    "100.00001%",
    "33.333333333333333%",
    " 5%",
    "5 %",
)


def fuzz_value(c: Chooser) -> str:
    """A threshold or min-reclaim value off the beaten path.

    Left out on purpose: hex floats (``0x1p-2%``) and digit underscores (``1_0%``), which
    ``strconv.ParseFloat`` accepts since Go 1.13 but the Go that built 1.10 rejected — the
    harness is compiled by a newer Go, so those would measure the toolchain, not the mirror.
    """
    if c.chance(25):
        return c.choice(PERCENT_ODD)
    sign = c.choice(("", "", "", "+", "-"))
    whole = c.choice(
        (
            "0",
            "1",
            "5",
            "10",
            "123",
            "1000",
            "999999999",
            "9223372036854775807",
            "18446744073709551616",
            "00012",
            "",
        )
    )
    frac = c.choice(("", "", "", ".", ".5", ".25", ".001", ".123456789", ".0000000001"))
    if not whole and not frac:
        whole = "7"
    return f"{sign}{whole}{frac}{c.choice(SUFFIXES)}"


def _threshold_value(c: Chooser, signal: str) -> str:
    if c.chance(35):
        return c.choice(PERCENTAGES)
    if signal.startswith(("memory", "allocatableMemory")):
        return c.choice(MEMORY_QUANTITIES)
    if signal.endswith("inodesFree"):
        return c.choice(INODE_QUANTITIES)
    return c.choice(DISK_QUANTITIES)


def _min_reclaim(c: Chooser, signal: str) -> str:
    if signal.startswith(("memory", "allocatableMemory")):
        return c.choice(MIN_RECLAIMS_MEMORY)
    if signal.endswith("inodesFree"):
        return c.choice(MIN_RECLAIMS_INODES)
    return c.choice(MIN_RECLAIMS_DISK)


def gen_flags(c: Chooser) -> dict[str, Any]:
    """Eviction flags: hard and soft thresholds, grace periods, minimum reclaim, allocatable."""
    hard: dict[str, str] = {}
    soft: dict[str, str] = {}
    grace: dict[str, str] = {}
    reclaim: dict[str, str] = {}
    style = c.integer(0, 9)
    if style == 0:
        pass  # no thresholds at all
    elif style == 1:
        # the 1.10 defaults
        hard = {
            "memory.available": "100Mi",
            "nodefs.available": "10%",
            "nodefs.inodesFree": "5%",
            "imagefs.available": "15%",
        }
    else:
        for signal in SIGNALS:
            if c.chance(30):
                hard[signal] = _threshold_value(c, signal)
            if c.chance(22):
                soft[signal] = _threshold_value(c, signal)
                grace[signal] = c.choice(GRACE_PERIODS)
            if c.chance(20):
                reclaim[signal] = _min_reclaim(c, signal)
    alloc = c.choice(([], [], ["pods"], ["pods", "system-reserved"], ["kube-reserved"]))
    flags: dict[str, Any] = {
        "allocatable_config": list(alloc),
        "eviction_hard": hard,
        "eviction_soft": soft,
        "eviction_soft_grace_period": grace,
        "eviction_minimum_reclaim": reclaim,
    }
    injected: tuple[str, str] | None = None
    if c.chance(12):
        # one statement with a fuzzed value (valid or not): exercises the quantity and
        # percentage parsers and the canonical quantity text
        which = c.choice(("eviction_hard", "eviction_soft", "eviction_minimum_reclaim"))
        signal = c.choice(SIGNALS)
        flags[which][signal] = fuzz_value(c)
        injected = (which, signal)
        if which == "eviction_soft":
            grace[signal] = c.choice(GRACE_PERIODS)
    elif c.chance(6):
        # exactly one invalid statement: with two, Go's map order picks the error
        which, signal, value = c.choice(INVALID_FLAGS)
        if signal == "__missing_grace__":
            missing = c.choice(SIGNALS)
            soft[missing] = _threshold_value(c, missing)
            if soft[missing] in ("0%", "100%"):
                soft[missing] = "10%"
            grace.pop(missing, None)
        else:
            flags[which][signal] = value
            injected = (which, signal)
    if (
        "pods" in flags["allocatable_config"]
        and {"memory.available", "allocatableMemory.available"} <= set(hard)
        and reclaim.get("memory.available") != reclaim.get("allocatableMemory.available")
    ):
        # With node-allocatable enforcement, the hard memory.available threshold is copied
        # to allocatableMemory.available *with memory.available's minimum reclaim*. If a
        # hard allocatableMemory.available flag has the same value, mergeThresholds keeps
        # whichever of the two comes first in Go map order, and their minimum reclaims
        # differ: 1.10 is then not deterministic. Keep only one of the two hard flags (the
        # one holding the injected statement, if any; copying a minimum reclaim instead
        # could duplicate an invalid statement).
        if injected == ("eviction_hard", "allocatableMemory.available"):
            del hard["memory.available"]
        else:
            del hard["allocatableMemory.available"]
    return flags


# ----------------------------------------------------------------------------- pods

VOLUME_KINDS = (
    "emptyDir",
    "emptyDirMemory",
    "emptyDirLimited",
    "emptyDirMemoryLimited",
    "hostPath",
    "configMap",
    "gitRepo",
    "downwardAPI",
    "secret",
)


def _volume(kind: str, name: str, c: Chooser) -> dict[str, Any]:
    if kind == "emptyDir":
        return {"name": name, "emptyDir": {}}
    if kind == "emptyDirMemory":
        return {"name": name, "emptyDir": {"medium": "Memory"}}
    if kind == "emptyDirLimited":
        return {"name": name, "emptyDir": {"sizeLimit": c.choice(("100Mi", "1Gi", "2Gi", "0"))}}
    if kind == "emptyDirMemoryLimited":
        return {
            "name": name,
            "emptyDir": {"medium": "Memory", "sizeLimit": c.choice(("64Mi", "1Gi"))},
        }
    if kind == "hostPath":
        return {"name": name, "hostPath": {"path": f"/var/lib/{name}"}}
    if kind == "configMap":
        return {"name": name, "configMap": {"name": f"cm-{name}"}}
    if kind == "gitRepo":
        return {"name": name, "gitRepo": {"repository": "https://example.invalid/r.git"}}
    if kind == "downwardAPI":
        return {"name": name, "downwardAPI": {"items": []}}
    return {"name": name, "secret": {"secretName": f"s-{name}"}}


MEM_REQ = ("64Mi", "128Mi", "256Mi", "512Mi", "1Gi", "2Gi", "1.5Gi", "1e8", "300M", "0")
EPH_REQ = ("100Mi", "500Mi", "1Gi", "2Gi", "5Gi", "1.5Gi", "2e9", "0")
PRIORITIES = (-100, 0, 0, 10, 1000, 1000000, 2000000000)


def _resources(c: Chooser, qos: str) -> dict[str, Any]:
    req: dict[str, str] = {}
    lim: dict[str, str] = {}
    if qos == "Guaranteed":
        mem = c.choice(MEM_REQ)
        cpu = c.choice(("100m", "500m", "1"))
        req = {"cpu": cpu, "memory": mem}
        lim = {"cpu": cpu, "memory": mem}
    elif qos == "Burstable":
        if c.chance(80):
            req["memory"] = c.choice(MEM_REQ)
        if c.chance(60):
            req["cpu"] = c.choice(("100m", "250m"))
        if not req:
            req["cpu"] = "100m"
        if c.chance(50):
            lim["memory"] = c.choice(("1Gi", "2Gi", "4Gi"))
    if qos != "BestEffort" or c.chance(20):
        if c.chance(35):
            req["ephemeral-storage"] = c.choice(EPH_REQ)
        if c.chance(25):
            lim["ephemeral-storage"] = c.choice(("1Gi", "2Gi", "5Gi", "10Gi"))
    out: dict[str, Any] = {}
    if req:
        out["requests"] = req
    if lim:
        out["limits"] = lim
    return out


def gen_pod(c: Chooser, name: str, gates: dict[str, bool]) -> dict[str, Any]:
    """One pod bound to the node, of any QoS class, with volumes and priorities."""
    qos = c.choice(("BestEffort", "Burstable", "Guaranteed"))
    n_containers = c.integer(1, 2)
    containers = [
        {"name": f"c{i}", "image": "busybox", "resources": _resources(c, qos)}
        for i in range(n_containers)
    ]
    spec: dict[str, Any] = {"containers": containers}
    if c.chance(15):
        spec["initContainers"] = [
            {"name": "init", "image": "busybox", "resources": _resources(c, qos)}
        ]
    kinds = c.subset(VOLUME_KINDS, 18)
    if kinds:
        spec["volumes"] = [_volume(k, f"v-{k.lower()}", c) for k in kinds]
    if c.chance(60):
        spec["priority"] = c.choice(PRIORITIES)
    annotations: dict[str, str] = {}
    namespace = "default"
    if c.chance(20):
        namespace = "kube-system"
        if c.chance(60):
            annotations["scheduler.alpha.kubernetes.io/critical-pod"] = c.choice(("", "", "x"))
    if c.chance(20):
        annotations["kubernetes.io/config.source"] = c.choice(("file", "http", "api"))
    meta: dict[str, Any] = {"name": name, "namespace": namespace, "uid": f"uid-{name}"}
    if annotations:
        meta["annotations"] = annotations
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}


def gen_probe_pods(c: Chooser) -> list[dict[str, Any]]:
    """The pods offered to ``Admit`` after every tick."""
    probes = []
    for i, kind in enumerate(
        c.subset(
            (
                "best-effort",
                "burstable",
                "guaranteed",
                "critical-annotation",
                "critical-priority",
                "limits-only",
                "cpu-request-only",
                "zero-requests",
                "init-requests-only",
                "guaranteed-two-containers-mismatch",
            ),
            40,
        )
    ):
        meta: dict[str, Any] = {
            "name": f"probe-{kind}",
            "namespace": "default",
            "uid": f"uid-probe-{i}",
        }
        res: dict[str, Any] = {}
        spec: dict[str, Any] = {}
        if kind == "burstable":
            res = {"requests": {"memory": "100Mi"}}
        elif kind == "guaranteed":
            res = {
                "requests": {"cpu": "1", "memory": "1Gi"},
                "limits": {"cpu": "1", "memory": "1Gi"},
            }
        elif kind == "critical-annotation":
            meta["namespace"] = "kube-system"
            meta["annotations"] = {"scheduler.alpha.kubernetes.io/critical-pod": ""}
        elif kind == "critical-priority":
            meta["namespace"] = "kube-system"
            spec["priority"] = 2000000000
        elif kind == "limits-only":
            res = {"limits": {"cpu": "500m", "memory": "256Mi"}}
        elif kind == "cpu-request-only":
            res = {"requests": {"cpu": "100m"}}
        elif kind == "zero-requests":
            res = {"requests": {"cpu": "0", "memory": "0"}, "limits": {"memory": "0"}}
        elif kind == "init-requests-only":
            spec["initContainers"] = [
                {"name": "i", "image": "busybox", "resources": {"requests": {"memory": "1Gi"}}}
            ]
        spec["containers"] = [{"name": "c", "image": "busybox", "resources": res}]
        if kind == "guaranteed-two-containers-mismatch":
            spec["containers"] = [
                {
                    "name": "a",
                    "image": "busybox",
                    "resources": {
                        "requests": {"cpu": "1", "memory": "1Gi"},
                        "limits": {"cpu": "1", "memory": "1Gi"},
                    },
                },
                {
                    "name": "b",
                    "image": "busybox",
                    "resources": {
                        "requests": {"cpu": "1"},
                        "limits": {"cpu": "1", "memory": "1Gi"},
                    },
                },
            ]
        probes.append({"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec})
    return probes


# ----------------------------------------------------------------------------- stats


def _fs(
    t: str, capacity: int, available: int, inodes: int, inodes_free: int, c: Chooser
) -> dict[str, Any]:
    fs: dict[str, Any] = {
        "time": t,
        "availableBytes": available,
        "capacityBytes": capacity,
        "usedBytes": capacity - available,
    }
    if not c.chance(8):
        fs.update({"inodesFree": inodes_free, "inodes": inodes, "inodesUsed": inodes - inodes_free})
    return fs


def _fraction(c: Chooser) -> float:
    # mostly comfortable, often near typical thresholds, sometimes starved
    return c.choice((0.01, 0.03, 0.05, 0.08, 0.1, 0.12, 0.16, 0.2, 0.3, 0.5, 0.5, 0.7))


class _PodUsage:
    def __init__(self, c: Chooser, pod: dict[str, Any]) -> None:
        self.pod = pod
        self.mem = [c.integer(0, 1500) * Mi + c.integer(0, 1023) for _ in pod["spec"]["containers"]]
        self.root = [
            c.integer(0, 3000) * Mi + c.integer(0, 1023) for _ in pod["spec"]["containers"]
        ]
        self.logs = [c.integer(0, 800) * Mi + c.integer(0, 1023) for _ in pod["spec"]["containers"]]
        self.inodes = [c.integer(0, 20000) for _ in pod["spec"]["containers"]]
        self.vols = {
            v["name"]: c.integer(0, 3000) * Mi + c.integer(0, 1023)
            for v in pod["spec"].get("volumes", [])
        }
        self.trend = c.choice((-1, 0, 0, 1, 2))

    def step(self, c: Chooser) -> None:
        def drift(x: int, unit: int) -> int:
            return max(0, x + self.trend * c.integer(0, 200) * unit + c.integer(-50, 50) * unit)

        self.mem = [drift(x, Mi) for x in self.mem]
        self.root = [drift(x, Mi) for x in self.root]
        self.logs = [drift(x, Mi) for x in self.logs]
        self.inodes = [drift(x, 10) for x in self.inodes]
        self.vols = {k: drift(v, Mi) for k, v in self.vols.items()}

    def stats(self, t: str, c: Chooser) -> dict[str, Any]:
        meta = self.pod["metadata"]
        containers = []
        for i, ct in enumerate(self.pod["spec"]["containers"]):
            cs: dict[str, Any] = {"name": ct["name"], "startTime": rfc3339(START)}
            if not c.chance(5):
                cs["memory"] = {
                    "time": t,
                    "workingSetBytes": self.mem[i],
                    "usageBytes": self.mem[i],
                }
            if not c.chance(5):
                cs["rootfs"] = {"time": t, "usedBytes": self.root[i], "inodesUsed": self.inodes[i]}
            if not c.chance(5):
                cs["logs"] = {
                    "time": t,
                    "usedBytes": self.logs[i],
                    "inodesUsed": self.inodes[i] // 10,
                }
            containers.append(cs)
        out: dict[str, Any] = {
            "podRef": {"name": meta["name"], "namespace": meta["namespace"], "uid": meta["uid"]},
            "startTime": rfc3339(START),
            "containers": containers,
        }
        if self.vols:
            out["volume"] = [
                {"time": t, "name": k, "usedBytes": v, "inodesUsed": v // (64 * Ki)}
                for k, v in self.vols.items()
                if not c.chance(5)
            ]
        return out


EXTREMES = (0, 1, 2**31, 2**53 + 1, 2**63 - 1, 2**63, 2**64 - 1)


def _extremize(c: Chooser, summary: dict[str, Any]) -> None:
    """Put uint64 extremes into a few figures: int64 wrap-around, available > capacity,
    capacity 0 — input a real node never sends, but whose arithmetic the mirror copies."""
    node = summary["node"]
    targets = [node.get("memory"), node.get("fs"), (node.get("runtime") or {}).get("imageFs")]
    for sc in node.get("systemContainers") or []:
        targets.append(sc.get("memory"))
    for ps in summary["pods"]:
        for ct in ps["containers"]:
            targets += [ct.get("memory"), ct.get("rootfs"), ct.get("logs")]
        targets += ps.get("volume") or []
    targets = [t for t in targets if t]
    for _ in range(c.integer(1, 3)):
        if not targets:
            return
        t = c.choice(targets)
        keys = [
            k
            for k in (
                "availableBytes",
                "capacityBytes",
                "workingSetBytes",
                "inodesFree",
                "inodes",
                "usedBytes",
                "inodesUsed",
            )
            if k in t
        ]
        if keys:
            t[c.choice(keys)] = c.choice(EXTREMES)


def _permutation(c: Chooser, n: int) -> list[int]:
    rest = list(range(n))
    out = []
    while rest:
        out.append(rest.pop(c.integer(0, len(rest) - 1)))
    return out


def _zero_time(c: Chooser, obj: dict[str, Any] | None) -> None:
    """A stats timestamp left at Go's zero time: ``null`` or absent in the JSON."""
    if obj is not None and c.chance(50):
        obj["time"] = None
    elif obj is not None:
        obj.pop("time", None)


def gen_ticks(c: Chooser, pods: list[dict[str, Any]], dedicated: bool) -> list[dict[str, Any]]:
    """The clock steps and ``/stats/summary`` documents of a scenario."""
    mem_cap = c.choice((1, 2, 4, 8, 16, 64)) * Gi + c.choice((0, 0, 1, 4095, 123457))
    node_cap = c.choice((10, 20, 50, 100)) * Gi + c.choice((0, 0, 1, 999999))
    node_inodes = c.choice((100_000, 500_000, 1_000_000))
    img_cap = c.choice((20, 50, 200)) * Gi if dedicated else node_cap
    img_inodes = c.choice((100_000, 1_000_000)) if dedicated else node_inodes
    usages = [_PodUsage(c, p) for p in pods]
    n_ticks = c.integer(20, 40) if c.chance(4) else c.integer(1, 10)
    now = START
    last_times = {"memory": START, "alloc": START, "fs": START, "imagefs": START}
    has = {
        "memory": not c.chance(5),
        "alloc": c.chance(60),
        "fs": not c.chance(5),
        "runtime": not c.chance(8),
    }
    zero_times = c.chance(5)
    partial_stats = c.chance(5)
    style = c.choice(("Z",) * 17 + ("offset", "nanos", "millis"))
    extreme = c.chance(4)
    ticks = []
    for i in range(n_ticks):
        advance = (
            0 if i == 0 and c.chance(50) else c.choice((0, 1, 5, 10, 10, 10, 30, 60, 120, 300))
        )
        now = now + timedelta(seconds=advance)
        times = {}
        for key in last_times:
            # stats timestamps that do not advance (the same housekeeping sample)
            if c.chance(15):
                times[key] = last_times[key]
            else:
                times[key] = now
            last_times[key] = times[key]
        for u in usages:
            if i:
                u.step(c)
        node: dict[str, Any] = {"nodeName": "node", "startTime": rfc3339(START)}
        if has["memory"]:
            avail = int(mem_cap * _fraction(c)) + c.integer(0, 1023)
            node["memory"] = {
                "time": _stamp(style, times["memory"]),
                "availableBytes": avail,
                "workingSetBytes": mem_cap - avail,
            }
        if has["alloc"]:
            alloc_cap = mem_cap - c.choice((0, 256, 512)) * Mi
            a_avail = int(alloc_cap * _fraction(c))
            node["systemContainers"] = [
                {"name": "kubelet", "startTime": rfc3339(START)},
                {
                    "name": "pods",
                    "startTime": rfc3339(START),
                    "memory": {
                        "time": _stamp(style, times["alloc"]),
                        "availableBytes": a_avail,
                        "workingSetBytes": alloc_cap - a_avail,
                    },
                },
            ]
        node_avail = int(node_cap * _fraction(c))
        node_ifree = int(node_inodes * _fraction(c))
        if has["fs"]:
            node["fs"] = _fs(
                _stamp(style, times["fs"]), node_cap, node_avail, node_inodes, node_ifree, c
            )
        if has["runtime"]:
            if dedicated or c.chance(15):
                img_avail = int(img_cap * _fraction(c))
                img_ifree = int(img_inodes * _fraction(c))
                img = _fs(
                    _stamp(style, times["imagefs"]), img_cap, img_avail, img_inodes, img_ifree, c
                )
            else:
                node_fs = node.get("fs")
                img = (
                    copy.deepcopy(node_fs)
                    if node_fs
                    else _fs(
                        _stamp(style, times["fs"]), node_cap, node_avail, node_inodes, node_ifree, c
                    )
                )
            node["runtime"] = {"imageFs": img}
        if partial_stats and c.chance(40):
            # a stats document with fields left out (cAdvisor had no figure yet)
            target = c.choice(
                (node.get("memory"), node.get("fs"), (node.get("runtime") or {}).get("imageFs"))
            )
            if target:
                target.pop(
                    c.choice(
                        (
                            "availableBytes",
                            "capacityBytes",
                            "inodesFree",
                            "inodes",
                            "workingSetBytes",
                        )
                    ),
                    None,
                )
        if zero_times and c.chance(30):
            _zero_time(
                c,
                c.choice(
                    (node.get("memory"), node.get("fs"), (node.get("runtime") or {}).get("imageFs"))
                ),
            )
        pod_stats = [u.stats(rfc3339(now), c) for u in usages if not c.chance(6)]
        if pod_stats and c.chance(3):
            # the same pod reported twice: the kubelet's stats lookup keeps the last entry
            twin = copy.deepcopy(c.choice(pod_stats))
            for ct in twin["containers"]:
                if "memory" in ct:
                    ct["memory"]["workingSetBytes"] += c.integer(0, 512) * Mi
            pod_stats.append(twin)
        summary: dict[str, Any] = {"node": node, "pods": pod_stats}
        if extreme and c.chance(50):
            _extremize(c, summary)
        after = None
        if c.chance(40):
            after = copy.deepcopy(summary)
            frees_enough = c.chance(50)
            for fs in (
                after["node"].get("fs"),
                (after["node"].get("runtime") or {}).get("imageFs"),
            ):
                if not fs:
                    continue
                if "capacityBytes" in fs and "availableBytes" in fs:
                    cap = fs["capacityBytes"]
                    gain = int(cap * (0.6 if frees_enough else c.choice((0.0, 0.01, 0.03))))
                    fs["availableBytes"] = min(cap, fs["availableBytes"] + gain)
                    fs["usedBytes"] = cap - fs["availableBytes"]
                if "inodes" in fs and "inodesFree" in fs:
                    igain = int(fs["inodes"] * (0.6 if frees_enough else 0.01))
                    fs["inodesFree"] = min(fs["inodes"], fs["inodesFree"] + igain)
                    fs["inodesUsed"] = fs["inodes"] - fs["inodesFree"]
        active = None
        if pods and c.chance(10):
            active = [p["metadata"]["name"] for p in pods if not c.chance(30)]
            if c.chance(50):
                # the kubelet's pod list in another order (ties keep input order)
                active = [active[i] for i in _permutation(c, len(active))]
        failures = {}
        if c.chance(8):
            kind = c.choice(("summary_error", "reclaim_summary_error", "gc_error", "kill_error"))
            failures[kind] = True
        ticks.append(
            {
                "advance_seconds": advance,
                "summary": summary,
                "summary_after_reclaim": after,
                "active": active,
                **failures,
            }
        )
    return ticks


def gen_scenario(c: Chooser, scenario_id: str) -> dict[str, Any]:
    """One scenario, every choice made through ``c``."""
    gates = {
        "PodPriority": c.chance(50),
        "LocalStorageCapacityIsolation": not c.chance(20),
        "ExperimentalCriticalPodAnnotation": c.chance(40),
    }
    flags = gen_flags(c)
    dedicated = c.chance(50)
    n_pods = c.choice((0, 1, 2, 3, 3, 4, 5, 6, 6, 8, 10, 13))
    pods = [gen_pod(c, f"p{i}", gates) for i in range(n_pods)]
    if pods and c.chance(4):
        # a node running only critical static pods: nothing may be evicted
        for p in pods:
            p["metadata"]["namespace"] = "kube-system"
            p["metadata"]["annotations"] = {
                "scheduler.alpha.kubernetes.io/critical-pod": "",
                "kubernetes.io/config.source": "file",
            }
    return {
        "id": scenario_id,
        "feature_gates": gates,
        "flags": flags,
        "config": {
            "pressure_transition_period_seconds": c.choice((0, 10, 60, 300)),
            "max_pod_grace_period_seconds": c.choice((0, 5, 30)),
        },
        "dedicated_imagefs": dedicated,
        "disk_info_errors": c.choice((0,) * 15 + (1, 2)),
        "probe_capacity": c.choice(
            (
                "10Gi",
                "1000",
                "123456789",
                "64Gi",
                "1M",
                "1001",
                "3Gi",
                "999999999999",
                "7",
                "0",
                "-10Gi",
                "9223372036854775807",
                "8Ei",
                "100m",
            )
        ),
        "start_time": rfc3339(START),
        "pods": pods,
        "probe_pods": gen_probe_pods(c),
        "ticks": gen_ticks(c, pods, dedicated),
    }


def random_scenario(rng: random.Random, scenario_id: str) -> dict[str, Any]:
    """One scenario drawn from ``rng``.

    >>> import random
    >>> random_scenario(random.Random(1), "x")["id"]
    'x'
    """
    return gen_scenario(RandomChooser(rng), scenario_id)


def iter_batch(seed: int, count: int, prefix: str = "s") -> Iterator[dict[str, Any]]:
    """``count`` scenarios, the same for the same seed, one at a time.

    >>> [s["id"] for s in iter_batch(seed=7, count=2, prefix="t")]
    ['t7-00000', 't7-00001']
    """
    rng = random.Random(seed)
    for i in range(count):
        yield random_scenario(rng, f"{prefix}{seed}-{i:05d}")


def batch(seed: int, count: int, prefix: str = "s") -> list[dict[str, Any]]:
    """``count`` scenarios, the same for the same seed.

    >>> batch(7, 2) == batch(7, 2)
    True
    """
    return list(iter_batch(seed, count, prefix))


def scenarios(scenario_id: str = "h"):
    """A hypothesis strategy for scenarios."""
    from hypothesis import strategies as st

    @st.composite
    def _scenario(draw):
        return gen_scenario(HypothesisChooser(draw), scenario_id)

    return _scenario()
