"""Mirror of ``threshold_notifier_linux.go``: the kernel memcg notifier — a documented no-op.

On Linux the kubelet can ask the kernel (``cgroup.event_control`` + an eventfd)
to wake it when ``memory.usage_in_bytes`` crosses a value, so that a memory
threshold is acted on sooner than the next 10 s pass.  The mirror never touches
cgroups: it records what would have been registered (the cgroup attribute, the
usage value and the description) and never fires.  Every decision in
``synchronize`` is still made by the periodic pass, which is what the notifier
would trigger anyway.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from reference_impl.mirrors import mirrors

_EV = "k8s.io/kubernetes/pkg/kubelet/eviction"

ThresholdNotifierHandlerFunc = Callable[[str], None]


@dataclass
class MemCGThresholdNotifier:
    """What would be registered with the kernel; ``start`` does nothing.

    >>> n = new_memcg_threshold_notifier(
    ...     "/sys/fs/cgroup/memory",
    ...     "memory.usage_in_bytes",
    ...     "1073741824",
    ...     "allocatable",
    ...     lambda d: None,
    ... )
    >>> isinstance(n, MemCGThresholdNotifier), n.start() is None
    (True, True)
    """

    path: str
    attribute: str
    threshold: str
    description: str
    handler: ThresholdNotifierHandlerFunc
    started: bool = False

    @mirrors(f"(*{_EV}.memcgThresholdNotifier).Start")
    def start(self) -> None:
        # No kernel registration: the handler is never called by the mirror.
        self.started = True


@mirrors(f"{_EV}.NewMemCGThresholdNotifier")
def new_memcg_threshold_notifier(
    path: str,
    attribute: str,
    threshold: str,
    description: str,
    handler: ThresholdNotifierHandlerFunc,
) -> MemCGThresholdNotifier:
    """Describe the memcg threshold notifier the kubelet would create (nothing is registered).

    Mirrors Go ``eviction.NewMemCGThresholdNotifier``.

    >>> n = new_memcg_threshold_notifier(
    ...     "/sys/fs/cgroup/memory", "memory.usage_in_bytes", "1073741824", "hard", lambda d: None
    ... )
    >>> n.threshold
    '1073741824'
    """
    return MemCGThresholdNotifier(path, attribute, threshold, description, handler)
