"""Goroutines on an injected clock: how the mirror runs Go's ``select`` loops.

A cluster's ``run`` loop is a generator.  Each time it would block in Go's ``select`` it yields
a :class:`Select` (its event channel, its stop flag, a timeout); :class:`Runtime` resumes it
with whichever case fires first: ``STOP``, an event, or ``TIMEOUT``.  With a
:class:`FakeClock` nothing sleeps: time jumps to the next deadline.  With :class:`RealClock`
(the real-etcd world) the runtime really waits.

Go's ``time.After`` inside the loop is created afresh on every iteration, so *any* event
restarts the reconcile timer; the runtime preserves that because each yield carries its own
timeout measured from the moment it is yielded.

This is our own small clock (``reference_impl/clock.py`` with apimachinery's FakeClock is
written elsewhere); it only needs ``now`` and ``sleep_until``.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any, Protocol


class Clock(Protocol):
    def now(self) -> float: ...

    def sleep_until(self, t: float) -> None: ...


class FakeClock:
    """Simulated seconds; ``sleep_until`` jumps."""

    def __init__(self, t: float = 0.0) -> None:
        self.t = t

    def now(self) -> float:
        return self.t

    def sleep_until(self, t: float) -> None:
        self.t = max(self.t, t)

    def step(self, d: float) -> None:
        self.t += d


class RealClock:
    """Monotonic seconds since construction; ``sleep_until`` really sleeps."""

    def __init__(self) -> None:
        self._t0 = time.monotonic()

    def now(self) -> float:
        return time.monotonic() - self._t0

    def sleep_until(self, t: float) -> None:
        d = t - self.now()
        if d > 0:
            time.sleep(d)


class _Stop:
    def __repr__(self) -> str:
        return "STOP"


class _Timeout:
    def __repr__(self) -> str:
        return "TIMEOUT"


STOP = _Stop()
TIMEOUT = _Timeout()


@dataclass
class Channel:
    """A buffered Go channel (only what ``send``/``select`` need) plus a close flag."""

    items: deque[Any] = field(default_factory=deque)
    closed: bool = False


@dataclass
class Select:
    events: Channel
    stop: Channel
    timeout: float


Goroutine = Generator[Select, Any, None]


@dataclass
class _Task:
    gen: Goroutine
    select: Select | None = None
    deadline: float = 0.0
    done: bool = False
    started: bool = False


class Runtime:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._tasks: list[_Task] = []
        # Other sources of work drained before goroutines, e.g. an informer's delivery
        # queue; each returns True when it did something.
        self.pumps: list[Callable[[], bool]] = []

    def go(self, gen: Goroutine) -> None:
        """Start a goroutine.  Like Go, the caller carries on first: the goroutine runs at
        the next ``run_pending``, up to its first blocking select."""
        self._tasks.append(_Task(gen))

    def _resume(self, task: _Task, value: Any) -> None:
        try:
            sel = task.gen.send(value)
        except StopIteration:
            task.done = True
            task.select = None
            return
        task.select = sel
        task.deadline = self.clock.now() + sel.timeout

    def _ready_value(self, task: _Task, now: float) -> Any:
        sel = task.select
        assert sel is not None
        # Go picks randomly among ready cases; we prefer stop, then events, then the timer,
        # which is one of the orders Go may pick.
        if sel.stop.closed:
            return STOP
        if sel.events.items:
            return sel.events.items.popleft()
        if now >= task.deadline:
            return TIMEOUT
        return None

    def run_pending(self) -> None:
        """Resume every goroutine whose select can proceed now, until none can."""
        progressed = True
        while progressed:
            progressed = False
            for pump in self.pumps:
                while pump():
                    progressed = True
            for task in list(self._tasks):
                if task.done:
                    continue
                if not task.started:
                    task.started = True
                    self._resume(task, None)
                    progressed = True
                    continue
                v = self._ready_value(task, self.clock.now())
                if v is not None:
                    self._resume(task, v)
                    progressed = True
            self._tasks = [t for t in self._tasks if not t.done]

    def next_deadline(self) -> float | None:
        live = [t.deadline for t in self._tasks if not t.done and t.started]
        return min(live) if live else None

    def run_until(self, t_end: float) -> None:
        """Advance the clock to ``t_end``, firing every select that becomes ready on the way."""
        while True:
            self.run_pending()
            nd = self.next_deadline()
            if nd is None or nd > t_end:
                self.clock.sleep_until(t_end)
                self.run_pending()
                return
            self.clock.sleep_until(nd)

    def alive(self) -> int:
        return sum(1 for t in self._tasks if not t.done)
