"""Go 1.10's ``sort.Sort`` — not stable — so that ties rank exactly as the kubelet ranks them.

The kubelet of release-1.10 was built with Go 1.9/1.10, whose ``sort.Sort`` is a
quicksort (median-of-three, Tukey's ninther above 40 elements, a pass that
protects against many equal keys) that falls back to heapsort past a recursion
budget, and finishes slices of at most 12 elements with one shell pass of gap 6
followed by insertion sort.  For up to 6 elements that is a plain insertion sort
(which is stable); from 7 elements on, equal pods can change order.  Python's
``sorted`` is stable and would rank ties differently, so we replay Go's
algorithm step for step, over a list and a ``less(a, b)`` on its elements.

This is written from the algorithm's description, not copied; Go 1.19+ uses
pdqsort instead, which is why this module pins the old algorithm.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from reference_impl.mirrors import mirrors

T = TypeVar("T")
Less = Callable[[T, T], bool]


def _insertion_sort(data: list[T], less: Less[T], a: int, b: int) -> None:
    for i in range(a + 1, b):
        j = i
        while j > a and less(data[j], data[j - 1]):
            data[j], data[j - 1] = data[j - 1], data[j]
            j -= 1


def _sift_down(data: list[T], less: Less[T], lo: int, hi: int, first: int) -> None:
    root = lo
    while True:
        child = 2 * root + 1
        if child >= hi:
            return
        if child + 1 < hi and less(data[first + child], data[first + child + 1]):
            child += 1
        if not less(data[first + root], data[first + child]):
            return
        data[first + root], data[first + child] = data[first + child], data[first + root]
        root = child


def _heap_sort(data: list[T], less: Less[T], a: int, b: int) -> None:
    first, lo, hi = a, 0, b - a
    for i in range((hi - 1) // 2, -1, -1):
        _sift_down(data, less, i, hi, first)
    for i in range(hi - 1, -1, -1):
        data[first], data[first + i] = data[first + i], data[first]
        _sift_down(data, less, lo, i, first)


def _median_of_three(data: list[T], less: Less[T], m1: int, m0: int, m2: int) -> None:
    # Leaves data[m0] <= data[m1] <= data[m2].
    if less(data[m1], data[m0]):
        data[m1], data[m0] = data[m0], data[m1]
    if less(data[m2], data[m1]):
        data[m2], data[m1] = data[m1], data[m2]
        if less(data[m1], data[m0]):
            data[m1], data[m0] = data[m0], data[m1]


def _do_pivot(data: list[T], less: Less[T], lo: int, hi: int) -> tuple[int, int]:
    m = (lo + hi) >> 1
    if hi - lo > 40:
        s = (hi - lo) // 8
        _median_of_three(data, less, lo, lo + s, lo + 2 * s)
        _median_of_three(data, less, m, m - s, m + s)
        _median_of_three(data, less, hi - 1, hi - 1 - s, hi - 1 - 2 * s)
    _median_of_three(data, less, lo, m, hi - 1)

    # data[lo] is the pivot from here on.
    pivot = lo
    a, c = lo + 1, hi - 1
    while a < c and less(data[a], data[pivot]):
        a += 1
    b = a
    while True:
        while b < c and not less(data[pivot], data[b]):
            b += 1
        while b < c and less(data[pivot], data[c - 1]):
            c -= 1
        if b >= c:
            break
        data[b], data[c - 1] = data[c - 1], data[b]
        b += 1
        c -= 1

    protect = hi - c < 5
    if not protect and hi - c < (hi - lo) // 4:
        # Probe a few points for keys equal to the pivot.
        dups = 0
        if not less(data[pivot], data[hi - 1]):
            data[c], data[hi - 1] = data[hi - 1], data[c]
            c += 1
            dups += 1
        if not less(data[b - 1], data[pivot]):
            b -= 1
            dups += 1
        if not less(data[m], data[pivot]):
            data[m], data[b - 1] = data[b - 1], data[m]
            b -= 1
            dups += 1
        protect = dups > 1
    if protect:
        # Many duplicates: gather keys equal to the pivot into data[b:c].
        while True:
            while a < b and not less(data[b - 1], data[pivot]):
                b -= 1
            while a < b and less(data[a], data[pivot]):
                a += 1
            if a >= b:
                break
            data[a], data[b - 1] = data[b - 1], data[a]
            a += 1
            b -= 1
    data[pivot], data[b - 1] = data[b - 1], data[pivot]
    return b - 1, c


def _quick_sort(data: list[T], less: Less[T], a: int, b: int, max_depth: int) -> None:
    while b - a > 12:
        if max_depth == 0:
            _heap_sort(data, less, a, b)
            return
        max_depth -= 1
        mlo, mhi = _do_pivot(data, less, a, b)
        # Recurse into the smaller side, loop on the larger one.
        if mlo - a < b - mhi:
            _quick_sort(data, less, a, mlo, max_depth)
            a = mhi
        else:
            _quick_sort(data, less, mhi, b, max_depth)
            b = mlo
    if b - a > 1:
        # One shell-sort pass with gap 6, then insertion sort.
        for i in range(a + 6, b):
            if less(data[i], data[i - 6]):
                data[i], data[i - 6] = data[i - 6], data[i]
        _insertion_sort(data, less, a, b)


def _max_depth(n: int) -> int:
    depth = 0
    i = n
    while i > 0:
        depth += 1
        i >>= 1
    return depth * 2


@mirrors("sort.Sort")
def go_sort(data: list[T], less: Less[T]) -> None:
    """Sort ``data`` in place exactly as Go 1.10's ``sort.Sort`` would.

    >>> xs = [3, 1, 2]
    >>> go_sort(xs, lambda a, b: a < b)
    >>> xs
    [1, 2, 3]
    """
    n = len(data)
    _quick_sort(data, less, 0, n, _max_depth(n))
