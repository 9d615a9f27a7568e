"""Mirror of the kubelet's global feature gate with the release-1.10 defaults.

Go reads feature gates from one process-wide object
(``utilfeature.DefaultFeatureGate``); the eviction manager asks it about
``PodPriority``, ``LocalStorageCapacityIsolation`` and
``ExperimentalCriticalPodAnnotation`` on every pass.  This module keeps the
same global, plus :func:`gates` to change it for one test or one simulation and
restore it afterwards (Go's tests change it and never restore it; we do not copy
that leak).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from reference_impl.mirrors import mirrors

_FEATURE = "k8s.io/kubernetes/vendor/k8s.io/apiserver/pkg/util/feature"

POD_PRIORITY = "PodPriority"
LOCAL_STORAGE_CAPACITY_ISOLATION = "LocalStorageCapacityIsolation"
EXPERIMENTAL_CRITICAL_POD_ANNOTATION = "ExperimentalCriticalPodAnnotation"

# Defaults of pkg/features/kube_features.go at v1.10.11 (names and defaults only),
# plus the generic apiserver gates registered into the same global.
DEFAULTS_1_10: dict[str, bool] = {
    "AppArmor": True,
    "DynamicKubeletConfig": False,
    "ExperimentalHostUserNamespaceDefaulting": False,
    EXPERIMENTAL_CRITICAL_POD_ANNOTATION: False,
    "Accelerators": False,
    "DevicePlugins": True,
    "TaintBasedEvictions": False,
    "RotateKubeletServerCertificate": False,
    "RotateKubeletClientCertificate": True,
    "PersistentLocalVolumes": True,
    LOCAL_STORAGE_CAPACITY_ISOLATION: True,
    "HugePages": True,
    "DebugContainers": False,
    "PodShareProcessNamespace": False,
    POD_PRIORITY: False,
    "EnableEquivalenceClassCache": False,
    "TaintNodesByCondition": False,
    "MountPropagation": True,
    "ExpandPersistentVolumes": False,
    "CPUManager": True,
    "ServiceNodeExclusion": False,
    "MountContainers": False,
    "VolumeScheduling": True,
    "CSIPersistentVolume": True,
    "CustomPodDNS": True,
    "BlockVolume": False,
    "StorageObjectInUseProtection": True,
    "ResourceLimitsPriorityFunction": False,
    "SupportIPVSProxyMode": True,
    "SupportPodPidsLimit": False,
    "HyperVContainer": False,
    "ScheduleDaemonSetPods": False,
    "TokenRequest": False,
    "CRIContainerLogRotation": False,
    "GCERegionalPersistentDisk": True,
    "RunAsGroup": False,
    "VolumeSubpath": True,
    "StreamingProxyRedirects": True,
    "AdvancedAuditing": True,
    "APIResponseCompression": False,
    "Initializers": False,
    "APIListChunking": True,
    "CustomResourceValidation": True,
    "CustomResourceSubresources": False,
    "ServiceProxyAllowExternalIPs": False,
    "ReadOnlyAPIDataVolumes": True,
    "AllAlpha": False,
}


class FeatureGate:
    """Known features with defaults, and the values set on top of them.

    >>> g = FeatureGate({"PodPriority": False})
    >>> g.set("PodPriority=true")
    >>> g.enabled("PodPriority")
    True
    """

    def __init__(self, defaults: Mapping[str, bool]) -> None:
        self._defaults = dict(defaults)
        self._enabled: dict[str, bool] = {}
        self._lock = threading.Lock()

    @mirrors(f"(*{_FEATURE}.featureGate).Enabled")
    def enabled(self, name: str) -> bool:
        value = self._enabled.get(name)
        if value is not None:
            return value
        if name not in self._defaults:
            # Go panics on an unknown feature; a clear error is the Python analogue.
            raise KeyError(f"feature {name!r} is not registered in FeatureGate")
        return self._defaults[name]

    @mirrors(f"(*{_FEATURE}.featureGate).SetFromMap")
    def set_from_map(self, values: Mapping[str, bool]) -> None:
        with self._lock:
            for name, value in values.items():
                if name not in self._defaults:
                    raise ValueError(f"unrecognized key: {name}")
                if not isinstance(value, bool):
                    raise ValueError(f"invalid value of {name}: {value!r}, must be a bool")
                self._enabled[name] = value

    @mirrors(f"(*{_FEATURE}.featureGate).Set")
    def set(self, text: str) -> None:
        """Parse ``"A=true,B=false"`` like the ``--feature-gates`` flag."""
        values: dict[str, bool] = {}
        for part in text.split(","):
            part = part.strip()
            if not part:
                continue
            key, sep, raw = part.partition("=")
            key = key.strip()
            if not sep:
                raise ValueError(f"missing bool value for {key}")
            raw = raw.strip().lower()
            if raw not in ("true", "false", "1", "0", "t", "f"):
                raise ValueError(f"invalid value of {key}: {raw}, err: invalid syntax")
            values[key] = raw in ("true", "1", "t")
        self.set_from_map(values)

    def snapshot(self) -> dict[str, bool]:
        return dict(self._enabled)

    def restore(self, snapshot: Mapping[str, bool]) -> None:
        with self._lock:
            self._enabled = dict(snapshot)

    def reset(self) -> None:
        self.restore({})

    def known(self) -> dict[str, bool]:
        """Every registered feature with its current value."""
        return {name: self.enabled(name) for name in self._defaults}


DEFAULT_FEATURE_GATE = FeatureGate(DEFAULTS_1_10)


def enabled(name: str) -> bool:
    """Shorthand for ``DEFAULT_FEATURE_GATE.enabled(name)``.

    >>> enabled("LocalStorageCapacityIsolation"), enabled("PodPriority")
    (True, False)
    """
    return DEFAULT_FEATURE_GATE.enabled(name)


@contextmanager
def gates(values: Mapping[str, bool] | None = None, **kwargs: bool) -> Iterator[FeatureGate]:
    """Set feature gates for the duration of a ``with`` block, then restore them.

    >>> with gates(PodPriority=True):
    ...     print(enabled("PodPriority"))
    True
    >>> enabled("PodPriority")
    False
    """
    merged = dict(values or {})
    merged.update(kwargs)
    saved = DEFAULT_FEATURE_GATE.snapshot()
    try:
        DEFAULT_FEATURE_GATE.set_from_map(merged)
        yield DEFAULT_FEATURE_GATE
    finally:
        DEFAULT_FEATURE_GATE.restore(saved)
