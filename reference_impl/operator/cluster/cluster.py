"""Mirror of pkg/cluster/cluster.go: one EtcdCluster, its setup and its event loop.

Upstream, ``New`` starts a goroutine that runs ``setup`` (create the seed member for a new
cluster) and then ``run``: a ``select`` over the stop channel, spec-update events and an 8 s
timer.  Each timer tick polls pods and calls ``reconcile``.  Here the goroutine is a generator
driven by :class:`~reference_impl.operator.runtime.Runtime` on an injected clock.
"""

from __future__ import annotations

import contextlib
import logging
import random
import uuid
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any

from reference_impl.mirrors import mirrors
from reference_impl.operator import trace
from reference_impl.operator.api.cluster import ClusterSpec, EtcdCluster
from reference_impl.operator.api.cluster_tls import is_secure_client, is_secure_peer
from reference_impl.operator.api.status import (
    PHASE_CREATING,
    PHASE_FAILED,
    PHASE_NONE,
    PHASE_RUNNING,
    ClusterStatus,
)
from reference_impl.operator.cluster.error import CreatedClusterError, is_fatal_error
from reference_impl.operator.cluster.member import MemberMixin, pods_to_member_set
from reference_impl.operator.cluster.reconcile import ReconcileMixin
from reference_impl.operator.cluster.upgrade import UpgradeMixin
from reference_impl.operator.etcdutil.client import EtcdClientFactory, TLSConfig
from reference_impl.operator.etcdutil.member import Member, MemberSet, new_member_set
from reference_impl.operator.k8sutil.k8sutil import (
    ETCD_CLIENT_PORT,
    MAX_NAME_LENGTH,
    add_etcd_volume_to_pod,
    client_service_name,
    cluster_list_opt,
    get_etcd_version,
    get_pod_names,
    new_client_service,
    new_etcd_pod,
    new_peer_service,
)
from reference_impl.operator.k8sutil.pod_util import is_pod_ready
from reference_impl.operator.kube import (
    AlreadyExists,
    CRClient,
    KubeClient,
    KubeError,
    NotFound,
    Pod,
)
from reference_impl.operator.runtime import STOP, TIMEOUT, Channel, Runtime, Select

_PKG = "github.com/coreos/etcd-operator/pkg/cluster"
log = logging.getLogger(__name__)

RECONCILE_INTERVAL = 8.0  # seconds; reconcileInterval
POD_TERMINATION_GRACE_PERIOD = 5
EVENT_MODIFY_CLUSTER = "Modify"


@dataclass
class ClusterEvent:
    typ: str
    cluster: EtcdCluster


@dataclass
class Config:
    """cluster.Config plus what Go takes from globals: the etcd client constructor, the
    goroutine runtime, the random source for member names, the trace, and the interval."""

    service_account: str = ""
    kube_cli: KubeClient | None = None
    etcd_cr_cli: CRClient | None = None
    new_etcd_client: EtcdClientFactory | None = None
    runtime: Runtime | None = None
    rng: random.Random = field(default_factory=lambda: random.Random(0))
    trace: trace.Trace | None = None
    reconcile_interval: float = RECONCILE_INTERVAL


