"""Mirror of pkg/apis/etcd/v1beta2/restore_types.go: the EtcdRestore resource."""

from __future__ import annotations

from dataclasses import dataclass, field

from reference_impl.operator.api.backup_types import StorageSource
from reference_impl.operator.api.meta import ObjectMeta


@dataclass
class RestoreSpec:
    """Mirrors ``v1beta2.RestoreSpec``: where the snapshot is, and the cluster to recreate.

    ``etcd_cluster_name`` is ``v1beta2.EtcdClusterRef``'s name; the sources are
    ``v1beta2.RestoreSource`` flattened like :class:`StorageSource`.

    >>> RestoreSpec("Local", local=StorageSource("b/x"), etcd_cluster_name="ex").s3 is None
    True
    """

    backup_storage_type: str = ""
    s3: StorageSource | None = None
    abs: StorageSource | None = None
    gcs: StorageSource | None = None
    local: StorageSource | None = None
    # EtcdClusterRef: the cluster to (re)create; it must have the restore's name.
    etcd_cluster_name: str = ""


@dataclass
class RestoreStatus:
    """Mirrors ``v1beta2.RestoreStatus``: whether the restore succeeded, and why not.

    >>> RestoreStatus(reason="snapshot not found").succeeded
    False
    """

    succeeded: bool = False
    reason: str = ""


@dataclass
class EtcdRestore:
    """Mirrors ``v1beta2.EtcdRestore``: the custom resource (metadata, spec, status).

    >>> r = EtcdRestore(ObjectMeta(name="ex"), RestoreSpec(etcd_cluster_name="ex"))
    >>> r.metadata.name == r.spec.etcd_cluster_name
    True
    """

    metadata: ObjectMeta = field(default_factory=ObjectMeta)
    spec: RestoreSpec = field(default_factory=RestoreSpec)
    status: RestoreStatus = field(default_factory=RestoreStatus)
