"""Mirror bugs found by comparison with the real code, each with a candidate fix.

A mismatch is *explained* by a known bug when applying that bug's candidate fix to the
mirror (a temporary monkeypatch, never an edit of ``reference_impl``) makes the scenario
agree with Go. That attributes every mismatch of a large run to a cause, and shows the
mirror's author a fix that is verified against the real code.

When the mirror is fixed, the patch becomes a no-op and the bug stops explaining anything;
then delete its entry.
"""

from __future__ import annotations

import contextlib
import importlib
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

INT64_MIN = -(1 << 63)
INT64_MAX = (1 << 63) - 1


@dataclass(frozen=True)
class KnownBug:
    """A mirror bug found by comparison with the real code, and its candidate fix."""

    key: str
    summary: str
    minimal: str
    patch: Callable[[], contextlib.AbstractContextManager[None]]


def _replace_everywhere(name: str, original: Any, replacement: Any) -> list[tuple[Any, str]]:
    """Rebind ``name`` in every loaded mirror module that holds ``original``."""
    done = []
    for mod_name, mod in list(sys.modules.items()):
        if mod_name.startswith("reference_impl") and getattr(mod, name, None) is original:
            setattr(mod, name, replacement)
            done.append((mod, name))
    return done


@contextlib.contextmanager
def _saturate_threshold_quantity() -> Iterator[None]:
    api = importlib.import_module("reference_impl.eviction.api")
    quantity = importlib.import_module("reference_impl.quantity")
    original = api.get_threshold_quantity

    def fixed(value, capacity):
        q = original(value, capacity)
        if getattr(value, "quantity", None) is None and not INT64_MIN <= q.value() <= INT64_MAX:
            # Go's int64(float64) on amd64: out of range gives the "integer indefinite"
            return quantity.new_quantity(INT64_MIN, quantity.BINARY_SI)
        return q

    done = _replace_everywhere("get_threshold_quantity", original, fixed)
    try:
        yield
    finally:
        for mod, name in done:
            setattr(mod, name, original)


# Fixed in the mirror; kept as the record of what the differential run found, and so a
# regression test can still show the candidate fix agreeing with Go.
FIXED_BUGS: tuple[KnownBug, ...] = (
    KnownBug(
        key="threshold-quantity-int64-overflow",
        summary=(
            "GetThresholdQuantity: int64(float64(capacity) * float64(percentage)) outside the "
            "int64 range is -9223372036854775808 in Go (amd64), but the mirror returns the "
            "out-of-range Python int (it only special-cases NaN and Inf)."
        ),
        minimal=(
            "get_threshold_quantity(ThresholdValue(percentage=1.0), "
            "must_parse('9223372036854775807')).value(): Go -9223372036854775808, mirror "
            "9223372036854775808. Through flags: eviction_hard {'memory.available': '100.0%'} "
            "(not '100%', which is ignored) or eviction_minimum_reclaim 150%, with capacity "
            ">= 2**63 / percentage. In synchronize: node memory availableBytes 2**63-1, "
            "workingSetBytes 0, hard memory.available<100.0% -> Go: no pressure; mirror: "
            "MemoryPressure and evicts a pod."
        ),
        patch=_saturate_threshold_quantity,
    ),
)

# Open mirror bugs: none at present. Add an entry when a run finds one.
KNOWN_BUGS: tuple[KnownBug, ...] = ()


def explain(
    scenario: dict[str, Any],
    go_result: dict[str, Any],
    run_python: Callable[[dict[str, Any]], dict[str, Any]],
) -> str | None:
    """The key of the known bug whose fix makes ``scenario`` agree with Go, if any.

    >>> from reference_impl.eviction.replay.generate import batch
    >>> from reference_impl.eviction.replay.pyrunner import run_scenario
    >>> s = batch(3, 1)[0]
    >>> explain(s, run_scenario(s), run_scenario) is None  # no open bug explains it
    True
    """
    from reference_impl.eviction.replay.compare import compare

    for bug in KNOWN_BUGS:
        with bug.patch():
            fixed = run_python(scenario)
        if compare(go_result, fixed).ok:
            return bug.key
    return None
