"""Eviction settings from a KubeletConfiguration (kubelet.config.k8s.io/v1beta1).

Mirrors two steps of the real kubelet: ``SetDefaults_KubeletConfiguration``
(pkg/kubelet/apis/kubeletconfig/v1beta1/defaults.go) for the eviction fields, and
the wiring in ``NewMainKubelet`` (pkg/kubelet/kubelet.go) that turns them into
``eviction.ParseThresholdConfig`` input and an ``eviction.Config``.

Only the eviction-related fields are read; everything else in the document is
ignored, as the kubelet ignores fields it does not need for this purpose.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml

from reference_impl.eviction.api import Threshold
from reference_impl.eviction.goparse import GoError, parse_duration_ns
from reference_impl.eviction.helpers import parse_threshold_config
from reference_impl.eviction.types import Config
from reference_impl.features import DEFAULTS_1_10
from reference_impl.mirrors import mirrors

API_VERSION = "kubelet.config.k8s.io/v1beta1"
KIND = "KubeletConfiguration"

# defaults.go at v1.10.11
DEFAULT_EVICTION_HARD = {
    "memory.available": "100Mi",
    "nodefs.available": "10%",
    "nodefs.inodesFree": "5%",
    "imagefs.available": "15%",
}
DEFAULT_PRESSURE_TRANSITION_PERIOD = timedelta(minutes=5)
DEFAULT_NODE_ALLOCATABLE_ENFORCEMENT = ["pods"]
# kubelet.go: evictionMonitoringPeriod
EVICTION_MONITORING_PERIOD = timedelta(seconds=10)


class KubeletConfigError(ValueError):
    """The KubeletConfiguration document is invalid; the message names the field.

    >>> try:
    ...     eviction_settings({"evictionHard": "memory.available<1Gi"})
    ... except KubeletConfigError as e:
    ...     print(str(e)[:40])
    evictionHard: expected a map of signal t
    """


@dataclass
class EvictionSettings:
    """What the kubelet hands to the eviction manager, plus where it came from.

    >>> s = eviction_settings({})
    >>> isinstance(s, EvictionSettings), len(s.thresholds)
    (True, 5)
    >>> sorted(t.signal for t in s.thresholds)  # doctest: +NORMALIZE_WHITESPACE
    ['allocatableMemory.available', 'imagefs.available', 'memory.available',
     'nodefs.available', 'nodefs.inodesFree']
    """

    config: Config
    feature_gates: dict[str, bool] = field(default_factory=dict)
    eviction_hard: dict[str, str] = field(default_factory=dict)
    eviction_soft: dict[str, str] = field(default_factory=dict)
    eviction_soft_grace_period: dict[str, str] = field(default_factory=dict)
    eviction_minimum_reclaim: dict[str, str] = field(default_factory=dict)
    enforce_node_allocatable: list[str] = field(default_factory=list)
    monitoring_period: timedelta = EVICTION_MONITORING_PERIOD

    @property
    def thresholds(self) -> list[Threshold]:
        return self.config.thresholds


def _string_map(doc: Mapping[str, Any], key: str) -> dict[str, str] | None:
    value = doc.get(key)
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise KubeletConfigError(f"{key}: expected a map of signal to value, got {value!r}")
    result = {}
    for signal, text in value.items():
        if not isinstance(text, str):
            raise KubeletConfigError(
                f"{key}.{signal}: expected a string value, got {type(text).__name__} {text!r}"
            )
        result[str(signal)] = text
    return result


def _duration(doc: Mapping[str, Any], key: str) -> timedelta | None:
    value = doc.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise KubeletConfigError(f"{key}: expected a duration string like '5m0s', got {value!r}")
    try:
        nanos = parse_duration_ns(value)
    except GoError as err:
        raise KubeletConfigError(f"{key}: {err}") from None
    return timedelta(microseconds=nanos // 1000)


@mirrors(
    "k8s.io/kubernetes/pkg/kubelet/apis/kubeletconfig/v1beta1.SetDefaults_KubeletConfiguration"
)
@mirrors("k8s.io/kubernetes/pkg/kubelet.NewMainKubelet")
def eviction_settings(
    doc: Mapping[str, Any] | None,
    *,
    experimental_allocatable_ignore_eviction: bool = False,
    experimental_kernel_memcg_notification: bool = False,
) -> EvictionSettings:
    """Apply the 1.10 defaults to ``doc`` and build thresholds and the manager config.

    The two keyword flags are kubelet command-line flags, not configuration fields.

    Mirrors Go ``v1beta1.SetDefaults_KubeletConfiguration``, and the eviction part of
    ``kubelet.NewMainKubelet``: the allocatable enforcement (dropped with
    ``--experimental-allocatable-ignore-eviction``), ``ParseThresholdConfig`` and the
    ``eviction.Config`` it hands to ``eviction.NewManager``.

    >>> s = eviction_settings({"evictionHard": {"memory.available": "200Mi"}})
    >>> [(t.signal, str(t.value.quantity)) for t in s.thresholds if t.signal == "memory.available"]
    [('memory.available', '200Mi')]
    """
    doc = dict(doc or {})
    kind = doc.get("kind", KIND)
    if kind != KIND:
        raise KubeletConfigError(f"kind: expected {KIND!r}, got {kind!r}")
    api_version = doc.get("apiVersion", API_VERSION)
    if api_version != API_VERSION:
        raise KubeletConfigError(f"apiVersion: expected {API_VERSION!r}, got {api_version!r}")

    hard = _string_map(doc, "evictionHard")
    if hard is None:  # only a missing map is defaulted; an empty map disables hard eviction
        hard = dict(DEFAULT_EVICTION_HARD)
    soft = _string_map(doc, "evictionSoft") or {}
    grace = _string_map(doc, "evictionSoftGracePeriod") or {}
    reclaim = _string_map(doc, "evictionMinimumReclaim") or {}
    transition = _duration(doc, "evictionPressureTransitionPeriod")
    if transition is None or transition == timedelta(0):
        transition = DEFAULT_PRESSURE_TRANSITION_PERIOD
    max_grace = doc.get("evictionMaxPodGracePeriod", 0) or 0
    if isinstance(max_grace, bool) or not isinstance(max_grace, int):
        raise KubeletConfigError(
            f"evictionMaxPodGracePeriod: expected an integer, got {max_grace!r}"
        )
    enforce = doc.get("enforceNodeAllocatable")
    if enforce is None:
        enforce = list(DEFAULT_NODE_ALLOCATABLE_ENFORCEMENT)
    if not isinstance(enforce, list) or not all(isinstance(x, str) for x in enforce):
        raise KubeletConfigError(
            f"enforceNodeAllocatable: expected a list of strings, got {enforce!r}"
        )
    gates = doc.get("featureGates") or {}
    if not isinstance(gates, Mapping):
        raise KubeletConfigError(f"featureGates: expected a map of name to bool, got {gates!r}")
    for name, value in gates.items():
        if name not in DEFAULTS_1_10:
            raise KubeletConfigError(f"featureGates.{name}: unrecognized feature gate")
        if not isinstance(value, bool):
            raise KubeletConfigError(f"featureGates.{name}: expected true or false, got {value!r}")

    allocatable = [] if experimental_allocatable_ignore_eviction else list(enforce)
    try:
        thresholds = parse_threshold_config(allocatable, hard, soft, grace, reclaim)
    except ValueError as err:
        raise KubeletConfigError(f"eviction thresholds: {err}") from None
    config = Config(
        max_pod_grace_period_seconds=max_grace,
        pressure_transition_period=transition,
        thresholds=thresholds,
        kernel_memcg_notification=experimental_kernel_memcg_notification,
    )
    return EvictionSettings(
        config=config,
        feature_gates=dict(gates),
        eviction_hard=hard,
        eviction_soft=soft,
        eviction_soft_grace_period=grace,
        eviction_minimum_reclaim=reclaim,
        enforce_node_allocatable=list(enforce),
    )


def load_eviction_settings(path: str | Path, **flags: bool) -> EvictionSettings:
    r"""Read a KubeletConfiguration YAML (or JSON) file and build the eviction settings.

    >>> import tempfile
    >>> f = tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False)
    >>> _ = f.write("kind: KubeletConfiguration\nevictionHard:\n  memory.available: 300Mi\n")
    >>> f.close()
    >>> [str(t.value.quantity) for t in load_eviction_settings(f.name).thresholds]
    ['300Mi', '300Mi']
    """
    try:
        doc = yaml.safe_load(Path(path).read_text())
    except yaml.YAMLError as err:
        raise KubeletConfigError(f"{path}: not valid YAML: {err}") from None
    if doc is not None and not isinstance(doc, Mapping):
        raise KubeletConfigError(f"{path}: expected a KubeletConfiguration object")
    return eviction_settings(doc, **flags)
