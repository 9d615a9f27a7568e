"""Pod JSON accessors and the small pod helpers eviction calls from other packages.

Pods cross the boundary as ``kubectl get pod -o json`` dicts.  Resource
quantities inside them are parsed once per pod object and cached by identity
(the kubelet holds parsed ``*v1.Pod`` structs; re-parsing strings on every
comparison would make ranking needlessly slow).  A pod's spec is treated as
immutable once the manager has seen it — which is what a pod spec is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from reference_impl.eviction.types import Pod
from reference_impl.mirrors import mirrors
from reference_impl.quantity import Quantity, QuantityError, parse_quantity

CRITICAL_POD_ANNOTATION_KEY = "scheduler.alpha.kubernetes.io/critical-pod"
CONFIG_SOURCE_ANNOTATION_KEY = "kubernetes.io/config.source"
CONFIG_MIRROR_ANNOTATION_KEY = "kubernetes.io/config.mirror"
FILE_SOURCE = "file"
API_SERVER_SOURCE = "api"
NAMESPACE_SYSTEM = "kube-system"
# 2 * HighestUserDefinablePriority (pkg/scheduler/api/types.go).
SYSTEM_CRITICAL_PRIORITY = 2 * 1_000_000_000
DEFAULT_PRIORITY_WHEN_NO_DEFAULT_CLASS_EXISTS = 0

QOS_GUARANTEED = "Guaranteed"
QOS_BURSTABLE = "Burstable"
QOS_BEST_EFFORT = "BestEffort"

RESOURCE_CPU = "cpu"
RESOURCE_MEMORY = "memory"
RESOURCE_EPHEMERAL_STORAGE = "ephemeral-storage"

ResourceList = dict[str, Quantity]


class PodError(ValueError):
    """A pod dict is not shaped like a Kubernetes pod.

    >>> try:
    ...     parsed({"spec": {"containers": "x"}})
    ... except PodError as e:
    ...     print(type(e).__name__)
    PodError
    """


@dataclass(frozen=True)
class ContainerResources:
    """A container's requests and limits, parsed to quantities.

    >>> pod = {
    ...     "metadata": {"name": "web", "namespace": "default", "uid": "u1"},
    ...     "spec": {"containers": [{"name": "c", "resources": {"requests": {"memory": "64Mi"}}}]},
    ... }
    >>> c = parsed(pod).containers[0]
    >>> isinstance(c, ContainerResources), str(c.requests["memory"])
    (True, '64Mi')
    """

    name: str
    requests: ResourceList
    limits: ResourceList


@dataclass(frozen=True)
class ParsedPod:
    """What the eviction manager reads from a pod spec, parsed once.

    >>> pod = {
    ...     "metadata": {"name": "web", "namespace": "default", "uid": "u1"},
    ...     "spec": {"containers": [{"name": "c", "resources": {"requests": {"memory": "64Mi"}}}]},
    ... }
    >>> p = parsed(pod)
    >>> isinstance(p, ParsedPod), len(p.containers)
    (True, 1)
    """

    containers: tuple[ContainerResources, ...]
    init_containers: tuple[ContainerResources, ...]
    # (volume name, sizeLimit) of every emptyDir that sets a sizeLimit
    empty_dir_limits: tuple[tuple[str, Quantity], ...] = ()
    # True if any container or init container limits ephemeral-storage
    has_ephemeral_limit: bool = False

    @property
    def needs_local_storage_check(self) -> bool:
        return bool(self.empty_dir_limits) or self.has_ephemeral_limit


def _meta(pod: Pod) -> dict[str, Any]:
    meta = pod.get("metadata") or {}
    if not isinstance(meta, dict):
        raise PodError("pod.metadata must be an object")
    return meta


def pod_name(pod: Pod) -> str:
    """``metadata.name`` of a pod dict ('' when absent).

    >>> pod = {
    ...     "metadata": {"name": "web", "namespace": "default", "uid": "u1"},
    ...     "spec": {"containers": [{"name": "c", "resources": {"requests": {"memory": "64Mi"}}}]},
    ... }
    >>> pod_name(pod)
    'web'
    """
    return str(_meta(pod).get("name", ""))


def pod_namespace(pod: Pod) -> str:
    """``metadata.namespace`` of a pod dict ('' when absent).

    >>> pod = {
    ...     "metadata": {"name": "web", "namespace": "default", "uid": "u1"},
    ...     "spec": {"containers": [{"name": "c", "resources": {"requests": {"memory": "64Mi"}}}]},
    ... }
    >>> pod_namespace(pod)
    'default'
    """
    return str(_meta(pod).get("namespace", ""))


def pod_uid(pod: Pod) -> str:
    """``metadata.uid`` of a pod dict ('' when absent).

    >>> pod = {
    ...     "metadata": {"name": "web", "namespace": "default", "uid": "u1"},
    ...     "spec": {"containers": [{"name": "c", "resources": {"requests": {"memory": "64Mi"}}}]},
    ... }
    >>> pod_uid(pod)
    'u1'
    """
    return str(_meta(pod).get("uid", ""))


def pod_annotations(pod: Pod) -> dict[str, str]:
    """``metadata.annotations`` of a pod dict ({} when absent).

    >>> pod_annotations({"metadata": {"annotations": {"a": "b"}}}), pod_annotations({})
    ({'a': 'b'}, {})
    """
    annotations = _meta(pod).get("annotations") or {}
    if not isinstance(annotations, dict):
        raise PodError(f"pod {pod_name(pod)!r}: metadata.annotations must be an object")
    return annotations


def pod_spec(pod: Pod) -> dict[str, Any]:
    """``spec`` of a pod dict ({} when absent).

    >>> pod = {
    ...     "metadata": {"name": "web", "namespace": "default", "uid": "u1"},
    ...     "spec": {"containers": [{"name": "c", "resources": {"requests": {"memory": "64Mi"}}}]},
    ... }
    >>> sorted(pod_spec(pod))
    ['containers']
    """
    spec = pod.get("spec") or {}
    if not isinstance(spec, dict):
        raise PodError(f"pod {pod_name(pod)!r}: spec must be an object")
    return spec


def pod_volumes(pod: Pod) -> list[dict[str, Any]]:
    """``spec.volumes`` of a pod dict ([] when absent).

    >>> pod_volumes({"spec": {"volumes": [{"name": "v", "emptyDir": {}}]}})
    [{'name': 'v', 'emptyDir': {}}]
    """
    volumes = pod_spec(pod).get("volumes") or []
    if not isinstance(volumes, list):
        raise PodError(f"pod {pod_name(pod)!r}: spec.volumes must be a list")
    return volumes


@mirrors("k8s.io/kubernetes/pkg/kubelet/util/format.Pod")
def format_pod(pod: Pod) -> str:
    """``name_namespace(uid)``, the kubelet's log form of a pod.

    Mirrors Go ``format.Pod``.

    >>> pod = {
    ...     "metadata": {"name": "web", "namespace": "default", "uid": "u1"},
    ...     "spec": {"containers": [{"name": "c", "resources": {"requests": {"memory": "64Mi"}}}]},
    ... }
    >>> format_pod(pod)
    'web_default(u1)'
    """
    return f"{pod_name(pod)}_{pod_namespace(pod)}({pod_uid(pod)})"


def format_pods(pods: list[Pod]) -> str:
    """Pods in the kubelet's log form, comma separated.

    >>> pod = {
    ...     "metadata": {"name": "web", "namespace": "default", "uid": "u1"},
    ...     "spec": {"containers": [{"name": "c", "resources": {"requests": {"memory": "64Mi"}}}]},
    ... }
    >>> format_pods([pod, pod])
    'web_default(u1), web_default(u1)'
    """
    return ", ".join(format_pod(p) for p in pods)


def _short(value: Any, limit: int = 40) -> str:
    """``repr`` cut to ``limit`` characters: a hostile 5,000-digit value must not flood stderr."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 3]}... ({len(text)} characters)"


