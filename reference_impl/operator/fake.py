"""The in-memory world: a fake Kubernetes (pods, services, secrets, events, custom resources)
and a fake etcd (membership with quorum rules, a key-value store) wired together.

Pods are where the two meet.  A pod is created Pending and becomes Running ``startup_delay``
seconds later; at that moment its etcd "process" starts, reading the flags of the pod's etcd
command line exactly as etcd would:

* ``--initial-cluster-state=new`` bootstraps a new etcd cluster (optionally from a backup);
* ``existing`` joins the cluster in which a member with its peer URL was added, and the pod
  goes Failed when there is none (etcd exits at startup in that case).

A member is *healthy* while its process runs, i.e. while its pod is Running.  Deleting or
failing a pod stops the process; the member stays in etcd's list, unhealthy, until someone
removes it.  Membership changes follow etcd 3.4's rules: they need a leader (a majority of
members healthy), and with ``strict_reconfig`` (etcd's ``--strict-reconfig-check``, on by
default in 3.4) they are refused with "unhealthy cluster" when the change would leave fewer
healthy members than a quorum.  Every membership change is logged with the healthy counts
before and after, so tests can check quorum safety independently of the guard.

Everything is deterministic: simulated time, seeded IDs, name-ordered lists.

One module, over 600 lines, on purpose: the fake Kubernetes and the fake etcd meet in the
pods (a pod's start is an etcd process start), and their shared clock and event order are the
point of the file; split, each half would reach into the other's state.
"""

from __future__ import annotations

import copy
import json
import random
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from reference_impl.operator.api import status as api_status
from reference_impl.operator.api.backup_types import EtcdBackup
from reference_impl.operator.api.cluster import EtcdCluster
from reference_impl.operator.api.restore_types import EtcdRestore
from reference_impl.operator.cluster.cluster import Config
from reference_impl.operator.etcdutil.client import (
    ErrMemberNotFound,
    EtcdError,
    EtcdMemberInfo,
    TLSConfig,
)
from reference_impl.operator.k8sutil.k8sutil import backup_url_of, etcd_flags
from reference_impl.operator.kube import AlreadyExists, Conflict, NotFound, Pod
from reference_impl.operator.runtime import Clock, FakeClock, Runtime
from reference_impl.operator.trace import Trace

Watcher = Callable[[str, Any], None]


ERR_UNHEALTHY = "etcdserver: unhealthy cluster"
ERR_NOT_ENOUGH_STARTED = "etcdserver: re-configuration failed due to not enough started members"


def quorum(n: int) -> int:
    return n // 2 + 1


# ----------------------------------------------------------------------------- kubernetes


