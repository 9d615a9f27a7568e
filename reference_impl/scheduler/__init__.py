"""Mirrors of the scheduler of the same release (v1.10.11) where it meets eviction: the
node-condition predicates that stop placing pods on a node under pressure."""

from __future__ import annotations

from reference_impl.scheduler.predicates import (
    ERR_NODE_UNDER_DISK_PRESSURE,
    ERR_NODE_UNDER_MEMORY_PRESSURE,
    PredicateResult,
    check_node_disk_pressure_predicate,
    check_node_memory_pressure_predicate,
)

__all__ = [
    "ERR_NODE_UNDER_DISK_PRESSURE",
    "ERR_NODE_UNDER_MEMORY_PRESSURE",
    "PredicateResult",
    "check_node_disk_pressure_predicate",
    "check_node_memory_pressure_predicate",
]