@mirrors(f"{_PKG}.Cluster")
class Cluster(ReconcileMixin, MemberMixin, UpgradeMixin):
    def __init__(self, config: Config, cl: EtcdCluster) -> None:
        self.config: Any = config  # Any: tests build a Cluster with an empty Config
        self.cluster = cl
        # The in-memory status is the source of truth once the Cluster exists; the CR's
        # status is only ever written from it.
        self.status: ClusterStatus = cl.status.deepcopy()
        self.event_ch = Channel()
        self.stop_ch = Channel()
        # None until known: after an operator restart the loop rebuilds it from etcd.
        self.members: MemberSet | None = None
        self.tls_config: TLSConfig | None = None
        self._cycle: trace.CycleRecord | None = None

    # -- trace plumbing (not in Go) ------------------------------------------------------

    def _now(self) -> float:
        rt = self.config.runtime
        return rt.clock.now() if rt is not None else 0.0

    def _note(self, branch: str, action: str) -> None:
        if self._cycle is None:
            return
        if branch:
            self._cycle.branch = branch
        self._cycle.actions.append(action)

    def _trace_note(self, kind: str, detail: str) -> None:
        if self.config.trace is not None:
            self.config.trace.notes.append(trace.Note(self._now(), self.cluster.name, kind, detail))

    def _event(self, reason: str, message: str) -> None:
        kube = self.config.kube_cli
        if kube is None:
            return
        try:
            kube.create_event(
                self.cluster.namespace,
                {
                    "reason": reason,
                    "message": message,
                    "time": self._now(),
                    "involvedObject": {"kind": "EtcdCluster", "name": self.cluster.name},
                },
            )
        except KubeError as err:
            log.error("failed to create event: %s", err)

    # -- lifecycle ------------------------------------------------------------------------

    def main(self) -> Generator[Select, Any, None]:
        """The goroutine New() starts: setup, then run (or report Failed)."""
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
        self.status.set_scaling_up_condition(0, self.cluster.spec.size)
        self.bootstrap()
        self.status.size = 1

    @mirrors(f"(*{_PKG}.Cluster).Delete")
    def delete(self) -> None:
        self.stop_ch.closed = True

    @mirrors(f"(*{_PKG}.Cluster).send")
    def send(self, ev: ClusterEvent) -> None:
        if self.stop_ch.closed:
            return
        self.event_ch.items.append(ev)

    @mirrors(f"(*{_PKG}.Cluster).run")
    def run(self) -> Generator[Select, Any, None]:
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
                rerr = self._reconcile_tick(rerr)

            if is_fatal_error(rerr):
                assert rerr is not None
                self.status.set_reason(str(rerr))
                self._trace_note("fatal", str(rerr))
                self.report_failed_status()
                return

    def _reconcile_tick(self, rerr: BaseException | None) -> BaseException | None:
        """The ``case <-time.After(reconcileInterval)`` arm of run(); returns the new rerr.

        Go's ``continue`` (skip without touching rerr) and ``break`` (leave the select, keep
        rerr) are the early returns here.
        """
        cyc = trace.CycleRecord(
            time=self._now(),
            cluster=self.cluster.name,
            spec_size=self.cluster.spec.size,
            spec_version=self.cluster.spec.version,
        )
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
                    self.update_members(pods_to_member_set(running, self.is_secure_client()))
                except Exception as err:
                    cyc.branch, cyc.error = trace.REBUILD_FAILED, str(err)
                    return err
                cyc.members_before = self.members.names() if self.members else []
            try:
                self.reconcile(running)
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
        m = Member(
            name=self.new_member().name,
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

    @mirrors(f"(*{_PKG}.Cluster).isSecurePeer")
    def is_secure_peer(self) -> bool:
        return is_secure_peer(self.cluster.spec.tls)

    @mirrors(f"(*{_PKG}.Cluster).isSecureClient")
    def is_secure_client(self) -> bool:
        return is_secure_client(self.cluster.spec.tls)

    @mirrors(f"(*{_PKG}.Cluster).bootstrap")
    def bootstrap(self) -> None:
        self.start_seed_member()

    @mirrors(f"(*{_PKG}.Cluster).Update")
    def update(self, cl: EtcdCluster) -> None:
        self.send(ClusterEvent(EVENT_MODIFY_CLUSTER, cl))

    @mirrors(f"(*{_PKG}.Cluster).setupServices")
    def setup_services(self) -> None:
        owner = self.cluster.as_owner()
        for svc in (
            new_client_service(self.cluster.name, owner),
            new_peer_service(self.cluster.name, owner),
        ):
            with contextlib.suppress(AlreadyExists):
                self.config.kube_cli.create_service(self.cluster.namespace, svc)

    @mirrors(f"(*{_PKG}.Cluster).isPodPVEnabled")
    def is_pod_pv_enabled(self) -> bool:
        pod = self.cluster.spec.pod
        return pod is not None and pod.persistent_volume_claim_spec is not None

    @mirrors(f"(*{_PKG}.Cluster).createPod")
    def create_pod(self, members: MemberSet, m: Member, state: str) -> None:
        pod = new_etcd_pod(
            m,
            members.peer_url_pairs(),
            self.cluster.name,
            state,
            str(uuid.UUID(int=self.config.rng.getrandbits(128))),
            self.cluster.spec,
            self.cluster.as_owner(),
        )
        add_etcd_volume_to_pod(pod, m.name if self.is_pod_pv_enabled() else None)
        self.config.kube_cli.create_pod(self.cluster.namespace, pod)

    @mirrors(f"(*{_PKG}.Cluster).removePod")
    def remove_pod(self, name: str) -> None:
        with contextlib.suppress(NotFound):
            self.config.kube_cli.delete_pod(
                self.cluster.namespace, name, POD_TERMINATION_GRACE_PERIOD
            )

    @mirrors(f"(*{_PKG}.Cluster).pollPods")
    def poll_pods(self) -> tuple[list[Pod], list[Pod]]:
        pods = self.config.kube_cli.list_pods(
            self.cluster.namespace, cluster_list_opt(self.cluster.name)
        )
        running: list[Pod] = []
        pending: list[Pod] = []
        uid = self.cluster.metadata.uid
        for pod in pods:
            md = pod["metadata"]
            # A pod being deleted can briefly report Pending (etcd-operator issue 1693).
            if md.get("deletionTimestamp") is not None:
                continue
            owners = md.get("ownerReferences") or []
            if not owners:
                log.warning("pollPods: ignore pod %s: no owner", md["name"])
                continue
            if owners[0].get("uid") != uid:
                log.warning("pollPods: ignore pod %s: owner is not %s", md["name"], uid)
                continue
            phase = pod.get("status", {}).get("phase")
            if phase == "Running":
                running.append(pod)
            elif phase == "Pending":
                pending.append(pod)
        return running, pending

    @mirrors(f"(*{_PKG}.Cluster).updateMemberStatus")
    def update_member_status(self, running: list[Pod]) -> None:
        ready: list[str] = []
        unready: list[str] = []
        for pod in running:
            (ready if is_pod_ready(pod) else unready).append(pod["metadata"]["name"])
        self.status.members.ready = ready
        self.status.members.unready = unready

    @mirrors(f"(*{_PKG}.Cluster).updateCRStatus")
    def update_cr_status(self) -> None:
        if self.cluster.status.comparable() == self.status.comparable():
            return
        new_cluster = self.cluster.deepcopy()
        new_cluster.status = self.status.deepcopy()
        try:
            self.cluster = self.config.etcd_cr_cli.update_cluster(
                self.cluster.namespace, new_cluster
            )
        except KubeError as err:
            raise KubeError(f"failed to update CR status: {err}") from err

    @mirrors(f"(*{_PKG}.Cluster).reportFailedStatus")
    def report_failed_status(self) -> None:
        # Upstream retries every 5 s forever; the worlds here never fail a status update
        # for long, so a bounded retry suffices and cannot hang a test.
        for _ in range(100):
            self.status.set_phase(PHASE_FAILED)
            try:
                self.update_cr_status()
                return
            except NotFound:
                return
            except KubeError:
                try:
                    self.cluster = self.config.etcd_cr_cli.get_cluster(
                        self.cluster.namespace, self.cluster.name
                    )
                except NotFound:
                    return
                except KubeError:
                    continue

    @mirrors(f"(*{_PKG}.Cluster).name")
    def name(self) -> str:
        return self.cluster.name


@mirrors(f"{_PKG}.New")
def new(config: Config, cl: EtcdCluster) -> Cluster | None:
    """Build the cluster and start its goroutine; None if a name is too long for pod names."""
    if len(cl.metadata.name) > MAX_NAME_LENGTH or len(cl.metadata.cluster_name) > MAX_NAME_LENGTH:
        return None
    c = Cluster(config, cl)
    if config.runtime is not None:
        config.runtime.go(c.main())
    return c


@mirrors(f"{_PKG}.isSpecEqual")
def is_spec_equal(s1: ClusterSpec, s2: ClusterSpec) -> bool:
    return s1.size == s2.size and s1.paused == s2.paused and s1.version == s2.version
