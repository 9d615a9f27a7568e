"""Mirror of pkg/cluster/member.go: members from etcd, from pods, and new member names."""

from __future__ import annotations

from reference_impl.mirrors import mirrors
from reference_impl.operator.cluster.error import new_fatal_error, wrap
from reference_impl.operator.cluster.state import ClusterState
from reference_impl.operator.etcdutil.client import EtcdMemberInfo
from reference_impl.operator.etcdutil.etcdutil import list_members
from reference_impl.operator.etcdutil.member import (
    Member,
    MemberSet,
    member_name_from_peer_url,
)
from reference_impl.operator.k8sutil.k8sutil import unique_member_name
from reference_impl.operator.kube import Pod

_PKG = "github.com/coreos/etcd-operator/pkg/cluster"


@mirrors(f"(*{_PKG}.Cluster).updateMembers")
def update_members(c: ClusterState, known: MemberSet) -> None:
    """Mirrors ``(*cluster.Cluster).updateMembers``.

    Rebuild ``members`` from etcd's own membership list, asked through ``known``.

    >>> from reference_impl.operator.builder import ClusterBuilder
    >>> c = ClusterBuilder("ex", size=2, known_members=False).member("a").member("b").build()
    >>> update_members(c, pods_to_member_set(c.poll_pods()[0], False))
    >>> c.members.names(), all(m.id for m in c.members)
    (['ex-a', 'ex-b'], True)
    """
    resp = list_members(c.config.new_etcd_client, known.client_urls(), c.tls_config)
    members = MemberSet()
    for m in resp:
        try:
            name = get_member_name(m, c.cluster.name)
        except Exception as err:
            raise wrap(err, "get member name failed") from None
        members.add(
            Member(
                name=name,
                namespace=c.cluster.namespace,
                id=m.id,
                secure_peer=c.is_secure_peer(),
                secure_client=c.is_secure_client(),
            )
        )
    c.members = members


@mirrors(f"(*{_PKG}.Cluster).newMember")
def new_member(c: ClusterState) -> Member:
    """Mirrors ``(*cluster.Cluster).newMember``.

    >>> from reference_impl.operator.builder import ClusterBuilder
    >>> c = ClusterBuilder("ex", size=1).build()
    >>> m = new_member(c)
    >>> m.name.startswith("ex-"), m.namespace
    (True, 'default')
    """
    name = unique_member_name(c.cluster.name, c.config.rng)
    return Member(
        name=name,
        namespace=c.cluster.namespace,
        secure_peer=c.is_secure_peer(),
        secure_client=c.is_secure_client(),
    )


@mirrors(f"{_PKG}.podsToMemberSet")
def pods_to_member_set(pods: list[Pod], sc: bool) -> MemberSet:
    # A member from a pod has no ID (0) and no peer TLS flag: only names matter to the
    # comparisons it is used for.
    """Mirrors ``cluster.podsToMemberSet``.

    >>> pods = [{"metadata": {"name": "ex-a", "namespace": "default"}}]
    >>> ms = pods_to_member_set(pods, True)
    >>> ms.names(), ms["ex-a"].secure_client, ms["ex-a"].id
    (['ex-a'], True, 0)
    """
    members = MemberSet()
    for pod in pods:
        md = pod["metadata"]
        members.add(Member(name=md["name"], namespace=md.get("namespace", ""), secure_client=sc))
    return members


@mirrors(f"{_PKG}.getMemberName")
def get_member_name(m: EtcdMemberInfo, cluster_name: str) -> str:
    """Mirrors ``cluster.getMemberName``.

    >>> from reference_impl.operator.etcdutil.client import EtcdMemberInfo
    >>> get_member_name(EtcdMemberInfo(1, "", ["http://ex-a.ex.default.svc:2380"], []), "ex")
    'ex-a'
    >>> from reference_impl.operator.cluster.error import FatalError
    >>> try:
    ...     get_member_name(EtcdMemberInfo(1, "", ["not a url"], []), "ex")
    ... except FatalError as err:
    ...     print(err)
    invalid member peerURL (not a url): invalid PeerURL format
    """
    try:
        return member_name_from_peer_url(m.peer_urls[0])
    except (ValueError, IndexError) as err:
        purl = m.peer_urls[0] if m.peer_urls else ""
        # A peer URL the operator cannot map back to a pod means its bookkeeping is broken
        # beyond repair: fatal, the cluster goes Failed.
        raise new_fatal_error(f"invalid member peerURL ({purl}): {err}") from None
