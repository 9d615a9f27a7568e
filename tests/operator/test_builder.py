"""ClusterBuilder states a cluster in one line; Cluster.reconcile_once steps it one cycle.

Each test states a situation and checks the branch v0.9.4's run/reconcile takes and what it
leaves behind, so the builder is checked against the mirror's own behaviour (a builder that
built the wrong state would send the cycle down another branch).
"""

from __future__ import annotations

import pytest

from reference_impl.operator import trace
from reference_impl.operator.builder import ClusterBuilder
from reference_impl.operator.cluster.cluster import Cluster, ReconcileResult
from reference_impl.operator.cluster.reconcile import ErrLostQuorum
from reference_impl.operator.k8sutil.k8sutil import get_etcd_version


def _pods(b: ClusterBuilder) -> dict[str, str]:
    assert b.world is not None
    return {k[1]: p["status"]["phase"] for k, p in b.world.kube.pods.items()}


def test_healthy_full_cluster_is_a_no_op_and_becomes_available() -> None:
    b = ClusterBuilder("ex", size=3).member("a").member("b").member("c")
    c = b.build()
    assert _pods(b) == {"ex-a": "Running", "ex-b": "Running", "ex-c": "Running"}
    assert c.members is not None and c.members.names() == ["ex-a", "ex-b", "ex-c"]
    r = c.reconcile_once()
    assert isinstance(r, ReconcileResult)
    assert (r.branch, r.error) == (trace.NOOP, None)
    assert r.record.running == ["ex-a", "ex-b", "ex-c"]
    assert c.status.condition_types() == ["Available"]
    assert c.status.members.ready == ["ex-a", "ex-b", "ex-c"]
    # The record also went to the world's trace, as run()'s cycles do.
    assert b.world is not None and b.world.trace.cycles == [r.record]


def test_pod_states() -> None:
    b = (
        ClusterBuilder("ex", size=3)
        .member("a")
        .member("b", pod="pending")
        .member("c", pod="failed")
        .member("d", healthy=False)
        .pod("stray")
    )
    b.build()
    assert _pods(b) == {
        "ex-a": "Running",
        "ex-b": "Pending",
        "ex-c": "Failed",
        "ex-stray": "Running",
    }


def test_short_and_full_names() -> None:
    c = ClusterBuilder("ex", size=2).member("a").member("ex-b").build()
    assert c.members is not None and c.members.names() == ["ex-a", "ex-b"]


def test_spec_fields_and_versions() -> None:
    b = ClusterBuilder("ex", size=1, version="3.2.13", repository="quay.io/coreos/etcd")
    c = b.member("a", version="3.1.0").build()
    assert c.cluster.spec.repository == "quay.io/coreos/etcd"
    assert b.world is not None
    assert get_etcd_version(b.world.kube.pods[("default", "ex-a")]) == "3.1.0"
    r = c.reconcile_once()
    assert r.branch == trace.UPGRADE_MEMBER
    assert get_etcd_version(b.world.kube.pods[("default", "ex-a")]) == "3.2.13"


def test_dead_member_is_removed_first() -> None:
    c = ClusterBuilder("ex", size=3).member("a").member("b").member("c", healthy=False).build()
    r = c.reconcile_once()
    assert r.branch == trace.REMOVE_DEAD and r.error is None
    assert c.members is not None and c.members.names() == ["ex-a", "ex-b"]
    assert c.reconcile_once().branch == trace.ADD_MEMBER  # then grown back


def test_lost_quorum_is_an_error_for_the_next_cycle() -> None:
    c = ClusterBuilder("ex", size=3).member("a").member("b", False).member("c", False).build()
    r = c.reconcile_once()
    assert r.branch == trace.LOST_QUORUM
    assert isinstance(r.error, ErrLostQuorum)
    # run() hands the error to the next cycle, which rebuilds the member list from etcd.
    r2 = c.reconcile_once(r.error)
    assert r2.record.rebuilt_members


def test_all_dead_and_paused_and_pending() -> None:
    assert ClusterBuilder("ex", size=1).member("a", False).build().reconcile_once().branch == (
        trace.ALL_DEAD
    )
    paused = ClusterBuilder("ex", size=1, paused=True).member("a").build()
    assert paused.reconcile_once().branch == trace.PAUSED
    assert paused.status.control_paused
    pending = ClusterBuilder("ex", size=2).member("a").member("b", pod="pending").build()
    assert pending.reconcile_once().branch == trace.SKIP_PENDING


def test_unknown_members_after_restart_are_read_from_etcd() -> None:
    c = ClusterBuilder("ex", size=2, known_members=False).member("a").member("b").build()
    assert c.members is None
    r = c.reconcile_once()
    assert r.record.rebuilt_members and r.branch == trace.NOOP
    assert c.members is not None and c.members.names() == ["ex-a", "ex-b"]
    assert all(m.id != 0 for m in c.members)  # ids come from etcd, not from pods


def test_bad_states_are_refused() -> None:
    with pytest.raises(ValueError, match="member 'a': pod must be one of"):
        ClusterBuilder().member("a", pod="gone")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="pod 'x': phase must be"):
        ClusterBuilder().pod("x", "dead")


def test_reconcile_tick_is_deprecated_but_works() -> None:
    c: Cluster = ClusterBuilder("ex", size=3).member("a").member("b").member("c", False).build()
    with pytest.warns(DeprecationWarning, match=r"reconcile_once"):
        rerr = c._reconcile_tick(None)
    assert rerr is None
    assert c.members is not None and c.members.names() == ["ex-a", "ex-b"]  # it did the cycle
    lost = ClusterBuilder("ex", size=3).member("a").member("b", False).member("c", False).build()
    with pytest.warns(DeprecationWarning):
        assert isinstance(lost._reconcile_tick(None), ErrLostQuorum)


def test_run_loop_does_not_warn(recwarn: pytest.WarningsRecorder) -> None:
    b = ClusterBuilder("ex", size=3).member("a").member("b")
    c = b.build()
    assert b.world is not None
    b.world.runtime.go(c.run())
    b.world.runtime.run_until(b.world.clock.now() + 20.0)
    assert [x for x in recwarn if issubclass(x.category, DeprecationWarning)] == []
    assert c.members is not None and c.members.size() == 3
