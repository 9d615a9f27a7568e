"""Go's ``multiSorter.Sort`` on many pods, calling each comparison once per *kind* of pod.

Why this exists
    ``orderedBy(cmp1, cmp2, cmp3).Sort(pods)`` runs Go 1.10's ``sort.Sort``, whose
    ``Less(i, j)`` calls the comparisons on two pods until one of them decides.  Each
    comparison reads the same few numbers from a pod every time (whether it has stats,
    its usage, its request, its priority).  Replayed literally in Python, 100,000 pods
    cost about a million ``Less`` calls and several million comparison calls: seconds.

What it does instead
    A comparison may declare what it *reads* from a pod (:func:`declare_reading`): a
    hashable value such that two pods with equal readings compare equal to each other
    and alike against every other pod.  Then, for each comparison, the pods are grouped
    by reading, one pod stands for each group, and the groups are put in order by
    calling **the comparison itself** on those representatives.  Each pod gets the rank
    of its group, one rank per comparison, and Go's ``sort.Sort`` (:mod:`.gosort`) runs
    over the rank tuples with tuple ``<``.

Why the result is Go's, exactly
    Tuple ``<`` is ``multiSorter.Less``: the first comparison whose ranks differ
    decides, and if all are equal the pods are not less.  A rank is smaller exactly when
    the comparison says ``< 0`` (the comparisons order pods by a value they read, so they
    are consistent, as ``sort.Sort`` requires).  So every ``Less`` the algorithm asks
    gets the same answer as in the pairwise replay, the algorithm makes the same swaps,
    and ties end in the same unstable order.  ``tests/eviction/test_rankedsort.py``
    checks this against the pairwise replay on random pods with many ties.

There is still one definition of the order: the comparison functions in ``helpers.py``,
which this module only calls.  Change one of them and the ranking changes with it.

If a comparison declares no reading, or reading a pod fails (a malformed pod raises, as
Go would panic), the caller replays pairwise instead, so an error surfaces in the same
order as before.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Hashable, Sequence
from functools import cmp_to_key
from typing import Any, TypeVar

from reference_impl.eviction.gosort import go_sort

T = TypeVar("T")
Cmp = Callable[[T, T], int]
Reading = Callable[[T], Hashable]

_READS = "__reads__"


def declare_reading(cmp: Cmp[T], reading: Reading[T], same_as: Hashable = None) -> Cmp[T]:
    """Declare that ``cmp(a, b)`` depends on ``a`` and ``b`` only through ``reading``.

    ``same_as``, if given, names what ``reading`` reads: comparisons declared with equal
    ``same_as`` read equal values, so one sort reads each item once for all of them.
    Returns ``cmp`` itself, unchanged apart from the attribute.

    >>> by_len = declare_reading(lambda a, b: len(a) - len(b), len)
    >>> reading_of(by_len)("abc")
    3
    """
    setattr(cmp, _READS, (reading, same_as))
    return cmp


def reading_of(cmp: Cmp[T]) -> Reading[T] | None:
    """The declared reading of ``cmp``, or None.

    >>> reading_of(lambda a, b: 0) is None
    True
    """
    declared = _declared(cmp)
    return None if declared is None else declared[0]


def _declared(cmp: Cmp[T]) -> tuple[Reading[T], Hashable] | None:
    declared: tuple[Reading[T], Hashable] | None = getattr(cmp, _READS, None)
    return declared


def ranks(cmp: Cmp[T], items: Sequence[T], readings: Sequence[Hashable]) -> list[int]:
    """Each item's rank under ``cmp``: 0 for the first group, equal items share a rank.

    ``readings[i]`` is what ``cmp`` reads from ``items[i]``.  The groups are put in order
    by calling ``cmp`` on one representative item per reading.

    >>> ranks(lambda a, b: (a > b) - (a < b), [30, 10, 30, 20], [30, 10, 30, 20])
    [2, 0, 2, 1]
    """
    representative: dict[Hashable, T] = {}
    for value, item in zip(readings, items, strict=True):
        representative.setdefault(value, item)

    def by_representative(a: tuple[Hashable, T], b: tuple[Hashable, T]) -> int:
        return cmp(a[1], b[1])

    groups = sorted(representative.items(), key=cmp_to_key(by_representative))
    rank_of: dict[Hashable, int] = {}
    rank = 0
    previous: T | None = None
    for value, item in groups:
        if previous is not None and cmp(previous, item) != 0:
            rank += 1
        rank_of[value] = rank
        previous = item
    return [rank_of[value] for value in readings]


def _rank_columns(items: Sequence[T], cmps: Sequence[Cmp[T]]) -> list[list[int]] | None:
    if not cmps:  # Go's Less would index past the end: leave that to the pairwise replay
        return None
    read: dict[Hashable, list[Hashable]] = {}  # same_as -> readings, within this one sort
    columns = []
    for cmp in cmps:
        declared = _declared(cmp)
        if declared is None:
            return None
        reading, same_as = declared
        readings = read.get(same_as) if same_as is not None else None
        if readings is None:
            readings = [reading(item) for item in items]
            if same_as is not None:
                read[same_as] = readings
        columns.append(ranks(cmp, items, readings))
    return columns


class _Ranked(tuple[int, ...]):
    """A pod's rank tuple (compared with C-level tuple ``<``) that remembers its pod."""

    item: Any


def sort_by_ranks(items: list[T], cmps: Sequence[Cmp[T]]) -> bool:
    """Sort ``items`` in place as Go's ``sort.Sort`` with ``multiSorter.Less`` over ``cmps``.

    Returns False, leaving ``items`` untouched, if a comparison declares no reading or
    reading an item raises: the caller then replays pairwise.

    >>> by_first = declare_reading(lambda a, b: (a[0] > b[0]) - (a[0] < b[0]), lambda p: p[0])
    >>> xs = [(2, "b"), (1, "z"), (2, "a")]
    >>> sort_by_ranks(xs, [by_first])
    True
    >>> [x[0] for x in xs]
    [1, 2, 2]
    >>> sort_by_ranks(xs, [lambda a, b: 0])
    False
    """
    try:
        columns = _rank_columns(items, cmps)
    except Exception:  # replay pairwise, so the error surfaces where and as Go's would
        return False
    if columns is None:
        return False
    data: list[_Ranked] = []
    for item, key in zip(items, zip(*columns, strict=True), strict=True):
        ranked = _Ranked(key)
        ranked.item = item
        data.append(ranked)
    go_sort(data, operator.lt)
    items[:] = [ranked.item for ranked in data]
    return True
