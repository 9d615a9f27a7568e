"""Mirror of pkg/util/etcdutil/etcdutil.go: one-shot membership calls.

Upstream dials ``clientv3.New`` directly; here the client constructor is passed in
(``new_client``), which is how the fake and the real-etcd worlds plug in.
"""

from __future__ import annotations

from reference_impl.mirrors import mirrors
from reference_impl.operator.etcdutil.client import (
    EtcdClientFactory,
    EtcdError,
    EtcdMemberInfo,
    TLSConfig,
)

_PKG = "github.com/coreos/etcd-operator/pkg/util/etcdutil"


@mirrors(f"{_PKG}.ListMembers")
def list_members(
    new_client: EtcdClientFactory, client_urls: list[str], tc: TLSConfig | None
) -> list[EtcdMemberInfo]:
    """Mirrors ``etcdutil.ListMembers``.

    >>> from reference_impl.operator.builder import ClusterBuilder
    >>> b = ClusterBuilder("ex", size=2).member("a").member("b")
    >>> c = b.build()
    >>> sorted(m.name for m in list_members(b.world.new_etcd_client, c.members.client_urls(), None))
    ['ex-a', 'ex-b']
    """
    try:
        cli = new_client(client_urls, tc)
    except EtcdError as err:
        raise EtcdError(f"list members failed: creating etcd client failed: {err}") from err
    try:
        return cli.member_list()
    finally:
        cli.close()


@mirrors(f"{_PKG}.RemoveMember")
def remove_member(
    new_client: EtcdClientFactory, client_urls: list[str], tc: TLSConfig | None, member_id: int
) -> None:
    """Mirrors ``etcdutil.RemoveMember``.

    >>> from reference_impl.operator.builder import ClusterBuilder
    >>> b = ClusterBuilder("ex", size=2).member("a").member("b")
    >>> c = b.build()
    >>> remove_member(b.world.new_etcd_client, c.members.client_urls(), None, c.members["ex-b"].id)
    >>> [m.name for m in list_members(b.world.new_etcd_client, c.members.client_urls(), None)]
    ['ex-a']
    """
    cli = new_client(client_urls, tc)
    try:
        cli.member_remove(member_id)
    finally:
        cli.close()
