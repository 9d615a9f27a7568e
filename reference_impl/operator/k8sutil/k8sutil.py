"""Mirror of pkg/util/k8sutil/k8sutil.go: the etcd pod manifest and naming helpers.

Pods are dicts in the Kubernetes JSON form.  The manifest keeps what the reconcile loop and
the worlds read (name, labels, the ``etcd.version`` annotation, owner, the etcd command line,
image, restart policy); probes and volumes are reduced to what matters for reading.
"""

from __future__ import annotations

import random
from typing import Any

from reference_impl.mirrors import mirrors
from reference_impl.operator.api.cluster import ClusterSpec, PodPolicy
from reference_impl.operator.api.cluster_tls import is_secure_client
from reference_impl.operator.api.meta import OwnerReference
from reference_impl.operator.etcdutil.member import Member, MemberSet
from reference_impl.operator.k8sutil.pod_util import (
    apply_pod_policy,
    etcd_container,
    new_etcd_probe,
)
from reference_impl.operator.kube import Pod

_PKG = "github.com/coreos/etcd-operator/pkg/util/k8sutil"

ETCD_CLIENT_PORT = 2379
ETCD_VOLUME_MOUNT_DIR = "/var/etcd"
DATA_DIR = ETCD_VOLUME_MOUNT_DIR + "/data"
BACKUP_FILE = "/var/etcd/latest.backup"
ETCD_VERSION_ANNOTATION_KEY = "etcd.version"
RANDOM_SUFFIX_LENGTH = 10
# A pod name is a DNS label (63 chars); the member name adds "-" and a 10-char suffix.
MAX_NAME_LENGTH = 63 - RANDOM_SUFFIX_LENGTH - 1
DEFAULT_BUSYBOX_IMAGE = "busybox:1.28.0-glibc"
ANNOTATION_SCOPE = "etcd.database.coreos.com/scope"
ANNOTATION_CLUSTER_WIDE = "clusterwide"

# k8s.io/apimachinery/pkg/util/rand: consonants and digits, so no words are spelled.
_ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789"


@mirrors(f"{_PKG}.GetEtcdVersion")
def get_etcd_version(pod: Pod) -> str:
    """Mirrors ``k8sutil.GetEtcdVersion``.

    >>> get_etcd_version({"metadata": {"annotations": {"etcd.version": "3.2.13"}}})
    '3.2.13'
    """
    return str(pod["metadata"].get("annotations", {}).get(ETCD_VERSION_ANNOTATION_KEY, ""))


@mirrors(f"{_PKG}.SetEtcdVersion")
def set_etcd_version(pod: Pod, version: str) -> None:
    """Mirrors ``k8sutil.SetEtcdVersion``.

    >>> pod = {"metadata": {}}
    >>> set_etcd_version(pod, "3.3.0")
    >>> get_etcd_version(pod)
    '3.3.0'
    """
    pod["metadata"].setdefault("annotations", {})[ETCD_VERSION_ANNOTATION_KEY] = version


@mirrors(f"{_PKG}.GetPodNames")
def get_pod_names(pods: list[Pod]) -> list[str]:
    """Mirrors ``k8sutil.GetPodNames``.

    >>> get_pod_names([{"metadata": {"name": "ex-a"}}, {"metadata": {"name": "ex-b"}}])
    ['ex-a', 'ex-b']
    """
    return [p["metadata"]["name"] for p in pods]


@mirrors(f"{_PKG}.ImageName")
def image_name(repo: str, version: str) -> str:
    """Mirrors ``k8sutil.ImageName``.

    >>> image_name("quay.io/coreos/etcd", "3.2.13")
    'quay.io/coreos/etcd:v3.2.13'
    """
    return f"{repo}:v{version}"


@mirrors(f"{_PKG}.imageNameBusybox")
def image_name_busybox(policy: PodPolicy | None) -> str:
    """Mirrors ``k8sutil.imageNameBusybox``.

    >>> image_name_busybox(None)
    'busybox:1.28.0-glibc'
    """
    if policy is not None and policy.busybox_image:
        return policy.busybox_image
    return DEFAULT_BUSYBOX_IMAGE


