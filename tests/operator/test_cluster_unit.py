"""Unit tests of the mirrors beyond the ported Go tests: member sets, status, the branches
of run/reconcile one at a time, the controller's event handling."""

from __future__ import annotations

import pytest

from reference_impl.operator import trace
from reference_impl.operator.api.status import ClusterStatus
from reference_impl.operator.builder import ClusterBuilder
from reference_impl.operator.cluster.cluster import Cluster, is_spec_equal
from reference_impl.operator.cluster.member import pods_to_member_set
from reference_impl.operator.cluster.reconcile import need_upgrade, pick_one_old_member
from reference_impl.operator.etcdutil.client import EtcdMemberInfo
from reference_impl.operator.etcdutil.member import Member, MemberSet, new_member_set
from reference_impl.operator.fake import FakeWorld
from reference_impl.operator.harness import Operator

from .conftest import new_cluster

NS = "default"


def _ms(*names: str) -> MemberSet:
    return new_member_set(*(Member(name=n, namespace=NS) for n in names))


def test_member_urls_and_addr() -> None:
    m = Member(name="example-abc", namespace="ns1", secure_peer=True)
    assert m.addr() == "example-abc.example.ns1.svc"
    assert m.client_url() == "http://example-abc.example.ns1.svc:2379"
    assert m.peer_url() == "https://example-abc.example.ns1.svc:2380"
    assert m.listen_client_url() == "http://0.0.0.0:2379"
    assert m.listen_peer_url() == "https://0.0.0.0:2380"


def test_member_set_operations() -> None:
    s = _ms("c-b", "c-a", "c-c")
    assert s.diff(_ms("c-a")).names() == ["c-b", "c-c"]
    assert s.diff(s).size() == 0
    assert s.is_equal(_ms("c-c", "c-b", "c-a"))
    # Go: any member; mirror: the smallest name, whatever the insertion order.
    assert s.pick_one().name == "c-a"
    assert s.pick_one().name in s
    assert s.peer_url_pairs()[0] == "c-a=http://c-a.c.default.svc:2380"
    assert len(s.client_urls()) == 3
    s.remove("c-a")
    s.remove("not-there")  # like Go's delete: no error
    assert str(s) == "c-b,c-c"
    with pytest.raises(RuntimeError, match="empty"):
        MemberSet().pick_one()


def test_status_conditions() -> None:
    st = ClusterStatus()
    st.set_scaling_up_condition(1, 3)
    st.set_ready_condition()
    st.set_scaling_up_condition(1, 3)  # unchanged: not duplicated
    assert st.condition_types() == ["Scaling", "Available"]
    st.set_scaling_down_condition(5, 3)
    assert st.conditions[0].reason == "Scaling down"
    assert st.conditions[0].message == "Current cluster size: 5, desired cluster size: 3"
    st.clear_condition("Scaling")
    st.clear_condition("Scaling")
    st.set_recovering_condition()
    assert st.condition_types() == ["Recovering"]
    st.upgrade_version_to("3.3.0")
    st.set_version("3.3.0")
    assert (st.current_version, st.target_version) == ("3.3.0", "")


def test_is_spec_equal_only_looks_at_size_paused_version() -> None:
    a = new_cluster("x", 3).spec
    b = a.deepcopy()
    b.repository = "elsewhere"
    assert is_spec_equal(a, b)
    b.size = 5
    assert not is_spec_equal(a, b)


def _pod(name: str, version: str) -> dict[str, object]:
    return {"metadata": {"name": name, "namespace": NS, "annotations": {"etcd.version": version}}}


def test_need_upgrade_and_pick_one_old_member() -> None:
    spec = new_cluster("x", 2, version="3.3.0").spec
    pods = [_pod("x-a", "3.3.0"), _pod("x-b", "3.2.13")]
    assert need_upgrade(pods, spec)  # type: ignore[arg-type]
    assert pick_one_old_member(pods, "3.3.0").name == "x-b"  # type: ignore[arg-type, union-attr]
    spec.size = 3  # a missing member: never upgrade a cluster that is not whole
    assert not need_upgrade(pods, spec)  # type: ignore[arg-type]
    assert pick_one_old_member(pods[:1], "3.3.0") is None  # type: ignore[arg-type]
    assert pods_to_member_set(pods, True).pick_one().secure_client  # type: ignore[arg-type]


