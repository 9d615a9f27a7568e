"""Build a :class:`~reference_impl.operator.cluster.cluster.Cluster` in a given state.

Mirrors nothing: a test and notebook helper.  Upstream tests reach a state by running an
operator against a real Kubernetes; here one line states it -- members and their health, pods
that are not members, the spec, the status -- and :meth:`Cluster.reconcile_once` then shows
what v0.9.4 does next::

    c = ClusterBuilder("example", size=3).member("a").member("b").member("c", healthy=False).build()
    c.reconcile_once().branch  # 'remove-dead-member'

The state lives in an in-memory :class:`~reference_impl.operator.fake.FakeWorld` (no etcd, no
network), reachable as ``builder.world`` after :meth:`ClusterBuilder.build`.  The cluster's
goroutine is not started: nothing runs until you call ``reconcile_once`` (or
``world.runtime.go(c.main())`` to run the whole loop on the simulated clock).

Member and pod names are ``<cluster>-<suffix>`` (the operator derives the cluster from a
member's name); a short name such as ``"a"`` is prefixed, so ``member("a")`` of cluster
``example`` is ``example-a``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from reference_impl.operator.api.cluster import EtcdCluster
from reference_impl.operator.api.status import PHASE_RUNNING
from reference_impl.operator.cluster.cluster import Cluster
from reference_impl.operator.etcdutil.member import Member, MemberSet
from reference_impl.operator.fake import FakeEtcdCluster, FakeMember, FakeWorld
from reference_impl.operator.k8sutil.k8sutil import image_name, set_etcd_version

__all__ = ["ClusterBuilder", "PodPhase"]

PodPhase = Literal["running", "pending", "failed", "dead"]
_PHASES = ("running", "pending", "failed", "dead")


@dataclass(frozen=True)
class _MemberSpec:
    name: str
    pod: PodPhase
    version: str | None
    in_etcd: bool


class ClusterBuilder:
    """Mirrors nothing: states a cluster for tests and notebooks (see the module docstring).

    A cluster's state, stated one call at a time; :meth:`build` makes it.

    ``size``, ``version``, ``paused`` and any other spec field (``repository``, ``pod``,
    ``tls``, as in the EtcdCluster's ``spec``) set the spec.  ``phase`` is the status phase
    the operator last recorded (``Running`` for an existing cluster).  ``known_members``
    False builds the cluster as an operator that just restarted sees it: no member list in
    memory, so the first cycle asks etcd.

    >>> c = ClusterBuilder("ex", size=3).member("a").member("b").member("c", healthy=False).build()
    >>> c.reconcile_once().branch
    'remove-dead-member'
    >>> c.members.names()
    ['ex-a', 'ex-b']
    >>> c = ClusterBuilder("ex", size=1).member("a").pod("stray").build()
    >>> r = c.reconcile_once()
    >>> r.branch, r.record.pods_after
    ('remove-unknown-pods', ['ex-a'])
    """

    def __init__(
        self,
        name: str = "example",
        *,
        size: int = 3,
        version: str = "3.2.13",
        paused: bool = False,
        namespace: str = "default",
        phase: str = PHASE_RUNNING,
        known_members: bool = True,
        seed: int = 0,
        world: FakeWorld | None = None,
        **spec: Any,
    ) -> None:
        self.name, self.size, self.version, self.paused = name, size, version, paused
        self.namespace, self.phase, self.known_members = namespace, phase, known_members
        self.seed, self.spec, self.world = seed, spec, world
        self._members: list[_MemberSpec] = []

    def _full(self, name: str) -> str:
        return name if name.startswith(self.name + "-") else f"{self.name}-{name}"

    def member(
        self,
        name: str,
        healthy: bool = True,
        *,
        pod: PodPhase | None = None,
        version: str | None = None,
    ) -> ClusterBuilder:
        """Mirrors nothing: one etcd member of the built cluster.

        An etcd member.  ``healthy``: its pod runs and its etcd process is up; False means
        its pod is gone (``pod="dead"``).  ``pod`` sets the pod's state explicitly:
        ``running``, ``pending`` (never leaves Pending), ``failed`` (container exited) or
        ``dead`` (no pod).  ``version``: the etcd version its pod runs (default: the spec's).

        >>> c = ClusterBuilder("ex", size=1).member("a", version="3.1.0").build()
        >>> c.reconcile_once().branch
        'upgrade-member'
        """
        phase: PodPhase = pod if pod is not None else ("running" if healthy else "dead")
        if phase not in _PHASES:
            raise ValueError(f"member {name!r}: pod must be one of {_PHASES}, not {phase!r}")
        self._members.append(_MemberSpec(self._full(name), phase, version, in_etcd=True))
        return self

    def pod(
        self, name: str, phase: PodPhase = "running", *, version: str | None = None
    ) -> ClusterBuilder:
        """Mirrors nothing: one pod of the built cluster that is not a member.

        A pod of the cluster that is *not* an etcd member (a stray, or a member whose
        add was never recorded).  Running, its process serves a one-member etcd of its own.

        >>> c = ClusterBuilder("ex", size=1).member("a").pod("b", "pending").build()
        >>> c.reconcile_once().branch
        'skip-pending'
        """
        if phase not in _PHASES or phase == "dead":
            raise ValueError(f"pod {name!r}: phase must be running, pending or failed")
        self._members.append(_MemberSpec(self._full(name), phase, version, in_etcd=False))
        return self

    def build(self) -> Cluster:
        """Mirrors nothing: makes the Cluster and its fake world.

        The Cluster, wired to ``self.world`` (a new FakeWorld unless one was given).

        >>> b = ClusterBuilder("ex", size=1).member("a")
        >>> c = b.build()
        >>> c.config.kube_cli is b.world.kube, c.members.names()
        (True, ['ex-a'])
        """
        world = self.world if self.world is not None else FakeWorld(seed=self.seed)
        self.world = world
        ns = self.namespace
        spec = {"size": self.size, "version": self.version, "paused": self.paused, **self.spec}
        cr = EtcdCluster.from_dict({"metadata": {"name": self.name}, "spec": spec})
        in_etcd = [m for m in self._members if m.in_etcd]
        cr.status.phase = self.phase
        cr.status.size = len(in_etcd)
        cr.status.current_version = self.version
        cr = world.kube.create_cluster(ns, cr)
        c = Cluster(world.cluster_config(), cr)

        etcd = FakeEtcdCluster(token="builder", secure_client=c.is_secure_client())
        etcd.version = self.version
        known = MemberSet()
        for ms in self._members:
            m = Member(
                name=ms.name,
                namespace=ns,
                secure_peer=c.is_secure_peer(),
                secure_client=c.is_secure_client(),
            )
            if ms.in_etcd:
                m.id = world.etcd._new_id()
                # A member whose pod never ran has not published its name yet.
                started = ms.pod in ("running", "dead", "failed")
                etcd.members[m.id] = FakeMember(
                    m.id, m.name if started else "", m.peer_url(), m.client_url()
                )
                known.add(m)
            if ms.pod == "dead":
                continue
            c.create_pod(known if ms.in_etcd else MemberSet(), m, "existing")
            key = (ns, m.name)
            stored = world.kube.pods[key]
            if ms.version is not None:
                stored["spec"]["containers"][0]["image"] = image_name(
                    c.cluster.spec.repository, ms.version
                )
                set_etcd_version(stored, ms.version)
            if ms.pod == "pending":
                world.kube.stall_pod(*key)
                continue
            del world.kube._start_at[key]
            if ms.pod == "failed":
                world.kube.fail_pod(*key)
                continue
            stored["status"] = {
                "phase": "Running",
                "conditions": [{"type": "Ready", "status": "True"}],
            }
            if ms.in_etcd:
                world.etcd.running[m.name] = etcd
            else:
                own = FakeEtcdCluster(token=f"stray-{m.name}", secure_client=m.secure_client)
                own.members[1] = FakeMember(1, m.name, m.peer_url(), m.client_url())
                world.etcd.clusters.append(own)
                world.etcd.running[m.name] = own
            # Up long before now: etcd's health checks count it as connected.
            world.etcd.started_at[m.name] = world.clock.now() - 3600.0
        world.etcd.clusters.append(etcd)
        c.members = known if self.known_members else None
        c.setup_services()
        return c
