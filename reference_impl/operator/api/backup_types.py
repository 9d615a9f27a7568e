"""Mirror of pkg/apis/etcd/v1beta2/backup_types.go: the EtcdBackup resource.

v0.9.4 knows three storage types: S3 (and S3-compatible endpoints), ABS (Azure Blob) and GCS.
Alibaba OSS came after v0.9.4 (etcd-operator PR #2065, on master).  ``Local`` is ours: a
directory backend for reading and tests, behind the same writer/reader interface.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reference_impl.operator.api.meta import ObjectMeta

STORAGE_S3 = "S3"
STORAGE_ABS = "ABS"
STORAGE_GCS = "GCS"
STORAGE_OSS = "OSS"  # not in v0.9.4: an extension point only
STORAGE_LOCAL = "Local"  # not upstream: see the module docstring


@dataclass
class BackupPolicy:
    """Mirrors ``v1beta2.BackupPolicy``: timeout, interval (0 = one-shot) and how many to keep.

    >>> BackupPolicy(backup_interval_in_second=60, max_backups=3).timeout_in_second
    0
    """

    timeout_in_second: int = 0
    backup_interval_in_second: int = 0
    max_backups: int = 0


@dataclass
class StorageSource:
    """Mirrors ``v1beta2.S3BackupSource`` / ``v1beta2.ABSBackupSource`` /
    ``v1beta2.GCSBackupSource``, flattened: a path and a secret.

    >>> StorageSource(path="bucket/etcd.backup", secret="aws").force_path_style
    False
    """

    path: str = ""
    secret: str = ""
    endpoint: str = ""
    force_path_style: bool = False


@dataclass
class BackupSpec:
    """Mirrors ``v1beta2.BackupSpec``: which endpoints to snapshot, and where to put it.

    >>> spec = BackupSpec(["http://ex-client:2379"], STORAGE_LOCAL, local=StorageSource("b/x"))
    >>> spec.storage_type, spec.local.path if spec.local else None
    ('Local', 'b/x')
    """

    etcd_endpoints: list[str] = field(default_factory=list)
    storage_type: str = ""
    backup_policy: BackupPolicy | None = None
    s3: StorageSource | None = None
    abs: StorageSource | None = None
    gcs: StorageSource | None = None
    local: StorageSource | None = None
    client_tls_secret: str = ""


@dataclass
class BackupStatus:
    """Mirrors ``v1beta2.BackupStatus``: the outcome of the last backup.

    >>> BackupStatus(succeeded=True, etcd_version="3.2.13", etcd_revision=7).reason
    ''
    """

    succeeded: bool = False
    reason: str = ""
    etcd_version: str = ""
    etcd_revision: int = 0
    last_success_date: float = 0.0


@dataclass
class EtcdBackup:
    """Mirrors ``v1beta2.EtcdBackup``: the custom resource (metadata, spec, status).

    >>> b = EtcdBackup(ObjectMeta(name="nightly", namespace="default"))
    >>> b.metadata.name, b.spec.storage_type, b.status.succeeded
    ('nightly', '', False)
    """

    metadata: ObjectMeta = field(default_factory=ObjectMeta)
    spec: BackupSpec = field(default_factory=BackupSpec)
    status: BackupStatus = field(default_factory=BackupStatus)