def _running(world: FakeWorld, op: Operator, name: str, size: int) -> Cluster:
    op.create(new_cluster(name, size))
    assert op.wait_size_reached(name, size, 6) is not None
    assert op.controller is not None
    c = op.controller.clusters[f"{NS}/{name}"]
    assert c is not None
    return c


def test_skip_while_pods_pending() -> None:
    # A member's pod stuck in Pending (an image that never pulls): every cycle skips
    # reconciliation, whatever else is wrong (here the cluster is also one short).
    c = ClusterBuilder("x", size=4).member("a").member("b").member("c", pod="pending").build()
    records = [c.reconcile_once().record for _ in range(3)]
    assert [r.branch for r in records] == [trace.SKIP_PENDING] * 3
    assert records[-1].pending == ["x-c"]
    assert c.members is not None and c.members.size() == 3  # nothing changed


def test_all_pods_dead() -> None:
    c = ClusterBuilder("x", size=1).member("a", healthy=False).build()
    assert [c.reconcile_once().branch for _ in range(3)] == [trace.ALL_DEAD] * 3


def test_remove_unknown_pods() -> None:
    # A pod with the cluster's labels and owner that is not a member (it runs a one-member
    # etcd cluster of its own): deleted, not adopted.
    c = ClusterBuilder("x", size=3).member("a").member("b").member("c").pod("stray").build()
    r = c.reconcile_once()
    assert r.branch == trace.REMOVE_UNKNOWN
    assert "x-stray" in r.record.actions[0]
    assert r.record.pods_after == ["x-a", "x-b", "x-c"]


def test_invalid_peer_url_is_fatal(
    world: FakeWorld, op: Operator, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = _running(world, op, "x", 3)
    from reference_impl.operator.fake import FakeEtcdClient

    def bad_list(self: FakeEtcdClient) -> list[EtcdMemberInfo]:
        return [EtcdMemberInfo(1, "x", ["not a url"], [])]

    monkeypatch.setattr(FakeEtcdClient, "member_list", bad_list)
    c.members = None  # force a rebuild from etcd, as after an operator restart
    op.run_for(10.0)
    st = op.get("x").status
    assert st.phase == "Failed"
    assert st.reason.startswith("get member name failed: invalid member peerURL (not a url)")
    assert world.runtime.alive() == 0  # the loop has ended


def test_creating_phase_after_restart_fails(world: FakeWorld) -> None:
    cr = new_cluster("x", 3)
    cr.status.phase = "Creating"
    world.kube.create_cluster(NS, cr)
    Operator(world)
    world.runtime.run_pending()
    st = world.kube.get_cluster(NS, "x").status
    assert (st.phase, st.reason) == ("Failed", "cluster failed to be created")


def test_controller_delete_stops_the_loop_and_gc_removes_pods(
    world: FakeWorld, op: Operator
) -> None:
    _running(world, op, "x", 3)
    assert world.runtime.alive() == 1
    op.delete("x")
    assert world.runtime.alive() == 0
    assert op.controller is not None and op.controller.clusters == {}
    assert world.kube.list_pods(NS, {"etcd_cluster": "x"}) == []


def test_one_loop_per_resource(world: FakeWorld, op: Operator) -> None:
    op.create(new_cluster("a", 1))
    op.create(new_cluster("b", 3))
    assert op.wait_size_reached("b", 3, 6) is not None
    assert world.runtime.alive() == 2
    assert {c.cluster for c in world.trace.cycles} == {"a", "b"}


def test_failed_cluster_update_is_ignored(world: FakeWorld, op: Operator) -> None:
    op.create(
        new_cluster(
            "tls", 3, TLS={"static": {"member": {"serverSecret": "s"}, "operatorSecret": "missing"}}
        )
    )
    assert op.get("tls").status.phase == "Failed"
    op.set_size("tls", 5)  # the controller refuses to touch a failed cluster
    assert world.runtime.alive() == 0


def test_invalid_spec_is_refused(world: FakeWorld, op: Operator) -> None:
    op.create(new_cluster("x", 3, pod={"labels": {"app": "mine"}}))
    assert world.runtime.alive() == 0
    assert world.kube.list_pods(NS, {"etcd_cluster": "x"}) == []