class FakeKube:
    """Pods, services, secrets, events, PVCs and the three custom resources, in memory."""

    def __init__(self, world: FakeWorld) -> None:
        self.world = world
        self.pods: dict[tuple[str, str], Pod] = {}
        self._start_at: dict[tuple[str, str], float] = {}
        self.services: dict[tuple[str, str], dict[str, Any]] = {}
        self.secrets: dict[tuple[str, str], dict[str, bytes]] = {}
        self.events: list[dict[str, Any]] = []
        self.image_changes: list[tuple[float, str]] = []  # (time, pod): upgrades, for tests
        self.clusters: dict[tuple[str, str], EtcdCluster] = {}
        self.backups: dict[tuple[str, str], EtcdBackup] = {}
        self.restores: dict[tuple[str, str], EtcdRestore] = {}
        self.cluster_watchers: list[Watcher] = []
        # Watch notifications wait here and are delivered one at a time by the runtime,
        # like an informer's queue: a handler never runs inside the write that caused it.
        self._notifications: deque[tuple[str, EtcdCluster]] = deque()
        world.runtime.pumps.append(self._deliver)
        self._rv = 0
        self._uid = 0

    # -- pods --------------------------------------------------------------------------

    def _refresh(self) -> None:
        """Let the kubelet start pods whose startup delay has passed."""
        now = self.world.clock.now()
        for key, t in list(self._start_at.items()):
            if t <= now:
                del self._start_at[key]
                pod = self.pods[key]
                ok = self.world.etcd.start_process(pod, t)
                st = pod["status"]
                if ok:
                    st["phase"] = "Running"
                    st["conditions"] = [{"type": "Ready", "status": "True"}]
                else:
                    st["phase"] = "Failed"
                    st["conditions"] = [{"type": "Ready", "status": "False"}]

    def list_pods(self, namespace: str, selector: dict[str, str]) -> list[Pod]:
        # The stored dicts themselves, in name order like the API server; callers treat
        # them as read-only (get_pod returns a copy for callers that edit).
        if self._start_at:
            self._refresh()
        out = []
        for (ns, _), pod in sorted(self.pods.items()):
            if ns != namespace:
                continue
            labels = pod["metadata"].get("labels", {})
            if all(labels.get(k) == v for k, v in selector.items()):
                out.append(pod)
        return out

    def get_pod(self, namespace: str, name: str) -> Pod:
        self._refresh()
        try:
            return copy.deepcopy(self.pods[(namespace, name)])
        except KeyError:
            raise NotFound(f'pods "{name}" not found') from None

    def create_pod(self, namespace: str, pod: Pod) -> Pod:
        key = (namespace, pod["metadata"]["name"])
        if key in self.pods:
            raise AlreadyExists(f'pods "{key[1]}" already exists')
        pod = copy.deepcopy(pod)
        pod["metadata"]["namespace"] = namespace
        pod["metadata"]["creationTimestamp"] = self.world.clock.now()
        pod["status"] = {"phase": "Pending"}
        self.pods[key] = pod
        self._start_at[key] = self.world.clock.now() + self.world.startup_delay
        self._refresh()
        return pod

    def delete_pod(self, namespace: str, name: str, grace_period: int | None = None) -> None:
        # Deletion is immediate: the grace period only delays what the operator never sees
        # (it skips pods with a deletionTimestamp anyway).
        key = (namespace, name)
        if key not in self.pods:
            raise NotFound(f'pods "{name}" not found')
        del self.pods[key]
        self._start_at.pop(key, None)
        self.world.etcd.stop_process(name)

    def patch_pod(self, namespace: str, name: str, old: Pod, new: Pod) -> Pod:
        key = (namespace, name)
        if key not in self.pods:
            raise NotFound(f'pods "{name}" not found')
        pod = self.pods[key]
        pod["metadata"]["annotations"] = dict(new["metadata"].get("annotations", {}))
        old_image = pod["spec"]["containers"][0]["image"]
        pod["spec"]["containers"][0]["image"] = new["spec"]["containers"][0]["image"]
        if old_image != pod["spec"]["containers"][0]["image"]:
            # A new image restarts the container in place, on the same data dir.
            pod["status"]["restarts"] = pod["status"].get("restarts", 0) + 1
            self.image_changes.append((self.world.clock.now(), name))
            self.world.etcd.restart_process(pod)
        return copy.deepcopy(pod)

    def fail_pod(self, namespace: str, name: str) -> None:
        """Failure injection: the etcd container exits; restartPolicy Never keeps it dead."""
        pod = self.pods[(namespace, name)]
        pod["status"] = {"phase": "Failed", "conditions": [{"type": "Ready", "status": "False"}]}
        self._start_at.pop((namespace, name), None)
        self.world.etcd.stop_process(name)

    def stall_pod(self, namespace: str, name: str) -> None:
        """Failure injection: a pod that stays Pending (e.g. an image that never pulls)."""
        self._start_at[(namespace, name)] = float("inf")

    # -- services, secrets, events, pvcs -------------------------------------------------

    def create_service(self, namespace: str, svc: dict[str, Any]) -> None:
        key = (namespace, svc["metadata"]["name"])
        if key in self.services:
            raise AlreadyExists(f'services "{key[1]}" already exists')
        self.services[key] = svc

    def delete_service(self, namespace: str, name: str) -> None:
        if self.services.pop((namespace, name), None) is None:
            raise NotFound(f'services "{name}" not found')

    def get_secret(self, namespace: str, name: str) -> dict[str, bytes]:
        try:
            return dict(self.secrets[(namespace, name)])
        except KeyError:
            raise NotFound(f'secrets "{name}" not found') from None

    def create_event(self, namespace: str, event: dict[str, Any]) -> None:
        self.events.append(dict(event, namespace=namespace))

    def delete_pvc(self, namespace: str, name: str) -> None:
        pass

    # -- custom resources ---------------------------------------------------------------

    def _next_rv(self) -> str:
        self._rv += 1
        return str(self._rv)

    def _notify(self, typ: str, cr: EtcdCluster) -> None:
        if self.cluster_watchers:
            self._notifications.append((typ, cr.deepcopy()))

    def _deliver(self) -> bool:
        if not self._notifications:
            return False
        typ, cr = self._notifications.popleft()
        for w in list(self.cluster_watchers):
            w(typ, cr.deepcopy())
        return True

    def get_cluster(self, namespace: str, name: str) -> EtcdCluster:
        try:
            return self.clusters[(namespace, name)].deepcopy()
        except KeyError:
            raise NotFound(f'etcdclusters "{name}" not found') from None

    def create_cluster(self, namespace: str, cr: EtcdCluster) -> EtcdCluster:
        key = (namespace, cr.name)
        if key in self.clusters:
            raise AlreadyExists(f'etcdclusters "{cr.name}" already exists')
        cr = cr.deepcopy()
        cr.metadata.namespace = namespace
        if not cr.metadata.uid:
            self._uid += 1
            cr.metadata.uid = f"uid-{cr.name}-{self._uid}"
        cr.metadata.resource_version = self._next_rv()
        self.clusters[key] = cr
        self._notify("ADDED", cr)
        return cr.deepcopy()

    def update_cluster(self, namespace: str, cr: EtcdCluster) -> EtcdCluster:
        key = (namespace, cr.name)
        cur = self.clusters.get(key)
        if cur is None:
            raise NotFound(f'etcdclusters "{cr.name}" not found')
        if cr.metadata.resource_version and (
            cr.metadata.resource_version != cur.metadata.resource_version
        ):
            raise Conflict(f'etcdclusters "{cr.name}": the object has been modified')
        cr = cr.deepcopy()
        cr.metadata.resource_version = self._next_rv()
        self.clusters[key] = cr
        self._notify("MODIFIED", cr)
        return cr.deepcopy()

    def edit_cluster(self, namespace: str, name: str, edit: Callable[[EtcdCluster], None]) -> None:
        """What a user's ``kubectl edit`` does: read, change the spec, write back."""
        cr = self.get_cluster(namespace, name)
        edit(cr)
        self.update_cluster(namespace, cr)

    def delete_cluster(self, namespace: str, name: str) -> None:
        cr = self.clusters.pop((namespace, name), None)
        if cr is None:
            raise NotFound(f'etcdclusters "{name}" not found')
        self._notify("DELETED", cr)
        # Garbage collection: pods and services owned by the resource go with it.
        for key, pod in list(self.pods.items()):
            owners = pod["metadata"].get("ownerReferences") or []
            if key[0] == namespace and owners and owners[0].get("uid") == cr.metadata.uid:
                self.delete_pod(*key)
        for key, svc in list(self.services.items()):
            owners = svc["metadata"].get("ownerReferences") or []
            if key[0] == namespace and owners and owners[0].get("uid") == cr.metadata.uid:
                del self.services[key]

    def get_backup(self, namespace: str, name: str) -> EtcdBackup:
        try:
            return copy.deepcopy(self.backups[(namespace, name)])
        except KeyError:
            raise NotFound(f'etcdbackups "{name}" not found') from None

    def update_backup(self, namespace: str, cr: EtcdBackup) -> EtcdBackup:
        self.backups[(namespace, cr.metadata.name)] = copy.deepcopy(cr)
        return copy.deepcopy(cr)

    def update_restore(self, namespace: str, cr: EtcdRestore) -> EtcdRestore:
        self.restores[(namespace, cr.metadata.name)] = copy.deepcopy(cr)
        return copy.deepcopy(cr)


