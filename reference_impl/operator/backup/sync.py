"""Mirror of pkg/controller/backup-operator/sync.go and util.go: the backup operator.

For each EtcdBackup: a one-shot backup runs once and records success or the reason it
failed; a periodic one (``backupPolicy.backupIntervalInSecond`` > 0) gets a runner goroutine
and a finalizer so that deleting the resource stops the runner first.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any

from reference_impl.mirrors import mirrors
from reference_impl.operator.api import backup_types as bt
from reference_impl.operator.backup.backup_manager import BackupManager, SnapshotClientFactory
from reference_impl.operator.backup.writer import ExtensionPointWriter, LocalDirWriter, Writer
from reference_impl.operator.etcdutil.client import TLSConfig
from reference_impl.operator.kube import KubeError
from reference_impl.operator.runtime import STOP, Channel, Runtime, Select

_PKG = "github.com/coreos/etcd-operator/pkg/controller/backup-operator"
log = logging.getLogger(__name__)

MAX_RETRIES = 15
PERIODIC_FINALIZER = "backup-operator-periodic"


@dataclass
class BackupRunner:
    """Mirrors ``backup-operator.BackupRunner``: a periodic backup's spec and its cancel.

    >>> from reference_impl.operator.runtime import Channel
    >>> BackupRunner(bt.BackupSpec(storage_type="Local"), Channel()).spec.storage_type
    'Local'
    """

    spec: bt.BackupSpec
    cancel: Channel


@mirrors(f"{_PKG}.Backup")
class Backup:
    """Mirrors ``backup-operator.Backup``.

    >>> from reference_impl.operator.examples import example_backup_operator
    >>> op, eb, b, d = example_backup_operator(size=2)
    >>> b.world.put("default", "ex", "k", "v")
    >>> st = op.handle_backup(eb.spec, is_periodic=False)
    >>> st.succeeded, st.etcd_revision
    (True, 2)
    >>> d.cleanup()
    """

    def __init__(
        self,
        namespace: str,
        kubecli: Any,
        backup_cr_cli: Any,
        new_client: SnapshotClientFactory,
        runtime: Runtime | None,
        local_root: str | None = None,
        writer_for: Callable[[str, bt.StorageSource], Writer] | None = None,
    ) -> None:
        self.namespace = namespace
        self.kubecli = kubecli
        self.backup_cr_cli = backup_cr_cli
        self.new_client = new_client
        self.runtime = runtime
        self.local_root = local_root
        self.writer_for = writer_for
        self.backup_runner_store: dict[str, BackupRunner] = {}

    @mirrors(f"(*{_PKG}.Backup).processItem")
    def process_item(self, eb: bt.EtcdBackup | None) -> None:
        """Mirrors ``(*backup-operator.Backup).processItem``.

        >>> from reference_impl.operator.examples import example_backup_operator
        >>> op, eb, b, d = example_backup_operator()
        >>> b.world.kube.backups[("default", "ex-backup")] = eb
        >>> op.process_item(eb)  # a one-shot backup: taken now, status reported
        >>> eb.status.succeeded, eb.status.etcd_revision
        (True, 1)
        >>> d.cleanup()
        """
        if eb is None:  # deleted before we got to it
            return
        if eb.metadata.deletion_timestamp is not None:
            self.delete_periodic_backup_runner(eb.metadata.uid)
            self.remove_finalizer_of_periodic_backup(eb)
            return
        is_periodic = is_periodic_backup(eb.spec)
        # A finished one-shot backup is never redone: its status is the record.
        if not is_periodic and (eb.status.succeeded or eb.status.reason):
            return
        if is_periodic and self.is_changed(eb):
            self.delete_periodic_backup_runner(eb.metadata.uid)
            eb = self.add_finalizer_of_periodic_backup_if_need(eb)
            assert eb.spec.backup_policy is not None
            cancel = Channel()
            if self.runtime is not None:
                self.runtime.go(
                    self.periodic_runner_func(
                        cancel, float(eb.spec.backup_policy.backup_interval_in_second), eb
                    )
                )
            self.backup_runner_store[eb.metadata.uid] = BackupRunner(eb.spec, cancel)
        elif not is_periodic:
            try:
                bs = self.handle_backup(eb.spec, False)
            except Exception as err:
                self.report_backup_status(None, err, eb)
                return
            self.report_backup_status(bs, None, eb)

    @mirrors(f"(*{_PKG}.Backup).isChanged")
    def is_changed(self, eb: bt.EtcdBackup) -> bool:
        """Mirrors ``(*backup-operator.Backup).isChanged``.

        >>> from reference_impl.operator.examples import example_backup_operator
        >>> op, eb, b, d = example_backup_operator()
        >>> op.is_changed(eb)  # no runner yet
        True
        >>> op.backup_runner_store["u1"] = BackupRunner(eb.spec, Channel())
        >>> op.is_changed(eb)
        False
        >>> d.cleanup()
        """
        runner = self.backup_runner_store.get(eb.metadata.uid)
        return runner is None or runner.spec != eb.spec

    @mirrors(f"(*{_PKG}.Backup).deletePeriodicBackupRunner")
    def delete_periodic_backup_runner(self, uid: str) -> bool:
        """Mirrors ``(*backup-operator.Backup).deletePeriodicBackupRunner``.

        >>> from reference_impl.operator.examples import example_backup_operator
        >>> op, eb, b, d = example_backup_operator()
        >>> cancel = Channel()
        >>> op.backup_runner_store["u1"] = BackupRunner(eb.spec, cancel)
        >>> op.delete_periodic_backup_runner("u1"), cancel.closed
        (True, True)
        >>> op.delete_periodic_backup_runner("u1")
        False
        >>> d.cleanup()
        """
        runner = self.backup_runner_store.pop(uid, None)
        if runner is None:
            return False
        runner.cancel.closed = True
        return True

    @mirrors(f"(*{_PKG}.Backup).addFinalizerOfPeriodicBackupIfNeed")
    def add_finalizer_of_periodic_backup_if_need(self, eb: bt.EtcdBackup) -> bt.EtcdBackup:
        """Mirrors ``(*backup-operator.Backup).addFinalizerOfPeriodicBackupIfNeed``.

        >>> from reference_impl.operator.examples import example_backup_operator
        >>> op, eb, b, d = example_backup_operator()
        >>> op.add_finalizer_of_periodic_backup_if_need(eb).metadata.finalizers
        ['backup-operator-periodic']
        >>> d.cleanup()
        """
        if PERIODIC_FINALIZER in eb.metadata.finalizers:
            return eb
        eb.metadata.finalizers.append(PERIODIC_FINALIZER)
        self.backup_cr_cli.update_backup(self.namespace, eb)
        return eb

    @mirrors(f"(*{_PKG}.Backup).removeFinalizerOfPeriodicBackup")
    def remove_finalizer_of_periodic_backup(self, eb: bt.EtcdBackup) -> None:
        """Mirrors ``(*backup-operator.Backup).removeFinalizerOfPeriodicBackup``.

        >>> from reference_impl.operator.examples import example_backup_operator
        >>> op, eb, b, d = example_backup_operator()
        >>> eb = op.add_finalizer_of_periodic_backup_if_need(eb)
        >>> op.remove_finalizer_of_periodic_backup(eb)
        >>> eb.metadata.finalizers
        []
        >>> d.cleanup()
        """
        eb.metadata.finalizers = [f for f in eb.metadata.finalizers if f != PERIODIC_FINALIZER]
        self.backup_cr_cli.update_backup(self.namespace, eb)

    @mirrors(f"(*{_PKG}.Backup).periodicRunnerFunc")
    def periodic_runner_func(
        self, cancel: Channel, interval: float, eb: bt.EtcdBackup
    ) -> Generator[Select, Any, None]:
        """Mirrors ``(*backup-operator.Backup).periodicRunnerFunc``.

        >>> from reference_impl.operator.examples import example_backup_operator
        >>> op, eb, b, d = example_backup_operator()
        >>> eb.spec.backup_policy = bt.BackupPolicy(backup_interval_in_second=60)
        >>> b.world.kube.backups[("default", "ex-backup")] = eb
        >>> cancel = Channel()
        >>> b.world.runtime.go(op.periodic_runner_func(cancel, 60.0, eb))
        >>> b.world.runtime.run_until(130.0)  # two intervals: two snapshots
        >>> len(op._writer("Local", eb.spec.local).list("ex.backup"))
        2
        >>> d.cleanup()
        """
        never = Channel()
        while True:
            got = yield Select(never, cancel, interval)
            if got is STOP:
                return
            try:
                latest = self.backup_cr_cli.get_backup(self.namespace, eb.metadata.name)
            except KubeError:
                return  # the resource is gone: stop backing it up
            try:
                bs = self.handle_backup(latest.spec, True)
            except Exception as err:
                self.report_backup_status(None, err, latest)
                continue
            self.report_backup_status(bs, None, latest)

    @mirrors(f"(*{_PKG}.Backup).reportBackupStatus")
    def report_backup_status(
        self, bs: bt.BackupStatus | None, berr: BaseException | None, eb: bt.EtcdBackup
    ) -> None:
        """Mirrors ``(*backup-operator.Backup).reportBackupStatus``.

        >>> from reference_impl.operator.examples import example_backup_operator
        >>> op, eb, b, d = example_backup_operator()
        >>> op.report_backup_status(None, ValueError("no endpoint"), eb)
        >>> eb.status.succeeded, eb.status.reason
        (False, 'no endpoint')
        >>> d.cleanup()
        """
        if berr is not None:
            eb.status.succeeded = False
            eb.status.reason = str(berr)
        else:
            assert bs is not None
            eb.status.reason = ""
            eb.status.succeeded = True
            eb.status.etcd_revision = bs.etcd_revision
            eb.status.etcd_version = bs.etcd_version
            eb.status.last_success_date = bs.last_success_date
        try:
            self.backup_cr_cli.update_backup(self.namespace, eb)
        except KubeError as err:
            log.warning("failed to update status of backup CR %s: %s", eb.metadata.name, err)

    @mirrors(f"(*{_PKG}.Backup).handleBackup")
    def handle_backup(self, spec: bt.BackupSpec, is_periodic: bool) -> bt.BackupStatus:
        """Mirrors ``(*backup-operator.Backup).handleBackup``.

        >>> from reference_impl.operator.examples import example_backup_operator
        >>> op, eb, b, d = example_backup_operator()
        >>> op.handle_backup(eb.spec, is_periodic=False).succeeded
        True
        >>> d.cleanup()
        """
        validate(spec)
        max_backups = 0
        if spec.backup_policy is not None and spec.backup_policy.max_backups > 0:
            max_backups = spec.backup_policy.max_backups
        source = {
            bt.STORAGE_S3: spec.s3,
            bt.STORAGE_ABS: spec.abs,
            bt.STORAGE_GCS: spec.gcs,
            bt.STORAGE_LOCAL: spec.local,
        }
        if spec.storage_type not in source:
            # Upstream calls logrus.Fatalf here: an unknown type kills the operator.
            raise ValueError(f"unknown StorageType: {spec.storage_type}")
        src = source[spec.storage_type]
        if src is None:
            raise ValueError(
                f"spec.{spec.storage_type.lower()} must be set for storage type {spec.storage_type}"
            )
        return self._handle_storage(spec, src, is_periodic, max_backups)

    def _writer(self, storage_type: str, src: bt.StorageSource) -> Writer:
        if self.writer_for is not None:
            return self.writer_for(storage_type, src)
        if storage_type == bt.STORAGE_LOCAL:
            if self.local_root is None:
                raise ValueError("local storage needs the operator's local_root directory")
            return LocalDirWriter(self.local_root)
        return ExtensionPointWriter(storage_type)

    @mirrors(f"{_PKG}.handleS3")
    def _handle_storage(
        self, spec: bt.BackupSpec, src: bt.StorageSource, is_periodic: bool, max_backup: int
    ) -> bt.BackupStatus:
        """handleS3 / handleABS / handleGCS share this shape: writer, save, prune."""
        tls = generate_tls_config(self.kubecli, spec.client_tls_secret, self.namespace)
        bm = BackupManager(
            self._writer(spec.storage_type, src),
            tls,
            spec.etcd_endpoints,
            self.namespace,
            self.new_client,
            self._now,
        )
        rev, version, now = bm.save_snap(src.path, is_periodic)
        if max_backup > 0:
            bm.ensure_max_backup(src.path, max_backup)
        return bt.BackupStatus(True, "", version, rev, now)

    def _now(self) -> float:
        return self.runtime.clock.now() if self.runtime is not None else 0.0


@mirrors(f"{_PKG}.validate")
def validate(spec: bt.BackupSpec) -> None:
    """Mirrors ``backup-operator.validate``.

    >>> validate(bt.BackupSpec())
    Traceback (most recent call last):
    ...
    ValueError: spec.etcdEndpoints should not be empty
    """
    if not spec.etcd_endpoints:
        raise ValueError("spec.etcdEndpoints should not be empty")
    if spec.backup_policy is not None:
        if spec.backup_policy.backup_interval_in_second < 0:
            raise ValueError("spec.BackupPolicy.BackupIntervalInSecond should not be lower than 0")
        if spec.backup_policy.max_backups < 0:
            raise ValueError("spec.BackupPolicy.MaxBackups should not be lower than 0")


@mirrors(f"{_PKG}.isPeriodicBackup")
def is_periodic_backup(spec: bt.BackupSpec) -> bool:
    """Mirrors ``backup-operator.isPeriodicBackup``.

    >>> every_minute = bt.BackupPolicy(backup_interval_in_second=60)
    >>> is_periodic_backup(bt.BackupSpec(backup_policy=every_minute))
    True
    >>> is_periodic_backup(bt.BackupSpec())
    False
    """
    return spec.backup_policy is not None and spec.backup_policy.backup_interval_in_second != 0


@mirrors(f"{_PKG}.containsString")
def contains_string(items: list[str], s: str) -> bool:
    """Mirrors ``backup-operator.containsString``.

    >>> contains_string(["backup-operator-periodic"], "backup-operator-periodic")
    True
    """
    return s in items


@mirrors(f"{_PKG}.generateTLSConfig")
def generate_tls_config(kubecli: Any, client_tls_secret: str, namespace: str) -> TLSConfig | None:
    """Mirrors ``backup-operator.generateTLSConfig``.

    >>> generate_tls_config(None, "", "default") is None  # no secret named: plain HTTP
    True
    """
    if not client_tls_secret:
        return None
    try:
        d = kubecli.get_secret(namespace, client_tls_secret)
    except KubeError as err:
        raise ValueError(
            f"failed to get TLS data from secret ({client_tls_secret}): {err}"
        ) from err
    return TLSConfig(
        d.get("etcd-client.crt", b""),
        d.get("etcd-client.key", b""),
        d.get("etcd-client-ca.crt", b""),
    )
