"""Mirror of pkg/util/etcdutil: members, member sets, and membership calls."""

from __future__ import annotations

from reference_impl.operator.etcdutil.client import (
    ErrMemberNotFound,
    EtcdClient,
    EtcdClientFactory,
    EtcdError,
    EtcdMemberInfo,
    TLSConfig,
)
from reference_impl.operator.etcdutil.etcdutil import (
    list_members,
    remove_member,
)
from reference_impl.operator.etcdutil.member import (
    Member,
    MemberSet,
    cluster_name_from_member_name,
    member_name_from_peer_url,
    new_member_set,
)

__all__ = [
    "ErrMemberNotFound",
    "EtcdClient",
    "EtcdClientFactory",
    "EtcdError",
    "EtcdMemberInfo",
    "Member",
    "MemberSet",
    "TLSConfig",
    "cluster_name_from_member_name",
    "list_members",
    "member_name_from_peer_url",
    "new_member_set",
    "remove_member",
]
