"""The kubelet's eviction command-line flags, as a release-1.10 kubelet reads them.

A user who runs the kubelet with flags (a systemd unit, ``ps -o args``) rather than a
KubeletConfiguration file hands them over as text; :func:`flags_to_config` turns the eviction
flags into the KubeletConfiguration fields they set, so
:func:`reference_impl.eviction.kubeletconfig.eviction_settings` applies the same 1.10
defaults.  Other flags are ignored.

Quirks of 1.10 kept here:

* ``--eviction-hard`` and ``--eviction-soft`` separate a signal from its threshold with
  ``<`` (``memory.available<100Mi``), the grace periods and minimum reclaims with ``=``
  (``pkg/util/flag``'s ``LangleSeparatedMapStringString`` and ``MapStringString``);
* a map flag given at all *replaces* the default map (``MapStringString.Set`` starts a new map
  on its first call): ``--eviction-hard=memory.available<1Gi`` drops the nodefs and imagefs
  defaults;
* a repeated map flag adds to the map the earlier occurrence started.
"""

from __future__ import annotations

import shlex
from typing import Any

from reference_impl.eviction.kubeletconfig import KubeletConfigError

# flag name -> (configuration field, key/value separator) for the map flags
_MAPS = {
    "eviction-hard": ("evictionHard", "<"),
    "eviction-soft": ("evictionSoft", "<"),
    "eviction-soft-grace-period": ("evictionSoftGracePeriod", "="),
    "eviction-minimum-reclaim": ("evictionMinimumReclaim", "="),
}
_BOOL_FLAGS = {
    "experimental-allocatable-ignore-eviction": "experimental_allocatable_ignore_eviction",
    "experimental-kernel-memcg-notification": "experimental_kernel_memcg_notification",
}


def _map(flag: str, text: str, sep: str, into: dict[str, str]) -> None:
    for pair in text.split(","):
        if not pair.strip():
            continue
        key, found, value = pair.partition(sep)
        if not found:
            raise KubeletConfigError(f"--{flag}: {pair.strip()!r} is not KEY{sep}VALUE")
        into[key.strip()] = value.strip()


def _bool(flag: str, text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in ("", "true", "1", "t"):
        return True
    if lowered in ("false", "0", "f"):
        return False
    raise KubeletConfigError(f"--{flag}: expected true or false, got {text!r}")


def flags_to_config(text: str) -> tuple[dict[str, Any], dict[str, bool]]:
    """KubeletConfiguration fields and the two command-line-only switches, from flags text.

    >>> doc, switches = flags_to_config(
    ...     "/usr/bin/kubelet --eviction-hard=memory.available<500Mi "
    ...     "--eviction-soft memory.available<1Gi "
    ...     "--eviction-soft-grace-period=memory.available=1m30s "
    ...     "--feature-gates=LocalStorageCapacityIsolation=true --v=2"
    ... )
    >>> doc["evictionHard"], doc["evictionSoft"], doc["evictionSoftGracePeriod"]
    ({'memory.available': '500Mi'}, {'memory.available': '1Gi'}, {'memory.available': '1m30s'})
    >>> doc["featureGates"], switches
    ({'LocalStorageCapacityIsolation': True}, {})
    """
    try:
        words = shlex.split(text, comments=True)
    except ValueError as err:
        raise KubeletConfigError(f"kubelet flags: {err}") from None
    doc: dict[str, Any] = {"kind": "KubeletConfiguration"}
    switches: dict[str, bool] = {}
    i = 0
    while i < len(words):
        word = words[i]
        i += 1
        if not word.startswith("-"):
            continue  # the program name, or a value of a flag we do not read
        name, has_value, value = word.lstrip("-").partition("=")
        wants_value = name in _MAPS or name in (
            "eviction-pressure-transition-period",
            "eviction-max-pod-grace-period",
            "enforce-node-allocatable",
            "feature-gates",
        )
        if wants_value and not has_value:
            if i >= len(words):
                raise KubeletConfigError(f"--{name}: needs a value")
            value = words[i]
            i += 1
        if name in _MAPS:
            field, sep = _MAPS[name]
            _map(name, value, sep, doc.setdefault(field, {}))
        elif name == "eviction-pressure-transition-period":
            doc["evictionPressureTransitionPeriod"] = value
        elif name == "eviction-max-pod-grace-period":
            try:
                doc["evictionMaxPodGracePeriod"] = int(value)
            except ValueError:
                raise KubeletConfigError(f"--{name}: expected an integer, got {value!r}") from None
        elif name == "enforce-node-allocatable":
            doc["enforceNodeAllocatable"] = [v.strip() for v in value.split(",") if v.strip()]
        elif name == "feature-gates":
            gates = doc.setdefault("featureGates", {})
            plain: dict[str, str] = {}
            _map(name, value, "=", plain)
            for gate, setting in plain.items():
                gates[gate] = _bool(f"{name} {gate}", setting)
        elif name in _BOOL_FLAGS:
            switches[_BOOL_FLAGS[name]] = _bool(name, value)
    return doc, switches
