"""Scenarios: an EtcdCluster resource and timed events, run in either world.

A scenario file (YAML)::

    cluster:                      # an EtcdCluster, etcd.database.coreos.com/v1beta2
      apiVersion: etcd.database.coreos.com/v1beta2
      kind: EtcdCluster
      metadata: {name: example}
      spec: {size: 3, version: "3.2.13"}
    duration: 300                 # seconds of scenario time
    seed: 0                       # optional: member names, IDs
    events:
      - {at: 60,  kill: 0}        # kill a pod: index into running pods by name, or a name
      - {at: 120, size: 5}        # kubectl edit: spec.size
      - {at: 200, version: "3.3.0"}
      - {at: 240, pause: true}    # spec.paused (false resumes)
      - {at: 260, restart-operator: true}

Times are in scenario seconds; the real-etcd world runs them scaled (``time_scale``) so that
an 8 s reconcile interval becomes 6 s (default 0.75, see ``ETCD_TIME_SCALE``).  Errors name
the offending field, e.g.
``events[2].size: a positive integer is required``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from reference_impl.operator.api.cluster import EtcdCluster, SpecError
from reference_impl.operator.harness import Operator
from reference_impl.operator.trace import Trace

EVENT_KINDS = ("kill", "size", "version", "pause", "restart-operator")
DNS1123_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
# The operator creates a Service ``<cluster>-client``, and Service names are DNS-1035 labels
# of at most 63 characters: longer cluster names would fail there.
MAX_NAME_LENGTH = 63 - len("-client")
MAX_DURATION = 86_400  # a day of scenario time: every second is sampled
# Real etcd: world seconds per scenario second.  etcd (3.4) refuses a member add until every
# member has been connected for its fixed 5 s health window ("unhealthy cluster"); that
# window is not scaled, so the 8 s reconcile interval must stay above 5 s of real time
# (8 x 0.75 = 6 s) or members added one interval apart fail and a 3-member cluster sits
# at 2 when a pod is killed -- lost quorum where v0.9.4 and the fake world recover.
ETCD_TIME_SCALE = 0.75


class ScenarioError(ValueError):
    def __init__(self, field_path: str, problem: str, source: str = "") -> None:
        where = f"{source}: " if source else ""
        super().__init__(f"{where}{field_path}: {problem}")
        self.field = field_path


class EnvironmentProblem(RuntimeError):
    """The machine cannot run this world (no etcd installed): not the scenario's fault."""


@dataclass
class ScenarioEvent:
    at: float
    kind: str
    value: Any
    path: str = "events"  # where it came from, e.g. ``events[2]``, for error messages


@dataclass
class Scenario:
    cluster: EtcdCluster
    duration: float
    events: list[ScenarioEvent] = field(default_factory=list)
    seed: int = 0


def parse(doc: Any, source: str = "") -> Scenario:
    if not isinstance(doc, dict):
        raise ScenarioError("(document)", "a mapping with cluster, duration, events", source)
    for k in doc:
        if k not in ("cluster", "duration", "events", "seed"):
            raise ScenarioError(k, "unknown field (known: cluster, duration, events, seed)", source)
    if "cluster" not in doc:
        raise ScenarioError("cluster", "required: an EtcdCluster resource", source)
    try:
        cluster = EtcdCluster.from_dict(doc["cluster"])
    except SpecError as err:
        raise ScenarioError(f"cluster.{err.field}", str(err).split(": ", 1)[1], source) from None
    if cluster.spec.size < 1:
        raise ScenarioError("cluster.spec.size", "at least 1 member is required", source)
    # The API server only admits DNS-1123 names; the worlds build pod names, member names
    # and (real etcd) data directories from them, so ``../../x`` must never get that far.
    for fp, value in (
        ("cluster.metadata.name", cluster.name),
        ("cluster.metadata.namespace", cluster.namespace),
    ):
        if not DNS1123_LABEL.fullmatch(value) or len(value) > MAX_NAME_LENGTH:
            raise ScenarioError(
                fp,
                f"a DNS-1123 label is required (lower-case letters, digits and '-', starting "
                f"and ending with a letter or digit, at most {MAX_NAME_LENGTH}), got {value!r}",
                source,
            )
    duration = doc.get("duration", 300)
    if (
        not isinstance(duration, (int, float))
        or isinstance(duration, bool)
        or not 0 < duration <= MAX_DURATION  # also refuses NaN and infinity
    ):
        raise ScenarioError(
            "duration",
            f"a positive number of seconds up to {MAX_DURATION} is required, got {duration!r}",
            source,
        )
    seed = doc.get("seed", 0)
    if not isinstance(seed, int):
        raise ScenarioError("seed", f"an integer is required, got {seed!r}", source)
    raw = doc.get("events") or []
    if not isinstance(raw, list):
        raise ScenarioError("events", "a list of events is required", source)
    events = [_event(e, f"events[{i}]", float(duration), source) for i, e in enumerate(raw)]
    events.sort(key=lambda e: e.at)
    return Scenario(cluster, float(duration), events, seed)


