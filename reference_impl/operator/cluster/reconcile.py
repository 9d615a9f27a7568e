"""Mirror of pkg/cluster/reconcile.go: make running pods, membership and spec agree.

One call changes at most one thing: it removes pods that are not members, or declares lost
quorum, or removes one dead member, or adds/removes one member, or upgrades one member.  The
next cycle (8 s later) looks again.  That "one step per cycle" is what keeps etcd's quorum safe.
"""

from __future__ import annotations

import contextlib

from reference_impl.mirrors import mirrors
from reference_impl.operator import trace
from reference_impl.operator.api.cluster import ClusterSpec
from reference_impl.operator.api.status import CONDITION_SCALING, CONDITION_UPGRADING
from reference_impl.operator.cluster.error import ClusterError
from reference_impl.operator.cluster.member import new_member, pods_to_member_set
from reference_impl.operator.cluster.state import ClusterState
from reference_impl.operator.cluster.upgrade import upgrade_one_member
from reference_impl.operator.etcdutil import etcdutil
from reference_impl.operator.etcdutil.client import ErrMemberNotFound, EtcdError
from reference_impl.operator.etcdutil.member import Member, MemberSet
from reference_impl.operator.k8sutil.k8sutil import get_etcd_version, pvc_name_from_member
from reference_impl.operator.kube import KubeError, NotFound, Pod

_PKG = "github.com/coreos/etcd-operator/pkg/cluster"


@mirrors(f"{_PKG}.ErrLostQuorum")
class ErrLostQuorum(ClusterError):
    """Mirrors ``cluster.ErrLostQuorum``.

    Mirrors ``cluster.ErrLostQuorum``.

    Fewer running members than a majority: the operator cannot change membership.

    >>> str(ErrLostQuorum())
    'lost quorum'
    """

    def __init__(self) -> None:
        super().__init__("lost quorum")


@mirrors(f"(*{_PKG}.Cluster).reconcile")
def reconcile(c: ClusterState, pods: list[Pod]) -> None:
    """Mirrors ``(*cluster.Cluster).reconcile``.

    >>> from reference_impl.operator.builder import ClusterBuilder
    >>> c = ClusterBuilder("ex", size=3).member("a").member("b").member("c").build()
    >>> reconcile(c, c.poll_pods()[0])  # all agree: the cluster is marked Available
    >>> c.status.condition_types(), c.status.size
    (['Available'], 3)
    """
    # Go: the member set is made before the first reconcile (a non-nil map here)
    assert c.members is not None
    try:
        sp = c.cluster.spec
        running = pods_to_member_set(pods, c.is_secure_client())
        if not running.is_equal(c.members) or c.members.size() != sp.size:
            reconcile_members(c, running)
            return
        c.status.clear_condition(CONDITION_SCALING)

        if need_upgrade(pods, sp):
            c.status.upgrade_version_to(sp.version)
            m = pick_one_old_member(pods, sp.version)
            assert m is not None  # need_upgrade said there is one
            upgrade_one_member(c, m.name)
            return
        c.status.clear_condition(CONDITION_UPGRADING)

        c.status.set_version(sp.version)
        c.status.set_ready_condition()
    finally:
        # Go: a deferred func, so the size is refreshed on every return path.
        c.status.size = c.members.size()


@mirrors(f"(*{_PKG}.Cluster).reconcileMembers")
def reconcile_members(c: ClusterState, running: MemberSet) -> None:
    """Mirrors ``(*cluster.Cluster).reconcileMembers``.

    >>> from reference_impl.operator.builder import ClusterBuilder
    >>> c = ClusterBuilder("ex", size=3).member("a").member("b").member("c", healthy=False).build()
    >>> reconcile_members(c, pods_to_member_set(c.poll_pods()[0], False))
    >>> c.members.names()  # the dead member is removed first
    ['ex-a', 'ex-b']
    """
    # Go: the member set is made before the first reconcile (a non-nil map here)
    assert c.members is not None
    unknown_members = running.diff(c.members)
    if unknown_members.size() > 0:
        # Pods that are not members (e.g. a pod whose member add was never recorded)
        # are deleted rather than adopted: the operator trusts its membership list.
        for m in unknown_members:
            c.remove_pod(m.name)
        c._note(trace.REMOVE_UNKNOWN, f"delete pods {unknown_members}")
    live = running.diff(unknown_members)

    if live.size() == c.members.size():
        resize(c)
        return

    if live.size() < c.members.size() // 2 + 1:
        c._note(trace.LOST_QUORUM, f"{live.size()} of {c.members.size()} running")
        raise ErrLostQuorum()

    # Remove a dead member before any resizing: adding first would grow the cluster
    # while a member is down and raise the quorum the survivors must meet.
    remove_dead_member(c, c.members.diff(live).pick_one())


