"""Mirror of pkg/util/etcdutil/member.go: an etcd member and a set of them by name.

Go's ``MemberSet`` is a ``map[string]*Member``; ranging over a Go map visits keys in a random
order, so ``PickOne`` returns an *arbitrary* member and ``ClientURLs``/``PeerURLPairs`` come out
in random order.  The mirror is deterministic instead: every iteration is in **sorted member
name order**, so ``pick_one`` returns the member with the smallest name.  Any member is a valid
answer upstream; tests compare sets, or check that the pick is *a* member of the set.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from reference_impl.mirrors import mirrors

_PKG = "github.com/coreos/etcd-operator/pkg/util/etcdutil"


@dataclass
class Member:
    """Mirrors ``etcdutil.Member``: an etcd member's name, namespace, ID and TLS flags.

    >>> m = Member(name="example-0001", namespace="default")
    >>> m.peer_url()
    'http://example-0001.example.default.svc:2380'
    """

    name: str
    namespace: str = ""
    # 0 means "not known yet": a member built from a pod list has no etcd ID until the
    # membership API is asked.
    id: int = 0
    secure_peer: bool = False
    secure_client: bool = False

    @mirrors(f"(*{_PKG}.Member).Addr")
    def addr(self) -> str:
        # The pod's DNS name under the headless peer service named after the cluster.
        """Mirrors ``(*etcdutil.Member).Addr``.

        >>> Member("ex-a", "ns1").addr()
        'ex-a.ex.ns1.svc'
        """
        return f"{self.name}.{cluster_name_from_member_name(self.name)}.{self.namespace}.svc"

    @mirrors(f"(*{_PKG}.Member).ClientURL")
    def client_url(self) -> str:
        """Mirrors ``(*etcdutil.Member).ClientURL``.

        >>> Member("ex-a", "ns1", secure_client=True).client_url()
        'https://ex-a.ex.ns1.svc:2379'
        """
        return f"{self._client_scheme()}://{self.addr()}:2379"

    @mirrors(f"(*{_PKG}.Member).clientScheme")
    def _client_scheme(self) -> str:
        return "https" if self.secure_client else "http"

    @mirrors(f"(*{_PKG}.Member).peerScheme")
    def _peer_scheme(self) -> str:
        return "https" if self.secure_peer else "http"

    @mirrors(f"(*{_PKG}.Member).ListenClientURL")
    def listen_client_url(self) -> str:
        """Mirrors ``(*etcdutil.Member).ListenClientURL``.

        >>> Member("ex-a").listen_client_url()
        'http://0.0.0.0:2379'
        """
        return f"{self._client_scheme()}://0.0.0.0:2379"

    @mirrors(f"(*{_PKG}.Member).ListenPeerURL")
    def listen_peer_url(self) -> str:
        """Mirrors ``(*etcdutil.Member).ListenPeerURL``.

        >>> Member("ex-a", secure_peer=True).listen_peer_url()
        'https://0.0.0.0:2380'
        """
        return f"{self._peer_scheme()}://0.0.0.0:2380"

    @mirrors(f"(*{_PKG}.Member).PeerURL")
    def peer_url(self) -> str:
        """Mirrors ``(*etcdutil.Member).PeerURL``.

        >>> Member("ex-a", "ns1").peer_url()
        'http://ex-a.ex.ns1.svc:2380'
        """
        return f"{self._peer_scheme()}://{self.addr()}:2380"


class MemberSet:
    """Mirrors ``etcdutil.MemberSet`` (a ``map[string]*Member``).

    Members keyed by name.  Iteration is in sorted name order (see the module docstring).

    >>> s = new_member_set(Member("ex-b"), Member("ex-a"))
    >>> s.names(), s.size(), s.pick_one().name
    (['ex-a', 'ex-b'], 2, 'ex-a')
    >>> str(s.diff(new_member_set(Member("ex-a"))))
    'ex-b'
    """

    __slots__ = ("_m",)

    def __init__(self) -> None:
        self._m: dict[str, Member] = {}

    def __contains__(self, name: object) -> bool:
        return name in self._m

    def __getitem__(self, name: str) -> Member:
        return self._m[name]

    def __iter__(self) -> Iterator[Member]:
        for n in sorted(self._m):
            yield self._m[n]

    def __len__(self) -> int:
        return len(self._m)

    def names(self) -> list[str]:
        """Mirrors nothing: the sorted member names, for tests and the trace.

        >>> new_member_set(Member("ex-b"), Member("ex-a")).names()
        ['ex-a', 'ex-b']
        """
        return sorted(self._m)

    def copy(self) -> MemberSet:
        """Mirrors nothing: Go copies a MemberSet by ranging over the map.

        >>> s = new_member_set(Member("ex-a"))
        >>> t = s.copy()
        >>> t.remove("ex-a")
        >>> s.size(), t.size()
        (1, 0)
        """
        out = MemberSet()
        out._m = dict(self._m)
        return out

    @mirrors(f"({_PKG}.MemberSet).Diff")
    def diff(self, other: MemberSet) -> MemberSet:
        """Mirrors ``(etcdutil.MemberSet).Diff``.

        The members of ``self`` whose names are not in ``other``.

        >>> a = new_member_set(Member("ex-a"), Member("ex-b"))
        >>> a.diff(new_member_set(Member("ex-b"), Member("ex-c"))).names()
        ['ex-a']
        """
        out = MemberSet()
        out._m = {n: m for n, m in self._m.items() if n not in other._m}
        return out

    @mirrors(f"({_PKG}.MemberSet).IsEqual")
    def is_equal(self, other: MemberSet) -> bool:
        # Equality is by name only: IDs and TLS flags are ignored.
        """Mirrors ``(etcdutil.MemberSet).IsEqual``.

        >>> new_member_set(Member("ex-a", id=1)).is_equal(new_member_set(Member("ex-a", id=2)))
        True
        """
        if self.size() != other.size():
            return False
        return all(n in other._m for n in self._m)

    @mirrors(f"({_PKG}.MemberSet).Size")
    def size(self) -> int:
        """Mirrors ``(etcdutil.MemberSet).Size``.

        >>> new_member_set(Member("ex-a"), Member("ex-b")).size()
        2
        """
        return len(self._m)

    @mirrors(f"({_PKG}.MemberSet).String")
    def __str__(self) -> str:
        return ",".join(self.names())

    def __repr__(self) -> str:
        return f"MemberSet({self})"

    @mirrors(f"({_PKG}.MemberSet).PickOne")
    def pick_one(self) -> Member:
        """Mirrors ``(etcdutil.MemberSet).PickOne``.

        An arbitrary member upstream; here the one with the smallest name.

        >>> new_member_set(Member("ex-b"), Member("ex-a")).pick_one().name
        'ex-a'
        """
        if not self._m:
            # Go panics with "empty"; a panic is a programming error, not a returned error.
            raise RuntimeError("empty")
        return self._m[min(self._m)]

    @mirrors(f"({_PKG}.MemberSet).PeerURLPairs")
    def peer_url_pairs(self) -> list[str]:
        """Mirrors ``(etcdutil.MemberSet).PeerURLPairs``.

        >>> new_member_set(Member("ex-a", "ns1")).peer_url_pairs()
        ['ex-a=http://ex-a.ex.ns1.svc:2380']
        """
        return [f"{m.name}={m.peer_url()}" for m in self]

    @mirrors(f"({_PKG}.MemberSet).Add")
    def add(self, m: Member) -> None:
        """Mirrors ``(etcdutil.MemberSet).Add``.

        >>> s = MemberSet()
        >>> s.add(Member("ex-a"))
        >>> s.names()
        ['ex-a']
        """
        self._m[m.name] = m

    @mirrors(f"({_PKG}.MemberSet).Remove")
    def remove(self, name: str) -> None:
        """Mirrors ``(etcdutil.MemberSet).Remove``.

        >>> s = new_member_set(Member("ex-a"))
        >>> s.remove("ex-a")
        >>> s.remove("ex-a")  # like Go's delete on a map: no error
        >>> s.size()
        0
        """
        self._m.pop(name, None)

    @mirrors(f"({_PKG}.MemberSet).ClientURLs")
    def client_urls(self) -> list[str]:
        """Mirrors ``(etcdutil.MemberSet).ClientURLs``.

        >>> new_member_set(Member("ex-a", "ns1")).client_urls()
        ['http://ex-a.ex.ns1.svc:2379']
        """
        return [m.client_url() for m in self]


@mirrors(f"{_PKG}.NewMemberSet")
def new_member_set(*ms: Member) -> MemberSet:
    """Mirrors ``etcdutil.NewMemberSet``.

    >>> new_member_set(Member("ex-a"), Member("ex-b")).names()
    ['ex-a', 'ex-b']
    """
    res = MemberSet()
    for m in ms:
        res.add(m)
    return res


# Go: regexp.MustCompile(`^\w+:\/\/[\w\.\-]+(:\d+)?$`), matched with MatchString.
# scheme://host[:port] and nothing else; the Go code validates by hand because url.Parse
# accepts almost anything.  Go's RE2 and Python's re differ here in three ways, each decided:
# - ASCII classes: RE2's \w is [0-9A-Za-z_] and \d is [0-9]; Python's str patterns match any
#   Unicode letter/digit ('é', '٣').  Explicit ASCII classes, not re.ASCII, so the pattern
#   reads the same in both languages.
# - `$`: RE2 without the m flag matches only at the end of the text; Python's `$` also matches
#   before a final "\n".  fullmatch() with no `^`/`$` anchors the whole string, as Go does.
# - case: both are case-sensitive by default; no flag on either side (\w covers both cases).
# Leftmost-first vs leftmost-longest and find-vs-match do not arise: the verdict is a yes/no
# over the whole string, and the pattern is unambiguous (':' is in no class).
_VALID_PEER_URL = re.compile(r"[0-9A-Za-z_]+://[0-9A-Za-z_.\-]+(?::[0-9]+)?")


def _go_url_parse_host(pu: str) -> str:
    """u.Host of Go 1.10's url.Parse for a string that passed ``_VALID_PEER_URL``.

    Python's urlsplit and Go agree on the host whenever Go finds a scheme.  Go finds none
    when the scheme starts with a digit or holds '_' (getscheme accepts letters, then also
    digits, '+', '-', '.'); the text then begins with a path segment holding a colon, which
    Go rejects.  Python silently returns an empty host instead.
    """
    scheme = pu[: pu.index(":")]
    if not scheme[0].isalpha() or "_" in scheme:
        raise ValueError(f"parse {pu}: first path segment in URL cannot contain colon")
    return urlsplit(pu).netloc


@mirrors(f"{_PKG}.MemberNameFromPeerURL")
def member_name_from_peer_url(pu: str) -> str:
    """Mirrors ``etcdutil.MemberNameFromPeerURL``.

    Mirrors ``etcdutil.MemberNameFromPeerURL``.

    The member name is the first DNS label of the peer URL's host.  Raises ValueError.

    >>> member_name_from_peer_url("http://example-0001.example.default.svc:2380")
    'example-0001'
    >>> member_name_from_peer_url("http://exámple-0001.example:2380")
    Traceback (most recent call last):
    ...
    ValueError: invalid PeerURL format
    """
    if not _VALID_PEER_URL.fullmatch(pu):
        raise ValueError("invalid PeerURL format")
    host = _go_url_parse_host(pu)
    return host.split(":")[0].split(".")[0]


@mirrors(f"{_PKG}.clusterNameFromMemberName")
def cluster_name_from_member_name(mn: str) -> str:
    """Mirrors ``etcdutil.clusterNameFromMemberName``.

    >>> cluster_name_from_member_name("my-cluster-0001")
    'my-cluster'
    """
    i = mn.rfind("-")
    if i == -1:
        raise RuntimeError(f"unexpected member name: {mn}")
    return mn[:i]
