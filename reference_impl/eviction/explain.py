"""``explain``: what would a release-1.10 kubelet do with this node right now?

Feeds a real ``/stats/summary`` document and the node's pods to a fresh mirror
of the eviction manager and reports each step of its first pass.  A fresh
kubelet has no history, so a soft threshold has not yet waited out its grace
period; in that case a second, hypothetical pass is run as if the same numbers
were still observed once the longest grace period has elapsed, and reported as
such.  Nothing is killed: the pod killer only records.
"""

from __future__ import annotations

import copy
import json
import sys
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from reference_impl import features
from reference_impl.clock import FakeClock
from reference_impl.eviction import helpers as h
from reference_impl.eviction.eviction_manager import Manager
from reference_impl.eviction.fakes import (
    FakeDiskGC,
    FakeDiskInfoProvider,
    FakePodKiller,
    FakeRecorder,
    FakeSummaryProvider,
)
from reference_impl.eviction.kubeletconfig import EvictionSettings, eviction_settings
from reference_impl.eviction.pods import (
    RESOURCE_MEMORY,
    get_pod_priority,
    get_pod_qos,
    pod_name,
    pod_namespace,
)
from reference_impl.eviction.stats import SummaryError, obs_time, validate_summary
from reference_impl.eviction.trace import SyncTrace
from reference_impl.eviction.types import (
    FS_STATS_LOCAL_VOLUME_SOURCE,
    FS_STATS_LOGS,
    FS_STATS_ROOT,
    PodAdmitAttributes,
)


class ExplainError(ValueError):
    """An input file could not be used; the message says which and why.

    >>> isinstance(ExplainError("pods.json: not JSON"), ValueError)
    True
    """


def load_summary(source: str, timeout: float = 10.0) -> dict[str, Any]:
    """A Summary from a file path, ``-`` (stdin) or an http(s) URL, validated.

    >>> import json, tempfile
    >>> f = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
    >>> json.dump({"node": {"nodeName": "n"}, "pods": []}, f)
    >>> f.close()
    >>> load_summary(f.name)["node"]["nodeName"]
    'n'
    """
    try:
        if source.startswith(("http://", "https://")):
            with urllib.request.urlopen(source, timeout=timeout) as response:
                text = response.read().decode("utf-8")
        elif source == "-":
            text = sys.stdin.buffer.read().decode("utf-8")
        else:
            text = Path(source).read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise ExplainError(f"summary {source}: not UTF-8 text (byte {err.start})") from None
    except OSError as err:
        raise ExplainError(f"summary {source}: {err}") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as err:
        raise ExplainError(f"summary {source}: not valid JSON: {err}") from None
    except RecursionError:
        raise ExplainError(f"summary {source}: JSON nested too deeply to read") from None
    try:
        return validate_summary(doc)
    except SummaryError as err:
        raise ExplainError(f"summary {source}: {err}") from None


def load_pods(path: str) -> list[dict[str, Any]]:
    """Pods from ``kubectl get pods -o json`` (a List), a list, or one pod; JSON or YAML;
    ``path`` ``-`` reads stdin.

    >>> import json, tempfile
    >>> f = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
    >>> json.dump(
    ...     {
    ...         "kind": "List",
    ...         "items": [
    ...             {
    ...                 "metadata": {"name": "web", "uid": "u1"},
    ...                 "spec": {"containers": [{"name": "c"}]},
    ...             }
    ...         ],
    ...     },
    ...     f,
    ... )
    >>> f.close()
    >>> [p["metadata"]["name"] for p in load_pods(f.name)]
    ['web']
    """
    try:
        if path == "-":
            text = sys.stdin.buffer.read().decode("utf-8")
        else:
            text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise ExplainError(f"pods {path}: not UTF-8 text (byte {err.start})") from None
    except OSError as err:
        raise ExplainError(f"pods {path}: {err}") from None
    try:
        # JSON first: ``kubectl -o json`` is the common case and the C JSON parser is
        # linear and ~50x faster than the YAML one on 100,000 pods; YAML only if that fails.
        doc = json.loads(text)
    except json.JSONDecodeError:
        try:
            doc = yaml.safe_load(text)
        except yaml.YAMLError as err:
            raise ExplainError(f"pods {path}: neither JSON nor YAML: {err}") from None
        except RecursionError:
            raise ExplainError(f"pods {path}: nested too deeply to read") from None
    except RecursionError:
        raise ExplainError(f"pods {path}: nested too deeply to read") from None
    if isinstance(doc, dict) and "items" in doc:
        doc = doc["items"]
    elif isinstance(doc, dict):
        doc = [doc]
    if not isinstance(doc, list) or not all(isinstance(p, dict) for p in doc):
        raise ExplainError(f"pods {path}: expected a pod, a list of pods or a List with items")
    for i, pod in enumerate(doc):
        if not isinstance(pod.get("metadata"), dict) or "uid" not in pod["metadata"]:
            raise ExplainError(f"pods {path}: item {i} has no metadata.uid")
    return doc