@mirrors(f"(*{_PKG}.Cluster).resize")
def resize(c: ClusterState) -> None:
    """Mirrors ``(*cluster.Cluster).resize``.

    >>> from reference_impl.operator.builder import ClusterBuilder
    >>> c = ClusterBuilder("ex", size=1).member("a").member("b").build()
    >>> resize(c)  # one member too many: remove one (here the smallest name)
    >>> c.members.names()
    ['ex-b']
    """
    # Go: the member set is made before the first reconcile (a non-nil map here)
    assert c.members is not None
    if c.members.size() == c.cluster.spec.size:
        return
    if c.members.size() < c.cluster.spec.size:
        add_one_member(c)
        return
    remove_one_member(c)


@mirrors(f"(*{_PKG}.Cluster).addOneMember")
def add_one_member(c: ClusterState) -> None:
    """Mirrors ``(*cluster.Cluster).addOneMember``.

    >>> from reference_impl.operator.builder import ClusterBuilder
    >>> c = ClusterBuilder("ex", size=2).member("a").build()
    >>> add_one_member(c)
    >>> c.members.size(), c.status.conditions[0].reason
    (2, 'Scaling up')
    """
    # Go: the member set is made before the first reconcile (a non-nil map here)
    assert c.members is not None
    c.status.set_scaling_up_condition(c.members.size(), c.cluster.spec.size)
    try:
        etcdcli = c.config.new_etcd_client(c.members.client_urls(), c.tls_config)
    except EtcdError as err:
        raise RuntimeError(f"add one member failed: creating etcd client failed {err}") from err
    try:
        added = new_member(c)  # Go: newMember := c.newMember()
        c._note(trace.ADD_MEMBER, f"member add {added.name}")
        try:
            resp = etcdcli.member_add([added.peer_url()])
        except EtcdError as err:
            raise RuntimeError(f"fail to add new member ({added.name}): {err}") from err
    finally:
        etcdcli.close()
    added.id = resp.id
    c.members.add(added)
    # The member is in etcd's list before its pod exists; the pod starts with
    # initial-cluster-state=existing and joins.  If the pod fails to be created, the next
    # cycles see a member without a pod and remove it as dead.
    try:
        c.create_pod(c.members, added, "existing")
    except KubeError as err:
        raise RuntimeError(f"fail to create member's pod ({added.name}): {err}") from err
    c._event("New Member Added", f"New member {added.name} added to cluster")


@mirrors(f"(*{_PKG}.Cluster).removeOneMember")
def remove_one_member(c: ClusterState) -> None:
    """Mirrors ``(*cluster.Cluster).removeOneMember``.

    >>> from reference_impl.operator.builder import ClusterBuilder
    >>> c = ClusterBuilder("ex", size=1).member("a").member("b").build()
    >>> remove_one_member(c)  # the mirror picks the smallest name; Go any member
    >>> c.members.names(), c.status.conditions[0].reason
    (['ex-b'], 'Scaling down')
    """
    # Go: the member set is made before the first reconcile (a non-nil map here)
    assert c.members is not None
    c.status.set_scaling_down_condition(c.members.size(), c.cluster.spec.size)
    c._note(trace.REMOVE_MEMBER, "scale down")
    remove_member(c, c.members.pick_one())


