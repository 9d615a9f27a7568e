"""Mirror of pkg/util/k8sutil/pod_util.go: container, probe, pod policy, readiness."""

from __future__ import annotations

from typing import Any

from reference_impl.mirrors import mirrors
from reference_impl.operator.api.cluster import PodPolicy
from reference_impl.operator.kube import Pod

_PKG = "github.com/coreos/etcd-operator/pkg/util/k8sutil"


@mirrors(f"{_PKG}.etcdContainer")
def etcd_container(cmd: list[str], repo: str, version: str) -> dict[str, Any]:
    """Mirrors ``k8sutil.etcdContainer``.

    >>> c = etcd_container(["etcd"], "quay.io/coreos/etcd", "3.2.13")
    >>> c["name"], c["image"]
    ('etcd', 'quay.io/coreos/etcd:v3.2.13')
    """
    return {
        "name": "etcd",
        "command": cmd,
        "image": f"{repo}:v{version}",
        "ports": [
            {"name": "server", "containerPort": 2380},
            {"name": "client", "containerPort": 2379},
        ],
        "volumeMounts": [{"name": "etcd-data", "mountPath": "/var/etcd"}],
    }


@mirrors(f"{_PKG}.newEtcdProbe")
def new_etcd_probe(is_secure: bool) -> dict[str, Any]:
    """Mirrors ``k8sutil.newEtcdProbe``.

    >>> new_etcd_probe(False)["exec"]["command"][-1]
    'ETCDCTL_API=3 etcdctl endpoint status'
    """
    cmd = "ETCDCTL_API=3 etcdctl endpoint status"
    if is_secure:
        cmd = (
            "ETCDCTL_API=3 etcdctl --endpoints=https://localhost:2379 "
            "--cert=... --key=... --cacert=... endpoint status"
        )
    return {
        "exec": {"command": ["/bin/sh", "-ec", cmd]},
        "initialDelaySeconds": 10,
        "timeoutSeconds": 10,
        "periodSeconds": 60,
        "failureThreshold": 3,
    }


@mirrors(f"{_PKG}.applyPodPolicy")
def apply_pod_policy(cluster_name: str, pod: Pod, policy: PodPolicy | None) -> None:
    """Mirrors ``k8sutil.applyPodPolicy``.

    >>> from reference_impl.operator.api.cluster import PodPolicy
    >>> pod = {"metadata": {"labels": {}, "annotations": {}}, "spec": {"containers": [{}]}}
    >>> apply_pod_policy("ex", pod, PodPolicy(node_selector={"disk": "ssd"}))
    >>> pod["spec"]["nodeSelector"]
    {'disk': 'ssd'}
    """
    if policy is None:
        return
    if policy.affinity is not None:
        pod["spec"]["affinity"] = policy.affinity
    if policy.node_selector:
        pod["spec"]["nodeSelector"] = dict(policy.node_selector)
    labels = pod["metadata"]["labels"]
    for k, v in policy.labels.items():
        # mergeLabels: the operator's own labels win over the user's.
        labels.setdefault(k, v)
    pod["metadata"]["annotations"].update(policy.annotations)


@mirrors(f"{_PKG}.IsPodReady")
def is_pod_ready(pod: Pod) -> bool:
    """Mirrors ``k8sutil.IsPodReady``.

    >>> is_pod_ready({"status": {"conditions": [{"type": "Ready", "status": "True"}]}})
    True
    >>> is_pod_ready({"status": {"phase": "Pending"}})
    False
    """
    for c in pod.get("status", {}).get("conditions", []):
        if c.get("type") == "Ready":
            return bool(c.get("status") == "True")
    return False
