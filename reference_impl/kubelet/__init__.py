"""Mirrors of the kubelet code around the eviction manager (package k8s.io/kubernetes/pkg/kubelet
and its stats providers, v1.10.11): the providers the manager reads, the pod killer it is given,
and the node-status setters that publish its conditions."""

from __future__ import annotations

from reference_impl.kubelet.node_status import (
    set_node_disk_pressure_condition,
    set_node_memory_pressure_condition,
)
from reference_impl.kubelet.pod_killer import KillPlan, kill_pod_now
from reference_impl.kubelet.providers import get_active_pods, has_dedicated_image_fs, summary_get

__all__ = [
    "KillPlan",
    "get_active_pods",
    "has_dedicated_image_fs",
    "kill_pod_now",
    "set_node_disk_pressure_condition",
    "set_node_memory_pressure_condition",
    "summary_get",
]
