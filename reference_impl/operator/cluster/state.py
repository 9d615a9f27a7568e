"""The state of one cluster (pkg/cluster/cluster.go's ``Cluster`` struct) and the methods of
cluster.go that only read or write that state and the Kubernetes API.

Go's pkg/cluster is one package whose files call each other freely: cluster.go's loop calls
reconcile.go, which calls member.go and upgrade.go, which call back into cluster.go for pods
and events.  Python modules that did the same would import each other.  So the mirror is
layered one way:

* ``state.py`` (this module): the struct, its configuration, the trace plumbing, and the
  cluster.go methods that touch only the state and the API (pods, services, status).
* ``member.py``, ``upgrade.py``, ``reconcile.py``: member.go, upgrade.go and reconcile.go as
  functions whose first parameter is the state (Go's receiver ``c *Cluster``).
* ``cluster.py``: the loop (New, setup, create, run and its reconcile cycle), which calls them.

Each module imports only the ones listed before it.
"""

from __future__ import annotations

import contextlib
import logging
import random
import uuid
from dataclasses import dataclass, field
from typing import Any

from reference_impl.mirrors import mirrors
from reference_impl.operator import trace
from reference_impl.operator.api.cluster import EtcdCluster
from reference_impl.operator.api.cluster_tls import is_secure_client, is_secure_peer
from reference_impl.operator.api.status import PHASE_FAILED, ClusterStatus
from reference_impl.operator.etcdutil.client import EtcdClientFactory, TLSConfig
from reference_impl.operator.etcdutil.member import Member, MemberSet
from reference_impl.operator.k8sutil.k8sutil import (
    add_etcd_volume_to_pod,
    cluster_list_opt,
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
from reference_impl.operator.runtime import Channel, Runtime

__all__ = [
    "EVENT_MODIFY_CLUSTER",
    "POD_TERMINATION_GRACE_PERIOD",
    "RECONCILE_INTERVAL",
    "ClusterEvent",
    "ClusterState",
    "Config",
]

_PKG = "github.com/coreos/etcd-operator/pkg/cluster"
# cluster.go's one logger, shared by its loop (cluster.py) and its state methods (here).
log = logging.getLogger("reference_impl.operator.cluster.cluster")

RECONCILE_INTERVAL = 8.0  # seconds; reconcileInterval
POD_TERMINATION_GRACE_PERIOD = 5
EVENT_MODIFY_CLUSTER = "Modify"


@mirrors(f"{_PKG}.clusterEvent")
@dataclass
class ClusterEvent:
    """Mirrors ``cluster.clusterEvent``: a spec update handed to the cluster's loop.

    >>> from reference_impl.operator.api.cluster import EtcdCluster
    >>> ClusterEvent(EVENT_MODIFY_CLUSTER, EtcdCluster()).typ
    'Modify'
    """

    typ: str
    cluster: EtcdCluster


@mirrors(f"{_PKG}.Config")
@dataclass
class Config:
    """Mirrors ``cluster.Config``, plus what Go takes from globals: the etcd client
    constructor, the goroutine runtime, the random source for member names, the trace, and
    the interval.

    >>> Config().reconcile_interval
    8.0
    """

    service_account: str = ""
    kube_cli: KubeClient | None = None
    etcd_cr_cli: CRClient | None = None
    new_etcd_client: EtcdClientFactory | None = None
    runtime: Runtime | None = None
    rng: random.Random = field(default_factory=lambda: random.Random(0))
    trace: trace.Trace | None = None
    reconcile_interval: float = RECONCILE_INTERVAL


@mirrors(f"{_PKG}.Cluster")
class ClusterState:
    """Mirrors the fields of ``cluster.Cluster`` and its state-only methods.

    :class:`~reference_impl.operator.cluster.cluster.Cluster` adds the loop; member.go,
    reconcile.go and upgrade.go are functions over this state.

    >>> from reference_impl.operator.api.cluster import EtcdCluster
    >>> st = ClusterState(Config(), EtcdCluster())
    >>> st.members is None, st.status.phase
    (True, '')
    """

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

    # -- cluster.go methods over the state and the Kubernetes API ----------------------
    @mirrors(f"(*{_PKG}.Cluster).Delete")
    def delete(self) -> None:
        """Mirrors ``(*cluster.Cluster).Delete``.

        >>> from reference_impl.operator.builder import ClusterBuilder
        >>> c = ClusterBuilder("ex", size=1).build()
        >>> c.delete()
        >>> c.stop_ch.closed
        True
        """
        self.stop_ch.closed = True

    @mirrors(f"(*{_PKG}.Cluster).send")
    def send(self, ev: ClusterEvent) -> None:
        """Mirrors ``(*cluster.Cluster).send``.

        >>> from reference_impl.operator.builder import ClusterBuilder
        >>> c = ClusterBuilder("ex", size=1).build()
        >>> c.send(ClusterEvent(EVENT_MODIFY_CLUSTER, c.cluster))
        >>> len(c.event_ch.items)
        1
        """
        if self.stop_ch.closed:
            return
        self.event_ch.items.append(ev)

    @mirrors(f"(*{_PKG}.Cluster).isSecurePeer")
    def is_secure_peer(self) -> bool:
        """Mirrors ``(*cluster.Cluster).isSecurePeer``.

        >>> from reference_impl.operator.builder import ClusterBuilder
        >>> ClusterBuilder("ex").build().is_secure_peer()
        False
        """
        return is_secure_peer(self.cluster.spec.tls)

    @mirrors(f"(*{_PKG}.Cluster).isSecureClient")
    def is_secure_client(self) -> bool:
        """Mirrors ``(*cluster.Cluster).isSecureClient``.

        >>> from reference_impl.operator.builder import ClusterBuilder
        >>> ClusterBuilder("ex").build().is_secure_client()
        False
        """
        return is_secure_client(self.cluster.spec.tls)

    @mirrors(f"(*{_PKG}.Cluster).Update")
    def update(self, cl: EtcdCluster) -> None:
        """Mirrors ``(*cluster.Cluster).Update``.

        >>> from reference_impl.operator.builder import ClusterBuilder
        >>> c = ClusterBuilder("ex", size=1).build()
        >>> c.update(c.cluster)  # queued for the loop, like Go's channel send
        >>> c.event_ch.items[0].typ
        'Modify'
        """
        self.send(ClusterEvent(EVENT_MODIFY_CLUSTER, cl))

    @mirrors(f"(*{_PKG}.Cluster).setupServices")
    def setup_services(self) -> None:
        """Mirrors ``(*cluster.Cluster).setupServices``.

        >>> from reference_impl.operator.builder import ClusterBuilder
        >>> b = ClusterBuilder("ex", size=1)
        >>> c = b.build()  # build() already called it; a second call finds both services
        >>> c.setup_services()
        >>> sorted(name for _, name in b.world.kube.services)
        ['ex', 'ex-client']
        """
        owner = self.cluster.as_owner()
        for svc in (
            new_client_service(self.cluster.name, owner),
            new_peer_service(self.cluster.name, owner),
        ):
            with contextlib.suppress(AlreadyExists):
                self.config.kube_cli.create_service(self.cluster.namespace, svc)

    @mirrors(f"(*{_PKG}.Cluster).isPodPVEnabled")
    def is_pod_pv_enabled(self) -> bool:
        """Mirrors ``(*cluster.Cluster).isPodPVEnabled``.

        >>> from reference_impl.operator.builder import ClusterBuilder
        >>> ClusterBuilder("ex").build().is_pod_pv_enabled()
        False
        """
        pod = self.cluster.spec.pod
        return pod is not None and pod.persistent_volume_claim_spec is not None

    @mirrors(f"(*{_PKG}.Cluster).createPod")
    def create_pod(self, members: MemberSet, m: Member, state: str) -> None:
        """Mirrors ``(*cluster.Cluster).createPod``.

        >>> from reference_impl.operator.builder import ClusterBuilder
        >>> b = ClusterBuilder("ex", size=1)
        >>> c = b.build()
        >>> m = Member("ex-z", "default")
        >>> c.create_pod(MemberSet(), m, "new")
        >>> b.world.kube.pods[("default", "ex-z")]["status"]["phase"]
        'Pending'
        """
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
        """Mirrors ``(*cluster.Cluster).removePod``.

        >>> from reference_impl.operator.builder import ClusterBuilder
        >>> b = ClusterBuilder("ex", size=1).member("a")
        >>> c = b.build()
        >>> c.remove_pod("ex-a")
        >>> c.remove_pod("ex-a")  # NotFound is not an error
        >>> b.world.kube.pods
        {}
        """
        with contextlib.suppress(NotFound):
            self.config.kube_cli.delete_pod(
                self.cluster.namespace, name, POD_TERMINATION_GRACE_PERIOD
            )

    @mirrors(f"(*{_PKG}.Cluster).pollPods")
    def poll_pods(self) -> tuple[list[Pod], list[Pod]]:
        """Mirrors ``(*cluster.Cluster).pollPods``.

        >>> from reference_impl.operator.builder import ClusterBuilder
        >>> c = ClusterBuilder("ex", size=2).member("a").member("b", pod="pending").build()
        >>> running, pending = c.poll_pods()
        >>> [p["metadata"]["name"] for p in running], [p["metadata"]["name"] for p in pending]
        (['ex-a'], ['ex-b'])
        """
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
        """Mirrors ``(*cluster.Cluster).updateMemberStatus``.

        >>> from reference_impl.operator.builder import ClusterBuilder
        >>> c = ClusterBuilder("ex", size=1).member("a").build()
        >>> c.update_member_status(c.poll_pods()[0])
        >>> c.status.members.ready
        ['ex-a']
        """
        ready: list[str] = []
        unready: list[str] = []
        for pod in running:
            (ready if is_pod_ready(pod) else unready).append(pod["metadata"]["name"])
        self.status.members.ready = ready
        self.status.members.unready = unready

    @mirrors(f"(*{_PKG}.Cluster).updateCRStatus")
    def update_cr_status(self) -> None:
        """Mirrors ``(*cluster.Cluster).updateCRStatus``.

        >>> from reference_impl.operator.builder import ClusterBuilder
        >>> b = ClusterBuilder("ex", size=1)
        >>> c = b.build()
        >>> c.status.set_reason("demo")
        >>> c.update_cr_status()
        >>> b.world.kube.get_cluster("default", "ex").status.reason
        'demo'
        """
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
        """Mirrors ``(*cluster.Cluster).reportFailedStatus``.

        >>> from reference_impl.operator.builder import ClusterBuilder
        >>> b = ClusterBuilder("ex", size=1)
        >>> c = b.build()
        >>> c.report_failed_status()
        >>> b.world.kube.get_cluster("default", "ex").status.phase
        'Failed'
        """
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
        """Mirrors ``(*cluster.Cluster).name``.

        >>> from reference_impl.operator.builder import ClusterBuilder
        >>> ClusterBuilder("ex").build().name()
        'ex'
        """
        return self.cluster.name
