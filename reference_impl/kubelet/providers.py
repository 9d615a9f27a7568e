"""The three providers the eviction manager reads on every pass (v1.10.11).

``initializeRuntimeDependentModules`` hands ``evictionManager.Start`` a summary provider
(``/stats/summary``, built from cAdvisor), a disk-info provider (is there a dedicated image
filesystem?) and the kubelet's ``GetActivePods``.  The eviction mirror takes the same three as
objects (``reference_impl.eviction.types.SummaryProvider`` and friends); these functions say
what the real ones return, in the mirror's terms: a Summary is the JSON of ``/stats/summary``,
a pod is the JSON of a v1.Pod.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from reference_impl.mirrors import mirrors

_KUBELET = "k8s.io/kubernetes/pkg/kubelet"

Pod = dict[str, Any]
Summary = dict[str, Any]

# statsapi.SystemContainer* names, in the order summary.go lists them in its map literal.
_SYSTEM_CONTAINERS = ("kubelet", "runtime", "misc", "pods")


@mirrors(f"(*{_KUBELET}/server/stats.summaryProviderImpl).Get")
def summary_get(
    node_name: str,
    root: Mapping[str, Any],
    root_fs: Mapping[str, Any],
    image_fs: Mapping[str, Any],
    pods: Sequence[Mapping[str, Any]],
    system_containers: Mapping[str, Mapping[str, Any]] | None = None,
    rlimit: Mapping[str, Any] | None = None,
) -> Summary:
    """Mirrors summaryProviderImpl.Get: assemble ``/stats/summary`` from the stats provider.

    ``root`` is the root cgroup's stats (cpu, memory, startTime), ``root_fs`` / ``image_fs`` the
    filesystems, ``pods`` the per-pod stats (``ListPodStats``, from cAdvisor in 1.10), and
    ``system_containers`` the cgroups the node config names (kubelet, runtime, misc, pods).
    A system container whose cgroup name is not configured is skipped; the ones present have
    ``logs`` and ``rootfs`` dropped ("System containers don't have a filesystem").  The
    eviction manager reads ``node.memory``, ``node.fs``, ``node.runtime.imageFs``, the ``pods``
    system container (allocatable) and every pod.

    Quirk kept: Go ranges over a map of system containers, so their order in the Summary is
    random from one call to the next; the mirror lists them in a fixed order (kubelet, runtime,
    misc, pods) -- the eviction manager looks them up by name, so the order decides nothing.

    >>> s = summary_get(
    ...     "node-1",
    ...     {"memory": {"availableBytes": 2**30, "workingSetBytes": 3 * 2**30}},
    ...     {"availableBytes": 10 * 2**30},
    ...     {"availableBytes": 20 * 2**30},
    ...     [],
    ...     {"pods": {"name": "/kubepods", "memory": {"workingSetBytes": 2**30}, "logs": {}}},
    ... )
    >>> s["node"]["memory"]["availableBytes"], [c["name"] for c in s["node"]["systemContainers"]]
    (1073741824, ['pods'])
    >>> "logs" in s["node"]["systemContainers"][0]
    False
    """
    node: dict[str, Any] = {
        "nodeName": node_name,
        "cpu": root.get("cpu"),
        "memory": root.get("memory"),
        "startTime": root.get("startTime"),
        "fs": dict(root_fs),
        "runtime": {"imageFs": dict(image_fs)},
    }
    if rlimit is not None:
        node["rlimit"] = dict(rlimit)
    systems = []
    for name in _SYSTEM_CONTAINERS:
        stats = (system_containers or {}).get(name)
        if stats is None:  # cgroup name undefined: "not all system containers are required"
            continue
        entry = {k: v for k, v in stats.items() if k not in ("logs", "rootfs")}
        entry["name"] = name
        systems.append(entry)
    if systems:
        node["systemContainers"] = systems
    return {"node": node, "pods": [dict(p) for p in pods]}


@mirrors(f"(*{_KUBELET}/stats.StatsProvider).HasDedicatedImageFs")
def has_dedicated_image_fs(image_fs_device: str, root_fs_device: str) -> bool:
    """Mirrors StatsProvider.HasDedicatedImageFs: the image filesystem is dedicated when its
    device differs from the root filesystem's (cAdvisor's ``RootFsInfo().Device``).

    It decides which signals the manager watches and how it reclaims: with a dedicated imagefs,
    nodefs pressure ranks pods by logs and local volumes only, and node-level reclaim for
    nodefs is container GC only (image GC is for imagefs).

    >>> has_dedicated_image_fs("/dev/sdb1", "/dev/sda1")
    True
    >>> has_dedicated_image_fs("/dev/sda1", "/dev/sda1")
    False
    """
    return image_fs_device != root_fs_device


def _status(pod: Mapping[str, Any], cached_status: Mapping[str, Any] | None) -> Mapping[str, Any]:
    # podIsTerminated: the status manager's cached status first; the API server's when the
    # kubelet has none yet (e.g. just restarted)
    return cached_status if cached_status is not None else pod.get("status") or {}


def _not_running(container_statuses: Sequence[Mapping[str, Any]]) -> bool:
    # notRunning: true unless some container is neither terminated nor waiting (an empty list
    # counts as "not running")
    for status in container_statuses:
        state = status.get("state") or {}
        if state.get("terminated") is None and state.get("waiting") is None:
            return False
    return True


@mirrors(f"(*{_KUBELET}.Kubelet).GetActivePods")
def get_active_pods(
    pods: Sequence[Pod], cached_statuses: Mapping[str, Mapping[str, Any]] | None = None
) -> list[Pod]:
    """Mirrors Kubelet.GetActivePods: the pod manager's pods minus the terminated ones
    (``filterOutTerminatedPods`` / ``podIsTerminated``).

    A pod is terminated when its phase is ``Failed`` or ``Succeeded``, or when it is being
    deleted (``deletionTimestamp`` set) and none of its containers is running.
    ``cached_statuses`` maps pod UID to the status manager's status, which wins over the pod's
    own status.  Order is kept.  These are the pods the manager ranks, and the ones it may kill.

    >>> running = {"metadata": {"name": "a", "uid": "1"}, "status": {"phase": "Running"}}
    >>> done = {"metadata": {"name": "b", "uid": "2"}, "status": {"phase": "Succeeded"}}
    >>> going = {
    ...     "metadata": {"name": "c", "uid": "3", "deletionTimestamp": "2018-01-01T00:00:00Z"},
    ...     "status": {"phase": "Running", "containerStatuses": [{"state": {"terminated": {}}}]},
    ... }
    >>> [p["metadata"]["name"] for p in get_active_pods([running, done, going])]
    ['a']
    >>> [p["metadata"]["name"] for p in get_active_pods([done], {"2": {"phase": "Running"}})]
    ['b']
    """
    active = []
    for pod in pods:
        meta = pod.get("metadata") or {}
        status = _status(pod, (cached_statuses or {}).get(meta.get("uid", "")))
        phase = status.get("phase")
        terminated = phase in ("Failed", "Succeeded") or (
            meta.get("deletionTimestamp") is not None
            and _not_running(status.get("containerStatuses") or [])
        )
        if not terminated:
            active.append(pod)
    return active
