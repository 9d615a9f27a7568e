"""Ported from pkg/scheduler/algorithm/predicates/predicates_test.go (v1.10.11):
TestPodSchedulesOnNodeWithMemoryPressureCondition, TestPodSchedulesOnNodeWithDiskPressureCondition.
"""

from __future__ import annotations

import pytest

from reference_impl.scheduler.predicates import (
    ERR_NODE_UNDER_DISK_PRESSURE,
    ERR_NODE_UNDER_MEMORY_PRESSURE,
    check_node_disk_pressure_predicate,
    check_node_memory_pressure_predicate,
)

BEST_EFFORT = {"spec": {"containers": [{"name": "container", "image": "image"}]}}
# makeAllocatableResources(100, 100, ...) as limits and requests: cpu 100m, memory 100
_RES = {"cpu": "100m", "memory": "100", "pods": "100"}
NON_BEST_EFFORT = {
    "spec": {
        "containers": [
            {"name": "container", "image": "image", "resources": {"limits": _RES, "requests": _RES}}
        ]
    }
}


def _node(cond_type: str) -> dict:
    return {"status": {"conditions": [{"type": cond_type, "status": "True"}]}}


NO_PRESSURE = _node("Ready")


@pytest.mark.parametrize(
    ("pod", "node", "fits", "name"),
    [
        (
            BEST_EFFORT,
            NO_PRESSURE,
            True,
            "best-effort pod schedulable on node without memory pressure condition on",
        ),
        (
            BEST_EFFORT,
            _node("MemoryPressure"),
            False,
            "best-effort pod not schedulable on node with memory pressure condition on",
        ),
        (
            NON_BEST_EFFORT,
            _node("MemoryPressure"),
            True,
            "non best-effort pod schedulable on node with memory pressure condition on",
        ),
        (
            NON_BEST_EFFORT,
            NO_PRESSURE,
            True,
            "non best-effort pod schedulable on node without memory pressure condition on",
        ),
    ],
)
def test_pod_schedules_on_node_with_memory_pressure_condition(pod, node, fits, name):
    result = check_node_memory_pressure_predicate(pod, node)
    assert result.fits is fits, name
    assert result.reasons == (() if fits else (ERR_NODE_UNDER_MEMORY_PRESSURE,)), name


@pytest.mark.parametrize(
    ("node", "fits", "name"),
    [
        (NO_PRESSURE, True, "pod schedulable on node without pressure condition on"),
        (_node("DiskPressure"), False, "pod not schedulable on node with pressure condition on"),
    ],
)
def test_pod_schedules_on_node_with_disk_pressure_condition(node, fits, name):
    for pod in (BEST_EFFORT, NON_BEST_EFFORT):  # upstream uses a best-effort pod; QoS is ignored
        result = check_node_disk_pressure_predicate(pod, node)
        assert result.fits is fits, name
        assert result.reasons == (() if fits else (ERR_NODE_UNDER_DISK_PRESSURE,)), name


def test_last_condition_of_a_type_wins_as_in_node_info_set_node():
    node = {
        "status": {
            "conditions": [
                {"type": "MemoryPressure", "status": "True"},
                {"type": "MemoryPressure", "status": "False"},
            ]
        }
    }
    assert check_node_memory_pressure_predicate(BEST_EFFORT, node).fits
    node["status"]["conditions"].reverse()
    assert not check_node_memory_pressure_predicate(BEST_EFFORT, node).fits


def test_unknown_memory_pressure_does_not_keep_best_effort_pods_away():
    node = {"status": {"conditions": [{"type": "MemoryPressure", "status": "Unknown"}]}}
    assert check_node_memory_pressure_predicate(BEST_EFFORT, node).fits