@mirrors(f"{_PKG}.ClientServiceName")
def client_service_name(cluster_name: str) -> str:
    """Mirrors ``k8sutil.ClientServiceName``.

    >>> client_service_name("example")
    'example-client'
    """
    return cluster_name + "-client"


@mirrors(f"{_PKG}.LabelsForCluster")
def labels_for_cluster(cluster_name: str) -> dict[str, str]:
    """Mirrors ``k8sutil.LabelsForCluster``.

    >>> labels_for_cluster("example")
    {'etcd_cluster': 'example', 'app': 'etcd'}
    """
    return {"etcd_cluster": cluster_name, "app": "etcd"}


@mirrors(f"{_PKG}.ClusterListOpt")
def cluster_list_opt(cluster_name: str) -> dict[str, str]:
    """Mirrors ``k8sutil.ClusterListOpt``.

    The label selector, as the equality map it is built from.

    >>> cluster_list_opt("example")
    {'etcd_cluster': 'example', 'app': 'etcd'}
    """
    return labels_for_cluster(cluster_name)


@mirrors(f"{_PKG}.PVCNameFromMember")
def pvc_name_from_member(member_name: str) -> str:
    """Mirrors ``k8sutil.PVCNameFromMember``.

    >>> pvc_name_from_member("example-0001")
    'example-0001'
    """
    return member_name


@mirrors(f"{_PKG}.UniqueMemberName")
def unique_member_name(cluster_name: str, rng: random.Random) -> str:
    """Mirrors ``k8sutil.UniqueMemberName``.

    ``<cluster>-<10 random chars>``; the randomness is injected so runs are reproducible.

    >>> import random
    >>> name = unique_member_name("example", random.Random(0))
    >>> name.startswith("example-"), len(name) == len("example-") + RANDOM_SUFFIX_LENGTH
    (True, True)
    """
    suffix = "".join(rng.choice(_ALPHANUMS) for _ in range(RANDOM_SUFFIX_LENGTH))
    if len(cluster_name) > MAX_NAME_LENGTH:
        cluster_name = cluster_name[:MAX_NAME_LENGTH]
    return cluster_name + "-" + suffix


@mirrors(f"{_PKG}.CreateClientService")
def new_client_service(cluster_name: str, owner: OwnerReference) -> dict[str, Any]:
    """Mirrors ``k8sutil.CreateClientService``.

    >>> from reference_impl.operator.api.meta import OwnerReference
    >>> svc = new_client_service("example", OwnerReference(name="example"))
    >>> svc["metadata"]["name"], [p["port"] for p in svc["spec"]["ports"]]
    ('example-client', [2379])
    """
    return _service(client_service_name(cluster_name), cluster_name, "", [ETCD_CLIENT_PORT], owner)


@mirrors(f"{_PKG}.CreatePeerService")
def new_peer_service(cluster_name: str, owner: OwnerReference) -> dict[str, Any]:
    # Headless: it exists for the per-pod DNS names Member.Addr() relies on.
    """Mirrors ``k8sutil.CreatePeerService``.

    >>> from reference_impl.operator.api.meta import OwnerReference
    >>> svc = new_peer_service("example", OwnerReference(name="example"))
    >>> svc["metadata"]["name"], svc["spec"]["clusterIP"], [p["port"] for p in svc["spec"]["ports"]]
    ('example', 'None', [2379, 2380])
    """
    return _service(cluster_name, cluster_name, "None", [ETCD_CLIENT_PORT, 2380], owner)


def _service(
    name: str, cluster_name: str, cluster_ip: str, ports: list[int], owner: OwnerReference
) -> dict[str, Any]:
    return {
        "metadata": {
            "name": name,
            "labels": labels_for_cluster(cluster_name),
            "ownerReferences": [owner.to_dict()],
        },
        "spec": {
            "clusterIP": cluster_ip,
            "ports": [{"port": p} for p in ports],
            "selector": labels_for_cluster(cluster_name),
        },
    }


