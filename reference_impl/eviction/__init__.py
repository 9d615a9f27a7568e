"""Python mirror of the kubelet eviction manager of Kubernetes release-1.10 (v1.10.11).

One module per Go file: :mod:`.api` (api/types.go), :mod:`.types` (types.go),
:mod:`.helpers` (helpers.go), :mod:`.eviction_manager` (eviction_manager.go),
:mod:`.threshold_notifier` (threshold_notifier_linux.go).  Around them:
:mod:`.pods` and :mod:`.stats` read pod and Summary JSON, :mod:`.gosort` is Go
1.10's ``sort.Sort``, :mod:`.goparse` Go's float and duration parsers,
:mod:`.kubeletconfig` the KubeletConfiguration defaults, :mod:`.trace` the
decision trace, :mod:`.simulator` and :mod:`.explain` the tools built on top.
"""

from reference_impl.eviction.api import Threshold, ThresholdValue, get_threshold_quantity
from reference_impl.eviction.eviction_manager import Manager, MonitorLoop, new_manager
from reference_impl.eviction.helpers import ThresholdConfigError, parse_threshold_config
from reference_impl.eviction.types import Config, PodAdmitAttributes, PodAdmitResult

__all__ = [
    "Config",
    "Manager",
    "MonitorLoop",
    "PodAdmitAttributes",
    "PodAdmitResult",
    "Threshold",
    "ThresholdConfigError",
    "ThresholdValue",
    "get_threshold_quantity",
    "new_manager",
    "parse_threshold_config",
]