def active_pods(pods: list[dict[str, Any]], node_name: str = "") -> list[dict[str, Any]]:
    """The pods this node's kubelet would consider.

    Kubelet.GetActivePods leaves out pods that have terminated.  A pods file from
    ``kubectl get pods -A -o json`` also holds other nodes' pods; those are left
    out by ``spec.nodeName`` (a kubelet only knows its own pods, and a pod with no
    stats would otherwise rank first for eviction).

    >>> pods = [
    ...     {"metadata": {"name": "a"}, "spec": {"nodeName": "n1"}, "status": {"phase": "Running"}},
    ...     {
    ...         "metadata": {"name": "b"},
    ...         "spec": {"nodeName": "n1"},
    ...         "status": {"phase": "Succeeded"},
    ...     },
    ... ]
    >>> [p["metadata"]["name"] for p in active_pods(pods, "n1")]
    ['a']
    """
    result = []
    for pod in pods:
        if (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
            continue
        bound = (pod.get("spec") or {}).get("nodeName")
        if node_name and bound and bound != node_name:
            continue
        result.append(pod)
    return result


@dataclass
class Explanation:
    """What ``explain`` found for one node: the pass it would run now and, for soft
    thresholds, the pass after their grace periods.

    >>> r = explain(
    ...     {
    ...         "node": {
    ...             "nodeName": "n",
    ...             "memory": {
    ...                 "time": "2018-11-26T12:00:00Z",
    ...                 "availableBytes": 50 * 2**20,
    ...                 "workingSetBytes": 2**30,
    ...             },
    ...         },
    ...         "pods": [],
    ...     },
    ...     [],
    ... )
    >>> (
    ...     isinstance(r, Explanation),
    ...     r.to_dict()["node_conditions"]
    ...     if "node_conditions" in r.to_dict()
    ...     else sorted(r.to_dict())[:3],
    ... )
    (True, ['admission', 'evicted', 'first_pass'])
    """

    node: str
    settings: EvictionSettings
    now: datetime
    first: SyncTrace
    evicted: str | None
    grace_override: int | None
    hypothetical: SyncTrace | None = None
    hypothetical_after: timedelta | None = None
    hypothetical_evicted: str | None = None
    pods_considered: int = 0
    pods_given: int = 0
    ranking_details: list[dict[str, Any]] = field(default_factory=list)
    admission: dict[str, bool] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "node": self.node,
            "now": self.now.isoformat(),
            "first_pass": self.first.to_dict(),
            "evicted": self.evicted,
            "grace_period_override": self.grace_override,
            "hypothetical_pass": self.hypothetical.to_dict() if self.hypothetical else None,
            "hypothetical_after_seconds": (
                self.hypothetical_after.total_seconds() if self.hypothetical_after else None
            ),
            "hypothetical_evicted": self.hypothetical_evicted,
            "ranking": self.ranking_details,
            "admission": self.admission,
            "pods_considered": self.pods_considered,
            "pods_given": self.pods_given,
        }


def _summary_time(summary: dict[str, Any]) -> datetime:
    node = summary.get("node") or {}
    for key in ("memory", "fs"):
        if isinstance(node.get(key), dict):
            t = obs_time(node[key])
            if t is not None:
                return t
    return datetime.now(UTC)


def _without_times(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_times(v) for k, v in value.items() if k != "time"}
    if isinstance(value, list):
        return [_without_times(v) for v in value]
    return value


def _manager(
    summary: dict[str, Any], settings: EvictionSettings, clock: FakeClock
) -> tuple[Manager, FakePodKiller, FakeSummaryProvider]:
    killer = FakePodKiller()
    gc = FakeDiskGC()
    provider = FakeSummaryProvider(result=summary)
    manager = Manager(
        provider,
        settings.config,
        killer.kill_pod_now,
        gc,
        gc,
        FakeRecorder(),
        {"kind": "Node"},
        clock,
    )
    return manager, killer, provider


def _key(pod: dict[str, Any] | None) -> str | None:
    return None if pod is None else f"{pod_namespace(pod)}/{pod_name(pod)}"