# ----------------------------------------------------------------------------------- etcd


@dataclass
class FakeMember:
    id: int
    name: str  # "" until the member's process has started
    peer_url: str
    client_url: str = ""


@dataclass
class FakeEtcdCluster:
    token: str
    secure_client: bool
    members: dict[int, FakeMember] = field(default_factory=dict)
    kv: dict[str, str] = field(default_factory=dict)
    revision: int = 1
    version: str = ""


@dataclass
class MembershipChange:
    time: float
    op: str  # "add" | "remove"
    member: str
    healthy_before: int
    size_before: int
    healthy_after: int
    size_after: int

    @property
    def had_quorum(self) -> bool:
        return self.healthy_before >= quorum(self.size_before)

    @property
    def has_quorum(self) -> bool:
        return self.healthy_after >= quorum(self.size_after)

    @property
    def loses_quorum(self) -> bool:
        """Did this change take a cluster that had quorum to one without?

        Growing a 1-member cluster to 2 always does, until the new member starts (quorum
        of 2 is 2); it is the only way to grow from one, and etcd explicitly allows it.
        """
        if self.op == "add" and self.size_before == 1:
            return False
        return self.had_quorum and not self.has_quorum


class FakeEtcd:
    def __init__(self, world: FakeWorld) -> None:
        self.world = world
        self.clusters: list[FakeEtcdCluster] = []
        # member name -> the cluster its running process serves, and since when
        self.running: dict[str, FakeEtcdCluster] = {}
        self.started_at: dict[str, float] = {}
        self.changes: list[MembershipChange] = []

    def _new_id(self) -> int:
        return self.world.rng.getrandbits(63) | 1

    def connected_since(self, c: FakeEtcdCluster, t: float) -> int:
        return sum(
            1
            for m in c.members.values()
            if m.name and self.running.get(m.name) is c and self.started_at[m.name] <= t
        )

    def healthy(self, c: FakeEtcdCluster) -> int:
        return sum(1 for m in c.members.values() if m.name and self.running.get(m.name) is c)

    def start_process(self, pod: Pod, t: float) -> bool:
        """The pod's container starts etcd (at time ``t``) with its command line's flags."""
        f = etcd_flags(pod)
        name, peer = f["name"], f["initial-advertise-peer-urls"]
        client = f["advertise-client-urls"]
        secure = client.startswith("https")
        if f["initial-cluster-state"] == "new":
            c = FakeEtcdCluster(token=f.get("initial-cluster-token", ""), secure_client=secure)
            c.version = pod["metadata"]["annotations"].get("etcd.version", "")
            url = backup_url_of(pod)
            if url is not None:
                snap = self.world.fetch_backup(url)
                if snap is None:
                    return False
                data = json.loads(snap)
                c.kv, c.revision = dict(data["kv"]), int(data["revision"])
            mid = self._new_id()
            c.members[mid] = FakeMember(mid, name, peer, client)
            self.clusters.append(c)
            self.running[name] = c
            self.started_at[name] = t
            return True
        # existing: find the cluster that has an unstarted member with this peer URL,
        # through any running peer named in --initial-cluster.
        for pair in f["initial-cluster"].split(","):
            peer_name = pair.partition("=")[0]
            joined = self.running.get(peer_name)
            if joined is None:
                continue
            for m in joined.members.values():
                if m.peer_url == peer and not m.name:
                    m.name, m.client_url = name, client
                    self.running[name] = joined
                    self.started_at[name] = t
                    return True
        return False  # "error validating peerURLs ... member count is unequal" and exit

    def stop_process(self, name: str) -> None:
        self.running.pop(name, None)

    def restart_process(self, pod: Pod) -> None:
        """A container restart with a new image: same member, same data, new version."""
        c = self.running.get(pod["metadata"]["name"])
        if c is not None:
            c.version = pod["metadata"]["annotations"].get("etcd.version", c.version)

    def cluster_of(self, name: str) -> FakeEtcdCluster | None:
        return self.running.get(name)


