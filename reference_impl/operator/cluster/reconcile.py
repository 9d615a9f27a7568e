"""Mirror of pkg/cluster/reconcile.go: make running pods, membership and spec agree.

One call changes at most one thing: it removes pods that are not members, or declares lost
quorum, or removes one dead member, or adds/removes one member, or upgrades one member.  The
next cycle (8 s later) looks again.  That "one step per cycle" is what keeps etcd's quorum safe.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from reference_impl.mirrors import mirrors
from reference_impl.operator import trace
from reference_impl.operator.api.cluster import ClusterSpec
from reference_impl.operator.api.status import CONDITION_SCALING, CONDITION_UPGRADING
from reference_impl.operator.cluster.error import ClusterError
from reference_impl.operator.cluster.member import pods_to_member_set
from reference_impl.operator.etcdutil.client import ErrMemberNotFound, EtcdError
from reference_impl.operator.etcdutil.etcdutil import remove_member
from reference_impl.operator.etcdutil.member import Member, MemberSet
from reference_impl.operator.k8sutil.k8sutil import get_etcd_version, pvc_name_from_member
from reference_impl.operator.kube import KubeError, NotFound, Pod

if TYPE_CHECKING:
    from reference_impl.operator.cluster.cluster import Cluster

_PKG = "github.com/coreos/etcd-operator/pkg/cluster"


@mirrors(f"{_PKG}.ErrLostQuorum")
class ErrLostQuorum(ClusterError):
    """Fewer running members than a majority: the operator cannot change membership."""

    def __init__(self) -> None:
        super().__init__("lost quorum")


class ReconcileMixin:
    @mirrors(f"(*{_PKG}.Cluster).reconcile")
    def reconcile(self: Cluster, pods: list[Pod]) -> None:
        try:
            sp = self.cluster.spec
            running = pods_to_member_set(pods, self.is_secure_client())
            if not running.is_equal(self.members) or self.members.size() != sp.size:
                self.reconcile_members(running)
                return
            self.status.clear_condition(CONDITION_SCALING)

            if need_upgrade(pods, sp):
                self.status.upgrade_version_to(sp.version)
                m = pick_one_old_member(pods, sp.version)
                assert m is not None  # need_upgrade said there is one
                self.upgrade_one_member(m.name)
                return
            self.status.clear_condition(CONDITION_UPGRADING)

            self.status.set_version(sp.version)
            self.status.set_ready_condition()
        finally:
            # Go: a deferred func, so the size is refreshed on every return path.
            self.status.size = self.members.size()

    @mirrors(f"(*{_PKG}.Cluster).reconcileMembers")
    def reconcile_members(self: Cluster, running: MemberSet) -> None:
        unknown_members = running.diff(self.members)
        if unknown_members.size() > 0:
            # Pods that are not members (e.g. a pod whose member add was never recorded)
            # are deleted rather than adopted: the operator trusts its membership list.
            for m in unknown_members:
                self.remove_pod(m.name)
            self._note(trace.REMOVE_UNKNOWN, f"delete pods {unknown_members}")
        live = running.diff(unknown_members)

        if live.size() == self.members.size():
            self.resize()
            return

        if live.size() < self.members.size() // 2 + 1:
            self._note(trace.LOST_QUORUM, f"{live.size()} of {self.members.size()} running")
            raise ErrLostQuorum()

        # Remove a dead member before any resizing: adding first would grow the cluster
        # while a member is down and raise the quorum the survivors must meet.
        self.remove_dead_member(self.members.diff(live).pick_one())

    @mirrors(f"(*{_PKG}.Cluster).resize")
    def resize(self: Cluster) -> None:
        if self.members.size() == self.cluster.spec.size:
            return
        if self.members.size() < self.cluster.spec.size:
            self.add_one_member()
            return
        self.remove_one_member()

    @mirrors(f"(*{_PKG}.Cluster).addOneMember")
    def add_one_member(self: Cluster) -> None:
        self.status.set_scaling_up_condition(self.members.size(), self.cluster.spec.size)
        try:
            etcdcli = self.config.new_etcd_client(self.members.client_urls(), self.tls_config)
        except EtcdError as err:
            raise RuntimeError(f"add one member failed: creating etcd client failed {err}") from err
        try:
            new_member = self.new_member()
            self._note(trace.ADD_MEMBER, f"member add {new_member.name}")
            try:
                resp = etcdcli.member_add([new_member.peer_url()])
            except EtcdError as err:
                raise RuntimeError(f"fail to add new member ({new_member.name}): {err}") from err
        finally:
            etcdcli.close()
        new_member.id = resp.id
        self.members.add(new_member)
        # The member is in etcd's list before its pod exists; the pod starts with
        # initial-cluster-state=existing and joins.  If the pod fails to be created, the next
        # cycles see a member without a pod and remove it as dead.
        try:
            self.create_pod(self.members, new_member, "existing")
        except KubeError as err:
            raise RuntimeError(f"fail to create member's pod ({new_member.name}): {err}") from err
        self._event("New Member Added", f"New member {new_member.name} added to cluster")

    @mirrors(f"(*{_PKG}.Cluster).removeOneMember")
    def remove_one_member(self: Cluster) -> None:
        self.status.set_scaling_down_condition(self.members.size(), self.cluster.spec.size)
        self._note(trace.REMOVE_MEMBER, "scale down")
        self.remove_member(self.members.pick_one())

    @mirrors(f"(*{_PKG}.Cluster).removeDeadMember")
    def remove_dead_member(self: Cluster, to_remove: Member) -> None:
        self._note(trace.REMOVE_DEAD, f"dead member {to_remove.name}")
        self._event("Replace Dead Member", f"The dead member {to_remove.name} is being replaced")
        self.remove_member(to_remove)

    @mirrors(f"(*{_PKG}.Cluster).removeMember")
    def remove_member(self: Cluster, to_remove: Member) -> None:
        try:
            # ErrMemberNotFound: already gone from etcd, so finish the bookkeeping.
            with contextlib.suppress(ErrMemberNotFound):
                remove_member(
                    self.config.new_etcd_client,
                    self.members.client_urls(),
                    self.tls_config,
                    to_remove.id,
                )
            self._note("", f"member remove {to_remove.name} (id {to_remove.id:x})")
            self.members.remove(to_remove.name)
            self._event("Member Removed", f"Existing member {to_remove.name} removed")
            self.remove_pod(to_remove.name)
            if self.is_pod_pv_enabled():
                self.remove_pvc(pvc_name_from_member(to_remove.name))
        except Exception as err:
            raise RuntimeError(f"remove member ({to_remove.name}) failed: {err}") from err

    @mirrors(f"(*{_PKG}.Cluster).removePVC")
    def remove_pvc(self: Cluster, pvc_name: str) -> None:
        delete = getattr(self.config.kube_cli, "delete_pvc", None)
        if delete is None:
            return
        with contextlib.suppress(NotFound):
            delete(self.cluster.namespace, pvc_name)


@mirrors(f"{_PKG}.needUpgrade")
def need_upgrade(pods: list[Pod], cs: ClusterSpec) -> bool:
    # Only a full-size cluster is upgraded: never take a member down while another is missing.
    return len(pods) == cs.size and pick_one_old_member(pods, cs.version) is not None


@mirrors(f"{_PKG}.pickOneOldMember")
def pick_one_old_member(pods: list[Pod], new_version: str) -> Member | None:
    # Pod order is the API server's list order (by name), so this is deterministic upstream.
    for pod in pods:
        if get_etcd_version(pod) == new_version:
            continue
        md = pod["metadata"]
        return Member(name=md["name"], namespace=md.get("namespace", ""))
    return None
