"""Mirror of pkg/cluster/upgrade.go: upgrade one member by patching its pod's image."""

from __future__ import annotations

import copy

from reference_impl.mirrors import mirrors
from reference_impl.operator import trace
from reference_impl.operator.cluster.state import ClusterState
from reference_impl.operator.k8sutil.k8sutil import (
    get_etcd_version,
    image_name,
    set_etcd_version,
)
from reference_impl.operator.kube import KubeError

_PKG = "github.com/coreos/etcd-operator/pkg/cluster"


@mirrors(f"(*{_PKG}.Cluster).upgradeOneMember")
def upgrade_one_member(c: ClusterState, member_name: str) -> None:
    """Mirrors ``(*cluster.Cluster).upgradeOneMember``.

    >>> from reference_impl.operator.builder import ClusterBuilder
    >>> b = ClusterBuilder("ex", size=1, version="3.2.13").member("a", version="3.1.0")
    >>> c = b.build()
    >>> upgrade_one_member(c, "ex-a")
    >>> from reference_impl.operator.k8sutil.k8sutil import get_etcd_version
    >>> get_etcd_version(c.config.kube_cli.get_pod("default", "ex-a"))
    '3.2.13'
    """
    c.status.set_upgrading_condition(c.cluster.spec.version)
    ns = c.cluster.namespace
    try:
        pod = c.config.kube_cli.get_pod(ns, member_name)
    except KubeError as err:
        raise RuntimeError(f"fail to get pod ({member_name}): {err}") from err
    oldpod = copy.deepcopy(pod)
    # Changing the image of a running pod restarts its container in place, on the same
    # data: that is the whole upgrade mechanism (no member removal, no re-add).
    pod["spec"]["containers"][0]["image"] = image_name(
        c.cluster.spec.repository, c.cluster.spec.version
    )
    set_etcd_version(pod, c.cluster.spec.version)
    try:
        c.config.kube_cli.patch_pod(ns, member_name, oldpod, pod)
    except KubeError as err:
        raise RuntimeError(f"fail to update the etcd member ({member_name}): {err}") from err
    c._note(
        trace.UPGRADE_MEMBER,
        f"upgrade {member_name} {get_etcd_version(oldpod)} -> {c.cluster.spec.version}",
    )
    c._event(
        "MemberUpgraded",
        f"Member {member_name} upgraded from "
        f"{get_etcd_version(oldpod)} to {c.cluster.spec.version}",
    )
