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
    """Mirrors the ``error`` values clientv3 returns (``rpctypes.EtcdError`` and dial
    errors): an error from the etcd client or server; the message is etcd's.

    >>> str(EtcdError("etcdserver: unhealthy cluster"))
    'etcdserver: unhealthy cluster'
    """


class ErrMemberNotFound(EtcdError):
    """Mirrors ``rpctypes.ErrMemberNotFound``: removing an ID that is not a member.

    >>> e = ErrMemberNotFound()
    >>> isinstance(e, EtcdError), str(e)
    (True, 'etcdserver: member not found')
    """

    def __init__(self) -> None:
        super().__init__("etcdserver: member not found")


@dataclass(frozen=True)
class TLSConfig:
    """Mirrors what ``etcdutil.NewTLSConfig`` builds (a ``tls.Config``) from the operator
    secret: the PEM bytes, kept as they are.

    >>> TLSConfig(cert=b"C", key=b"K", ca=b"A").ca
    b'A'
    """

    cert: bytes
    key: bytes
    ca: bytes


@dataclass
class EtcdMemberInfo:
    """Mirrors ``etcdserverpb.Member``: what MemberList returns for each member.

    >>> m = EtcdMemberInfo(0x1A, "", ["http://ex-0001.ex.default.svc:2380"])
    >>> m.name == "", m.client_urls  # added, not started yet
    (True, [])
    """

    id: int
    name: str  # empty for a member that was added but has not started yet
    peer_urls: list[str] = field(default_factory=list)
    client_urls: list[str] = field(default_factory=list)


class EtcdClient(Protocol):
    """Mirrors ``clientv3.Client`` (the ``Cluster`` calls the operator makes); a factory
    raises :class:`EtcdError` when no endpoint answers, as ``clientv3.New`` does.

    >>> from reference_impl.operator.fake import FakeWorld
    >>> FakeWorld().new_etcd_client(["http://ex-0000.ex.default.svc:2379"], None)
    Traceback (most recent call last):
    ...
    reference_impl.operator.etcdutil.client.EtcdError: context deadline exceeded (no endpoint ...
    """

    def member_list(self) -> list[EtcdMemberInfo]:
        """Mirrors ``clientv3.Cluster.MemberList``."""
        ...

    def member_add(self, peer_urls: list[str]) -> EtcdMemberInfo:
        """Mirrors ``clientv3.Cluster.MemberAdd``."""
        ...

    def member_remove(self, member_id: int) -> None:
        """Mirrors ``clientv3.Cluster.MemberRemove``; an unknown ID raises
        :class:`ErrMemberNotFound`."""
        ...

    def close(self) -> None:
        """Mirrors ``(*clientv3.Client).Close``."""
        ...


# clientv3.New(Config{Endpoints, DialTimeout, TLS}); raises EtcdError when no endpoint answers.
EtcdClientFactory = Callable[[list[str], TLSConfig | None], EtcdClient]
