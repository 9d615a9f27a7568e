"""Ranking by readings (rankedsort) gives exactly the pairwise replay's order.

``MultiSorter.sort`` ranks pods by calling each comparison once per kind of pod
(:mod:`reference_impl.eviction.rankedsort`).  The literal replay is
``go_sort(pods, sorter._less)``: Go's ``multiSorter.Less`` on every pair the algorithm
asks about.  Both must leave the pods in the same order, pod for pod, ties included
(Go's sort is unstable, so a tie broken differently would show here).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reference_impl import features
from reference_impl.eviction import helpers as h
from reference_impl.eviction.gosort import go_sort
from reference_impl.eviction.rankedsort import declare_reading, ranks, sort_by_ranks

Pod = dict[str, Any]

# Few distinct values, so that many pods tie on every comparison.
_pod_fields = st.tuples(
    st.sampled_from([None, "0", "64Mi", "128Mi"]),  # memory request
    st.sampled_from([0, 64, 100, 128]),  # memory working set, MiB
    st.sampled_from([None, "1Gi", "2Gi"]),  # ephemeral-storage request
    st.sampled_from([0, 10**9, 2 * 10**9]),  # rootfs used bytes
    st.sampled_from([None, -5, 0, 7]),  # spec.priority
    st.booleans(),  # has stats
)


def _world(fields: list[tuple[Any, ...]]) -> tuple[list[Pod], h.StatsFunc]:
    pods, stats = [], []
    for i, (mem_req, mem_mib, disk_req, rootfs, priority, has_stats) in enumerate(fields):
        requests = {}
        if mem_req is not None:
            requests["memory"] = mem_req
        if disk_req is not None:
            requests["ephemeral-storage"] = disk_req
        spec: dict[str, Any] = {"containers": [{"name": "c", "resources": {"requests": requests}}]}
        if priority is not None:
            spec["priority"] = priority
        pods.append({"metadata": {"name": f"p{i}", "uid": f"u{i}"}, "spec": spec})
        if has_stats:
            container = {
                "name": "c",
                "memory": {"workingSetBytes": mem_mib * 2**20},
                "rootfs": {"usedBytes": rootfs, "inodesUsed": rootfs // 10**6},
            }
            stats.append({"podRef": {"uid": f"u{i}"}, "containers": [container]})
    return pods, h.cached_stats_func(stats)


def _rank_both_ways(rank: h.RankFunc, fields: list[tuple[Any, ...]]) -> tuple[list[str], list[str]]:
    pods, stats = _world(fields)
    by_readings = list(pods)
    rank(by_readings, stats)

    captured: list[h.MultiSorter] = []
    original = h.MultiSorter.sort

    def pairwise(self: h.MultiSorter, ps: list[Pod]) -> None:
        captured.append(self)
        self.pods = ps
        go_sort(ps, self._less)

    by_pairs = list(pods)
    h.MultiSorter.sort = pairwise  # type: ignore[method-assign]
    try:
        rank(by_pairs, stats)
    finally:
        h.MultiSorter.sort = original  # type: ignore[method-assign]
    assert captured, "the rank function did not sort through MultiSorter"
    return [p["metadata"]["name"] for p in by_readings], [p["metadata"]["name"] for p in by_pairs]


RANKINGS = {
    "memory": h.rank_memory_pressure,
    "nodefs bytes": h.rank_disk_pressure_func(["root", "logs", "localVolumeSource"], "disk"),
    "nodefs inodes": h.rank_disk_pressure_func(["root", "logs", "localVolumeSource"], "inodes"),
    "imagefs": h.rank_disk_pressure_func(["root"], "disk"),
}


@pytest.mark.parametrize("name", sorted(RANKINGS))
@pytest.mark.parametrize("gates", [{}, {"PodPriority": True}])
@settings(max_examples=60, deadline=None)
@given(fields=st.lists(_pod_fields, min_size=0, max_size=120))
def test_ranking_by_readings_is_the_pairwise_replay(name, gates, fields):
    with features.gates(gates):
        by_readings, by_pairs = _rank_both_ways(RANKINGS[name], fields)
    assert by_readings == by_pairs


def test_many_pods_with_ties_take_go_unstable_order_not_a_stable_one():
    # 200 pods in 4 kinds: the ninther and the equal-keys pass both run.  A stable sort
    # would keep p0 < p4 < p8 ... within a kind; Go's sort does not, and neither do we.
    fields = [("64Mi", 64 * (i % 4), None, 0, None, True) for i in range(200)]
    by_readings, by_pairs = _rank_both_ways(h.rank_memory_pressure, fields)
    assert by_readings == by_pairs
    first_kind = [n for n in by_readings if int(n[1:]) % 4 == 3]
    assert first_kind != sorted(first_kind, key=lambda n: int(n[1:]))


def test_the_order_comes_from_the_comparison_itself():
    # Declaring the same reading with the opposite comparison reverses the groups:
    # the readings only group items, the comparison orders them.
    items = [3, 1, 2, 3, 1]
    ascending = declare_reading(lambda a, b: (a > b) - (a < b), lambda x: x)
    descending = declare_reading(lambda a, b: (a < b) - (a > b), lambda x: x)
    assert ranks(ascending, items, items) == [2, 0, 1, 2, 0]
    assert ranks(descending, items, items) == [0, 2, 1, 0, 2]
    xs = list(items)
    assert sort_by_ranks(xs, [descending])
    assert xs == [3, 3, 2, 1, 1]


def test_without_a_declared_reading_the_pairwise_replay_runs():
    xs = [(2, "b"), (1, "z"), (2, "a")]
    assert not sort_by_ranks(xs, [lambda a, b: a[0] - b[0]])
    assert xs == [(2, "b"), (1, "z"), (2, "a")]  # untouched
    sorter = h.ordered_by(lambda a, b: a[0] - b[0])
    sorter.sort(xs)
    assert [x[0] for x in xs] == [1, 2, 2]


def test_a_reading_that_fails_leaves_the_error_to_the_pairwise_replay():
    # A malformed request makes podRequest fail; the pods are left as they were and the
    # pairwise replay raises the same error Go's sort would meet.
    pods, stats = _world([("64Mi", 1, None, 0, None, True), ("64Mi", 2, None, 0, None, True)])
    pods[1]["spec"]["containers"][0]["resources"]["requests"]["memory"] = "sixty"
    before = list(pods)
    cmps = [h.exceed_memory_requests(stats), h.priority, h.memory(stats)]
    assert not sort_by_ranks(pods, cmps)
    assert pods == before
    with pytest.raises(Exception, match="sixty"):
        h.rank_memory_pressure(pods, stats)


def test_one_sort_reads_each_pod_once_for_both_memory_comparisons():
    calls = []
    pods, stats = _world([("64Mi", i % 3, None, 0, None, True) for i in range(30)])

    def counting(pod: Pod) -> Any:
        calls.append(pod["metadata"]["name"])
        return stats(pod)

    h.rank_memory_pressure(pods, counting)
    # 30 readings for the two memory comparisons together, plus the few representatives
    # each comparison's own memo measures when it orders the groups.
    assert 30 <= len(calls) <= 30 + 2 * 3