@mirrors(f"{_PKG}.AddEtcdVolumeToPod")
def add_etcd_volume_to_pod(pod: Pod, pvc_name: str | None) -> None:
    """Mirrors ``k8sutil.AddEtcdVolumeToPod``.

    >>> pod = {"spec": {"volumes": []}}
    >>> add_etcd_volume_to_pod(pod, None)  # no PVC: an emptyDir
    >>> pod["spec"]["volumes"]
    [{'name': 'etcd-data', 'emptyDir': {}}]
    """
    vol: dict[str, Any] = {"name": "etcd-data"}
    if pvc_name is not None:
        vol["persistentVolumeClaim"] = {"claimName": pvc_name}
    else:
        vol["emptyDir"] = {}
    pod["spec"].setdefault("volumes", []).append(vol)


@mirrors(f"{_PKG}.newEtcdPod")
def _new_etcd_pod(
    m: Member,
    initial_cluster: list[str],
    cluster_name: str,
    state: str,
    token: str,
    cs: ClusterSpec,
) -> Pod:
    command = [
        "/usr/local/bin/etcd",
        f"--data-dir={DATA_DIR}",
        f"--name={m.name}",
        f"--initial-advertise-peer-urls={m.peer_url()}",
        f"--listen-peer-urls={m.listen_peer_url()}",
        f"--listen-client-urls={m.listen_client_url()}",
        f"--advertise-client-urls={m.client_url()}",
        f"--initial-cluster={','.join(initial_cluster)}",
        f"--initial-cluster-state={state}",
    ]
    if m.secure_peer:
        command += [
            "--peer-client-cert-auth=true",
            "--peer-trusted-ca-file=/etc/etcdtls/member/peer-tls/peer-ca.crt",
        ]
    if m.secure_client:
        command += [
            "--client-cert-auth=true",
            "--trusted-ca-file=/etc/etcdtls/member/server-tls/server-ca.crt",
        ]
    if state == "new":
        # Only a new cluster needs a token; joining members learn it from their peers.
        command.append(f"--initial-cluster-token={token}")
    container = etcd_container(command, cs.repository, cs.version)
    container["livenessProbe"] = new_etcd_probe(is_secure_client(cs.tls))
    container["readinessProbe"] = new_etcd_probe(is_secure_client(cs.tls))
    pod: Pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": m.name,
            "labels": {"app": "etcd", "etcd_node": m.name, "etcd_cluster": cluster_name},
            "annotations": {},
        },
        "spec": {
            "initContainers": [{"name": "check-dns", "image": image_name_busybox(cs.pod)}],
            "containers": [container],
            # Never: a dead etcd container must not come back with stale membership;
            # the operator replaces the member instead.
            "restartPolicy": "Never",
            "hostname": m.name,
            "subdomain": cluster_name,
        },
        "status": {"phase": "Pending"},
    }
    set_etcd_version(pod, cs.version)
    return pod


@mirrors(f"{_PKG}.NewEtcdPod")
def new_etcd_pod(
    m: Member,
    initial_cluster: list[str],
    cluster_name: str,
    state: str,
    token: str,
    cs: ClusterSpec,
    owner: OwnerReference,
) -> Pod:
    """Mirrors ``k8sutil.NewEtcdPod``.

    >>> from reference_impl.operator.api.cluster import ClusterSpec
    >>> from reference_impl.operator.api.meta import OwnerReference
    >>> from reference_impl.operator.etcdutil.member import Member, new_member_set
    >>> m = Member("ex-a", "default")
    >>> pod = new_etcd_pod(
    ...     m,
    ...     new_member_set(m).peer_url_pairs(),
    ...     "ex",
    ...     "new",
    ...     "tok",
    ...     ClusterSpec(size=1, version="3.2.13", repository="quay.io/coreos/etcd"),
    ...     OwnerReference(name="ex"),
    ... )
    >>> flags = etcd_flags(pod)
    >>> flags["name"], flags["initial-cluster-state"], get_etcd_version(pod)
    ('ex-a', 'new', '3.2.13')
    """
    pod = _new_etcd_pod(m, initial_cluster, cluster_name, state, token, cs)
    apply_pod_policy(cluster_name, pod, cs.pod)
    add_owner_ref_to_object(pod, owner)
    return pod


