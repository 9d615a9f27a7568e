"""The kubelet side of eviction: pod killer, providers, node-status pressure conditions.

TestKillPodNowFunc (pkg/kubelet/pod_workers_test.go) checks that the kill reaches the pod
worker as a SyncPodKill; the mirror has no pod workers, so what is ported is the decision the
closure makes (grace period and wait), checked against the Go arithmetic by hand.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reference_impl.kubelet import (
    get_active_pods,
    has_dedicated_image_fs,
    kill_pod_now,
    set_node_disk_pressure_condition,
    set_node_memory_pressure_condition,
    summary_get,
)

EVICTED = {"phase": "Failed", "reason": "reason", "message": "message"}


def test_kill_pod_now_func_status_and_override_pass_through():
    # TestKillPodNowFunc: override 0, status Failed/"reason"/"message"
    pod = {"metadata": {"name": "test", "namespace": "test", "uid": "test-uid"}, "spec": {}}
    plan = kill_pod_now(pod, EVICTED, 0)
    assert (plan.grace_period_seconds, plan.timeout_seconds) == (0, 10)
    assert plan.status == EVICTED and plan.grace_period_override == 0


@pytest.mark.parametrize(
    ("override", "pod_grace", "grace", "timeout"),
    [(None, None, 0, 10), (None, 30, 30, 45), (0, 30, 0, 10), (5, 30, 5, 10), (7, None, 7, 10),
     (9, None, 9, 13), (600, 30, 600, 900)],
)  # fmt: skip
def test_grace_period_choice_and_timeout(override, pod_grace, grace, timeout):
    spec = {} if pod_grace is None else {"terminationGracePeriodSeconds": pod_grace}
    plan = kill_pod_now({"spec": spec}, EVICTED, override)
    assert (plan.grace_period_seconds, plan.timeout_seconds) == (grace, timeout)


@given(st.integers(min_value=0, max_value=10**6))
def test_timeout_is_one_and_a_half_grace_at_least_ten(grace):
    plan = kill_pod_now({"spec": {}}, EVICTED, grace)
    assert plan.timeout_seconds == max(10, grace + grace // 2)


def test_dedicated_image_fs_is_a_device_comparison():
    assert has_dedicated_image_fs("/dev/sdb", "/dev/sda")
    assert not has_dedicated_image_fs("/dev/sda", "/dev/sda")


def test_active_pods_filter_terminated_and_deleting_ones():
    def pod(name, phase, deleting=False, states=()):
        meta = {"name": name, "uid": name}
        if deleting:
            meta["deletionTimestamp"] = "2018-01-01T00:00:00Z"
        return {"metadata": meta, "status": {"phase": phase,
                "containerStatuses": [{"state": s} for s in states]}}  # fmt: skip

    pods = [
        pod("running", "Running"),
        pod("failed", "Failed"),
        pod("succeeded", "Succeeded"),
        pod("deleting-still-running", "Running", True, [{"running": {}}]),
        pod("deleting-all-stopped", "Running", True, [{"terminated": {}}, {"waiting": {}}]),
        pod("deleting-no-containers", "Pending", True),
        pod("pending", "Pending"),
    ]
    names = [p["metadata"]["name"] for p in get_active_pods(pods)]
    assert names == ["running", "deleting-still-running", "pending"]
    # the status manager's cached status wins over the pod's own
    cached = {"running": {"phase": "Succeeded"}, "failed": {"phase": "Running"}}
    names = [p["metadata"]["name"] for p in get_active_pods(pods[:2], cached)]
    assert names == ["failed"]


def test_summary_is_what_the_eviction_manager_reads():
    s = summary_get(
        "n",
        {"memory": {"availableBytes": 1}, "cpu": {}, "startTime": "t"},
        {"availableBytes": 2},
        {"availableBytes": 3},
        [{"podRef": {"name": "p"}}],
        {"misc": {"name": "/system", "rootfs": {}}, "kubelet": {"name": "/kubelet"}},
    )
    assert s["node"]["memory"] == {"availableBytes": 1}
    assert s["node"]["fs"] == {"availableBytes": 2}
    assert s["node"]["runtime"]["imageFs"] == {"availableBytes": 3}
    assert [c["name"] for c in s["node"]["systemContainers"]] == ["kubelet", "misc"]
    assert all("rootfs" not in c for c in s["node"]["systemContainers"])
    assert s["pods"] == [{"podRef": {"name": "p"}}]


@pytest.mark.parametrize(
    ("setter", "ctype", "true_reason", "false_reason", "true_event", "false_event"),
    [
        (set_node_memory_pressure_condition, "MemoryPressure", "KubeletHasInsufficientMemory",
         "KubeletHasSufficientMemory", "NodeHasInsufficientMemory", "NodeHasSufficientMemory"),
        (set_node_disk_pressure_condition, "DiskPressure", "KubeletHasDiskPressure",
         "KubeletHasNoDiskPressure", "NodeHasDiskPressure", "NodeHasNoDiskPressure"),
    ],
)  # fmt: skip
def test_pressure_condition_transitions(
    setter, ctype, true_reason, false_reason, true_event, false_event
):
    events: list[str] = []
    node: dict = {"status": {"conditions": [{"type": "Ready", "status": "True"}]}}
    record = lambda _type, reason: events.append(reason)  # noqa: E731
    setter(node, "t0", False, record)
    setter(node, "t1", False, record)  # no change: heartbeat only
    cond = node["status"]["conditions"][1]
    assert (cond["type"], cond["status"], cond["reason"]) == (ctype, "False", false_reason)
    assert (cond["lastTransitionTime"], cond["lastHeartbeatTime"]) == ("t0", "t1")
    setter(node, "t2", True, record)
    assert (cond["status"], cond["reason"], cond["lastTransitionTime"]) == (
        "True",
        true_reason,
        "t2",
    )
    setter(node, "t3", False, record)
    assert events == [false_event, true_event, false_event]
    assert len(node["status"]["conditions"]) == 2  # updated in place, never appended twice


def test_update_existing_node_status_keeps_reason_and_transition_time():
    """Ported (the two pressure conditions) from TestUpdateExistingNodeStatus,
    pkg/kubelet/kubelet_node_status_test.go: existing False conditions stay as they are -- even
    the DiskPressure reason "KubeletHasSufficientDisk", which the setter would never write
    itself -- only the heartbeat moves."""
    old = "2012-01-01T00:00:00Z"

    def cond(ctype, reason, message):
        return {"type": ctype, "status": "False", "reason": reason, "message": message,
                "lastHeartbeatTime": old, "lastTransitionTime": old}  # fmt: skip

    memory = cond(
        "MemoryPressure", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"
    )
    disk = cond(
        "DiskPressure", "KubeletHasSufficientDisk", "kubelet has sufficient disk space available"
    )
    node = {"status": {"conditions": [dict(memory), dict(disk)]}}
    now = "2018-11-26T10:00:00Z"
    set_node_memory_pressure_condition(node, now, False)
    set_node_disk_pressure_condition(node, now, False)
    for updated, expected in zip(node["status"]["conditions"], (memory, disk), strict=True):
        assert updated["lastHeartbeatTime"] == now
        assert updated["lastTransitionTime"] == old
        assert {k: v for k, v in updated.items() if k != "lastHeartbeatTime"} == {
            k: v for k, v in expected.items() if k != "lastHeartbeatTime"
        }
