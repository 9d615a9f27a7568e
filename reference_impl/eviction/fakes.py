"""Test doubles for the manager's collaborators (the mocks of eviction_manager_test.go).

Each keeps what it was asked so a test can assert on it, and nothing else.
"""

from __future__ import annotations

import json
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from reference_impl.clock import FakeClock
from reference_impl.eviction.eviction_manager import Manager, new_manager
from reference_impl.eviction.stats import validate_summary
from reference_impl.eviction.types import Config, Pod, Summary


@dataclass
class FakeSummaryProvider:
    """Returns ``result``; set ``error`` to make ``get`` fail like a broken stats provider.

    >>> p = FakeSummaryProvider(result={"node": {}, "pods": []})
    >>> p.get(True)
    {'node': {}, 'pods': []}
    """

    result: Summary | None = None
    error: Exception | None = None
    validate: bool = False
    calls: int = 0

    def get(self, update_stats: bool) -> Summary:
        self.calls += 1
        if self.error is not None:
            raise self.error
        if self.result is None:
            raise RuntimeError("no summary available")
        return validate_summary(self.result) if self.validate else self.result


@dataclass
class HTTPSummaryProvider:
    """Fetches ``/stats/summary`` JSON from a URL (a kubelet read-only port, a test server).

    >>> HTTPSummaryProvider("http://127.0.0.1:10255/stats/summary").url
    'http://127.0.0.1:10255/stats/summary'
    """

    url: str
    timeout: float = 5.0

    def get(self, update_stats: bool) -> Summary:
        with urllib.request.urlopen(self.url, timeout=self.timeout) as response:
            return validate_summary(json.loads(response.read().decode("utf-8")))


@dataclass
class FakeDiskInfoProvider:
    """``mockDiskInfoProvider``: answers whether the runtime has a dedicated image filesystem.

    >>> FakeDiskInfoProvider(dedicated_image_fs=True).has_dedicated_image_fs()
    True
    """

    dedicated_image_fs: bool = False
    error: Exception | None = None

    def has_dedicated_image_fs(self) -> bool:
        if self.error is not None:
            raise self.error
        return self.dedicated_image_fs


@dataclass
class FakeDiskGC:
    """``mockDiskGC``: records GC calls; can swap the summary to simulate reclaimed disk.

    >>> gc = FakeDiskGC()
    >>> gc.delete_unused_images()
    >>> gc.image_gc_invoked
    True
    """

    err: Exception | None = None
    image_gc_invoked: bool = False
    container_gc_invoked: bool = False
    fake_summary_provider: FakeSummaryProvider | None = None
    summary_after_gc: Summary | None = None

    def _after_gc(self) -> None:
        if self.summary_after_gc is not None and self.fake_summary_provider is not None:
            self.fake_summary_provider.result = self.summary_after_gc
        if self.err is not None:
            raise self.err

    def delete_unused_images(self) -> None:
        self.image_gc_invoked = True
        self._after_gc()

    def delete_all_unused_containers(self) -> None:
        self.container_gc_invoked = True
        self._after_gc()


@dataclass
class FakePodKiller:
    """``mockPodKiller``: remembers the last pod killed, its status and grace override.

    >>> k = FakePodKiller()
    >>> k.kill_pod_now({"metadata": {"name": "web"}}, {"phase": "Failed"}, 0)
    >>> (k.pod["metadata"]["name"], k.grace_period_override)
    ('web', 0)
    """

    pod: Pod | None = None
    status: dict[str, Any] | None = None
    grace_period_override: int | None = None
    killed: list[Pod] = field(default_factory=list)
    error: Exception | None = None

    def kill_pod_now(
        self, pod: Pod, status: dict[str, Any], grace_period_override: int | None
    ) -> None:
        self.pod = pod
        self.status = status
        self.grace_period_override = grace_period_override
        self.killed.append(pod)
        if self.error is not None:
            raise self.error

    __call__ = kill_pod_now

    def reset(self) -> None:
        self.pod = None
        self.status = None
        self.grace_period_override = None


@dataclass
class FakeRecorder:
    """``record.FakeRecorder``: events as ``"<type> <reason> <message>"`` strings.

    >>> r = FakeRecorder()
    >>> r.eventf({}, "Warning", "Evicted", "The node was low on resource: %s.", "memory")
    >>> r.events
    ['Warning Evicted The node was low on resource: memory.']
    """

    events: list[str] = field(default_factory=list)

    def eventf(self, obj: Any, event_type: str, reason: str, message_fmt: str, *args: Any) -> None:
        message = message_fmt % args if args else message_fmt
        self.events.append(f"{event_type} {reason} {message}")


def example_manager() -> tuple[Manager, FakePodKiller, FakeDiskGC]:
    """A manager on these fakes for short examples: no thresholds, an empty Summary, a fake
    clock at 2018-11-26T00:00Z; returns (manager, its pod killer, its disk GC).

    The docstring examples of :mod:`reference_impl.eviction.eviction_manager` start here, so
    each shows only what its method does.

    >>> m, killer, gc = example_manager()
    >>> m.is_under_memory_pressure(), killer.killed, m.clock.now().isoformat()
    (False, [], '2018-11-26T00:00:00+00:00')
    """
    gc, killer = FakeDiskGC(), FakePodKiller()
    manager = new_manager(
        FakeSummaryProvider(),
        Config(0, timedelta(minutes=5), []),
        killer,
        gc,
        gc,
        FakeRecorder(),
        None,
        FakeClock(datetime(2018, 11, 26, tzinfo=UTC)),
    )
    return manager, killer, gc
