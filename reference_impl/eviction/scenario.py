"""Scenario files for the simulator: a node, its pods' usage over time, the kubelet config.

A scenario is YAML (see ``examples/eviction/*.yaml``)::

    name: soft-memory
    tick: 10s                     # the kubelet's monitoring period
    duration: 20m
    node:
      memory: 4Gi                 # capacity
      systemMemoryUsage: 600Mi    # working set outside pods
      allocatableMemory: 3584Mi   # optional: capacity of the "pods" cgroup
      nodefs: {capacity: 100Gi, used: 30Gi, inodes: 6553600, inodesUsed: 100000}
      imagefs: {capacity: 200Gi, used: 50Gi}   # optional: a dedicated image filesystem
    kubelet: {...}                # KubeletConfiguration v1beta1 (eviction fields)
    pods:
      - name: web
        priority: 0
        qos: Burstable            # optional: checked against requests/limits
        requests: {memory: 200Mi}
        limits: {memory: 1Gi}
        volumes: [{name: cache, emptyDir: {sizeLimit: 1Gi}}]
        usage:
          memory: 300Mi                           # constant
          rootfs: [{at: 0s, value: 1Gi}, {at: 10m, value: 5Gi, ramp: true}]
          logs: 10Mi
          volumes: {cache: 100Mi}

A usage series is a constant or a list of points; a point holds its value until
the next one, or, with ``ramp: true``, the value is interpolated linearly from
the previous point.  Every error names the offending field.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from reference_impl.eviction.goparse import GoError, parse_duration_ns
from reference_impl.eviction.kubeletconfig import (
    EvictionSettings,
    KubeletConfigError,
    eviction_settings,
)
from reference_impl.eviction.pods import PodError, get_pod_qos
from reference_impl.quantity import QuantityError, parse_quantity

METRICS = ("memory", "rootfs", "logs", "rootfsInodes", "logsInodes")
# Bounds on a scenario's length: every pass is simulated and kept, so an absurd duration
# (or a tiny tick) would run for hours and fill memory instead of failing.
MAX_DURATION = timedelta(days=30)
MAX_PASSES = 200_000


class ScenarioError(ValueError):
    """The scenario file is invalid; the message names the field.

    >>> try:
    ...     parse_scenario({"name": "x"})
    ... except ScenarioError as e:
    ...     print(str(e)[:30])
    duration: required
    """


@dataclass
class Series:
    """A piecewise (step or ramp) function of seconds since the start.

    >>> s = Series([0, 60], [100, 200], [False, True])
    >>> s.at(0), s.at(30), Series.constant(5).at(1e6)
    (100, 150, 5)
    """

    times: list[float]
    values: list[int]
    ramps: list[bool]

    @classmethod
    def constant(cls, value: int) -> Series:
        return cls([0.0], [value], [False])

    @property
    def is_constant(self) -> bool:
        return len(self.values) == 1

    def at(self, t: float) -> int:
        i = bisect.bisect_right(self.times, t) - 1
        if i < 0:
            return self.values[0]
        if i + 1 < len(self.times) and self.ramps[i + 1]:
            t0, t1 = self.times[i], self.times[i + 1]
            v0, v1 = self.values[i], self.values[i + 1]
            return int(v0 + (v1 - v0) * (t - t0) / (t1 - t0))
        return self.values[i]

    def last_change(self) -> float:
        return self.times[-1]


@dataclass
class PodSpec:
    """One pod of a simulation scenario: its spec and its usage over time.

    >>> import pathlib
    >>> soft_yaml = (
    ...     pathlib.Path(__file__).resolve().parents[2]
    ...     / "examples"
    ...     / "eviction"
    ...     / "soft-memory.yaml"
    ... )
    >>> sc = load_scenario(soft_yaml)
    >>> isinstance(sc.pods[0], PodSpec)
    True
    """

    name: str
    namespace: str
    uid: str
    pod: dict[str, Any]
    usage: dict[str, Series]
    volume_usage: dict[str, Series]
    start: float = 0.0


@dataclass
class FsSpec:
    """One filesystem of a simulation scenario: capacity and usage over time.

    >>> import pathlib
    >>> soft_yaml = (
    ...     pathlib.Path(__file__).resolve().parents[2]
    ...     / "examples"
    ...     / "eviction"
    ...     / "soft-memory.yaml"
    ... )
    >>> isinstance(load_scenario(soft_yaml).nodefs, (FsSpec, type(None)))
    True
    """

    capacity: int
    used: int
    inodes: int | None = None
    inodes_used: int | None = None


@dataclass
class Scenario:
    """A simulation: node sizes, eviction settings, pods, and how usage moves over time.

    >>> import pathlib
    >>> soft_yaml = (
    ...     pathlib.Path(__file__).resolve().parents[2]
    ...     / "examples"
    ...     / "eviction"
    ...     / "soft-memory.yaml"
    ... )
    >>> sc = load_scenario(soft_yaml)
    >>> isinstance(sc, Scenario), sc.name
    (True, 'soft-memory')
    """

    name: str
    tick: timedelta
    duration: timedelta
    start: datetime
    memory_capacity: int
    system_memory_usage: int
    allocatable_memory: int
    nodefs: FsSpec
    imagefs: FsSpec | None
    settings: EvictionSettings
    pods: list[PodSpec] = field(default_factory=list)
    node_name: str = "node"


def _duration(value: Any, where: str) -> timedelta:
    if isinstance(value, int | float) and not isinstance(value, bool):
        # NaN, infinities and values past timedelta's range would raise deep inside
        # timedelta (or, for NaN, compare false against every bound).
        if not math.isfinite(value) or abs(value) > MAX_DURATION.total_seconds():
            raise ScenarioError(f"{where}: a finite number of seconds is required, got {value!r}")
        return timedelta(seconds=value)
    if not isinstance(value, str):
        raise ScenarioError(f"{where}: expected a duration like '10s', got {value!r}")
    try:
        return timedelta(microseconds=parse_duration_ns(value) // 1000)
    except GoError as err:
        raise ScenarioError(f"{where}: {err}") from None


def _quantity(value: Any, where: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if not isinstance(value, str):
        raise ScenarioError(f"{where}: expected a quantity like '512Mi', got {value!r}")
    try:
        result = parse_quantity(value).value()
    except QuantityError as err:
        raise ScenarioError(f"{where}: {value!r}: {err}") from None
    if result < 0:
        raise ScenarioError(f"{where}: must not be negative, got {value!r}")
    return result


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ScenarioError(f"{where}: expected a mapping, got {type(value).__name__}")
    return value


def _series(value: Any, where: str) -> Series:
    if not isinstance(value, list):
        return Series.constant(_quantity(value, where))
    if not value:
        raise ScenarioError(f"{where}: a usage series needs at least one point")
    times: list[float] = []
    values: list[int] = []
    ramps: list[bool] = []
    for i, point in enumerate(value):
        p = _mapping(point, f"{where}[{i}]")
        unknown = set(p) - {"at", "value", "ramp"}
        if unknown:
            raise ScenarioError(f"{where}[{i}]: unknown field(s) {sorted(unknown)}")
        if "at" not in p or "value" not in p:
            raise ScenarioError(f"{where}[{i}]: needs both 'at' and 'value'")
        at = _duration(p["at"], f"{where}[{i}].at").total_seconds()
        if times and at <= times[-1]:
            raise ScenarioError(f"{where}[{i}].at: times must increase")
        ramp = p.get("ramp", False)
        if not isinstance(ramp, bool):
            raise ScenarioError(f"{where}[{i}].ramp: expected true or false")
        if ramp and i == 0:
            raise ScenarioError(f"{where}[0].ramp: the first point has nothing to ramp from")
        times.append(at)
        values.append(_quantity(p["value"], f"{where}[{i}].value"))
        ramps.append(ramp)
    return Series(times, values, ramps)


def _fs(value: Any, where: str) -> FsSpec:
    doc = _mapping(value, where)
    unknown = set(doc) - {"capacity", "used", "inodes", "inodesUsed"}
    if unknown:
        raise ScenarioError(f"{where}: unknown field(s) {sorted(unknown)}")
    if "capacity" not in doc:
        raise ScenarioError(f"{where}.capacity: required")
    fs = FsSpec(
        capacity=_quantity(doc["capacity"], f"{where}.capacity"),
        used=_quantity(doc.get("used", 0), f"{where}.used"),
    )
    if "inodes" in doc:
        fs.inodes = _quantity(doc["inodes"], f"{where}.inodes")
        fs.inodes_used = _quantity(doc.get("inodesUsed", 0), f"{where}.inodesUsed")
    return fs


_POD_FIELDS = {
    "name",
    "namespace",
    "priority",
    "qos",
    "requests",
    "limits",
    "volumes",
    "annotations",
    "usage",
    "start",
    "initRequests",
}


def _pod(value: Any, where: str, index: int) -> PodSpec:
    doc = _mapping(value, where)
    unknown = set(doc) - _POD_FIELDS
    if unknown:
        raise ScenarioError(f"{where}: unknown field(s) {sorted(unknown)}")
    name = doc.get("name")
    if not isinstance(name, str) or not name:
        raise ScenarioError(f"{where}.name: required, a non-empty string")
    namespace = doc.get("namespace", "default")
    priority = doc.get("priority")
    if priority is not None and (isinstance(priority, bool) or not isinstance(priority, int)):
        raise ScenarioError(f"{where}.priority: expected an integer, got {priority!r}")
    resources: dict[str, Any] = {}
    for key in ("requests", "limits"):
        if key in doc:
            entries = _mapping(doc[key], f"{where}.{key}")
            for res, amount in entries.items():
                _quantity(amount, f"{where}.{key}.{res}")
            resources[key] = {k: str(v) for k, v in entries.items()}
    volumes = doc.get("volumes", [])
    if not isinstance(volumes, list):
        raise ScenarioError(f"{where}.volumes: expected a list")
    for j, volume in enumerate(volumes):
        vol = _mapping(volume, f"{where}.volumes[{j}]")
        if not isinstance(vol.get("name"), str):
            raise ScenarioError(f"{where}.volumes[{j}].name: required")
    annotations = dict(_mapping(doc.get("annotations", {}), f"{where}.annotations"))
    spec: dict[str, Any] = {
        "containers": [{"name": name, "resources": resources}],
        "volumes": [dict(v) for v in volumes],
    }
    if priority is not None:
        spec["priority"] = priority
    uid = f"{namespace}-{name}-{index}"
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": namespace, "uid": uid, "annotations": annotations},
        "spec": spec,
    }
    try:
        computed_qos = get_pod_qos(pod)
    except PodError as err:
        raise ScenarioError(f"{where}: {err}") from None
    if "qos" in doc and doc["qos"] != computed_qos:
        raise ScenarioError(
            f"{where}.qos: {doc['qos']!r} does not match the requests/limits, which make the pod "
            f"{computed_qos}"
        )
    pod["status"] = {"phase": "Running", "qosClass": computed_qos}
    usage_doc = _mapping(doc.get("usage", {}), f"{where}.usage")
    usage: dict[str, Series] = {}
    volume_usage: dict[str, Series] = {}
    volume_names = {v["name"] for v in volumes}
    for key, raw in usage_doc.items():
        if key == "volumes":
            for vol_name, series in _mapping(raw, f"{where}.usage.volumes").items():
                if vol_name not in volume_names:
                    raise ScenarioError(
                        f"{where}.usage.volumes.{vol_name}: no such volume in the pod"
                    )
                volume_usage[vol_name] = _series(series, f"{where}.usage.volumes.{vol_name}")
        elif key in METRICS:
            usage[key] = _series(raw, f"{where}.usage.{key}")
        else:
            raise ScenarioError(f"{where}.usage.{key}: unknown metric; use one of {list(METRICS)}")
    start = _duration(doc.get("start", 0), f"{where}.start").total_seconds()
    return PodSpec(name, namespace, uid, pod, usage, volume_usage, start)


_TOP_FIELDS = {"name", "description", "tick", "duration", "start", "node", "kubelet", "pods"}


def parse_scenario(doc: Any, source: str = "scenario") -> Scenario:
    """Validate a scenario document and build a :class:`Scenario`.

    >>> import pathlib
    >>> soft_yaml = (
    ...     pathlib.Path(__file__).resolve().parents[2]
    ...     / "examples"
    ...     / "eviction"
    ...     / "soft-memory.yaml"
    ... )
    >>> import yaml
    >>> doc = yaml.safe_load(open(soft_yaml))
    >>> parse_scenario(doc).name
    'soft-memory'
    """
    top = _mapping(doc, source)
    unknown = set(top) - _TOP_FIELDS
    if unknown:
        raise ScenarioError(f"{source}: unknown field(s) {sorted(unknown)}")
    for required in ("duration", "node"):
        if required not in top:
            raise ScenarioError(f"{required}: required")
    tick = _duration(top.get("tick", "10s"), "tick")
    if tick <= timedelta(0):
        raise ScenarioError("tick: must be positive")
    duration = _duration(top["duration"], "duration")
    if duration <= timedelta(0):
        raise ScenarioError(f"duration: must be positive, got {top['duration']!r}")
    if duration > MAX_DURATION or duration / tick > MAX_PASSES:
        # Every pass is simulated and kept in the result: bound the work up front.
        raise ScenarioError(
            f"duration: {top['duration']!r} is too long (at most {MAX_DURATION.days} days "
            f"and {MAX_PASSES:,} passes of tick {top.get('tick', '10s')!r})"
        )
    start_raw = top.get("start", "2018-11-26T10:00:00Z")
    try:
        start = (
            start_raw
            if isinstance(start_raw, datetime)
            else datetime.fromisoformat(str(start_raw).replace("Z", "+00:00"))
        )
    except ValueError:
        raise ScenarioError(f"start: not an RFC 3339 time: {start_raw!r}") from None
    if start.tzinfo is None:
        start = start.replace(tzinfo=UTC)
    node = _mapping(top["node"], "node")
    unknown = set(node) - {
        "name",
        "memory",
        "systemMemoryUsage",
        "allocatableMemory",
        "nodefs",
        "imagefs",
    }
    if unknown:
        raise ScenarioError(f"node: unknown field(s) {sorted(unknown)}")
    if "memory" not in node:
        raise ScenarioError("node.memory: required (the node's memory capacity)")
    memory = _quantity(node["memory"], "node.memory")
    system = _quantity(node.get("systemMemoryUsage", 0), "node.systemMemoryUsage")
    allocatable = _quantity(node.get("allocatableMemory", node["memory"]), "node.allocatableMemory")
    nodefs = _fs(node.get("nodefs", {"capacity": "100Gi", "used": "10Gi"}), "node.nodefs")
    imagefs = _fs(node["imagefs"], "node.imagefs") if "imagefs" in node else None
    kubelet = top.get("kubelet") or {}
    try:
        settings = eviction_settings(_mapping(kubelet, "kubelet"))
    except KubeletConfigError as err:
        raise ScenarioError(f"kubelet.{err}") from None
    pods_raw = top.get("pods") or []
    if not isinstance(pods_raw, list):
        raise ScenarioError("pods: expected a list")
    pods = [_pod(p, f"pods[{i}]", i) for i, p in enumerate(pods_raw)]
    seen: set[tuple[str, str]] = set()  # a set: linear in the number of pods
    for i, p in enumerate(pods):
        key = (p.namespace, p.name)
        if key in seen:
            raise ScenarioError(f"pods[{i}].name: duplicate pod {key[0]}/{key[1]}")
        seen.add(key)
    return Scenario(
        name=str(top.get("name", source)),
        tick=tick,
        duration=duration,
        start=start,
        memory_capacity=memory,
        system_memory_usage=system,
        allocatable_memory=allocatable,
        nodefs=nodefs,
        imagefs=imagefs,
        settings=settings,
        pods=pods,
        node_name=str(node.get("name", "node")),
    )


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario YAML file and build a :class:`Scenario`.

    >>> import pathlib
    >>> soft_yaml = (
    ...     pathlib.Path(__file__).resolve().parents[2]
    ...     / "examples"
    ...     / "eviction"
    ...     / "soft-memory.yaml"
    ... )
    >>> load_scenario(soft_yaml).duration
    datetime.timedelta(seconds=1200)
    """
    path = Path(path)
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as err:
        raise ScenarioError(f"{path}: not UTF-8 text (byte {err.start})") from None
    except yaml.YAMLError as err:
        raise ScenarioError(f"{path}: not valid YAML: {err}") from None
    except RecursionError:
        raise ScenarioError(f"{path}: nested too deeply to read") from None
    return parse_scenario(doc, str(path))
