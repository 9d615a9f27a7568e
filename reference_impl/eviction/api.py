"""Mirror of ``pkg/kubelet/eviction/api/types.go``: signals, thresholds, values.

Go's ``Threshold`` is a struct compared with ``==`` and used as a map key (the
manager keeps ``map[Threshold]time.Time``).  Its ``Value.Quantity`` and
``MinReclaim`` are *pointers*, so two thresholds are the same key only when they
share those pointers.  :class:`Threshold` reproduces that: equality and hashing
use the identity of the quantity and of the min-reclaim value, and the value of
every other field.  Copies made with :func:`dataclasses.replace` keep the
pointers, exactly like a Go struct copy.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from datetime import timedelta

from reference_impl.mirrors import mirrors
from reference_impl.quantity import BINARY_SI, Quantity, new_quantity

_API = "k8s.io/kubernetes/pkg/kubelet/eviction/api"

SIGNAL_MEMORY_AVAILABLE = "memory.available"
SIGNAL_NODE_FS_AVAILABLE = "nodefs.available"
SIGNAL_NODE_FS_INODES_FREE = "nodefs.inodesFree"
SIGNAL_IMAGE_FS_AVAILABLE = "imagefs.available"
SIGNAL_IMAGE_FS_INODES_FREE = "imagefs.inodesFree"
SIGNAL_ALLOCATABLE_MEMORY_AVAILABLE = "allocatableMemory.available"
# Declared in 1.10 but not accepted by ParseThresholdConfig (no resource mapping).
SIGNAL_ALLOCATABLE_NODE_FS_AVAILABLE = "allocatableNodeFs.available"
SIGNAL_PID_AVAILABLE = "pid.available"

OP_LESS_THAN = "LessThan"

# OpForSignal at v1.10.11: note pid.available has no operator entry.
OP_FOR_SIGNAL: dict[str, str] = {
    SIGNAL_MEMORY_AVAILABLE: OP_LESS_THAN,
    SIGNAL_NODE_FS_AVAILABLE: OP_LESS_THAN,
    SIGNAL_NODE_FS_INODES_FREE: OP_LESS_THAN,
    SIGNAL_IMAGE_FS_AVAILABLE: OP_LESS_THAN,
    SIGNAL_IMAGE_FS_INODES_FREE: OP_LESS_THAN,
    SIGNAL_ALLOCATABLE_MEMORY_AVAILABLE: OP_LESS_THAN,
    SIGNAL_ALLOCATABLE_NODE_FS_AVAILABLE: OP_LESS_THAN,
}

_F32 = struct.Struct("<f")

INT64_MIN = -(1 << 63)
INT64_MAX = (1 << 63) - 1


class GoPanic(RuntimeError):
    """Input on which the 1.10 Go code panics (and the kubelet process dies).

    The mirror refuses the same input instead of inventing a behaviour; the message
    starts with Go's own panic text.

    >>> isinstance(GoPanic("panic: x"), RuntimeError)
    True
    """


def float32(value: float) -> float:
    """Round a Python float to the nearest IEEE single, as Go's float32() does.

    >>> float32(0.1)
    0.10000000149011612
    """
    try:
        return float(_F32.unpack(_F32.pack(value))[0])
    except OverflowError:
        return float("inf") if value > 0 else float("-inf")


@mirrors(f"{_API}.ThresholdValue")
@dataclass(frozen=True, eq=False)
class ThresholdValue:
    """Either a quantity or a fraction (``0.1`` for 10%), never both used.

    ``percentage`` always holds a value representable as a Go ``float32``.

    Mirrors Go ``api.ThresholdValue``.

    >>> ThresholdValue(percentage=0.1).percentage
    0.10000000149011612
    >>> from reference_impl.quantity import must_parse
    >>> str(ThresholdValue(quantity=must_parse("100Mi")).quantity)
    '100Mi'
    """

    quantity: Quantity | None = None
    percentage: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "percentage", float32(self.percentage))

    def _key(self) -> tuple[int, float]:
        return (id(self.quantity) if self.quantity is not None else 0, self.percentage)

    def __eq__(self, other: object) -> bool:
        # Go struct equality: pointer identity for Quantity, value for Percentage.
        if not isinstance(other, ThresholdValue):
            return NotImplemented
        return self.quantity is other.quantity and self.percentage == other.percentage

    def __hash__(self) -> int:
        return hash(self._key())

    def describe(self) -> str:
        """Presentation helper (not in Go): ``1Gi`` or ``10%``."""
        if self.quantity is not None:
            return str(self.quantity)
        return f"{float32(self.percentage * 100):g}%"


@mirrors(f"{_API}.Threshold")
@dataclass(frozen=True, eq=False)
class Threshold:
    """An eviction threshold: ``signal`` ``operator`` ``value`` for ``grace_period``.

    Mirrors Go ``api.Threshold``.

    >>> from reference_impl.quantity import must_parse
    >>> t = Threshold(
    ...     SIGNAL_MEMORY_AVAILABLE, OP_LESS_THAN, ThresholdValue(quantity=must_parse("100Mi"))
    ... )
    >>> (t.signal, t.operator, str(t.value.quantity))
    ('memory.available', 'LessThan', '100Mi')
    """

    signal: str
    operator: str = ""
    value: ThresholdValue = field(default_factory=ThresholdValue)
    grace_period: timedelta = timedelta(0)
    min_reclaim: ThresholdValue | None = None

    def _key(self) -> tuple[object, ...]:
        return (
            self.signal,
            self.operator,
            self.value._key(),
            self.grace_period,
            id(self.min_reclaim) if self.min_reclaim is not None else 0,
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Threshold):
            return NotImplemented
        return (
            self.signal == other.signal
            and self.operator == other.operator
            and self.value == other.value
            and self.grace_period == other.grace_period
            and self.min_reclaim is other.min_reclaim
        )

    def __hash__(self) -> int:
        return hash(self._key())

    def to_dict(self) -> dict[str, object]:
        """Presentation helper (not in Go): plain data for traces and ``explain``."""
        return {
            "signal": self.signal,
            "operator": self.operator,
            "value": self.value.describe(),
            "grace_period_seconds": self.grace_period.total_seconds(),
            "min_reclaim": self.min_reclaim.describe() if self.min_reclaim else None,
            "hard": self.grace_period == timedelta(0),
        }


@mirrors(f"{_API}.GetThresholdQuantity")
def get_threshold_quantity(value: ThresholdValue, capacity: Quantity | None) -> Quantity:
    """The threshold as a quantity; percentages are taken of ``capacity``.

    Go computes ``int64(float64(capacity.Value()) * float64(percentage))``: the
    float32 percentage is widened, multiplied in float64 and truncated — hence
    10% of 10Gi is 1073741840, not 1073741824.

    Mirrors Go ``api.GetThresholdQuantity``.

    >>> from reference_impl.quantity import must_parse
    >>> get_threshold_quantity(ThresholdValue(percentage=float32(0.1)), must_parse("10Gi")).value()
    1073741840
    """
    if value.quantity is not None:
        return value.quantity.copy()
    if capacity is None:
        raise ValueError("percentage threshold needs a capacity to compare against")
    product = float(capacity.value()) * value.percentage
    if product != product or product in (float("inf"), float("-inf")):
        # int64() of NaN/Inf on amd64 yields the "integer indefinite" value.
        return new_quantity(INT64_MIN, BINARY_SI)
    truncated = int(product)
    if not INT64_MIN <= truncated <= INT64_MAX:
        # So does any finite value outside int64 (CVTTSD2SQ on amd64): 100.0% of a capacity
        # of 2**63-1 bytes is float64 2**63, which becomes -2**63 -- a threshold never met.
        # Found by comparison with the real code (reference_impl/eviction/replay/known.py).
        return new_quantity(INT64_MIN, BINARY_SI)
    return new_quantity(truncated, BINARY_SI)
