"""Mirror of apimachinery's ``util/clock``: a real clock and a fake one for tests.

The eviction manager never reads the wall clock directly; it asks its injected
clock.  With :class:`FakeClock` a test (or the simulator) moves time explicitly,
and ``sleep`` *advances* the fake time instead of blocking — exactly what
apimachinery's ``FakeClock.Sleep`` does — so nothing in the test suite sleeps.
"""

from __future__ import annotations

import threading
import time as _time
from datetime import UTC, datetime, timedelta
from typing import Protocol

from reference_impl.mirrors import mirrors

_CLOCK = "k8s.io/kubernetes/vendor/k8s.io/apimachinery/pkg/util/clock"


class Clock(Protocol):
    """What the eviction manager needs from a clock.

    >>> c = FakeClock()
    >>> c.since(c.now())  # one implementation
    datetime.timedelta(0)
    """

    def now(self) -> datetime: ...

    def since(self, ts: datetime) -> timedelta: ...

    def sleep(self, duration: timedelta) -> None: ...


class RealClock:
    """Wall-clock time (timezone-aware UTC).

    >>> RealClock().now().tzinfo is not None
    True
    """

    @mirrors(f"({_CLOCK}.RealClock).Now")
    def now(self) -> datetime:
        return datetime.now(UTC)

    @mirrors(f"({_CLOCK}.RealClock).Since")
    def since(self, ts: datetime) -> timedelta:
        return self.now() - ts

    @mirrors(f"({_CLOCK}.RealClock).Sleep")
    def sleep(self, duration: timedelta) -> None:
        _time.sleep(max(duration.total_seconds(), 0.0))


class FakeClock:
    """A clock that only moves when told to (``step``/``set_time``/``sleep``).

    >>> from datetime import datetime, timedelta, timezone
    >>> c = FakeClock(datetime(2018, 11, 26, tzinfo=timezone.utc))
    >>> c.step(timedelta(seconds=90))
    >>> c.now().isoformat()
    '2018-11-26T00:01:30+00:00'
    """

    def __init__(self, start: datetime | None = None) -> None:
        if start is None:
            start = datetime(2018, 11, 26, 0, 0, 0, tzinfo=UTC)
        self._time = start
        self._lock = threading.Lock()

    @mirrors(f"(*{_CLOCK}.FakeClock).Now")
    def now(self) -> datetime:
        with self._lock:
            return self._time

    @mirrors(f"(*{_CLOCK}.FakeClock).Since")
    def since(self, ts: datetime) -> timedelta:
        return self.now() - ts

    @mirrors(f"(*{_CLOCK}.FakeClock).Step")
    def step(self, duration: timedelta) -> None:
        with self._lock:
            self._time = self._time + duration

    @mirrors(f"(*{_CLOCK}.FakeClock).SetTime")
    def set_time(self, ts: datetime) -> None:
        with self._lock:
            self._time = ts

    @mirrors(f"(*{_CLOCK}.FakeClock).Sleep")
    def sleep(self, duration: timedelta) -> None:
        # apimachinery's FakeClock.Sleep steps the clock rather than blocking.
        self.step(duration)


@mirrors(f"{_CLOCK}.NewFakeClock")
def new_fake_clock(start: datetime) -> FakeClock:
    """A FakeClock set to ``start``.

    Mirrors Go ``clock.NewFakeClock``.

    >>> from datetime import datetime, timezone
    >>> new_fake_clock(datetime(2018, 11, 26, tzinfo=timezone.utc)).now().year
    2018
    """
    return FakeClock(start)