def _resource_list(raw: Any, where: Callable[[], str]) -> ResourceList:
    # ``where`` names the place for an error message; it is only called on an error, since
    # formatting it for every container of 100,000 pods costs more than parsing them.
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise PodError(f"{where()} must be an object")
    result: ResourceList = {}
    for name, text in raw.items():
        try:
            result[name] = parse_quantity(str(text))
        except QuantityError as err:
            raise PodError(f"{where()}.{name}: {_short(text)}: {err}") from err
    return result


def _containers(pod: Pod, key: str) -> tuple[ContainerResources, ...]:
    raw = pod_spec(pod).get(key) or []
    if not isinstance(raw, list):
        raise PodError(f"pod {pod_name(pod)!r}: spec.{key} must be a list")

    def where(i: int, field: str) -> str:
        return f"pod {pod_name(pod)!r}: spec.{key}[{i}].resources.{field}"

    out = []
    for i, container in enumerate(raw):
        if not isinstance(container, dict):
            raise PodError(f"pod {pod_name(pod)!r}: spec.{key}[{i}] must be an object")
        resources = container.get("resources") or {}
        out.append(
            ContainerResources(
                name=str(container.get("name", "")),
                requests=_resource_list(resources.get("requests"), partial(where, i, "requests")),
                limits=_resource_list(resources.get("limits"), partial(where, i, "limits")),
            )
        )
    return tuple(out)


