"""The slice of apimachinery's ObjectMeta the operator reads or writes."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any


@dataclass
class OwnerReference:
    """Mirrors ``metav1.OwnerReference``: the object that owns this one (for garbage collection).

    >>> OwnerReference("etcd.database.coreos.com/v1beta2", "EtcdCluster", "ex", "u1", True).uid
    'u1'
    """

    api_version: str = ""
    kind: str = ""
    name: str = ""
    uid: str = ""
    controller: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Mirrors nothing: the JSON form Go gets from the struct's field tags.

        >>> OwnerReference(kind="EtcdCluster", name="ex").to_dict()["kind"]
        'EtcdCluster'
        """
        return {
            "apiVersion": self.api_version,
            "kind": self.kind,
            "name": self.name,
            "uid": self.uid,
            "controller": self.controller,
        }


@dataclass
class ObjectMeta:
    """Mirrors ``metav1.ObjectMeta``: the slice of it the operator reads or writes.

    >>> m = ObjectMeta(name="ex", namespace="default", labels={"app": "etcd"})
    >>> m.name, m.labels["app"], m.deletion_timestamp
    ('ex', 'etcd', None)
    """

    name: str = ""
    namespace: str = ""
    uid: str = ""
    resource_version: str = ""
    # metav1.ObjectMeta.ClusterName: an unused field in 1.x that New() still length-checks.
    cluster_name: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)
    owner_references: list[OwnerReference] = field(default_factory=list)
    finalizers: list[str] = field(default_factory=list)
    deletion_timestamp: float | None = None

    def deepcopy(self) -> ObjectMeta:
        """Mirrors ``(*metav1.ObjectMeta).DeepCopy``: maps, lists and references are copied.

        >>> m = ObjectMeta(name="ex", labels={"app": "etcd"})
        >>> c = m.deepcopy()
        >>> c.labels["app"] = "other"
        >>> m.labels["app"], c == m
        ('etcd', False)
        """
        return ObjectMeta(
            self.name,
            self.namespace,
            self.uid,
            self.resource_version,
            self.cluster_name,
            dict(self.labels),
            dict(self.annotations),
            [copy.copy(r) for r in self.owner_references],
            list(self.finalizers),
            self.deletion_timestamp,
        )

    def to_dict(self) -> dict[str, Any]:
        """Mirrors nothing: the JSON form Go gets from the struct's field tags (empty fields
        omitted, as ``omitempty`` does).

        >>> ObjectMeta(name="ex", namespace="default", uid="u1").to_dict()
        {'name': 'ex', 'namespace': 'default', 'uid': 'u1'}
        """
        out: dict[str, Any] = {"name": self.name, "namespace": self.namespace}
        if self.uid:
            out["uid"] = self.uid
        if self.resource_version:
            out["resourceVersion"] = self.resource_version
        if self.labels:
            out["labels"] = dict(self.labels)
        if self.annotations:
            out["annotations"] = dict(self.annotations)
        return out
