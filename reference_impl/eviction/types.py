"""Mirror of ``pkg/kubelet/eviction/types.go`` (plus the lifecycle admit types).

Interfaces become :class:`typing.Protocol` classes whose methods keep the Go
names in snake_case; Go ``(T, error)`` returns become a return value plus an
exception.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from reference_impl.eviction.api import Threshold
from reference_impl.mirrors import mirrors
from reference_impl.quantity import Quantity

_EV = "k8s.io/kubernetes/pkg/kubelet/eviction"

Pod = dict[str, Any]
"""A pod as ``kubectl get pod -o json`` prints it."""
PodStats = dict[str, Any]
"""One entry of ``pods`` in the Summary API (stats/v1alpha1, camelCase)."""
Summary = dict[str, Any]
"""A Summary as served by the kubelet's ``/stats/summary``."""

FS_STATS_LOCAL_VOLUME_SOURCE = "localVolumeSource"
FS_STATS_LOGS = "logs"
FS_STATS_ROOT = "root"

NODE_MEMORY_PRESSURE = "MemoryPressure"
NODE_DISK_PRESSURE = "DiskPressure"
NODE_PID_PRESSURE = "PIDPressure"


@mirrors(f"{_EV}.Config")
@dataclass
class Config:
    """How the manager is configured (``eviction.Config``).

    ``pod_cgroup_root`` is not a field at v1.10.11 (it arrived later with
    cgroup-root memcg notifications); it is accepted and ignored so that callers
    written against newer releases still work.

    >>> from datetime import timedelta
    >>> c = Config(30, timedelta(minutes=5), [])
    >>> c.max_pod_grace_period_seconds, c.pressure_transition_period.seconds
    (30, 300)
    """

    max_pod_grace_period_seconds: int
    pressure_transition_period: timedelta
    thresholds: list[Threshold]
    kernel_memcg_notification: bool = False
    pod_cgroup_root: str = ""


@mirrors(f"{_EV}.signalObservation")
@dataclass
class SignalObservation:
    """What was observed for one signal: available, capacity, and when.

    Mirrors Go ``eviction.signalObservation``.

    >>> from reference_impl.quantity import must_parse
    >>> o = SignalObservation(must_parse("1Gi"), must_parse("4Gi"))
    >>> str(o.available), o.time
    ('1Gi', None)
    """

    available: Quantity | None = None
    capacity: Quantity | None = None
    time: datetime | None = None  # None is Go's zero time


SignalObservations = dict[str, SignalObservation]
ThresholdsObservedAt = dict[Threshold, datetime]
NodeConditionsObservedAt = dict[str, datetime]
StatsFunc = Callable[[Pod], tuple[PodStats | None, bool]]
RankFunc = Callable[[list[Pod], StatsFunc], None]
NodeReclaimFunc = Callable[[], None]
KillPodFunc = Callable[[Pod, dict[str, Any], int | None], None]
ActivePodsFunc = Callable[[], list[Pod]]
PodCleanedUpFunc = Callable[[Pod], bool]


class DiskInfoProvider(Protocol):
    """``eviction.DiskInfoProvider``: whether the runtime has a dedicated image filesystem.

    >>> from reference_impl.eviction.fakes import FakeDiskInfoProvider
    >>> FakeDiskInfoProvider(False).has_dedicated_image_fs()  # one implementation
    False
    """

    def has_dedicated_image_fs(self) -> bool: ...


class ImageGC(Protocol):
    """``eviction.ImageGC``: deletes unused images.

    >>> from reference_impl.eviction.fakes import FakeDiskGC
    >>> FakeDiskGC().delete_unused_images()  # one implementation
    """

    def delete_unused_images(self) -> None: ...


class ContainerGC(Protocol):
    """``eviction.ContainerGC``: deletes unused containers.

    >>> from reference_impl.eviction.fakes import FakeDiskGC
    >>> FakeDiskGC().delete_all_unused_containers()  # one implementation
    """

    def delete_all_unused_containers(self) -> None: ...


class SummaryProvider(Protocol):
    """``stats.SummaryProvider``: returns the node's ``/stats/summary``.

    >>> from reference_impl.eviction.fakes import FakeSummaryProvider
    >>> FakeSummaryProvider(result={"node": {}, "pods": []}).get(True)  # one implementation
    {'node': {}, 'pods': []}
    """

    def get(self, update_stats: bool) -> Summary: ...


class EventRecorder(Protocol):
    """``record.EventRecorder``: records events about an object.

    >>> from reference_impl.eviction.fakes import FakeRecorder
    >>> r = FakeRecorder()
    >>> r.eventf({}, "Normal", "Started", "pod %s", "web")  # one implementation
    >>> r.events
    ['Normal Started pod web']
    """

    def eventf(
        self, obj: Any, event_type: str, reason: str, message_fmt: str, *args: Any
    ) -> None: ...


@mirrors("k8s.io/kubernetes/pkg/kubelet/lifecycle.PodAdmitAttributes")
@dataclass
class PodAdmitAttributes:
    """``lifecycle.PodAdmitAttributes``: the pod asking to be admitted.

    >>> PodAdmitAttributes(pod={"metadata": {"name": "web"}}).pod["metadata"]["name"]
    'web'
    """

    pod: Pod
    other_pods: list[Pod] = field(default_factory=list)


@mirrors("k8s.io/kubernetes/pkg/kubelet/lifecycle.PodAdmitResult")
@dataclass
class PodAdmitResult:
    """``lifecycle.PodAdmitResult``.

    >>> r = PodAdmitResult(
    ...     admit=False, reason="Evicted", message="The node was low on resource: [MemoryPressure]."
    ... )
    >>> r.admit, r.reason
    (False, 'Evicted')
    """

    admit: bool
    reason: str = ""
    message: str = ""