def _empty_dir_limits(pod: Pod) -> tuple[tuple[str, Quantity], ...]:
    result = []
    for i, volume in enumerate(pod_volumes(pod)):
        empty_dir = volume.get("emptyDir") if isinstance(volume, dict) else None
        if not isinstance(empty_dir, dict) or empty_dir.get("sizeLimit") is None:
            continue
        text = str(empty_dir["sizeLimit"])
        try:
            result.append((str(volume.get("name", "")), parse_quantity(text)))
        except QuantityError as err:
            where = f"pod {pod_name(pod)!r}: spec.volumes[{i}].emptyDir.sizeLimit"
            raise PodError(f"{where}: {text!r}: {err}") from err
    return tuple(result)


_CACHE: dict[int, tuple[Pod, Any, ParsedPod]] = {}
_CACHE_LIMIT = 250_000  # above the 100,000 pods `explain` is measured with: no thrash


def parsed(pod: Pod) -> ParsedPod:
    """Parsed container resources of ``pod``, cached by object identity.

    >>> pod = {
    ...     "metadata": {"name": "web", "namespace": "default", "uid": "u1"},
    ...     "spec": {"containers": [{"name": "c", "resources": {"requests": {"memory": "64Mi"}}}]},
    ... }
    >>> parsed(pod) is parsed(pod)
    True
    """
    key = id(pod)
    hit = _CACHE.get(key)
    spec = pod.get("spec")
    if hit is not None and hit[0] is pod and hit[1] is spec:
        return hit[2]
    containers = _containers(pod, "containers")
    init_containers = _containers(pod, "initContainers")
    result = ParsedPod(
        containers,
        init_containers,
        _empty_dir_limits(pod),
        any(RESOURCE_EPHEMERAL_STORAGE in c.limits for c in containers + init_containers),
    )
    if len(_CACHE) >= _CACHE_LIMIT:
        _CACHE.clear()
    _CACHE[key] = (pod, spec, result)
    return result


@mirrors("k8s.io/kubernetes/pkg/scheduler/util.GetPodPriority")
def get_pod_priority(pod: Pod) -> int:
    """``spec.priority``, or 0 when it is not set.

    Mirrors Go ``util.GetPodPriority``.

    >>> get_pod_priority({"spec": {"priority": 7}}), get_pod_priority({"spec": {}})
    (7, 0)
    """
    priority = pod_spec(pod).get("priority")
    if priority is None:
        return DEFAULT_PRIORITY_WHEN_NO_DEFAULT_CLASS_EXISTS
    if not isinstance(priority, int) or isinstance(priority, bool):
        raise PodError(f"pod {pod_name(pod)!r}: spec.priority must be an integer")
    if not -(2**31) <= priority < 2**31:  # *int32 in the API: the apiserver refuses others
        raise PodError(f"pod {pod_name(pod)!r}: spec.priority {priority} is not a 32-bit integer")
    return priority


@mirrors("k8s.io/kubernetes/pkg/kubelet/types.IsCriticalPod")
def is_critical_pod(pod: Pod) -> bool:
    """Whether the pod is critical: by annotation (ExperimentalCriticalPodAnnotation) or priority.

    Mirrors Go ``types.IsCriticalPod``.

    >>> from reference_impl import features
    >>> pod = {
    ...     "metadata": {
    ...         "namespace": "kube-system",
    ...         "annotations": {"scheduler.alpha.kubernetes.io/critical-pod": ""},
    ...     },
    ...     "spec": {},
    ... }
    >>> is_critical_pod(pod)
    True
    >>> with features.gates(ExperimentalCriticalPodAnnotation=True):
    ...     print(is_critical_pod(pod))
    True
    """
    namespace = pod_namespace(pod)
    if is_critical(namespace, pod_annotations(pod)):
        return True
    priority = pod_spec(pod).get("priority")
    return priority is not None and is_critical_pod_based_on_priority(namespace, priority)


@mirrors("k8s.io/kubernetes/pkg/kubelet/types.IsCritical")
def is_critical(namespace: str, annotations: dict[str, str]) -> bool:
    """Whether a kube-system pod has the critical-pod annotation (with its feature gate).

    Mirrors Go ``types.IsCritical``.

    >>> from reference_impl import features
    >>> with features.gates(ExperimentalCriticalPodAnnotation=True):
    ...     print(
    ...         is_critical("kube-system", {"scheduler.alpha.kubernetes.io/critical-pod": ""}),
    ...         is_critical("default", {"scheduler.alpha.kubernetes.io/critical-pod": ""}),
    ...     )
    True False
    """
    if namespace != NAMESPACE_SYSTEM:
        return False
    return annotations.get(CRITICAL_POD_ANNOTATION_KEY) == ""


