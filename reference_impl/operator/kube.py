"""The Kubernetes API surface the operator uses, as Protocols (client-go in Go).

Pods are the JSON form ``kubectl get pod -o json`` prints (plain dicts); custom resources are
the dataclasses of ``api/``.  ``fake.FakeKube`` and ``localetcd.LocalKube`` implement these.
"""

from __future__ import annotations

from typing import Any, Protocol

Pod = dict[str, Any]


class KubeError(Exception):
    """An API error; the subclasses are the ones apierrors.IsXxx tests for."""


class NotFound(KubeError):
    pass


class AlreadyExists(KubeError):
    pass


class Conflict(KubeError):
    pass


class KubeClient(Protocol):
    """kubernetes.Interface: pods, services, secrets, events."""

    def list_pods(self, namespace: str, selector: dict[str, str]) -> list[Pod]: ...

    def get_pod(self, namespace: str, name: str) -> Pod: ...

    def create_pod(self, namespace: str, pod: Pod) -> Pod: ...

    def delete_pod(self, namespace: str, name: str, grace_period: int | None = None) -> None: ...

    def patch_pod(self, namespace: str, name: str, old: Pod, new: Pod) -> Pod: ...

    def create_service(self, namespace: str, svc: dict[str, Any]) -> None: ...

    def delete_service(self, namespace: str, name: str) -> None: ...

    def get_secret(self, namespace: str, name: str) -> dict[str, bytes]: ...

    def create_event(self, namespace: str, event: dict[str, Any]) -> None: ...


class CRClient(Protocol):
    """versioned.Interface: the EtcdCluster / EtcdBackup / EtcdRestore resources."""

    def get_cluster(self, namespace: str, name: str) -> Any: ...

    def create_cluster(self, namespace: str, cr: Any) -> Any: ...

    def update_cluster(self, namespace: str, cr: Any) -> Any: ...

    def delete_cluster(self, namespace: str, name: str) -> None: ...

    def get_backup(self, namespace: str, name: str) -> Any: ...

    def update_backup(self, namespace: str, cr: Any) -> Any: ...

    def update_restore(self, namespace: str, cr: Any) -> Any: ...