class FakeEtcdClient:
    """clientv3 against the fake: endpoints are member client URLs (DNS names)."""

    def __init__(self, world: FakeWorld, endpoints: list[str], tls: TLSConfig | None) -> None:
        self.world = world
        self.etcd = world.etcd
        self.cluster: FakeEtcdCluster | None = None
        for ep in endpoints:
            u = urlsplit(ep)
            name = (u.hostname or "").split(".")[0]
            c = self.etcd.running.get(name) or self._via_service(name)
            if c is None:
                continue
            if (u.scheme == "https") != c.secure_client:
                continue  # scheme mismatch: the handshake fails
            if u.scheme == "https" and tls is None:
                continue  # the server demands a client certificate
            self.cluster = c
            break
        if self.cluster is None:
            raise EtcdError(
                "context deadline exceeded (no endpoint reachable: "
                f"{','.join(endpoints) or 'none'})"
            )

    def _via_service(self, name: str) -> FakeEtcdCluster | None:
        """A service DNS name (e.g. the ``<cluster>-client`` service) reaches a pod it
        selects; we pick the first running one in name order."""
        for (ns, svc_name), svc in sorted(self.world.kube.services.items()):
            if svc_name != name:
                continue
            selector = svc["spec"].get("selector", {})
            for pod in self.world.kube.list_pods(ns, selector):
                c = self.etcd.running.get(pod["metadata"]["name"])
                if c is not None:
                    return c
        return None

    def _need_leader(self) -> FakeEtcdCluster:
        c = self.cluster
        assert c is not None
        if self.etcd.healthy(c) < quorum(len(c.members)):
            raise EtcdError("context deadline exceeded (no leader: quorum lost)")
        return c

    def member_list(self) -> list[EtcdMemberInfo]:
        # etcd 3.4 answers MemberList from the local member, without a leader.
        c = self.cluster
        assert c is not None
        return [
            EtcdMemberInfo(m.id, m.name, [m.peer_url], [m.client_url] if m.name else [])
            for m in sorted(c.members.values(), key=lambda m: m.id)
        ]

    def member_add(self, peer_urls: list[str]) -> EtcdMemberInfo:
        c = self._need_leader()
        if any(m.peer_url == peer_urls[0] for m in c.members.values()):
            raise EtcdError("etcdserver: Peer URLs already exists")
        n, h = len(c.members), self.etcd.healthy(c)
        if self.world.strict_reconfig:
            # etcd 3.4 mayAddMember: enough *published* members for the new quorum (a
            # 1-member cluster may always grow to 2), and every member connected for the
            # last 5 s (HealthInterval), else "unhealthy cluster".
            started = sum(1 for m in c.members.values() if m.name)
            if not (started == 1 and n + 1 == 2) and started < quorum(n + 1):
                raise EtcdError(ERR_NOT_ENOUGH_STARTED)
            if self.etcd.connected_since(c, self.world.clock.now() - 5.0) < n:
                raise EtcdError(ERR_UNHEALTHY)
        mid = self.etcd._new_id()
        c.members[mid] = FakeMember(mid, "", peer_urls[0])
        name = (urlsplit(peer_urls[0]).hostname or "").split(".")[0]
        self.etcd.changes.append(
            MembershipChange(self.world.clock.now(), "add", name, h, n, self.etcd.healthy(c), n + 1)
        )
        return EtcdMemberInfo(mid, "", list(peer_urls), [])

    def member_remove(self, member_id: int) -> None:
        c = self._need_leader()
        if member_id not in c.members:
            raise ErrMemberNotFound()
        m = c.members[member_id]
        n, h = len(c.members), self.etcd.healthy(c)
        started = bool(m.name) and self.etcd.running.get(m.name) is c
        if self.world.strict_reconfig:
            # etcd 3.4 mayRemoveMember: the published members left must make a quorum of
            # the smaller cluster; a down member may always go; removing a live one needs
            # the other connected members to stay a quorum.
            others = sum(1 for k, o in c.members.items() if k != member_id and o.name)
            if others < quorum(n - 1):
                raise EtcdError(ERR_NOT_ENOUGH_STARTED)
            active = self.etcd.connected_since(c, self.world.clock.now() - 5.0)
            if started and active - 1 < quorum(n - 1):
                raise EtcdError(ERR_UNHEALTHY)
        del c.members[member_id]
        if started:
            # A removed member's etcd notices and exits.
            self.etcd.running.pop(m.name, None)
        name = m.name or (urlsplit(m.peer_url).hostname or "").split(".")[0]
        self.etcd.changes.append(
            MembershipChange(
                self.world.clock.now(), "remove", name, h, n, self.etcd.healthy(c), n - 1
            )
        )

    # -- key-value and maintenance (tests and the backup manager) -------------------------

    def put(self, key: str, value: str) -> None:
        c = self._need_leader()
        c.kv[key] = value
        c.revision += 1

    def get(self, key: str) -> str | None:
        return self._need_leader().kv.get(key)

    def revision(self) -> int:
        assert self.cluster is not None
        return self.cluster.revision

    def status_version(self) -> str:
        assert self.cluster is not None
        return self.cluster.version or "3.2.13"

    def snapshot(self) -> bytes:
        c = self._need_leader()
        return json.dumps({"kv": c.kv, "revision": c.revision}, sort_keys=True).encode()

    def close(self) -> None:
        pass