@mirrors("k8s.io/kubernetes/pkg/kubelet/types.IsCriticalPodBasedOnPriority")
def is_critical_pod_based_on_priority(namespace: str, priority: int) -> bool:
    """Whether a kube-system pod's priority is at least the system-critical level.

    Mirrors Go ``types.IsCriticalPodBasedOnPriority``.

    >>> (
    ...     is_critical_pod_based_on_priority("kube-system", 2000000000),
    ...     is_critical_pod_based_on_priority("default", 2000000000),
    ... )
    (True, False)
    """
    return namespace == NAMESPACE_SYSTEM and priority >= SYSTEM_CRITICAL_PRIORITY


@mirrors("k8s.io/kubernetes/pkg/kubelet/pod.IsStaticPod")
def is_static_pod(pod: Pod) -> bool:
    """Whether the pod came from a file or an http source (``kubernetes.io/config.source``).

    Mirrors Go ``pod.IsStaticPod``.

    >>> (
    ...     is_static_pod({"metadata": {"annotations": {"kubernetes.io/config.source": "file"}}}),
    ...     is_static_pod({"metadata": {}}),
    ... )
    (True, False)
    """
    source = pod_annotations(pod).get(CONFIG_SOURCE_ANNOTATION_KEY)
    return source is not None and source != API_SERVER_SOURCE


@mirrors("k8s.io/kubernetes/pkg/apis/core/v1/helper/qos.GetPodQOS")
def get_pod_qos(pod: Pod) -> str:
    """Guaranteed, Burstable or BestEffort, from cpu and memory requests/limits.

    Mirrors Go ``qos.GetPodQOS``.

    >>> pod = {
    ...     "metadata": {"name": "web", "namespace": "default", "uid": "u1"},
    ...     "spec": {"containers": [{"name": "c", "resources": {"requests": {"memory": "64Mi"}}}]},
    ... }
    >>> get_pod_qos(pod), get_pod_qos({"spec": {"containers": [{"name": "c"}]}})
    ('Burstable', 'BestEffort')
    """
    requests: dict[str, Quantity] = {}
    limits: dict[str, Quantity] = {}
    guaranteed = True
    for container in parsed(pod).containers:
        for name, quantity in container.requests.items():
            if name in (RESOURCE_CPU, RESOURCE_MEMORY) and quantity.sign() > 0:
                requests[name] = requests[name] + quantity if name in requests else quantity
        found = set()
        for name, quantity in container.limits.items():
            if name in (RESOURCE_CPU, RESOURCE_MEMORY) and quantity.sign() > 0:
                found.add(name)
                limits[name] = limits[name] + quantity if name in limits else quantity
        if not {RESOURCE_CPU, RESOURCE_MEMORY} <= found:
            guaranteed = False
    if not requests and not limits:
        return QOS_BEST_EFFORT
    if guaranteed:
        for name, req in requests.items():
            if name not in limits or limits[name].cmp(req) != 0:
                guaranteed = False
                break
    if guaranteed and len(requests) == len(limits):
        return QOS_GUARANTEED
    return QOS_BURSTABLE


@mirrors("k8s.io/kubernetes/pkg/api/v1/resource.PodRequestsAndLimits")
def pod_requests_and_limits(pod: Pod) -> tuple[ResourceList, ResourceList]:
    """Sum over containers, then the max with each init container.

    Mirrors Go ``resource.PodRequestsAndLimits``.

    >>> pod = {
    ...     "metadata": {"name": "web", "namespace": "default", "uid": "u1"},
    ...     "spec": {"containers": [{"name": "c", "resources": {"requests": {"memory": "64Mi"}}}]},
    ... }
    >>> reqs, limits = pod_requests_and_limits(pod)
    >>> {k: str(v) for k, v in reqs.items()}, limits
    ({'memory': '64Mi'}, {})
    """
    reqs: ResourceList = {}
    limits: ResourceList = {}
    info = parsed(pod)
    for container in info.containers:
        for target, source in ((reqs, container.requests), (limits, container.limits)):
            for name, quantity in source.items():
                if name in target:
                    target[name].add(quantity)
                else:
                    target[name] = quantity.copy()
    for container in info.init_containers:
        for target, source in ((reqs, container.requests), (limits, container.limits)):
            for name, quantity in source.items():
                if name not in target or quantity.cmp(target[name]) > 0:
                    target[name] = quantity.copy()
    return reqs, limits
