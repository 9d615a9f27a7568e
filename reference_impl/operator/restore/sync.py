"""Mirror of pkg/controller/restore-operator/sync.go: restore = recreate from a seed.

Restoring never edits a live cluster.  The restore operator deletes the EtcdCluster (and its
pods), recreates it *paused* with phase Running (so the etcd operator will not create a seed
of its own), creates one seed pod whose init containers fetch the backup and run
``etcdctl snapshot restore``, then unpauses: the etcd operator adopts the seed and grows the
cluster to its size one member at a time, as after any operator restart.
"""

from __future__ import annotations

import contextlib
import logging
import random
import uuid
from typing import Any

from reference_impl.mirrors import mirrors
from reference_impl.operator.api.cluster import EtcdCluster
from reference_impl.operator.api.cluster_tls import is_secure_client, is_secure_peer
from reference_impl.operator.api.meta import ObjectMeta, OwnerReference
from reference_impl.operator.api.restore_types import EtcdRestore
from reference_impl.operator.api.status import PHASE_RUNNING
from reference_impl.operator.backup.backupapi import API_V1, backup_url_for_restore
from reference_impl.operator.etcdutil.member import Member, new_member_set
from reference_impl.operator.k8sutil.k8sutil import new_seed_member_pod, unique_member_name
from reference_impl.operator.kube import Conflict, KubeError, NotFound

_PKG = "github.com/coreos/etcd-operator/pkg/controller/restore-operator"
log = logging.getLogger(__name__)


