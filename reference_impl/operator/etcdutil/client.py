"""The etcd v3 client surface the operator uses (clientv3 in Go), as a Protocol.

Both worlds implement it: ``fake.FakeEtcdClient`` (in memory) and
``localetcd.LocalEtcdClient`` (the real v3 API through the gRPC gateway's JSON).  Errors are
:class:`EtcdError`; ``ErrMemberNotFound`` is the one the operator treats specially.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol


class EtcdError(Exception):
    """An error from the etcd client or server; the message is etcd's."""


class ErrMemberNotFound(EtcdError):
    """rpctypes.ErrMemberNotFound: removing an ID that is not a member."""

    def __init__(self) -> None:
        super().__init__("etcdserver: member not found")


@dataclass(frozen=True)
class TLSConfig:
    """What etcdutil.NewTLSConfig builds from the operator secret (PEM bytes)."""

    cert: bytes
    key: bytes
    ca: bytes


@dataclass
class EtcdMemberInfo:
    """etcdserverpb.Member: what MemberList returns for each member."""

    id: int
    name: str  # empty for a member that was added but has not started yet
    peer_urls: list[str] = field(default_factory=list)
    client_urls: list[str] = field(default_factory=list)


class EtcdClient(Protocol):
    def member_list(self) -> list[EtcdMemberInfo]: ...

    def member_add(self, peer_urls: list[str]) -> EtcdMemberInfo: ...

    def member_remove(self, member_id: int) -> None: ...

    def close(self) -> None: ...


# clientv3.New(Config{Endpoints, DialTimeout, TLS}); raises EtcdError when no endpoint answers.
EtcdClientFactory = Callable[[list[str], TLSConfig | None], EtcdClient]