# ---------------------------------------------------------------------------------- world


class World:
    """What both worlds share: how the operator is configured against them, backups served
    over "HTTP", and the verbs scenarios and tests use (kill a pod, read and write keys).

    Subclasses set ``clock``, ``runtime``, ``rng``, ``kube``, ``trace``, ``backup_servers``,
    ``reconcile_interval`` and ``client_tls`` and define ``new_etcd_client``.
    """

    clock: Clock
    runtime: Runtime
    rng: random.Random
    kube: FakeKube
    trace: Trace
    reconcile_interval: float
    backup_servers: dict[str, Callable[[str], bytes | None]]
    client_tls: TLSConfig | None = None

    def new_etcd_client(self, endpoints: list[str], tls: TLSConfig | None) -> Any:
        raise NotImplementedError

    def cluster_config(self) -> Config:
        return Config(
            kube_cli=self.kube,
            etcd_cr_cli=self.kube,
            new_etcd_client=self.new_etcd_client,
            runtime=self.runtime,
            rng=random.Random(self.rng.getrandbits(32)),
            trace=self.trace,
            reconcile_interval=self.reconcile_interval,
        )

    def fetch_backup(self, url: str) -> bytes | None:
        for prefix, serve in self.backup_servers.items():
            if url.startswith(prefix):
                return serve(url)
        return None

    def kill_pod(self, namespace: str, name: str) -> None:
        """Pod loss (in the real-etcd world the pod's process group is killed with it)."""
        self.kube.delete_pod(namespace, name)

    def client_for(self, namespace: str, cluster: str) -> Any:
        """An etcd client on the running members of ``cluster``."""
        pods = self.kube.list_pods(namespace, {"etcd_cluster": cluster})
        urls = [
            etcd_flags(p)["advertise-client-urls"]
            for p in pods
            if p["status"].get("phase") == "Running"
        ]
        return self.new_etcd_client(urls, self.client_tls)

    def put(self, namespace: str, cluster: str, key: str, value: str) -> None:
        self.client_for(namespace, cluster).put(key, value)

    def get(self, namespace: str, cluster: str, key: str) -> str | None:
        return self.client_for(namespace, cluster).get(key)


class FakeWorld(World):
    """Clock, runtime, fake Kubernetes and fake etcd, and the knobs of the simulation."""

    name = "fake"
    # the fake client checks TLS configuration shape, not certificates: empty material
    client_tls = TLSConfig(b"", b"", b"")

    def __init__(
        self,
        seed: int = 0,
        startup_delay: float = 2.0,
        strict_reconfig: bool = True,
        reconcile_interval: float = 8.0,
    ) -> None:
        self.clock = FakeClock()
        self.runtime = Runtime(self.clock)
        self.rng = random.Random(seed)
        self.startup_delay = startup_delay
        self.strict_reconfig = strict_reconfig
        self.reconcile_interval = reconcile_interval
        self.kube = FakeKube(self)
        self.etcd = FakeEtcd(self)
        self.trace = Trace()
        # url -> snapshot bytes; the restore operator's HTTP endpoint registers itself here
        self.backup_servers: dict[str, Callable[[str], bytes | None]] = {}
        api_status.now_func = self.clock.now

    def new_etcd_client(self, endpoints: list[str], tls: TLSConfig | None) -> FakeEtcdClient:
        return FakeEtcdClient(self, endpoints, tls)

    def close(self) -> None:
        pass