@mirrors(f"{_PKG}.Restore")
class Restore:
    """Mirrors ``restore-operator.Restore``.

    >>> import random
    >>> from reference_impl.operator.fake import FakeWorld
    >>> w = FakeWorld()
    >>> r = Restore("default", "restore-op:19999", w.kube, w.kube, random.Random(0))
    >>> r.url_prefix()
    'http://restore-op:19999/v1/backup/'
    """

    def __init__(
        self,
        namespace: str,
        my_svc_addr: str,
        kubecli: Any,
        etcd_cr_cli: Any,
        rng: random.Random,
        local_root: str | None = None,
    ) -> None:
        self.namespace = namespace
        self.my_svc_addr = my_svc_addr
        self.kubecli = kubecli
        self.etcd_cr_cli = etcd_cr_cli
        self.rng = rng
        self.local_root = local_root
        # The informer's indexer: restores by name, read by the HTTP handler.
        self.restores: dict[str, EtcdRestore] = {}

    def url_prefix(self) -> str:
        # The prefix restore.http serves (backupHTTPPath); spelled out here so that this
        # module does not import the HTTP half (which imports this one for ``Restore``).
        """Mirrors nothing: the prefix ``restore.http`` serves, for the worlds' URL routing.

        >>> import random
        >>> Restore("default", "restore-op:19999", None, None, random.Random(0)).url_prefix()
        'http://restore-op:19999/v1/backup/'
        """
        return f"http://{self.my_svc_addr}{API_V1}/backup/"

    @mirrors(f"(*{_PKG}.Restore).processItem")
    def process_item(self, er: EtcdRestore) -> None:
        """Mirrors ``(*restore-operator.Restore).processItem``.

        >>> from reference_impl.operator.examples import example_restore_operator
        >>> r, er, b, c = example_restore_operator()
        >>> r.process_item(er)
        >>> er.status.succeeded, sorted(r.restores)
        (True, ['ex'])
        """
        self.restores[er.metadata.name] = er
        self.handle_cr(er)

    @mirrors(f"(*{_PKG}.Restore).handleCR")
    def handle_cr(self, er: EtcdRestore) -> None:
        """Mirrors ``(*restore-operator.Restore).handleCR``.

        >>> from reference_impl.operator.examples import example_restore_operator
        >>> r, er, b, c = example_restore_operator()
        >>> er.spec.etcd_cluster_name = "other"
        >>> try:
        ...     r.handle_cr(er)
        ... except ValueError:
        ...     pass
        >>> er.status.reason.startswith("failed to handle restore CR: EtcdRestore CR name(ex)")
        True
        """
        if er.status.succeeded or er.status.reason:
            return  # done, one way or the other
        err: BaseException | None = None
        try:
            if er.metadata.name != er.spec.etcd_cluster_name:
                raise ValueError(
                    f"failed to handle restore CR: EtcdRestore CR name({er.metadata.name}) "
                    f"must be the same as EtcdCluster name({er.spec.etcd_cluster_name})"
                )
            self.prepare_seed(er)
        except Exception as e:
            err = e
        self.report_status(err, er)
        if err is not None:
            raise err

    @mirrors(f"(*{_PKG}.Restore).reportStatus")
    def report_status(self, rerr: BaseException | None, er: EtcdRestore) -> None:
        """Mirrors ``(*restore-operator.Restore).reportStatus``.

        >>> from reference_impl.operator.examples import example_restore_operator
        >>> r, er, b, c = example_restore_operator()
        >>> r.report_status(None, er)
        >>> er.status.succeeded
        True
        """
        if rerr is not None:
            er.status.succeeded = False
            er.status.reason = str(rerr)
        else:
            er.status.succeeded = True
        try:
            self.etcd_cr_cli.update_restore(self.namespace, er)
        except KubeError as err:
            log.warning("failed to update status of restore CR %s: %s", er.metadata.name, err)

    @mirrors(f"(*{_PKG}.Restore).prepareSeed")
    def prepare_seed(self, er: EtcdRestore) -> None:
        """Mirrors ``(*restore-operator.Restore).prepareSeed``.

        >>> from reference_impl.operator.examples import example_restore_operator
        >>> r, er, b, c = example_restore_operator()
        >>> r.prepare_seed(er)
        >>> new = b.world.kube.get_cluster("default", "ex")
        >>> new.metadata.uid != c.cluster.metadata.uid, new.spec.paused, new.status.phase
        (True, False, 'Running')
        >>> len(b.world.kube.pods)  # the old pods went with their owner (GC): one seed pod
        1
        """
        try:
            name = er.spec.etcd_cluster_name
            try:
                ec = self.etcd_cr_cli.get_cluster(self.namespace, name)
            except KubeError as err:
                raise ValueError(
                    f"failed to get reference EtcdCluster({self.namespace}/{name}): {err}"
                ) from err
            try:
                ec.spec.validate()
            except ValueError as err:
                raise ValueError(f"invalid cluster spec: {err}") from err
            try:
                self.etcd_cr_cli.delete_cluster(self.namespace, name)
            except KubeError as err:
                raise ValueError(
                    f"failed to delete reference EtcdCluster ({self.namespace}/{name}): {err}"
                ) from err
            self.delete_cluster_resources_completely(name)

            # A fresh object: same labels, annotations, owners and spec, no uid or status.
            new = EtcdCluster(
                ObjectMeta(
                    name=name,
                    labels=dict(ec.metadata.labels),
                    annotations=dict(ec.metadata.annotations),
                    owner_references=list(ec.metadata.owner_references),
                ),
                ec.spec.deepcopy(),
            )
            new.spec.paused = True
            new.status.phase = PHASE_RUNNING
            try:
                new = self.etcd_cr_cli.create_cluster(self.namespace, new)
            except KubeError as err:
                raise ValueError(
                    f"failed to create restored EtcdCluster ({self.namespace}/{name}): {err}"
                ) from err
            try:
                self.create_seed_member(new, self.my_svc_addr, name, new.as_owner())
            except KubeError as err:
                raise ValueError(
                    f"failed to create seed member for cluster ({name}): {err}"
                ) from err
            for _ in range(2):  # retryutil.Retry(2, 1, ...): one attempt, conflicts retried
                try:
                    cur = self.etcd_cr_cli.get_cluster(self.namespace, name)
                    cur.spec.paused = False
                    self.etcd_cr_cli.update_cluster(self.namespace, cur)
                    break
                except Conflict:
                    continue
            else:
                raise ValueError("failed to update etcdcluster CR to spec.paused=false")
        except Exception as err:
            raise ValueError(f"prepare seed failed: {err}") from err

    @mirrors(f"(*{_PKG}.Restore).createSeedMember")
    def create_seed_member(
        self, ec: EtcdCluster, svc_addr: str, cluster_name: str, owner: OwnerReference
    ) -> None:
        """Mirrors ``(*restore-operator.Restore).createSeedMember``.

        >>> from reference_impl.operator.examples import example_restore_operator
        >>> r, er, b, c = example_restore_operator()
        >>> cr = b.world.kube.get_cluster("default", "ex")
        >>> r.create_seed_member(cr, "restore-op:19999", "ex", cr.as_owner())
        >>> len(b.world.kube.pods)
        4
        """
        m = Member(
            name=unique_member_name(cluster_name, self.rng),
            namespace=self.namespace,
            secure_peer=is_secure_peer(ec.spec.tls),
            secure_client=is_secure_client(ec.spec.tls),
        )
        ms = new_member_set(m)
        url = backup_url_for_restore("http", svc_addr, cluster_name)
        ec.set_defaults()
        token = str(uuid.UUID(int=self.rng.getrandbits(128)))
        pod = new_seed_member_pod(cluster_name, ms, m, ec.spec, owner, url, token)
        self.kubecli.create_pod(self.namespace, pod)

    @mirrors(f"(*{_PKG}.Restore).deleteClusterResourcesCompletely")
    def delete_cluster_resources_completely(self, cluster_name: str) -> None:
        # Upstream deletes a pod and a service *named after the cluster* (a no-op for pods,
        # whose names carry a suffix); owner-reference GC removes the member pods.
        """Mirrors ``(*restore-operator.Restore).deleteClusterResourcesCompletely``.

        >>> from reference_impl.operator.examples import example_restore_operator
        >>> r, er, b, c = example_restore_operator()
        >>> r.delete_cluster_resources_completely("ex")  # the peer service named "ex" goes
        >>> sorted(name for _, name in b.world.kube.services)
        ['ex-client']
        """
        for delete in (self.kubecli.delete_pod, self.kubecli.delete_service):
            with contextlib.suppress(NotFound):
                delete(self.namespace, cluster_name)