@mirrors(f"(*{_PKG}.Cluster).removeDeadMember")
def remove_dead_member(c: ClusterState, to_remove: Member) -> None:
    """Mirrors ``(*cluster.Cluster).removeDeadMember``.

    >>> from reference_impl.operator.builder import ClusterBuilder
    >>> c = ClusterBuilder("ex", size=3).member("a").member("b").member("c", False).build()
    >>> remove_dead_member(c, c.members["ex-c"])
    >>> c.members.names()
    ['ex-a', 'ex-b']
    """
    c._note(trace.REMOVE_DEAD, f"dead member {to_remove.name}")
    c._event("Replace Dead Member", f"The dead member {to_remove.name} is being replaced")
    remove_member(c, to_remove)


@mirrors(f"(*{_PKG}.Cluster).removeMember")
def remove_member(c: ClusterState, to_remove: Member) -> None:
    """Mirrors ``(*cluster.Cluster).removeMember``.

    >>> from reference_impl.operator.builder import ClusterBuilder
    >>> c = ClusterBuilder("ex", size=2).member("a").member("b").build()
    >>> remove_member(c, c.members["ex-b"])
    >>> c.members.names(), sorted(name for _, name in c.config.kube_cli.pods)
    (['ex-a'], ['ex-a'])
    """
    # Go: the member set is made before the first reconcile (a non-nil map here)
    assert c.members is not None
    try:
        # ErrMemberNotFound: already gone from etcd, so finish the bookkeeping.
        with contextlib.suppress(ErrMemberNotFound):
            etcdutil.remove_member(
                c.config.new_etcd_client,
                c.members.client_urls(),
                c.tls_config,
                to_remove.id,
            )
        c._note("", f"member remove {to_remove.name} (id {to_remove.id:x})")
        c.members.remove(to_remove.name)
        c._event("Member Removed", f"Existing member {to_remove.name} removed")
        c.remove_pod(to_remove.name)
        if c.is_pod_pv_enabled():
            remove_pvc(c, pvc_name_from_member(to_remove.name))
    except Exception as err:
        raise RuntimeError(f"remove member ({to_remove.name}) failed: {err}") from err


@mirrors(f"(*{_PKG}.Cluster).removePVC")
def remove_pvc(c: ClusterState, pvc_name: str) -> None:
    """Mirrors ``(*cluster.Cluster).removePVC``.

    >>> from reference_impl.operator.builder import ClusterBuilder
    >>> c = ClusterBuilder("ex", size=1).member("a").build()
    >>> remove_pvc(c, "ex-a")  # the fake world keeps no PVCs; a missing one is not an error
    """
    delete = getattr(c.config.kube_cli, "delete_pvc", None)
    if delete is None:
        return
    with contextlib.suppress(NotFound):
        delete(c.cluster.namespace, pvc_name)


@mirrors(f"{_PKG}.needUpgrade")
def need_upgrade(pods: list[Pod], cs: ClusterSpec) -> bool:
    # Only a full-size cluster is upgraded: never take a member down while another is missing.
    """Mirrors ``cluster.needUpgrade``.

    >>> from reference_impl.operator.api.cluster import ClusterSpec
    >>> pods = [{"metadata": {"name": "ex-a", "annotations": {"etcd.version": "3.1.0"}}}]
    >>> need_upgrade(pods, ClusterSpec(size=1, version="3.2.13"))
    True
    >>> need_upgrade(pods, ClusterSpec(size=2, version="3.2.13"))  # not whole: never
    False
    """
    return len(pods) == cs.size and pick_one_old_member(pods, cs.version) is not None


@mirrors(f"{_PKG}.pickOneOldMember")
def pick_one_old_member(pods: list[Pod], new_version: str) -> Member | None:
    # Pod order is the API server's list order (by name), so this is deterministic upstream.
    """Mirrors ``cluster.pickOneOldMember``.

    >>> pods = [
    ...     {"metadata": {"name": n, "annotations": {"etcd.version": v}}}
    ...     for n, v in [("ex-a", "3.2.13"), ("ex-b", "3.1.0")]
    ... ]
    >>> pick_one_old_member(pods, "3.2.13").name
    'ex-b'
    """
    for pod in pods:
        if get_etcd_version(pod) == new_version:
            continue
        md = pod["metadata"]
        return Member(name=md["name"], namespace=md.get("namespace", ""))
    return None
