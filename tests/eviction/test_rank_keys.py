"""The ranking's key path gives the same permutation as Go's comparator path.

``MultiSorter.sort`` compares precomputed per-pod key tuples when every cmp carries a
``sort_key`` (all of 1.10's ranking cmps do).  That is only allowed because each cmp is a
comparison of one per-pod key; these properties check it on generated pods, with the
PodPriority gate on and off, many ties (so Go's unstable sort really is exercised: more than
12 pods takes the quicksort path) and pods without stats.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from reference_impl import features
from reference_impl.eviction import helpers as h
from reference_impl.eviction.helpers import (
    FS_STATS_LOCAL_VOLUME_SOURCE,
    FS_STATS_LOGS,
    FS_STATS_ROOT,
    RESOURCE_DISK,
    RESOURCE_INODES,
)
from tests.eviction.eviction_builders import (
    make_pod_with_disk_stats,
    make_pod_with_memory_stats,
)

_MI = st.sampled_from(["", "0", "64Mi", "100Mi", "128Mi", "1Gi"])
_PODS = st.lists(
    st.tuples(st.integers(-2, 2), _MI, _MI, st.booleans()),  # priority, request, usage, stats
    min_size=0,
    max_size=40,
)


def _comparator_path(*cmps: h.CmpFunc) -> h.MultiSorter:
    # The same cmps behind plain lambdas (no sort_key): MultiSorter falls back to _less.
    return h.ordered_by(*(lambda p1, p2, c=c: c(p1, p2) for c in cmps))


def _build(specs, make):
    pods, stats = [], []
    for i, (priority, request, usage, has_stats) in enumerate(specs):
        requests = {"memory": request, "ephemeral-storage": request} if request else {}
        pod, pod_stats = make(f"p{i}", priority, requests, usage or "0")
        pods.append(pod)
        if has_stats:
            stats.append(pod_stats)
    return pods, h.cached_stats_func(stats)


def _memory_pod(name, priority, requests, usage):
    return make_pod_with_memory_stats(name, priority, requests, {}, usage)


def _disk_pod(name, priority, requests, usage):
    return make_pod_with_disk_stats(name, priority, requests, {}, usage, "1Mi", usage)


@settings(max_examples=300, deadline=None)
@given(_PODS, st.booleans())
def test_rank_memory_pressure_keys_agree_with_comparators(specs, gate) -> None:
    pods, stats = _build(specs, _memory_pod)
    keyed, plain = list(pods), list(pods)
    with features.gates(PodPriority=gate):
        h.rank_memory_pressure(keyed, stats)
        _comparator_path(h.exceed_memory_requests(stats), h.priority, h.memory(stats)).sort(plain)
    assert [id(p) for p in keyed] == [id(p) for p in plain]


@settings(max_examples=300, deadline=None)
@given(_PODS, st.booleans(), st.sampled_from([RESOURCE_DISK, RESOURCE_INODES]))
def test_rank_disk_pressure_keys_agree_with_comparators(specs, gate, resource) -> None:
    pods, stats = _build(specs, _disk_pod)
    measured = [FS_STATS_ROOT, FS_STATS_LOGS, FS_STATS_LOCAL_VOLUME_SOURCE]
    keyed, plain = list(pods), list(pods)
    with features.gates(PodPriority=gate):
        h.rank_disk_pressure_func(measured, resource)(keyed, stats)
        _comparator_path(
            h.exceed_disk_requests(stats, measured, resource),
            h.priority,
            h.disk(stats, measured, resource),
        ).sort(plain)
    assert [id(p) for p in keyed] == [id(p) for p in plain]


def test_a_cmp_without_a_key_falls_back_to_the_comparators() -> None:
    sorter = h.ordered_by(h.priority, lambda p1, p2: 0)
    assert sorter._sort_keys([{"spec": {"priority": 1}}]) is None