def _event(e: Any, path: str, duration: float, source: str) -> ScenarioEvent:
    if not isinstance(e, dict):
        raise ScenarioError(path, "a mapping like {at: 60, kill: 0}", source)
    at = e.get("at")
    if not isinstance(at, (int, float)) or isinstance(at, bool) or not 0 <= at <= duration:
        raise ScenarioError(
            f"{path}.at",
            f"a time in seconds within 0..{duration:g} is required, got {at!r}",
            source,
        )
    kinds = [k for k in e if k != "at"]
    if len(kinds) != 1 or kinds[0] not in EVENT_KINDS:
        raise ScenarioError(
            path,
            f"exactly one of {', '.join(EVENT_KINDS)} is required, got {kinds or 'none'}",
            source,
        )
    kind, v = kinds[0], e[kinds[0]]
    fp = f"{path}.{kind}"
    if kind == "kill" and not (
        isinstance(v, str) or (isinstance(v, int) and not isinstance(v, bool) and v >= 0)
    ):
        raise ScenarioError(fp, f"a pod index (0, 1, ...) or a pod name, got {v!r}", source)
    if kind == "size" and (not isinstance(v, int) or isinstance(v, bool) or v < 1):
        raise ScenarioError(fp, f"a positive integer is required, got {v!r}", source)
    if kind == "version" and not isinstance(v, str):
        raise ScenarioError(fp, f'a quoted version string like "3.3.0", got {v!r}', source)
    if kind in ("pause", "restart-operator") and not isinstance(v, bool):
        raise ScenarioError(fp, f"true or false is required, got {v!r}", source)
    return ScenarioEvent(float(at), kind, v, path)


def load(path: str | Path) -> Scenario:
    p = Path(path)
    try:
        doc = yaml.safe_load(p.read_text(encoding="utf-8"))
    except UnicodeDecodeError as err:
        raise ScenarioError("(document)", f"not UTF-8 text (byte {err.start})", str(p)) from None
    except yaml.YAMLError as err:
        raise ScenarioError("(document)", f"not valid YAML: {err}", str(p)) from None
    except RecursionError:
        raise ScenarioError("(document)", "nested too deeply to read", str(p)) from None
    return parse(doc, str(p))


# ---------------------------------------------------------------------------- running


@dataclass
class Sample:
    time: float
    pods: int
    members: int
    ready: int
    spec_size: int
    versions: dict[str, int]


@dataclass
class Result:
    scenario: Scenario
    world: str
    trace: Trace
    samples: list[Sample]
    applied: list[tuple[float, str]]  # (time, description) of each event as applied
    time_scale: float


def _members(world: Any, ns: str, name: str) -> int:
    try:
        return len(world.client_for(ns, name).member_list())
    except Exception:  # no reachable member: nothing to count
        return 0


def run(
    scn: Scenario,
    world_kind: str = "fake",
    time_scale: float | None = None,
    sample_every: float = 1.0,
    on_tick: Callable[[float, float], None] | None = None,
) -> Result:
    """Run ``scn``; times in the result are scenario seconds (unscaled).  ``on_tick(t,
    duration)`` is told the scenario time reached (the command line's progress bar)."""
    if world_kind == "fake":
        from reference_impl.operator.fake import FakeWorld

        scale = 1.0 if time_scale is None else time_scale
        world: Any = FakeWorld(seed=scn.seed, reconcile_interval=8.0 * scale)
    elif world_kind == "etcd":
        from reference_impl.operator.localetcd import LocalEtcdWorld

        scale = ETCD_TIME_SCALE if time_scale is None else time_scale
        try:
            world = LocalEtcdWorld(seed=scn.seed, reconcile_interval=8.0 * scale)
        except RuntimeError as err:
            raise EnvironmentProblem(str(err)) from None
    else:
        raise ScenarioError("--world", f"fake or etcd, got {world_kind!r}")
    ns, name = scn.cluster.namespace, scn.cluster.name
    samples: list[Sample] = []
    applied: list[tuple[float, str]] = []
    try:
        op = Operator(world, namespace=ns)
        op.create(scn.cluster)
        pending = list(scn.events)
        t = 0.0
        while t <= scn.duration:
            while pending and pending[0].at <= t:
                ev = pending.pop(0)
                applied.append((ev.at, _apply(op, ev, name)))
            samples.append(_sample(world, op, ns, name, t))
            t += sample_every
            op.world.runtime.run_until(t * scale)
            if on_tick is not None:
                on_tick(min(t, scn.duration), scn.duration)
    finally:
        world.close()
    # Trace times are world seconds; report scenario seconds.
    for c in world.trace.cycles:
        c.time /= scale
    for n in world.trace.notes:
        n.time /= scale
    return Result(scn, world_kind, world.trace, samples, applied, scale)


def _apply(op: Operator, ev: ScenarioEvent, name: str) -> str:
    if ev.kind == "kill":
        pods = op.running_pods(name)
        if isinstance(ev.value, int):
            if not pods:
                return "kill: no running pod"
            victim = pods[ev.value % len(pods)]
        else:
            victim = ev.value
            if (op.namespace, victim) not in op.world.kube.pods:
                # kubectl would answer NotFound; a scenario naming no pod is a mistake in it.
                raise ScenarioError(
                    f"{ev.path}.kill",
                    f"no pod named {victim!r} at t={ev.at:g}s (running: {', '.join(pods)})",
                )
        op.kill(victim)
        return f"kill {victim}"
    if ev.kind == "size":
        op.set_size(name, ev.value)
        return f"size={ev.value}"
    if ev.kind == "version":
        op.set_version(name, ev.value)
        return f"version={ev.value}"
    if ev.kind == "pause":
        op.set_paused(name, ev.value)
        return "pause" if ev.value else "resume"
    op.restart()
    return "restart operator"


def _sample(world: Any, op: Operator, ns: str, name: str, t: float) -> Sample:
    versions: dict[str, int] = {}
    for v in op.pod_versions(name).values():
        versions[v] = versions.get(v, 0) + 1
    cr = op.get(name)
    return Sample(
        t,
        len(op.running_pods(name)),
        _members(world, ns, name),
        len(cr.status.members.ready),
        cr.spec.size,
        versions,
    )
