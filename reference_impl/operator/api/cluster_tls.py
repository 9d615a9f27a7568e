"""Mirror of pkg/apis/etcd/v1beta2/cluster_tls.go: static TLS secrets for members and operator."""

from __future__ import annotations

from dataclasses import dataclass

from reference_impl.mirrors import mirrors

_PKG = "github.com/coreos/etcd-operator/pkg/apis/etcd/v1beta2"


@dataclass
class MemberSecret:
    """Mirrors ``v1beta2.MemberSecret``: the secrets holding peer and server certificates.

    >>> MemberSecret(peer_secret="p", server_secret="s").peer_secret
    'p'
    """

    peer_secret: str = ""
    server_secret: str = ""


@dataclass
class StaticTLS:
    """Mirrors ``v1beta2.StaticTLS``: member secrets plus the operator's client secret.

    >>> StaticTLS(member=MemberSecret("p", "s"), operator_secret="op").operator_secret
    'op'
    """

    member: MemberSecret | None = None
    operator_secret: str = ""


@mirrors(f"{_PKG}.TLSPolicy")
@dataclass
class TLSPolicy:
    """Mirrors ``v1beta2.TLSPolicy``.

    >>> TLSPolicy(static=StaticTLS(member=MemberSecret(peer_secret="p"))).static.member.peer_secret
    'p'
    """

    static: StaticTLS | None = None

    @mirrors(f"(*{_PKG}.TLSPolicy).Validate")
    def validate(self) -> None:
        """Mirrors ``(*v1beta2.TLSPolicy).Validate``.

        >>> TLSPolicy(static=StaticTLS(operator_secret="op")).validate()
        Traceback (most recent call last):
        ...
        ValueError: operator secret set but member serverSecret not set
        """
        st = self.static
        if st is None:
            return
        if st.operator_secret:
            # Go dereferences st.Member here without a nil check (it would panic); we raise
            # the same error a missing server secret gives, which is what the user meant.
            if st.member is None or not st.member.server_secret:
                raise ValueError("operator secret set but member serverSecret not set")
        elif st.member is not None and st.member.server_secret:
            raise ValueError("member serverSecret set but operator secret not set")


# Go calls these on a possibly nil *TLSPolicy, so they are functions of an optional policy.
@mirrors(f"(*{_PKG}.TLSPolicy).IsSecureClient")
def is_secure_client(tp: TLSPolicy | None) -> bool:
    """Mirrors ``(*v1beta2.TLSPolicy).IsSecureClient``.

    >>> is_secure_client(None), is_secure_client(TLSPolicy(static=StaticTLS(operator_secret="op")))
    (False, True)
    """
    if tp is None or tp.static is None:
        return False
    return bool(tp.static.operator_secret)


@mirrors(f"(*{_PKG}.TLSPolicy).IsSecurePeer")
def is_secure_peer(tp: TLSPolicy | None) -> bool:
    """Mirrors ``(*v1beta2.TLSPolicy).IsSecurePeer``.

    >>> is_secure_peer(TLSPolicy(static=StaticTLS(member=MemberSecret(peer_secret="p"))))
    True
    """
    if tp is None or tp.static is None or tp.static.member is None:
        return False
    return bool(tp.static.member.peer_secret)
