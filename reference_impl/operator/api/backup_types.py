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
    timeout_in_second: int = 0
    backup_interval_in_second: int = 0
    max_backups: int = 0


@dataclass
class StorageSource:
    """S3BackupSource / ABSBackupSource / GCSBackupSource, flattened: a path and a secret."""

    path: str = ""
    secret: str = ""
    endpoint: str = ""
    force_path_style: bool = False


@dataclass
class BackupSpec:
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
    succeeded: bool = False
    reason: str = ""
    etcd_version: str = ""
    etcd_revision: int = 0
    last_success_date: float = 0.0


@dataclass
class EtcdBackup:
    metadata: ObjectMeta = field(default_factory=ObjectMeta)
    spec: BackupSpec = field(default_factory=BackupSpec)
    status: BackupStatus = field(default_factory=BackupStatus)