def explain(
    summary: dict[str, Any],
    pods: list[dict[str, Any]],
    settings: EvictionSettings | None = None,
    *,
    dedicated_image_fs: bool | None = None,
) -> Explanation:
    """Run the mirror on this node's numbers; see the module docstring.

    >>> r = explain(
    ...     {
    ...         "node": {
    ...             "nodeName": "n",
    ...             "memory": {
    ...                 "time": "2018-11-26T12:00:00Z",
    ...                 "availableBytes": 50 * 2**20,
    ...                 "workingSetBytes": 2**30,
    ...             },
    ...         },
    ...         "pods": [],
    ...     },
    ...     [],
    ... )
    >>> type(r).__name__
    'Explanation'
    """
    settings = settings or eviction_settings(None)
    node = (summary.get("node") or {}).get("nodeName", "") or "(unnamed node)"
    if dedicated_image_fs is None:
        # The Summary reports imageFs separately only when the runtime has one.
        image = ((summary["node"].get("runtime") or {}).get("imageFs")) or {}
        fs = summary["node"].get("fs") or {}
        dedicated_image_fs = bool(image) and image.get("capacityBytes") != fs.get("capacityBytes")
    disk_info = FakeDiskInfoProvider(dedicated_image_fs=dedicated_image_fs)
    now = _summary_time(summary)
    running = active_pods(pods, (summary.get("node") or {}).get("nodeName", ""))
    with features.gates(settings.feature_gates):
        clock = FakeClock(now)
        manager, killer, provider = _manager(summary, settings, clock)
        active = list(running)
        manager.synchronize(disk_info, lambda: active)
        first = manager.last_trace
        assert first is not None
        result = Explanation(
            node=node,
            settings=settings,
            now=now,
            first=first,
            evicted=_key(killer.pod),
            grace_override=killer.grace_period_override,
            pods_considered=len(running),
            pods_given=len(pods),
        )
        result.admission = {
            qos: manager.admit(_admission_probe(qos)).admit for qos in ("BestEffort", "Burstable")
        }
        if killer.pod is None and first.thresholds_met and not first.thresholds_grace_period_met:
            wait = max(
                (timedelta(seconds=t["grace_period_seconds"]) for t in first.thresholds_met),
                default=timedelta(0),
            )
            clock.step(wait)
            provider.result = _without_times(copy.deepcopy(summary))
            active = list(running)
            manager.synchronize(disk_info, lambda: active)
            result.hypothetical = manager.last_trace
            result.hypothetical_after = wait
            result.hypothetical_evicted = _key(killer.pod)
            result.grace_override = killer.grace_period_override
        trace = result.hypothetical or first
        if trace.ranking:
            result.ranking_details = _ranking_details(summary, running, trace)
    return result


def _admission_probe(qos: str) -> PodAdmitAttributes:
    resources = {} if qos == "BestEffort" else {"requests": {"memory": "64Mi"}}
    pod = {
        "metadata": {"name": f"probe-{qos.lower()}", "uid": "probe"},
        "spec": {"containers": [{"name": "c", "resources": resources}]},
    }
    return PodAdmitAttributes(pod=pod)


def _ranking_details(
    summary: dict[str, Any], pods: list[dict[str, Any]], trace: SyncTrace
) -> list[dict[str, Any]]:
    _, stats_func = h.make_signal_observations(summary)
    by_key = {f"{pod_namespace(p)}/{pod_name(p)}": p for p in pods}
    resource = trace.resource_to_reclaim
    details = []
    for rank, key in enumerate(trace.ranking[:10], start=1):
        pod = by_key.get(key)
        if pod is None:
            continue
        stats, found = stats_func(pod)
        entry: dict[str, Any] = {
            "rank": rank,
            "pod": key,
            "qos": get_pod_qos(pod),
            "priority": get_pod_priority(pod),
            "stats_found": found,
        }
        if found and stats is not None:
            if resource == RESOURCE_MEMORY:
                usage = h.pod_memory_usage(stats)[RESOURCE_MEMORY]
                request = h.pod_request(pod, RESOURCE_MEMORY)
            else:
                usage = h.pod_disk_usage(
                    stats, pod, [FS_STATS_ROOT, FS_STATS_LOGS, FS_STATS_LOCAL_VOLUME_SOURCE]
                )[h.RESOURCE_INODES if resource and "nodes" in resource else h.RESOURCE_DISK]
                request = h.pod_request(pod, h.RESOURCE_DISK)
            entry.update(
                usage=usage.value(),
                request=request.value(),
                exceeds_request=usage.cmp(request) > 0,
            )
        details.append(entry)
    return details


# -- text ----------------------------------------------------------------------