@mirrors(f"{_PKG}.NewSeedMemberPod")
def new_seed_member_pod(
    cluster_name: str,
    ms: MemberSet,
    m: Member,
    cs: ClusterSpec,
    owner: OwnerReference,
    backup_url: str | None,
    token: str,
) -> Pod:
    """Mirrors ``k8sutil.NewSeedMemberPod``.

    >>> from reference_impl.operator.api.cluster import ClusterSpec
    >>> from reference_impl.operator.api.meta import OwnerReference
    >>> from reference_impl.operator.etcdutil.member import Member, new_member_set
    >>> m = Member("ex-a", "default")
    >>> pod = new_seed_member_pod(
    ...     "ex",
    ...     new_member_set(m),
    ...     m,
    ...     ClusterSpec(size=1, version="3.2.13", repository="quay.io/coreos/etcd"),
    ...     OwnerReference(name="ex"),
    ...     "http://restore-op/v1/backup/ex",
    ...     "tok",
    ... )
    >>> backup_url_of(pod)
    'http://restore-op/v1/backup/ex'
    """
    pod = _new_etcd_pod(m, ms.peer_url_pairs(), cluster_name, "new", token, cs)
    add_etcd_volume_to_pod(pod, None)
    if backup_url is not None:
        # Upstream: an init container curls the backup, another runs `etcdctl snapshot
        # restore` into the data dir before etcd starts.
        pod["spec"]["initContainers"] += [
            {"name": "fetch-backup", "backupURL": backup_url},
            {"name": "restore-datadir", "image": image_name(cs.repository, cs.version)},
        ]
    apply_pod_policy(cluster_name, pod, cs.pod)
    add_owner_ref_to_object(pod, owner)
    return pod


@mirrors(f"{_PKG}.addOwnerRefToObject")
def add_owner_ref_to_object(obj: dict[str, Any], r: OwnerReference) -> None:
    """Mirrors ``k8sutil.addOwnerRefToObject``.

    >>> from reference_impl.operator.api.meta import OwnerReference
    >>> obj = {"metadata": {}}
    >>> add_owner_ref_to_object(obj, OwnerReference(name="example", uid="u1"))
    >>> [(r["name"], r["uid"]) for r in obj["metadata"]["ownerReferences"]]
    [('example', 'u1')]
    """
    obj["metadata"].setdefault("ownerReferences", []).append(r.to_dict())


def etcd_flags(pod: Pod) -> dict[str, str]:
    """Mirrors nothing: reads back the flags ``newEtcdPod`` wrote (what a world runs).

    The ``--flag=value`` pairs of a pod's etcd command: what a world runs.

    >>> etcd_flags({"spec": {"containers": [{"command": ["etcd", "--name=ex-a", "--data-dir=d"]}]}})
    {'name': 'ex-a', 'data-dir': 'd'}
    """
    out: dict[str, str] = {}
    for arg in pod["spec"]["containers"][0]["command"][1:]:
        k, _, v = arg.partition("=")
        out[k.lstrip("-")] = v
    return out


def backup_url_of(pod: Pod) -> str | None:
    """Mirrors nothing: reads back the URL ``NewSeedMemberPod`` put in the init container.

    >>> backup_url_of({"spec": {"containers": []}}) is None
    True
    """
    for c in pod["spec"].get("initContainers", []):
        if c.get("name") == "fetch-backup":
            return str(c["backupURL"])
    return None
