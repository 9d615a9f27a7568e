"""Mirror of pkg/cluster/cluster.go's loop: one EtcdCluster, its setup and its event loop.

Upstream, ``New`` starts a goroutine that runs ``setup`` (create the seed member for a new
cluster) and then ``run``: a ``select`` over the stop channel, spec-update events and an 8 s
timer.  Each timer tick polls pods and calls ``reconcile``.  Here the goroutine is a generator
driven by :class:`~reference_impl.operator.runtime.Runtime` on an injected clock, and one tick
is :meth:`Cluster.reconcile_once`, public so that a test or a notebook can step a cluster.

The struct and the state-only methods of cluster.go live in :mod:`.state`; member.go,
reconcile.go and upgrade.go are functions over that state (see :mod:`.state` for why).
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

from reference_impl.mirrors import mirrors
from reference_impl.operator import trace
from reference_impl.operator.api.cluster import ClusterSpec, EtcdCluster
from reference_impl.operator.api.status import (
    PHASE_CREATING,
    PHASE_FAILED,
    PHASE_NONE,
    PHASE_RUNNING,
)
from reference_impl.operator.cluster.error import CreatedClusterError, is_fatal_error
from reference_impl.operator.cluster.member import new_member, pods_to_member_set, update_members
from reference_impl.operator.cluster.reconcile import reconcile
from reference_impl.operator.cluster.state import (
    EVENT_MODIFY_CLUSTER,
    POD_TERMINATION_GRACE_PERIOD,
    RECONCILE_INTERVAL,
    ClusterEvent,
    ClusterState,
    Config,
)
from reference_impl.operator.etcdutil.client import TLSConfig
from reference_impl.operator.etcdutil.member import Member, new_member_set
from reference_impl.operator.k8sutil.k8sutil import (
    ETCD_CLIENT_PORT,
    MAX_NAME_LENGTH,
    client_service_name,
    cluster_list_opt,
    get_etcd_version,
    get_pod_names,
)
from reference_impl.operator.kube import KubeError
from reference_impl.operator.runtime import STOP, TIMEOUT, Select

__all__ = [
    "EVENT_MODIFY_CLUSTER",
    "POD_TERMINATION_GRACE_PERIOD",
    "RECONCILE_INTERVAL",
    "Cluster",
    "ClusterEvent",
    "Config",
    "ReconcileResult",
    "is_spec_equal",
    "new",
]

_PKG = "github.com/coreos/etcd-operator/pkg/cluster"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReconcileResult:
    """Mirrors nothing: what one reconcile cycle did (Go keeps this in run()'s locals).

    ``record`` is the cycle's trace record (branch taken, actions, members and pods before and
    after, status); ``error`` is run()'s ``rerr`` after the cycle: None, or the error that
    makes the next cycle rebuild the member list from etcd (or, if fatal, ends the loop).

    >>> ReconcileResult(trace.CycleRecord(time=0.0, cluster="c"), None).branch
    'no-op'
    """

    record: trace.CycleRecord
    error: BaseException | None

    @property
    def branch(self) -> str:
        """Mirrors nothing: a shortcut to ``record.branch``.

        The branch the cycle took (one of :data:`reference_impl.operator.trace.BRANCHES`).

        >>> ReconcileResult(trace.CycleRecord(time=0.0, cluster="c", branch="paused"), None).branch
        'paused'
        """
        return self.record.branch


class Cluster(ClusterState):
    """Mirrors ``cluster.Cluster``'s loop: setup, create, run and one reconcile cycle.

    The struct itself (``@mirrors`` ``cluster.Cluster``) is :class:`.state.ClusterState`.
    Build one in a given state with :mod:`reference_impl.operator.builder`.

    >>> from reference_impl.operator.builder import ClusterBuilder
    >>> c = ClusterBuilder("ex", size=3).member("a").member("b").build()
    >>> c.reconcile_once().branch  # two members, size 3: add one
    'add-member'
    >>> c.members.size(), c.status.conditions[0].type
    (3, 'Scaling')
    """

    # -- lifecycle ------------------------------------------------------------------------

    def main(self) -> Generator[Select, Any, None]:
        """Mirrors the goroutine literal ``New`` starts (go/ssa ``cluster.New$1``): setup, then run.

        The goroutine New() starts: setup, then run (or report Failed).

        >>> from reference_impl.operator.builder import ClusterBuilder
        >>> b = ClusterBuilder("ex", size=3, phase="")  # a new resource
        >>> c = b.build()
        >>> b.world.runtime.go(c.main())
        >>> b.world.runtime.run_until(60.0)
        >>> c.status.phase, c.members.size()
        ('Running', 3)
        """
        try:
            self.setup()
        except Exception as err:
            log.error("cluster failed to setup: %s", err)
            self._trace_note("setup-failed", str(err))
            if self.status.phase != PHASE_FAILED:
                self.status.set_reason(str(err))
                self.status.set_phase(PHASE_FAILED)
                try:
                    self.update_cr_status()
                except KubeError as uerr:
                    log.error("failed to update cluster phase: %s", uerr)
            return
        yield from self.run()

    @mirrors(f"(*{_PKG}.Cluster).setup")
    def setup(self) -> None:
        """Mirrors ``(*cluster.Cluster).setup``.

        >>> from reference_impl.operator.builder import ClusterBuilder
        >>> c = ClusterBuilder("ex", size=3, phase="").build()  # a new resource: no phase yet
        >>> c.setup()  # creates the seed member
        >>> c.members.size(), c.status.phase, c.status.size
        (1, 'Creating', 1)
        """
        phase = self.status.phase
        if phase == PHASE_NONE:
            should_create = True
        elif phase == PHASE_CREATING:
            # A previous operator died mid-creation; v0.9.4 cannot tell how far it got.
            raise CreatedClusterError()
        elif phase == PHASE_RUNNING:
            should_create = False
        else:
            raise RuntimeError(f"unexpected cluster phase: {phase}")

        if self.is_secure_client():
            tls = self.cluster.spec.tls
            assert tls is not None and tls.static is not None
            d = self.config.kube_cli.get_secret(self.cluster.namespace, tls.static.operator_secret)
            self.tls_config = TLSConfig(
                d.get("etcd-client.crt", b""),
                d.get("etcd-client.key", b""),
                d.get("etcd-client-ca.crt", b""),
            )
        if should_create:
            self.create()

    @mirrors(f"(*{_PKG}.Cluster).create")
    def create(self) -> None:
        """Mirrors ``(*cluster.Cluster).create``.

        >>> from reference_impl.operator.builder import ClusterBuilder
        >>> c = ClusterBuilder("ex", size=3, phase="").build()
        >>> c.create()
        >>> c.status.phase, c.status.condition_types()
        ('Creating', ['Scaling'])
        """
        self.status.set_phase(PHASE_CREATING)
        try:
            self.update_cr_status()
        except KubeError as err:
            raise RuntimeError(
                f"cluster create: failed to update cluster phase ({PHASE_CREATING}): {err}"
            ) from err
        self.prepare_seed_member()

    @mirrors(f"(*{_PKG}.Cluster).prepareSeedMember")
    def prepare_seed_member(self) -> None:
        """Mirrors ``(*cluster.Cluster).prepareSeedMember``.

        >>> from reference_impl.operator.builder import ClusterBuilder
        >>> c = ClusterBuilder("ex", size=3, phase="").build()
        >>> c.prepare_seed_member()
        >>> c.members.size(), c.status.size
        (1, 1)
        """
        self.status.set_scaling_up_condition(0, self.cluster.spec.size)
        self.bootstrap()
        self.status.size = 1

    @mirrors(f"(*{_PKG}.Cluster).run")
    def run(self) -> Generator[Select, Any, None]:
        """Mirrors ``(*cluster.Cluster).run``.

        >>> from reference_impl.operator.builder import ClusterBuilder
        >>> b = ClusterBuilder("ex", size=3).member("a").member("b")
        >>> c = b.build()
        >>> b.world.runtime.go(c.run())
        >>> b.world.runtime.run_until(20.0)  # two 8 s ticks on the simulated clock
        >>> [r.branch for r in b.world.trace.cycles]
        ['add-member', 'no-op']
        """
        try:
            self.setup_services()
        except KubeError as err:
            log.error("fail to setup etcd services: %s", err)
        self.status.service_name = client_service_name(self.cluster.name)
        self.status.client_port = ETCD_CLIENT_PORT
        self.status.set_phase(PHASE_RUNNING)
        try:
            self.update_cr_status()
        except KubeError as err:
            log.warning("update initial CR status failed: %s", err)

        rerr: BaseException | None = None
        while True:
            got = yield Select(self.event_ch, self.stop_ch, self.config.reconcile_interval)
            if got is STOP:
                return
            if isinstance(got, ClusterEvent):
                if got.typ != EVENT_MODIFY_CLUSTER:
                    raise RuntimeError("unknown event type" + got.typ)
                try:
                    self.handle_update_event(got)
                except Exception as err:
                    self.status.set_reason(str(err))
                    self.report_failed_status()
                    return
            else:
                assert got is TIMEOUT
                rerr = self.reconcile_once(rerr).error

            if is_fatal_error(rerr):
                assert rerr is not None
                self.status.set_reason(str(rerr))
                self._trace_note("fatal", str(rerr))
                self.report_failed_status()
                return

    def reconcile_once(self, previous_error: BaseException | None = None) -> ReconcileResult:
        """One reconcile cycle: the ``case <-time.After(reconcileInterval)`` arm of ``run``.

        Mirrors the timer arm of ``(*cluster.Cluster).run`` (run's ``@mirrors``).
        ``previous_error`` is run()'s ``rerr`` from the cycle before: when set (or when the
        member list is unknown) the cycle first rebuilds the members from etcd.  Returns the
        cycle's trace record and the new ``rerr``; the record is also appended to the
        configured trace, if any.

        >>> from reference_impl.operator.builder import ClusterBuilder
        >>> c = ClusterBuilder("ex", size=1, paused=True).member("ex-0000").build()
        >>> c.reconcile_once().branch
        'paused'
        """
        cyc = trace.CycleRecord(
            time=self._now(),
            cluster=self.cluster.name,
            spec_size=self.cluster.spec.size,
            spec_version=self.cluster.spec.version,
        )
        err = self._cycle_body(cyc, previous_error)
        return ReconcileResult(cyc, err)

    def _reconcile_tick(self, rerr: BaseException | None) -> BaseException | None:
        """Deprecated: use :meth:`reconcile_once`, which also returns the cycle's record."""
        warnings.warn(
            "Cluster._reconcile_tick(rerr) is deprecated; use "
            "Cluster.reconcile_once(previous_error).error",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.reconcile_once(rerr).error

    def _cycle_body(
        self, cyc: trace.CycleRecord, rerr: BaseException | None
    ) -> BaseException | None:
        # Go's ``continue`` (skip without touching rerr) and ``break`` (leave the select,
        # keep rerr) are the early returns here.
        self._cycle = cyc
        cyc.members_before = self.members.names() if self.members is not None else []
        try:
            if self.cluster.spec.paused:
                self.status.pause_control()
                cyc.branch = trace.PAUSED
                return rerr
            self.status.control()

            try:
                running, pending = self.poll_pods()
            except KubeError as err:
                cyc.branch, cyc.error = trace.POLL_FAILED, str(err)
                return rerr
            cyc.running = get_pod_names(running)
            cyc.pending = get_pod_names(pending)
            if pending:
                # Pod startup can be slow (image pulls); it ends Running or Failed, so wait.
                cyc.branch = trace.SKIP_PENDING
                return rerr
            if not running:
                # v0.9.4 has no answer here (a TODO): without a backup it cannot recover.
                cyc.branch = trace.ALL_DEAD
                return rerr

            if rerr is not None or self.members is None:
                cyc.rebuilt_members = True
                try:
                    update_members(self, pods_to_member_set(running, self.is_secure_client()))
                except Exception as err:
                    cyc.branch, cyc.error = trace.REBUILD_FAILED, str(err)
                    return err
                cyc.members_before = self.members.names() if self.members else []
            try:
                reconcile(self, running)
            except Exception as err:
                cyc.error = str(err)
                return err
            self.update_member_status(running)
            try:
                self.update_cr_status()
            except KubeError as err:
                log.warning("periodic update CR status failed: %s", err)
            return None
        finally:
            self._finish_cycle(cyc)

    def _finish_cycle(self, cyc: trace.CycleRecord) -> None:
        self._cycle = None
        cyc.members_after = self.members.names() if self.members is not None else []
        kube = self.config.kube_cli
        if kube is not None:
            pods = kube.list_pods(self.cluster.namespace, cluster_list_opt(self.cluster.name))
            live = [p for p in pods if p["metadata"].get("deletionTimestamp") is None]
            cyc.pods_after = sorted(get_pod_names(live))
            cyc.versions = {p["metadata"]["name"]: get_etcd_version(p) for p in live}
        st = self.status
        cyc.phase, cyc.size = st.phase, st.size
        cyc.conditions = st.condition_types()
        cyc.ready, cyc.unready = list(st.members.ready), list(st.members.unready)
        cyc.current_version, cyc.target_version = st.current_version, st.target_version
        if self.config.trace is not None:
            self.config.trace.cycles.append(cyc)

    @mirrors(f"(*{_PKG}.Cluster).handleUpdateEvent")
    def handle_update_event(self, event: ClusterEvent) -> None:
        """Mirrors ``(*cluster.Cluster).handleUpdateEvent``.

        >>> from reference_impl.operator.builder import ClusterBuilder
        >>> c = ClusterBuilder("ex", size=3).build()
        >>> new_cr = c.cluster.deepcopy()
        >>> new_cr.spec.size = 5
        >>> c.handle_update_event(ClusterEvent(EVENT_MODIFY_CLUSTER, new_cr))
        >>> c.cluster.spec.size
        5
        """
        old_spec = self.cluster.spec.deepcopy()
        self.cluster = event.cluster
        if is_spec_equal(event.cluster.spec, old_spec):
            # Fields other than size/paused/version cannot be changed after creation; such
            # an update is accepted (the object is replaced) but has no effect.
            return
        self._trace_note(
            "spec-update",
            f"size {old_spec.size}->{event.cluster.spec.size}, "
            f"version {old_spec.version}->{event.cluster.spec.version}, "
            f"paused {old_spec.paused}->{event.cluster.spec.paused}",
        )

    @mirrors(f"(*{_PKG}.Cluster).startSeedMember")
    def start_seed_member(self) -> None:
        """Mirrors ``(*cluster.Cluster).startSeedMember``.

        >>> from reference_impl.operator.builder import ClusterBuilder
        >>> b = ClusterBuilder("ex", size=1, phase="")
        >>> c = b.build()
        >>> c.start_seed_member()
        >>> [name for _, name in b.world.kube.pods] == c.members.names()
        True
        """
        m = Member(
            name=new_member(self).name,
            namespace=self.cluster.namespace,
            secure_peer=self.is_secure_peer(),
            secure_client=self.is_secure_client(),
        )
        ms = new_member_set(m)
        try:
            self.create_pod(ms, m, "new")
        except KubeError as err:
            raise RuntimeError(f"failed to create seed member ({m.name}): {err}") from err
        self.members = ms
        self._trace_note("seed-member", m.name)
        self._event("New Member Added", f"New member {m.name} added to cluster")

    @mirrors(f"(*{_PKG}.Cluster).bootstrap")
    def bootstrap(self) -> None:
        """Mirrors ``(*cluster.Cluster).bootstrap``.

        >>> from reference_impl.operator.builder import ClusterBuilder
        >>> c = ClusterBuilder("ex", size=1, phase="").build()
        >>> c.bootstrap()
        >>> c.members.size()
        1
        """
        self.start_seed_member()


@mirrors(f"{_PKG}.New")
def new(config: Config, cl: EtcdCluster) -> Cluster | None:
    """Mirrors ``cluster.New``.

    Mirrors ``cluster.New``.

    Build the cluster and start its goroutine; None if a name is too long for pod names.

    >>> from reference_impl.operator.builder import ClusterBuilder
    >>> b = ClusterBuilder("ex", size=1).member("a")
    >>> c = b.build()
    >>> new(c.config, c.cluster).name()
    'ex'
    >>> from reference_impl.operator.api.cluster import EtcdCluster
    >>> new(c.config, EtcdCluster.from_dict({"metadata": {"name": "x" * 65}})) is None
    True
    """
    if len(cl.metadata.name) > MAX_NAME_LENGTH or len(cl.metadata.cluster_name) > MAX_NAME_LENGTH:
        return None
    c = Cluster(config, cl)
    if config.runtime is not None:
        config.runtime.go(c.main())
    return c


@mirrors(f"{_PKG}.isSpecEqual")
def is_spec_equal(s1: ClusterSpec, s2: ClusterSpec) -> bool:
    """Mirrors ``cluster.isSpecEqual``.

    >>> from reference_impl.operator.api.cluster import ClusterSpec
    >>> is_spec_equal(ClusterSpec(size=3), ClusterSpec(size=3, repository="elsewhere"))
    True
    >>> is_spec_equal(ClusterSpec(size=3), ClusterSpec(size=5))
    False
    """
    return s1.size == s2.size and s1.paused == s2.paused and s1.version == s2.version
