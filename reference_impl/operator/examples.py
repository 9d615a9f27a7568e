"""The objects the operator mirror's docstring examples start from.

Mirrors nothing: example set-up, not a Go file.  The examples of ``controller.py``,
``backup/backup_manager.py``, ``backup/sync.py`` and ``restore/sync.py`` each began with the
same lines building a fake world, a cluster and the object under study; they call one of
these helpers instead, so that each shows only what its own function does.

Everything lives in memory (a :class:`~reference_impl.operator.fake.FakeWorld`) except the
backup directory, a temporary one that the example removes with ``cleanup()``.  The clusters
are named ``ex`` in namespace ``default``, their members ``ex-a``, ``ex-b``, ...
"""

from __future__ import annotations

import random
import string
import tempfile

from reference_impl.operator.api import backup_types as bt
from reference_impl.operator.api.cluster import EtcdCluster
from reference_impl.operator.api.meta import ObjectMeta
from reference_impl.operator.api.restore_types import EtcdRestore, RestoreSpec
from reference_impl.operator.backup.backup_manager import BackupManager
from reference_impl.operator.backup.sync import Backup
from reference_impl.operator.backup.writer import LocalDirWriter
from reference_impl.operator.builder import ClusterBuilder
from reference_impl.operator.cluster.cluster import Cluster
from reference_impl.operator.controller import Config, Controller, new
from reference_impl.operator.fake import FakeWorld
from reference_impl.operator.restore.sync import Restore

__all__ = [
    "example_backup_manager",
    "example_backup_operator",
    "example_controller",
    "example_restore_operator",
]


def _cluster(size: int) -> tuple[ClusterBuilder, Cluster, FakeWorld]:
    """Cluster ``ex`` of ``size`` healthy members, built in a new FakeWorld."""
    w = FakeWorld()
    b = ClusterBuilder("ex", size=size, world=w)
    for suffix in string.ascii_lowercase[:size]:
        b.member(suffix)
    return b, b.build(), w


def example_controller() -> tuple[Controller, EtcdCluster, FakeWorld]:
    """Mirrors nothing: a controller for the examples of ``controller.py``.

    Returns (controller, cr, world): a namespaced controller for ``default`` whose clusters
    run in ``world`` (a new FakeWorld), and an EtcdCluster ``ex`` of size 1 in ``default``
    that nobody has told the controller about yet.

    >>> ctl, cr, w = example_controller()
    >>> ctl.clusters, cr.namespace, cr.name, cr.spec.size
    ({}, 'default', 'ex', 1)
    >>> ctl.make_cluster_config().kube_cli is w.kube
    True
    """
    w = FakeWorld()
    ctl = new(Config(namespace="default", cluster_config=w.cluster_config))
    cr = EtcdCluster.from_dict(
        {"metadata": {"name": "ex", "namespace": "default"}, "spec": {"size": 1}}
    )
    return ctl, cr, w


def example_backup_manager(
    size: int = 1,
) -> tuple[BackupManager, ClusterBuilder, tempfile.TemporaryDirectory[str]]:
    """Mirrors nothing: a backup manager for the examples of ``backup/backup_manager.py``.

    Returns (manager, builder, tmp): a manager (no TLS, namespace ``default``) on the
    endpoints of cluster ``ex`` (``size`` members, in ``builder.world``), writing snapshots
    into the temporary directory ``tmp`` with a LocalDirWriter; the caller removes ``tmp``.

    >>> bm, b, d = example_backup_manager(size=2)
    >>> len(bm.endpoints), bm.namespace, bm.etcd_tls_config, bm.bw.list("ex")
    (2, 'default', None, [])
    >>> d.cleanup()
    """
    b, c, w = _cluster(size)
    assert c.members is not None  # the builder's cluster knows its members
    d = tempfile.TemporaryDirectory()
    bm = BackupManager(
        LocalDirWriter(d.name),
        None,
        c.members.client_urls(),
        "default",
        w.new_etcd_client,
        w.clock.now,
    )
    return bm, b, d


def example_backup_operator(
    size: int = 1,
) -> tuple[Backup, bt.EtcdBackup, ClusterBuilder, tempfile.TemporaryDirectory[str]]:
    """Mirrors nothing: a backup operator for the examples of ``backup/sync.py``.

    Returns (operator, eb, builder, tmp): a backup operator for namespace ``default`` on
    ``builder.world`` (cluster ``ex`` of ``size`` members), keeping Local backups under the
    temporary directory ``tmp``; and an EtcdBackup ``ex-backup`` (uid ``u1``), a one-shot
    Local backup of ``ex`` to ``ex.backup``, not yet stored in the fake Kubernetes.  The
    caller removes ``tmp``.

    >>> op, eb, b, d = example_backup_operator()
    >>> eb.metadata.name, eb.spec.storage_type, eb.spec.local.path, op.local_root == d.name
    ('ex-backup', 'Local', 'ex.backup', True)
    >>> b.world.kube.backups, op.backup_runner_store
    ({}, {})
    >>> d.cleanup()
    """
    b, c, w = _cluster(size)
    assert c.members is not None  # the builder's cluster knows its members
    d = tempfile.TemporaryDirectory()
    op = Backup("default", w.kube, w.kube, w.new_etcd_client, w.runtime, local_root=d.name)
    spec = bt.BackupSpec(
        etcd_endpoints=c.members.client_urls(),
        storage_type="Local",
        local=bt.StorageSource(path="ex.backup"),
    )
    eb = bt.EtcdBackup(ObjectMeta(name="ex-backup", uid="u1"), spec)
    return op, eb, b, d


def example_restore_operator() -> tuple[Restore, EtcdRestore, ClusterBuilder, Cluster]:
    """Mirrors nothing: a restore operator for the examples of ``restore/sync.py``.

    Returns (operator, er, builder, cluster): a restore operator for namespace ``default``
    serving at ``restore-op:19999`` (random.Random(0) for names), the running three-member
    cluster ``ex`` it acts on (in ``builder.world``), and an EtcdRestore ``ex`` that
    restores ``ex`` from the Local backup ``ex.backup``, not yet handled.

    >>> r, er, b, c = example_restore_operator()
    >>> r.url_prefix(), er.spec.etcd_cluster_name, er.status.succeeded
    ('http://restore-op:19999/v1/backup/', 'ex', False)
    >>> c.members.names(), len(b.world.kube.pods)
    (['ex-a', 'ex-b', 'ex-c'], 3)
    """
    b, c, w = _cluster(3)
    r = Restore("default", "restore-op:19999", w.kube, w.kube, random.Random(0))
    er = EtcdRestore(
        ObjectMeta(name="ex"),
        RestoreSpec(
            backup_storage_type="Local",
            local=bt.StorageSource(path="ex.backup"),
            etcd_cluster_name="ex",
        ),
    )
    return r, er, b, c
