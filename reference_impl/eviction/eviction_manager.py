"""Mirror of ``pkg/kubelet/eviction/eviction_manager.go`` at release-1.10 (v1.10.11).

:class:`Manager` is ``managerImpl``: ``synchronize`` is the pass the kubelet runs
every 10 s, ``admit`` is the admission handler, ``start`` runs the loop on the
injected clock.  Each pass can record a :class:`~.trace.SyncTrace`.

One module, over 600 lines, on purpose: it mirrors one Go file (eviction_manager.go), and
``synchronize`` is read as one pass; its length is mostly docstrings and doctests.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from reference_impl import features
from reference_impl.clock import Clock
from reference_impl.eviction import helpers as h
from reference_impl.eviction.api import (
    SIGNAL_MEMORY_AVAILABLE,
    GoPanic,
    Threshold,
    get_threshold_quantity,
)
from reference_impl.eviction.gosort import go_sort
from reference_impl.eviction.pods import (
    QOS_BEST_EFFORT,
    RESOURCE_EPHEMERAL_STORAGE,
    format_pod,
    get_pod_qos,
    is_critical_pod,
    is_static_pod,
    parsed,
    pod_name,
    pod_namespace,
    pod_requests_and_limits,
    pod_uid,
)
from reference_impl.eviction.threshold_notifier import (
    ThresholdNotifierHandlerFunc,
    new_memcg_threshold_notifier,
)
from reference_impl.eviction.trace import (
    Eviction,
    SyncTrace,
    describe_observations,
    describe_thresholds,
)
from reference_impl.eviction.types import (
    FS_STATS_LOCAL_VOLUME_SOURCE,
    FS_STATS_LOGS,
    FS_STATS_ROOT,
    NODE_DISK_PRESSURE,
    NODE_MEMORY_PRESSURE,
    NODE_PID_PRESSURE,
    ActivePodsFunc,
    Config,
    ContainerGC,
    DiskInfoProvider,
    EventRecorder,
    ImageGC,
    KillPodFunc,
    NodeConditionsObservedAt,
    NodeReclaimFunc,
    Pod,
    PodAdmitAttributes,
    PodAdmitResult,
    PodCleanedUpFunc,
    PodStats,
    RankFunc,
    SignalObservations,
    Summary,
    SummaryProvider,
    ThresholdsObservedAt,
)
from reference_impl.mirrors import mirrors
from reference_impl.quantity import BINARY_SI, DECIMAL_SI, Quantity, new_quantity

_EV = "k8s.io/kubernetes/pkg/kubelet/eviction"
_MGR = f"(*{_EV}.managerImpl)"

POD_CLEANUP_TIMEOUT = timedelta(seconds=30)
POD_CLEANUP_POLL_FREQ = timedelta(seconds=1)
EVENT_TYPE_WARNING = "Warning"


def _pod_key(pod: Pod) -> str:
    return f"{pod_namespace(pod)}/{pod_name(pod)}"


def _go_list(items: list[str]) -> str:
    """``fmt.Sprintf("%v", []T{...})``: ``[A B]``."""
    return "[" + " ".join(items) + "]"


class Manager:
    """Mirrors ``managerImpl``: the eviction manager and its pod admission handler.

    >>> from datetime import datetime, timedelta, timezone
    >>> from reference_impl.clock import FakeClock
    >>> from reference_impl.eviction.fakes import (
    ...     FakeDiskGC,
    ...     FakeDiskInfoProvider,
    ...     FakePodKiller,
    ...     FakeRecorder,
    ...     FakeSummaryProvider,
    ... )
    >>> from reference_impl.eviction.types import Config
    >>> gc = FakeDiskGC()
    >>> m = Manager(
    ...     FakeSummaryProvider(),
    ...     Config(0, timedelta(minutes=5), []),
    ...     FakePodKiller(),
    ...     gc,
    ...     gc,
    ...     FakeRecorder(),
    ...     {"kind": "Node"},
    ...     FakeClock(datetime(2018, 11, 26, tzinfo=timezone.utc)),
    ... )
    >>> m.synchronize(FakeDiskInfoProvider(False), lambda: []) is None
    True
    >>> m.is_under_memory_pressure()
    False
    """

    def __iter__(self) -> Iterator[Manager]:
        """The pair ``new_manager`` returned in earlier releases: deprecated, one release."""
        warnings.warn(
            "new_manager() returns one object, the Manager and the PodAdmitHandler; unpacking "
            "it as (manager, admit_handler) is deprecated and stops working next release",
            DeprecationWarning,
            stacklevel=2,
        )
        return iter((self, self))

    @mirrors(f"{_EV}.managerImpl")
    def __init__(
        self,
        summary_provider: SummaryProvider,
        config: Config,
        kill_pod_func: KillPodFunc,
        image_gc: ImageGC,
        container_gc: ContainerGC,
        recorder: EventRecorder,
        node_ref: dict[str, Any] | None,
        clock: Clock,
        *,
        record_traces: bool = True,
    ) -> None:
        self.clock = clock
        self.config = config
        self.kill_pod_func = kill_pod_func
        self.image_gc = image_gc
        self.container_gc = container_gc
        self.recorder = recorder
        self.node_ref = node_ref
        self.summary_provider = summary_provider
        # Guards the state read by admit() and is_under_*() (Go: sync.RWMutex).
        self._lock = threading.RLock()
        self.node_conditions: list[str] = []
        self.node_conditions_last_observed_at: NodeConditionsObservedAt = {}
        self.thresholds_first_observed_at: ThresholdsObservedAt = {}
        self.thresholds_met: list[Threshold] = []
        self.resource_to_rank_func: dict[str, RankFunc] = {}
        self.resource_to_node_reclaim_funcs: dict[str, list[NodeReclaimFunc]] = {}
        self.last_observations: SignalObservations = {}
        self.notifiers_initialized = False
        self.dedicated_image_fs: bool | None = None
        self.record_traces = record_traces
        self.last_trace: SyncTrace | None = None

    # -- admission ------------------------------------------------------------
    @mirrors(f"{_MGR}.Admit")
    def admit(self, attrs: PodAdmitAttributes) -> PodAdmitResult:
        """Mirrors ``(*managerImpl).Admit``: refuse pods that would make pressure worse.

        Under memory pressure only best-effort pods are refused; under any other
        pressure every pod is (critical pods pass when the annotation gate is on).

        >>> from reference_impl.eviction.fakes import example_manager
        >>> m, killer, gc = example_manager()
        >>> web = {
        ...     "metadata": {"name": "web", "namespace": "default"},
        ...     "spec": {"containers": [{"name": "c"}]},
        ... }
        >>> m.admit(PodAdmitAttributes(pod=web)).admit
        True
        >>> m.node_conditions = ["DiskPressure"]
        >>> r = m.admit(PodAdmitAttributes(pod=web))
        >>> r.admit, r.reason, r.message
        (False, 'Evicted', 'The node was low on resource: [DiskPressure].')
        """
        with self._lock:
            if not self.node_conditions:
                return PodAdmitResult(admit=True)
            if features.enabled(features.EXPERIMENTAL_CRITICAL_POD_ANNOTATION) and is_critical_pod(
                attrs.pod
            ):
                return PodAdmitResult(admit=True)
            memory_pressure = h.has_node_condition(self.node_conditions, NODE_MEMORY_PRESSURE)
            if memory_pressure and get_pod_qos(attrs.pod) != QOS_BEST_EFFORT:
                return PodAdmitResult(admit=True)
            return PodAdmitResult(
                admit=False,
                reason=h.REASON,
                message=h.MESSAGE.format(_go_list(self.node_conditions)),
            )

    # -- loop -------------------------------------------------------------------
    @mirrors(f"{_MGR}.Start")
    def start(
        self,
        disk_info_provider: DiskInfoProvider,
        pod_func: ActivePodsFunc,
        pod_cleaned_up_func: PodCleanedUpFunc,
        monitoring_interval: timedelta,
        *,
        in_thread: bool = False,
    ) -> MonitorLoop:
        """Mirrors ``(*managerImpl).Start``: return the monitoring loop; run it with
        ``step()``/``run_for()`` on the clock.

        Go starts a goroutine that never returns.  Here the loop is an object the
        caller drives, so a fake clock controls it completely; ``in_thread=True``
        runs it in a daemon thread instead (meant for a real clock).

        >>> from reference_impl.eviction.fakes import FakeDiskInfoProvider, example_manager
        >>> m, killer, gc = example_manager()
        >>> loop = m.start(
        ...     FakeDiskInfoProvider(False), lambda: [], lambda p: True, timedelta(seconds=10)
        ... )
        >>> loop.run_for(timedelta(seconds=30))
        >>> loop.iterations, m.clock.now().time()
        (3, datetime.time(0, 0, 30))
        """
        loop = MonitorLoop(
            self, disk_info_provider, pod_func, pod_cleaned_up_func, monitoring_interval
        )
        if in_thread:
            loop.start_thread()
        return loop

    @mirrors(f"{_MGR}.IsUnderMemoryPressure")
    def is_under_memory_pressure(self) -> bool:
        """Mirrors ``(*managerImpl).IsUnderMemoryPressure``: is MemoryPressure a node condition?

        >>> from reference_impl.eviction.fakes import example_manager
        >>> m, killer, gc = example_manager()
        >>> m.is_under_memory_pressure()
        False
        >>> m.node_conditions = ["MemoryPressure"]
        >>> m.is_under_memory_pressure()
        True
        """
        with self._lock:
            return NODE_MEMORY_PRESSURE in self.node_conditions

    @mirrors(f"{_MGR}.IsUnderDiskPressure")
    def is_under_disk_pressure(self) -> bool:
        """Mirrors ``(*managerImpl).IsUnderDiskPressure``: is DiskPressure a node condition?

        >>> from reference_impl.eviction.fakes import example_manager
        >>> m, killer, gc = example_manager()
        >>> m.is_under_disk_pressure()
        False
        >>> m.node_conditions = ["DiskPressure"]
        >>> m.is_under_disk_pressure()
        True
        """
        with self._lock:
            return NODE_DISK_PRESSURE in self.node_conditions

    @mirrors(f"{_MGR}.IsUnderPIDPressure")
    def is_under_pid_pressure(self) -> bool:
        """Mirrors ``(*managerImpl).IsUnderPIDPressure``: is PIDPressure a node condition?

        >>> from reference_impl.eviction.fakes import example_manager
        >>> m, killer, gc = example_manager()
        >>> m.is_under_pid_pressure()
        False
        >>> m.node_conditions = ["PIDPressure"]
        >>> m.is_under_pid_pressure()
        True
        """
        with self._lock:
            return NODE_PID_PRESSURE in self.node_conditions

    # -- the pass -----------------------------------------------------------------
    @mirrors(f"{_MGR}.synchronize")
    def synchronize(
        self, disk_info_provider: DiskInfoProvider, pod_func: ActivePodsFunc
    ) -> list[Pod] | None:
        """Mirrors ``(*managerImpl).synchronize``: one pass; returns the evicted pods, or
        None when no pod was killed.

        >>> from reference_impl.eviction.fakes import FakeDiskInfoProvider, example_manager
        >>> m, killer, gc = example_manager()
        >>> web = {
        ...     "metadata": {"name": "web", "namespace": "default"},
        ...     "spec": {"containers": [{"name": "c"}]},
        ... }
        >>> m.synchronize(FakeDiskInfoProvider(False), lambda: [web]) is None
        True
        """
        now = self.clock.now()
        trace = SyncTrace(time=now.isoformat()) if self.record_traces else None
        self.last_trace = trace
        thresholds = self.config.thresholds
        if not thresholds and not features.enabled(features.LOCAL_STORAGE_CAPACITY_ISOLATION):
            if trace:
                trace.skipped = "no thresholds configured and local storage isolation disabled"
            return None

        if self.dedicated_image_fs is None:
            try:
                has_image_fs = bool(disk_info_provider.has_dedicated_image_fs())
            except Exception as err:  # Go: any error → try again next pass
                if trace:
                    trace.skipped = "disk info provider not ready"
                    trace.error = str(err)
                return None
            self.dedicated_image_fs = has_image_fs
            self.resource_to_rank_func = h.build_resource_to_rank_func(has_image_fs)
            self.resource_to_node_reclaim_funcs = h.build_resource_to_node_reclaim_funcs(
                self.image_gc, self.container_gc, has_image_fs
            )

        active_pods = pod_func()
        try:
            summary = self.summary_provider.get(True)
        except Exception as err:  # Go logs "failed to get get summary stats" and returns
            if trace:
                trace.skipped = "failed to get summary stats"
                trace.error = str(err)
            return None

        observations, stats_func = h.make_signal_observations(summary)
        if trace:
            trace.observations = describe_observations(observations)

        if self.config.kernel_memcg_notification and not self.notifiers_initialized:
            self.notifiers_initialized = True

            def handler(description: str) -> None:
                self.synchronize(disk_info_provider, pod_func)

            for hard in (False, True):
                notifier = start_memory_threshold_notifier(
                    self.config.thresholds, observations, hard, handler
                )
                if trace and notifier is not None:
                    trace.memcg_notifiers.append(notifier)

        thresholds = h.thresholds_met(thresholds, observations, False)
        if trace:
            trace.thresholds_met = describe_thresholds(thresholds)
        if self.thresholds_met:
            not_yet_resolved = h.thresholds_met(self.thresholds_met, observations, True)
            thresholds = h.merge_thresholds(thresholds, not_yet_resolved)
            if trace:
                trace.thresholds_not_yet_resolved = describe_thresholds(not_yet_resolved)

        first_observed_at = h.thresholds_first_observed_at(
            thresholds, self.thresholds_first_observed_at, now
        )
        conditions = h.node_conditions(thresholds)
        last_observed_at = h.node_conditions_last_observed_at(
            conditions, self.node_conditions_last_observed_at, now
        )
        if trace:
            trace.thresholds_first_observed_at = [
                {"threshold": t.to_dict(), "at": at.isoformat()}
                for t, at in first_observed_at.items()
            ]
            trace.node_conditions_observed = list(conditions)
            trace.node_conditions_last_observed_at = {
                c: at.isoformat() for c, at in last_observed_at.items()
            }
        # A condition stays reported for the whole transition period.
        conditions = h.node_conditions_observed_since(
            last_observed_at, self.config.pressure_transition_period, now
        )
        thresholds = h.thresholds_met_grace_period(first_observed_at, now)
        if trace:
            trace.node_conditions = list(conditions)
            trace.thresholds_grace_period_met = describe_thresholds(thresholds)

        with self._lock:
            self.node_conditions = conditions
            self.thresholds_first_observed_at = first_observed_at
            self.node_conditions_last_observed_at = last_observed_at
            self.thresholds_met = thresholds
            thresholds = h.thresholds_updated_stats(
                thresholds, observations, self.last_observations
            )
            self.last_observations = observations
        if trace:
            trace.thresholds_updated_stats = describe_thresholds(thresholds)

        if features.enabled(features.LOCAL_STORAGE_CAPACITY_ISOLATION):
            evicted = self.local_storage_eviction(summary, active_pods)
            if evicted:
                return evicted

        starved = h.get_starved_resources(thresholds)
        if trace:
            trace.starved_resources = list(starved)
        if not starved:
            return None
        # sort.Sort(byEvictionPriority(starved)): memory first, nothing else ordered.
        go_sort(starved, h.by_eviction_priority_less)
        resource_to_reclaim = starved[0]
        soft_eviction = h.is_soft_eviction_thresholds(thresholds, resource_to_reclaim)
        if trace:
            trace.resource_to_reclaim = resource_to_reclaim
            trace.soft_eviction = soft_eviction
        self._event(
            self.node_ref,
            "EvictionThresholdMet",
            f"Attempting to reclaim {resource_to_reclaim}",
        )
        if self.reclaim_node_level_resources(resource_to_reclaim):
            return None

        rank = self.resource_to_rank_func.get(resource_to_reclaim)
        if rank is None:
            if trace:
                trace.error = f"no ranking function for resource {resource_to_reclaim}"
            return None
        if not active_pods:
            if trace:
                trace.error = "eviction thresholds have been met, but no pods are active to evict"
            return None
        # Go sorts the very slice podFunc returned; so do we.
        rank(active_pods, stats_func)
        if trace:
            trace.ranking = [_pod_key(p) for p in active_pods]

        for pod in active_pods:
            if (
                features.enabled(features.EXPERIMENTAL_CRITICAL_POD_ANNOTATION)
                and is_critical_pod(pod)
                and is_static_pod(pod)
            ):
                continue
            message = h.MESSAGE.format(resource_to_reclaim)
            status = {"phase": "Failed", "message": message, "reason": h.REASON}
            self._event(pod, h.REASON, message)
            grace_period_override = self.config.max_pod_grace_period_seconds if soft_eviction else 0
            error = self._kill(pod, status, grace_period_override)
            if trace:
                trace.evicted.append(
                    Eviction(
                        pod=_pod_key(pod),
                        uid=pod_uid(pod),
                        resource=resource_to_reclaim,
                        message=message,
                        grace_period_override=grace_period_override,
                        error=error,
                    )
                )
            return [pod]
        if trace:
            trace.error = "unable to evict any pods from the node"
        return None

    def _kill(self, pod: Pod, status: dict[str, Any], grace: int) -> str | None:
        try:
            self.kill_pod_func(pod, status, grace)
        except Exception as err:  # Go only logs a failed kill and carries on
            return str(err)
        return None

    def _event(self, obj: Any, reason: str, message: str) -> None:
        self.recorder.eventf(obj, EVENT_TYPE_WARNING, reason, "%s", message)
        if self.last_trace is not None:
            self.last_trace.events.append(f"{EVENT_TYPE_WARNING} {reason} {message}")

    @mirrors(f"{_MGR}.waitForPodsCleanup")
    def wait_for_pods_cleanup(self, pod_cleaned_up_func: PodCleanedUpFunc, pods: list[Pod]) -> bool:
        """Mirrors ``(*managerImpl).waitForPodsCleanup``: poll every second (on the clock)
        until all pods are cleaned up, up to 30 s.

        >>> from reference_impl.eviction.fakes import example_manager
        >>> m, killer, gc = example_manager()
        >>> web = {
        ...     "metadata": {"name": "web", "namespace": "default"},
        ...     "spec": {"containers": [{"name": "c"}]},
        ... }
        >>> m.wait_for_pods_cleanup(lambda pod: False, [web]), m.clock.now().time()
        (False, datetime.time(0, 0, 30))
        >>> m.wait_for_pods_cleanup(lambda pod: True, [web]), m.clock.now().time()
        (True, datetime.time(0, 0, 31))
        """
        deadline = self.clock.now() + POD_CLEANUP_TIMEOUT
        while True:
            self.clock.sleep(POD_CLEANUP_POLL_FREQ)
            if all(pod_cleaned_up_func(p) for p in pods):
                return True
            if self.clock.now() >= deadline:
                return False

    @mirrors(f"{_MGR}.reclaimNodeLevelResources")
    def reclaim_node_level_resources(self, resource_to_reclaim: str) -> bool:
        """Mirrors ``(*managerImpl).reclaimNodeLevelResources``: run container and image
        GC; True if that alone relieved every threshold.

        >>> from reference_impl.eviction.fakes import example_manager
        >>> m, killer, gc = example_manager()
        >>> m.reclaim_node_level_resources("memory")  # no reclaim function for memory
        False
        """
        funcs = self.resource_to_node_reclaim_funcs.get(resource_to_reclaim, [])
        record: dict[str, Any] = {"resource": resource_to_reclaim, "ran": [], "errors": []}
        if self.last_trace is not None:
            self.last_trace.node_reclaim = record
        for func in funcs:
            record["ran"].append(getattr(func, "__name__", repr(func)))
            try:
                func()
            except Exception as err:  # Go logs and continues with the next function
                record["errors"].append(str(err))
        if funcs:
            try:
                summary = self.summary_provider.get(True)
            except Exception as err:
                record["errors"].append(f"failed to get summary stats after reclaim: {err}")
                record["relieved"] = False
                return False
            observations, _ = h.make_signal_observations(summary)
            thresholds = h.thresholds_met(self.config.thresholds, observations, False)
            record["observations_after"] = describe_observations(observations)
            record["thresholds_met_after"] = describe_thresholds(thresholds)
            if not thresholds:
                record["relieved"] = True
                return True
        record["relieved"] = False
        return False

    # -- local storage isolation ------------------------------------------------------
    @mirrors(f"{_MGR}.localStorageEviction")
    def local_storage_eviction(self, summary: Summary, pods: list[Pod]) -> list[Pod]:
        """Mirrors ``(*managerImpl).localStorageEviction``: evict every pod over an
        emptyDir sizeLimit or an ephemeral-storage limit.

        >>> from reference_impl.eviction.fakes import example_manager
        >>> m, killer, gc = example_manager()
        >>> web = {
        ...     "metadata": {"name": "web", "namespace": "default"},
        ...     "spec": {"containers": [{"name": "c"}]},
        ... }
        >>> m.local_storage_eviction({"pods": []}, [web])  # no stats for web: skipped
        []
        """
        stats_func = h.cached_stats_func(summary.get("pods") or [])
        evicted = []
        for pod in pods:
            pod_stats, found = stats_func(pod)
            if not found or pod_stats is None:
                continue
            # Shortcut: a pod without an emptyDir sizeLimit or an ephemeral-storage limit
            # can fail none of the three checks -- but Go still dereferences each of its
            # volumes' usedBytes on the way, so that crash is kept.
            if not parsed(pod).needs_local_storage_check:
                _volume_used_bytes(pod_stats, pod)
                continue
            if (
                self.empty_dir_limit_eviction(pod_stats, pod)
                or self.pod_ephemeral_storage_limit_eviction(pod_stats, pod)
                or self.container_ephemeral_storage_limit_eviction(pod_stats, pod)
            ):
                evicted.append(pod)
        return evicted

    @mirrors(f"{_MGR}.emptyDirLimitEviction")
    def empty_dir_limit_eviction(self, pod_stats: PodStats, pod: Pod) -> bool:
        """Mirrors ``(*managerImpl).emptyDirLimitEviction``: evict the pod if an emptyDir
        volume uses more than its sizeLimit.

        >>> from reference_impl.eviction.fakes import example_manager
        >>> m, killer, gc = example_manager()
        >>> web = {
        ...     "metadata": {"name": "web", "namespace": "default"},
        ...     "spec": {"containers": [{"name": "c"}]},
        ... }
        >>> m.empty_dir_limit_eviction({}, web)  # web has no emptyDir sizeLimit
        False
        """
        used_by_volume = _volume_used_bytes(pod_stats, pod)
        limits = parsed(pod).empty_dir_limits
        if not limits:
            return False
        for name, size in limits:
            used = used_by_volume.get(name)
            if used is not None and size.sign() == 1 and used.cmp(size) > 0:
                return self.evict_pod(pod, "EmptyDir", f'emptyDir usage exceeds the limit "{size}"')
        return False

    @mirrors(f"{_MGR}.podEphemeralStorageLimitEviction")
    def pod_ephemeral_storage_limit_eviction(self, pod_stats: PodStats, pod: Pod) -> bool:
        """Mirrors ``(*managerImpl).podEphemeralStorageLimitEviction``: evict the pod if its
        local ephemeral storage exceeds the sum of its containers' limits.

        >>> from reference_impl.eviction.fakes import example_manager
        >>> m, killer, gc = example_manager()
        >>> web = {
        ...     "metadata": {"name": "web", "namespace": "default"},
        ...     "spec": {"containers": [{"name": "c"}]},
        ... }
        >>> m.pod_ephemeral_storage_limit_eviction({}, web)  # web sets no limit
        False
        """
        if not parsed(pod).has_ephemeral_limit:
            return False
        _, limits = pod_requests_and_limits(pod)
        limit = limits[RESOURCE_EPHEMERAL_STORAGE]
        if self.dedicated_image_fs:
            stats_set = [FS_STATS_LOGS, FS_STATS_LOCAL_VOLUME_SOURCE]
        else:
            stats_set = [FS_STATS_ROOT, FS_STATS_LOGS, FS_STATS_LOCAL_VOLUME_SOURCE]
        usage = h.pod_local_ephemeral_storage_usage(pod_stats, pod, stats_set)
        total = Quantity(0, DECIMAL_SI)
        total.add(usage[h.RESOURCE_DISK])
        if total.cmp(limit) > 0:
            return self.evict_pod(
                pod,
                RESOURCE_EPHEMERAL_STORAGE,
                # Go formats the Quantity *value* with %v: its struct, not "1Gi".
                "pod ephemeral local storage usage exceeds the total limit of containers "
                + limit.go_value_repr(),
            )
        return False

    @mirrors(f"{_MGR}.containerEphemeralStorageLimitEviction")
    def container_ephemeral_storage_limit_eviction(self, pod_stats: PodStats, pod: Pod) -> bool:
        """Mirrors ``(*managerImpl).containerEphemeralStorageLimitEviction``: evict the pod
        if one container's logs (and rootfs, without a dedicated image fs) exceed its limit.

        >>> from reference_impl.eviction.fakes import example_manager
        >>> m, killer, gc = example_manager()
        >>> web = {
        ...     "metadata": {"name": "web", "namespace": "default"},
        ...     "spec": {"containers": [{"name": "c"}]},
        ... }
        >>> m.container_ephemeral_storage_limit_eviction({}, web)  # web sets no limit
        False
        """
        limits: dict[str, Quantity] = {}
        for container in parsed(pod).containers:
            limit = container.limits.get(RESOURCE_EPHEMERAL_STORAGE)
            if limit is not None and limit.value() != 0:
                limits[container.name] = limit
        if not limits:
            return False
        for container_stats in pod_stats.get("containers") or []:
            used = h.disk_usage(container_stats.get("logs"))
            if not self.dedicated_image_fs:
                used.add(h.disk_usage(container_stats.get("rootfs")))
            limit = limits.get(container_stats.get("name", ""))
            if limit is not None and limit.cmp(used) < 0:
                return self.evict_pod(
                    pod,
                    RESOURCE_EPHEMERAL_STORAGE,
                    f'container\'s ephemeral local storage usage exceeds the limit "{limit}"',
                )
        return False

    @mirrors(f"{_MGR}.evictPod")
    def evict_pod(self, pod: Pod, resource_name: str, evict_msg: str) -> bool:
        """Mirrors ``(*managerImpl).evictPod``: kill a pod for local storage, with no grace
        period (critical static pods excepted).

        >>> from reference_impl.eviction.fakes import example_manager
        >>> m, killer, gc = example_manager()
        >>> web = {
        ...     "metadata": {"name": "web", "namespace": "default"},
        ...     "spec": {"containers": [{"name": "c"}]},
        ... }
        >>> m.evict_pod(web, "ephemeral-storage", "too big")
        True
        >>> killer.grace_period_override, killer.status["message"]
        (0, 'The node was low on resource: ephemeral-storage.')
        """
        if (
            features.enabled(features.EXPERIMENTAL_CRITICAL_POD_ANNOTATION)
            and is_critical_pod(pod)
            and is_static_pod(pod)
        ):
            return False
        status = {"phase": "Failed", "message": h.MESSAGE.format(resource_name), "reason": h.REASON}
        self._event(pod, h.REASON, evict_msg)
        error = self._kill(pod, status, 0)
        if self.last_trace is not None:
            self.last_trace.evicted.append(
                Eviction(
                    pod=_pod_key(pod),
                    uid=pod_uid(pod),
                    resource=resource_name,
                    message=evict_msg,
                    grace_period_override=0,
                    local_storage=True,
                    error=error,
                )
            )
        return True


@mirrors(f"{_EV}.startMemoryThresholdNotifier")
def start_memory_threshold_notifier(
    thresholds: list[Threshold],
    observations: SignalObservations,
    hard: bool,
    handler: ThresholdNotifierHandlerFunc,
) -> dict[str, Any] | None:
    """Describe the memcg notifier the kubelet would register (the mirror registers none).

    Returns what would be registered — attribute, usage threshold, description —
    for the first matching memory.available threshold, or None.

    Mirrors Go ``eviction.startMemoryThresholdNotifier``.

    >>> start_memory_threshold_notifier([], {}, True, lambda desc: None) is None
    True
    """
    for threshold in thresholds:
        if threshold.signal != SIGNAL_MEMORY_AVAILABLE or hard != h.is_hard_eviction_threshold(
            threshold
        ):
            continue
        observed = observations.get(SIGNAL_MEMORY_AVAILABLE)
        if observed is None or observed.capacity is None:
            continue
        quantity = get_threshold_quantity(threshold.value, observed.capacity)
        usage_threshold = new_quantity(observed.capacity.value(), DECIMAL_SI)
        usage_threshold.sub(quantity)
        description = f"<{h.format_threshold_value(threshold.value)} available"
        notifier = new_memcg_threshold_notifier(
            "", "memory.usage_in_bytes", str(usage_threshold.value()), description, handler
        )
        notifier.start()
        return {
            "hard": hard,
            "attribute": notifier.attribute,
            "threshold": notifier.threshold,
            "description": description,
            "registered": False,
        }
    return None


@mirrors(f"{_EV}.NewManager")
def new_manager(
    summary_provider: SummaryProvider,
    config: Config,
    kill_pod_func: KillPodFunc,
    image_gc: ImageGC,
    container_gc: ContainerGC,
    recorder: EventRecorder,
    node_ref: dict[str, Any] | None,
    clock: Clock,
    *,
    record_traces: bool = True,
) -> Manager:
    """``NewManager``: one object that is both the Manager and the PodAdmitHandler.

    Go returns ``(Manager, lifecycle.PodAdmitHandler)``, the same ``*managerImpl`` twice.
    Here it is returned once. Unpacking it as a pair (``manager, handler = new_manager(...)``,
    the form of earlier releases) still works for one release, with a DeprecationWarning.

    >>> from datetime import datetime, timedelta, timezone
    >>> from reference_impl.clock import FakeClock
    >>> from reference_impl.eviction.fakes import FakeDiskGC, FakePodKiller, FakeRecorder
    >>> from reference_impl.eviction.fakes import FakeSummaryProvider
    >>> from reference_impl.eviction.types import Config, PodAdmitAttributes
    >>> gc = FakeDiskGC()
    >>> manager = new_manager(
    ...     FakeSummaryProvider(),
    ...     Config(0, timedelta(minutes=5), []),
    ...     FakePodKiller(),
    ...     gc,
    ...     gc,
    ...     FakeRecorder(),
    ...     {"kind": "Node"},
    ...     FakeClock(datetime(2018, 11, 26, tzinfo=timezone.utc)),
    ... )
    >>> manager.admit(PodAdmitAttributes(pod={"metadata": {"name": "web"}})).admit
    True
    """
    manager = Manager(
        summary_provider,
        config,
        kill_pod_func,
        image_gc,
        container_gc,
        recorder,
        node_ref,
        clock,
        record_traces=record_traces,
    )
    return manager


@dataclass
class MonitorLoop:
    """The body of ``Start``'s goroutine, one iteration at a time.

    One deliberate difference: Go sleeps between passes with ``time.Sleep`` (wall
    time, not the manager's clock); here the pause goes through the injected
    clock too, so a fake clock drives the whole loop and nothing really sleeps.
    The cleanup wait after an eviction uses the clock in Go as well.

    >>> from datetime import datetime, timedelta, timezone
    >>> from reference_impl.clock import FakeClock
    >>> from reference_impl.eviction.fakes import (
    ...     FakeDiskGC,
    ...     FakeDiskInfoProvider,
    ...     FakePodKiller,
    ...     FakeRecorder,
    ...     FakeSummaryProvider,
    ... )
    >>> from reference_impl.eviction.types import Config
    >>> gc = FakeDiskGC()
    >>> m = new_manager(
    ...     FakeSummaryProvider(),
    ...     Config(0, timedelta(minutes=5), []),
    ...     FakePodKiller(),
    ...     gc,
    ...     gc,
    ...     FakeRecorder(),
    ...     {"kind": "Node"},
    ...     FakeClock(datetime(2018, 11, 26, tzinfo=timezone.utc)),
    ... )
    >>> loop = MonitorLoop(
    ...     m, FakeDiskInfoProvider(False), lambda: [], lambda pod: True, timedelta(seconds=10)
    ... )
    >>> loop.run_for(timedelta(minutes=1))
    >>> loop.iterations
    6
    """

    manager: Manager
    disk_info_provider: DiskInfoProvider
    pod_func: ActivePodsFunc
    pod_cleaned_up_func: PodCleanedUpFunc
    monitoring_interval: timedelta
    iterations: int = 0
    last_started: datetime | None = None
    on_iteration: Callable[[list[Pod] | None], None] | None = None
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    @mirrors(f"{_MGR}.Start$1")
    def step(self) -> list[Pod] | None:
        """Synchronize; then wait for the evicted pods' cleanup, or sleep one interval."""
        self.last_started = self.manager.clock.now()
        evicted = self.manager.synchronize(self.disk_info_provider, self.pod_func)
        if evicted is not None:
            self.manager.wait_for_pods_cleanup(self.pod_cleaned_up_func, evicted)
        else:
            self.manager.clock.sleep(self.monitoring_interval)
        self.iterations += 1
        if self.on_iteration is not None:
            self.on_iteration(evicted)
        return evicted

    def run_for(self, duration: timedelta) -> None:
        """Iterate until the manager's clock has advanced by ``duration``."""
        end = self.manager.clock.now() + duration
        while self.manager.clock.now() < end and not self._stop.is_set():
            self.step()

    def start_thread(self) -> None:
        def run() -> None:
            while not self._stop.is_set():
                self.step()

        self._thread = threading.Thread(target=run, name="eviction-manager", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()


__all__ = ["Manager", "MonitorLoop", "new_manager", "start_memory_threshold_notifier"]


def _volume_used_bytes(pod_stats: PodStats, pod: Pod) -> dict[str, Quantity]:
    """Used bytes per volume name, as emptyDirLimitEviction builds them first.

    Go dereferences UsedBytes for every volume, before it looks at any limit: a volume
    reported without usedBytes crashes the 1.10 kubelet (nil pointer), even for a pod
    with no emptyDir limit.  The mirror refuses the same input (found by the
    differential run against the real code).
    """
    used_by_volume: dict[str, Quantity] = {}
    for volume in pod_stats.get("volume") or []:
        if volume.get("usedBytes") is None:
            raise GoPanic(
                "panic: runtime error: invalid memory address or nil pointer dereference "
                f"(emptyDirLimitEviction: volume {volume.get('name', '')!r} of pod "
                f"{format_pod(pod)} has no usedBytes)"
            )
        used_by_volume[volume.get("name", "")] = new_quantity(
            h._int64(volume["usedBytes"]), BINARY_SI
        )
    return used_by_volume
