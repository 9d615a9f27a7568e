"""Mirror of pkg/apis/etcd/v1beta2/restore_types.go: the EtcdRestore resource."""

from __future__ import annotations

from dataclasses import dataclass, field

from reference_impl.operator.api.backup_types import StorageSource
from reference_impl.operator.api.meta import ObjectMeta


@dataclass
class RestoreSpec:
    backup_storage_type: str = ""
    s3: StorageSource | None = None
    abs: StorageSource | None = None
    gcs: StorageSource | None = None
    local: StorageSource | None = None
    # EtcdClusterRef: the cluster to (re)create; it must have the restore's name.
    etcd_cluster_name: str = ""


@dataclass
class RestoreStatus:
    succeeded: bool = False
    reason: str = ""


@dataclass
class EtcdRestore:
    metadata: ObjectMeta = field(default_factory=ObjectMeta)
    spec: RestoreSpec = field(default_factory=RestoreSpec)
    status: RestoreStatus = field(default_factory=RestoreStatus)
