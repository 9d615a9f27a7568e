"""Builders for pods and Summary documents, after the helpers of the upstream Go tests.

Pods are ``kubectl get pod -o json``-shaped dicts and summaries are
``/stats/summary``-shaped dicts, so the ported tests exercise the same JSON
boundary real users feed the mirror.
"""

from __future__ import annotations

from typing import Any

from reference_impl.eviction.helpers import local_volume_names
from reference_impl.quantity import Quantity, must_parse

LOW_PRIORITY = -1
DEFAULT_PRIORITY = 0
HIGH_PRIORITY = 1

Pod = dict[str, Any]


def new_resource_list(cpu: str, memory: str, disk: str) -> dict[str, str]:
    result = {}
    if cpu:
        result["cpu"] = cpu
    if memory:
        result["memory"] = memory
    if disk:
        result["ephemeral-storage"] = disk
    return result


def new_container(name: str, requests: dict[str, str], limits: dict[str, str]) -> dict[str, Any]:
    return {"name": name, "resources": {"requests": requests, "limits": limits}}


def new_volume(name: str, source: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, **source}


def empty_dir_volume(name: str = "local-volume") -> dict[str, Any]:
    return new_volume(name, {"emptyDir": {}})


def new_pod(
    name: str,
    priority: int,
    containers: list[dict[str, Any]],
    volumes: list[dict[str, Any]] | None = None,
) -> Pod:
    """Like the Go newPod: the name doubles as the UID."""
    spec: dict[str, Any] = {"containers": containers, "priority": priority}
    if volumes is not None:
        spec["volumes"] = volumes
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "uid": name},
        "spec": spec,
    }


def _pod_ref(pod: Pod) -> dict[str, str]:
    meta = pod["metadata"]
    return {"name": meta["name"], "namespace": meta.get("namespace", ""), "uid": meta["uid"]}


def new_pod_memory_stats(pod: Pod, working_set: Quantity) -> dict[str, Any]:
    return {
        "podRef": _pod_ref(pod),
        "containers": [
            {"name": c["name"], "memory": {"workingSetBytes": working_set.value()}}
            for c in pod["spec"]["containers"]
        ],
    }


def _fs_pod_stats(pod: Pod, key: str, root: Quantity, logs: Quantity, volume: Quantity) -> dict:
    return {
        "podRef": _pod_ref(pod),
        "containers": [
            {"name": c["name"], "rootfs": {key: root.value()}, "logs": {key: logs.value()}}
            for c in pod["spec"]["containers"]
        ],
        "volume": [{"name": name, key: volume.value()} for name in local_volume_names(pod)],
    }


def new_pod_disk_stats(pod: Pod, root: Quantity, logs: Quantity, volume: Quantity) -> dict:
    return _fs_pod_stats(pod, "usedBytes", root, logs, volume)


def new_pod_inode_stats(pod: Pod, root: Quantity, logs: Quantity, volume: Quantity) -> dict:
    return _fs_pod_stats(pod, "inodesUsed", root, logs, volume)


def parse_quantity_or_zero(value: str) -> Quantity:
    return must_parse(value or "0")


def make_pod_with_memory_stats(
    name: str, priority: int, requests: dict, limits: dict, working_set: str
) -> tuple[Pod, dict[str, Any]]:
    pod = new_pod(name, priority, [new_container(name, requests, limits)])
    return pod, new_pod_memory_stats(pod, must_parse(working_set))


def make_pod_with_disk_stats(
    name: str, priority: int, requests: dict, limits: dict, root: str, logs: str, volume: str
) -> tuple[Pod, dict[str, Any]]:
    pod = new_pod(name, priority, [new_container(name, requests, limits)])
    stats = new_pod_disk_stats(
        pod,
        parse_quantity_or_zero(root),
        parse_quantity_or_zero(logs),
        parse_quantity_or_zero(volume),
    )
    return pod, stats


def make_memory_stats(node_available: str, pod_stats: list[dict[str, Any]]) -> dict[str, Any]:
    """Node and ``pods`` system container both report available == working set."""
    value = must_parse(node_available).value()
    memory = {"availableBytes": value, "workingSetBytes": value}
    return {
        "node": {
            "nodeName": "test",
            "memory": dict(memory),
            "systemContainers": [{"name": "pods", "memory": dict(memory)}],
        },
        "pods": list(pod_stats),
    }


def make_disk_stats(
    rootfs_available: str, imagefs_available: str, pod_stats: list[dict[str, Any]]
) -> dict[str, Any]:
    """Capacity is twice what is available, on both filesystems."""
    root = must_parse(rootfs_available).value()
    image = must_parse(imagefs_available).value()
    return {
        "node": {
            "nodeName": "test",
            "fs": {"availableBytes": root, "capacityBytes": root * 2},
            "runtime": {"imageFs": {"availableBytes": image, "capacityBytes": image * 2}},
        },
        "pods": list(pod_stats),
    }


def make_inode_stats(
    rootfs_inodes_free: str, rootfs_inodes: str, pod_stats: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "node": {
            "nodeName": "test",
            "fs": {
                "inodesFree": must_parse(rootfs_inodes_free).value(),
                "inodes": must_parse(rootfs_inodes).value(),
            },
        },
        "pods": list(pod_stats),
    }
