"""Mirror of pkg/backup/backup_manager.go: take a snapshot from the most advanced member."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from reference_impl.mirrors import mirrors
from reference_impl.operator.backup.writer import Writer
from reference_impl.operator.etcdutil.client import EtcdError, TLSConfig

_PKG = "github.com/coreos/etcd-operator/pkg/backup"

# A snapshot-capable client: the EtcdClient protocol plus revision/status/snapshot.
SnapshotClientFactory = Callable[[list[str], TLSConfig | None], Any]


@mirrors(f"{_PKG}.BackupManager")
class BackupManager:
    """Mirrors ``backup.BackupManager``.

    >>> from reference_impl.operator.backup.writer import LocalDirWriter
    >>> from reference_impl.operator.examples import example_backup_manager
    >>> bm, b, d = example_backup_manager(size=2)
    >>> b.world.put("default", "ex", "k", "v")
    >>> rev, version, _ = bm.save_snap("ex.backup", is_periodic=False)
    >>> rev, version, LocalDirWriter(d.name).list("ex")
    (2, '3.2.13', ['ex.backup'])
    >>> d.cleanup()
    """

    def __init__(
        self,
        writer: Writer,
        tls: TLSConfig | None,
        endpoints: list[str],
        namespace: str,
        new_client: SnapshotClientFactory,
        now: Callable[[], float],
    ) -> None:
        self.bw = writer
        self.etcd_tls_config = tls
        self.endpoints = endpoints
        self.namespace = namespace
        self.new_client = new_client
        self.now = now

    @mirrors(f"(*{_PKG}.BackupManager).SaveSnap")
    def save_snap(self, path: str, is_periodic: bool) -> tuple[int, str, float]:
        """Mirrors ``(*backup.BackupManager).SaveSnap``.

        Write a snapshot; return (revision, etcd version, time).

        >>> from reference_impl.operator.backup.writer import LocalDirWriter
        >>> from reference_impl.operator.examples import example_backup_manager
        >>> bm, b, d = example_backup_manager()
        >>> rev, version, now = bm.save_snap("ex.backup", is_periodic=True)
        >>> LocalDirWriter(d.name).list("ex")  # periodic: revision and UTC time in the name
        ['ex.backup_v1_1970-01-01-00:00:00']
        >>> d.cleanup()
        """
        now = self.now()
        try:
            cli, rev = self.etcd_client_with_max_revision()
        except EtcdError as err:
            raise EtcdError(f"create etcd client failed: {err}") from err
        try:
            version = cli.status_version()
            data = cli.snapshot()
        finally:
            cli.close()
        if is_periodic:
            # Periodic backups keep history: revision and UTC time in the name.
            stamp = dt.datetime.fromtimestamp(now, dt.UTC).strftime("%Y-%m-%d-%H:%M:%S")
            path = f"{path}_v{rev}_{stamp}"
        try:
            self.bw.write(path, data)
        except OSError as err:
            raise EtcdError(f"failed to write snapshot ({err})") from err
        return rev, version, now

    @mirrors(f"(*{_PKG}.BackupManager).EnsureMaxBackup")
    def ensure_max_backup(self, base_path: str, max_count: int) -> None:
        """Mirrors ``(*backup.BackupManager).EnsureMaxBackup``.

        >>> from reference_impl.operator.backup.writer import LocalDirWriter
        >>> from reference_impl.operator.examples import example_backup_manager
        >>> bm, b, d = example_backup_manager()
        >>> for rev in (3, 10, 7):
        ...     _ = LocalDirWriter(d.name).write(f"snap_v{rev:03d}", b".")
        >>> bm.ensure_max_backup("snap", 2)
        >>> LocalDirWriter(d.name).list("snap")
        ['snap_v007', 'snap_v010']
        >>> d.cleanup()
        """
        saved = sorted(self.bw.list(base_path), reverse=True)
        # Names embed the revision and time, so reverse lexical order is newest first.
        for snapshot_path in saved[max_count:]:
            self.bw.delete(snapshot_path)

    @mirrors(f"(*{_PKG}.BackupManager).etcdClientWithMaxRevision")
    def etcd_client_with_max_revision(self) -> tuple[Any, int]:
        """Mirrors ``(*backup.BackupManager).etcdClientWithMaxRevision``.

        >>> from reference_impl.operator.examples import example_backup_manager
        >>> bm, b, d = example_backup_manager()
        >>> cli, rev = bm.etcd_client_with_max_revision()
        >>> rev
        1
        >>> d.cleanup()
        """
        return get_client_with_max_rev(self.endpoints, self.etcd_tls_config, self.new_client)


@mirrors(f"{_PKG}.getClientWithMaxRev")
def get_client_with_max_rev(
    endpoints: list[str], tc: TLSConfig | None, new_client: SnapshotClientFactory
) -> tuple[Any, int]:
    """Mirrors ``backup.getClientWithMaxRev``.

    Ask every endpoint for its revision and keep the client of the highest: a lagging
    member would produce a snapshot missing the latest writes.

    >>> from reference_impl.operator.builder import ClusterBuilder
    >>> b = ClusterBuilder("ex", size=2).member("a").member("b")
    >>> c = b.build()
    >>> b.world.put("default", "ex", "k", "v")
    >>> cli, rev = get_client_with_max_rev(c.members.client_urls(), None, b.world.new_etcd_client)
    >>> rev, cli.get("k")
    (2, 'v')
    """
    best: Any = None
    max_rev = 0
    errors: list[str] = []
    for ep in endpoints:
        try:
            cli = new_client([ep], tc)
        except EtcdError as err:
            errors.append(f"failed to create etcd client for endpoint ({ep}): {err}")
            continue
        rev = cli.revision()
        if rev > max_rev:
            if best is not None:
                best.close()
            best, max_rev = cli, rev
        else:
            cli.close()
    if best is None:
        raise EtcdError(
            "could not create an etcd client for the max revision purpose from "
            f"given endpoints ({endpoints}): {'; '.join(errors)}"
        )
    return best, max_rev