def _human(value: int, signal: str) -> str:
    if "inodes" in signal.lower():
        return f"{value}"
    for unit, size in (("Gi", 1 << 30), ("Mi", 1 << 20), ("Ki", 1 << 10)):
        if abs(value) >= size:
            return f"{value / size:.2f}{unit}"
    return f"{value}"


def _threshold_line(t: dict[str, Any]) -> str:
    kind = "hard" if t["hard"] else f"soft, grace {t['grace_period_seconds']:g}s"
    reclaim = f", min-reclaim {t['min_reclaim']}" if t["min_reclaim"] else ""
    return f"{t['signal']} < {t['value']} ({kind}{reclaim})"


def render(result: Explanation) -> str:
    """The explanation as text for a terminal.

    >>> r = explain(
    ...     {
    ...         "node": {
    ...             "nodeName": "n",
    ...             "memory": {
    ...                 "time": "2018-11-26T12:00:00Z",
    ...                 "availableBytes": 50 * 2**20,
    ...                 "workingSetBytes": 2**30,
    ...             },
    ...         },
    ...         "pods": [],
    ...     },
    ...     [],
    ... )
    >>> "memory.available" in render(r)
    True
    """
    first = result.first
    lines = [
        f"What would a release-1.10 (v1.10.11) kubelet do with node {result.node} right now?",
        f"(stats time {result.now.isoformat()}; {result.pods_considered} of "
        f"{result.pods_given} pods are active on this node)",
        "",
        "Observations:",
    ]
    for signal, obs in first.observations.items():
        available, capacity = obs["available"], obs["capacity"]
        share = f" ({100 * available / capacity:.1f}%)" if capacity else ""
        lines.append(
            f"  {signal:<28} {_human(available, signal):>10} available of "
            f"{_human(capacity, signal)}{share}"
        )
    lines += ["", "Configured thresholds:"]
    lines += [f"  {_threshold_line(t.to_dict())}" for t in result.settings.thresholds] or [
        "  (none)"
    ]
    lines += ["", "Thresholds met now (ignoring grace periods):"]
    lines += [f"  {_threshold_line(t)}" for t in first.thresholds_met] or ["  none"]
    lines.append("")
    conditions = ", ".join(first.node_conditions) or "none"
    lines.append(f"Node conditions reported: {conditions}")
    lines.append(
        "Admission of new pods: "
        + ", ".join(
            f"{qos} {'admitted' if ok else 'rejected'}" for qos, ok in result.admission.items()
        )
    )
    lines.append("")
    lines.append("Eviction:")
    trace = result.hypothetical or first
    if first.evicted and first.evicted[0].local_storage:
        e = first.evicted[0]
        lines.append(f"  Local storage eviction: {e.pod} — {e.message} (grace period 0s)")
        return "\n".join(lines)
    if result.hypothetical is not None:
        lines.append(
            "  No eviction yet: a fresh kubelet sees the soft threshold met for the first time "
            "now, so its grace period only starts. If the same numbers are still observed "
            f"after {result.hypothetical_after.total_seconds():g}s:"  # type: ignore[union-attr]
        )
    if trace.resource_to_reclaim:
        soft = "soft" if trace.soft_eviction else "hard"
        lines.append(f"  Resource to reclaim: {trace.resource_to_reclaim} ({soft} eviction)")
        if trace.node_reclaim and trace.node_reclaim.get("ran"):
            lines.append(
                "  Node-level reclaim first: "
                + ", ".join(trace.node_reclaim["ran"])
                + " (this tool cannot delete anything, so it assumes nothing is freed)"
            )
    if result.ranking_details:
        lines.append("  Ranking (first is evicted first):")
        for d in result.ranking_details:
            if "usage" in d:
                usage = f"usage {_human(d['usage'], '')} vs request {_human(d['request'], '')}"
            else:
                usage = "no stats (ranked first)"
            lines.append(
                f"    {d['rank']:>2}. {d['pod']:<32} {d['qos']:<10} "
                f"priority {d['priority']:<6} {usage}"
            )
    evicted = result.hypothetical_evicted if result.hypothetical is not None else result.evicted
    if evicted:
        e = trace.evicted[0]
        lines.append(
            f'  Would evict: {evicted} — reason Evicted, "{e.message}" '
            f"(grace period override {e.grace_period_override}s)"
        )
    elif trace.starved_resources:
        lines.append(f"  No pod would be evicted: {trace.error or 'node-level reclaim was enough'}")
    else:
        lines.append("  No pod would be evicted: no threshold has met its grace period.")
    return "\n".join(lines)
