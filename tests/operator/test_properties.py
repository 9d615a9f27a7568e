"""Property tests: random pod failures, resizes, version changes and operator restarts.

The fake etcd runs with etcd 3.4's defaults (``--strict-reconfig-check`` on).  Every
membership change that went through is checked against the quorum rule independently of
that guard.  Properties:

* no membership change made by the loop takes a cluster with quorum to one without;
* at most one membership change and at most one member upgrade per reconcile cycle;
* once failures stop, if a majority of members survived every failure, the cluster
  converges to the spec: size, membership = running pods, every pod at the spec version,
  Available.
"""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from reference_impl.operator import trace
from reference_impl.operator.fake import FakeWorld, quorum
from reference_impl.operator.harness import Operator

from .conftest import new_cluster

NS, NAME = "default", "prop"
VERSIONS = ["3.1.10", "3.2.13", "3.3.0"]

disturbance = st.one_of(
    st.just(("none", 0)),
    st.tuples(st.just("kill"), st.integers(0, 6)),
    st.tuples(st.just("fail"), st.integers(0, 6)),
    st.tuples(st.just("size"), st.integers(1, 7)),
    st.tuples(st.just("version"), st.integers(0, len(VERSIONS) - 1)),
    st.tuples(st.just("restart"), st.just(0)),
)


def _majority_alive(world: FakeWorld) -> bool:
    live = [c for c in world.etcd.clusters if world.etcd.healthy(c) > 0]
    if not live:
        return False
    c = live[-1]
    return world.etcd.healthy(c) >= quorum(len(c.members))


def _removed_seed_by_unknown_id(world: FakeWorld, since: int) -> bool:
    """Did the loop "remove" the seed member by ID 0 (see the regression tests below)?"""
    return any("(id 0)" in a for c in world.trace.cycles[since:] for a in c.actions)


def _seed_left_behind(world: FakeWorld) -> bool:
    """The seed is still an etcd member, without a pod, although the operator dropped it."""
    seed = world.trace.notes[0].detail
    live = [c for c in world.etcd.clusters if world.etcd.healthy(c) > 0]
    in_etcd = bool(live) and seed in {m.name for m in live[-1].members.values()}
    return in_etcd and (NS, seed) not in world.kube.pods


def _check_safety(world: FakeWorld) -> None:
    for ch in world.etcd.changes:
        assert not ch.loses_quorum, ch
    per_cycle = Counter(ch.time for ch in world.etcd.changes)
    assert max(per_cycle.values(), default=0) <= 1, per_cycle
    upgrades = Counter(t for t, _ in world.kube.image_changes)
    assert max(upgrades.values(), default=0) <= 1, upgrades
    for c in world.trace.cycles:
        assert sum(1 for a in c.actions if a.startswith("upgrade ")) <= 1


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    initial=st.integers(1, 5), steps=st.lists(disturbance, max_size=25), seed=st.integers(0, 2**16)
)
def test_reconcile_is_safe_and_converges(
    initial: int, steps: list[tuple[str, int]], seed: int
) -> None:
    world = FakeWorld(seed=seed)
    op = Operator(world)
    op.create(new_cluster(NAME, initial, version=VERSIONS[1]))
    op.run_for(8.0 * (initial + 2))
    majority_kept = True
    for kind, arg in steps:
        pods = op.running_pods(NAME)
        if kind in ("kill", "fail") and pods:
            victim = pods[arg % len(pods)]
            if kind == "kill":
                op.kill(victim)
            else:
                world.kube.fail_pod(NS, victim)
        elif kind == "size":
            op.set_size(NAME, arg)
        elif kind == "version":
            op.set_version(NAME, VERSIONS[arg])
        elif kind == "restart":
            op.restart()
        before = _majority_alive(world)
        majority_kept = majority_kept and before
        n, nch = len(world.trace.cycles), len(world.etcd.changes)
        op.run_for(8.0)
        after = _majority_alive(world)
        if before and not after:
            # The loop itself lost quorum.  Allowed: growing 1 -> 2 (until the new member
            # starts; etcd permits exactly this).  Otherwise only the known v0.9.4 seed-ID
            # bug does it.
            grew_from_one = any(
                ch.op == "add" and ch.size_before == 1 for ch in world.etcd.changes[nch:]
            )
            assert grew_from_one or _removed_seed_by_unknown_id(world, n), world.trace.cycles[n:]
        majority_kept = majority_kept and after
        _check_safety(world)

    op.run_for(8.0 * 40)  # failures have stopped
    _check_safety(world)
    if _removed_seed_by_unknown_id(world, 0) and _seed_left_behind(world):
        # v0.9.4 bug (see the tests below): etcd keeps the seed the operator thinks it
        # removed, and nothing makes the operator look again.  Not a convergence case.
        event("v0.9.4 seed-ID bug hit: convergence not expected")
        return
    event("majority kept: convergence checked" if majority_kept else "majority lost")
    if not majority_kept:
        return
    spec = op.get(NAME).spec
    running = op.running_pods(NAME)
    assert len(running) == spec.size
    c = world.etcd.clusters[-1]
    assert sorted(m.name for m in c.members.values()) == running
    assert set(op.pod_versions(NAME).values()) == {spec.version}
    st_ = op.get(NAME).status
    assert "Available" in st_.condition_types() and st_.current_version == spec.version
    assert world.trace.for_cluster(NAME)[-1].branch == trace.NOOP


def test_seed_member_id_is_unknown_and_strict_reconfig_saves_the_day() -> None:
    """A finding of the property test, kept as a regression test of v0.9.4's behaviour.

    The seed member is recorded with ID 0 (startSeedMember never learns its etcd ID, and
    members are only re-read from etcd after an error or an operator restart).  When the seed
    dies, removeMember asks etcd to remove ID 0, gets "member not found", treats that as
    "already removed" and drops it from its own list, while etcd still has the dead seed.
    With strict reconfiguration checks off, the next add then grows 3 members (2 healthy) to
    4: quorum 3, 2 healthy, quorum lost until the new member starts.  etcd's default
    --strict-reconfig-check refuses that add; the error makes the loop re-read membership
    from etcd and remove the seed properly.
    """
    for strict in (False, True):
        world = FakeWorld(seed=2, strict_reconfig=strict)
        op = Operator(world)
        op.create(new_cluster(NAME, 3))
        op.run_for(40.0)
        seed = world.trace.notes[0].detail
        assert [n.kind for n in world.trace.notes][:1] == ["seed-member"]
        op.kill(seed)
        op.run_for(80.0)
        removed = [c for c in world.trace.cycles if c.branch == trace.REMOVE_DEAD]
        assert "(id 0)" in removed[0].actions[-1]
        unsafe = [ch for ch in world.etcd.changes if ch.loses_quorum]
        if strict:
            assert unsafe == []
            assert any(c.rebuilt_members for c in world.trace.cycles)
            c = world.etcd.clusters[-1]
            assert sorted(m.name for m in c.members.values()) == op.running_pods(NAME)
        else:
            assert len(unsafe) == 1 and unsafe[0].op == "add" and unsafe[0].size_before == 3


def test_scale_down_removing_the_seed_loses_quorum_v094_bug() -> None:
    """A second finding: scale 3 -> 1 when the pick is the seed (ID still 0).

    removeMember(ID 0) gets "member not found" from etcd (even with strict reconfiguration:
    etcd lets an inactive ID through to the not-found check), the operator counts that as
    removed and deletes the seed's pod.  etcd is left with 2 members, 1 running: no quorum.
    The operator's own view is 1 member = spec, so it reports Available with a no-op every
    cycle, and nothing ever fixes it (no error means no re-read of membership).
    """
    world = FakeWorld(seed=1)
    op = Operator(world)
    op.create(new_cluster(NAME, 3))
    op.run_for(40.0)
    op.set_size(NAME, 1)
    op.run_for(80.0)
    seed = world.trace.notes[0].detail
    removed = [a for c in world.trace.cycles for a in c.actions if "member remove" in a]
    assert removed[-1] == f"member remove {seed} (id 0)"
    c = world.etcd.clusters[-1]
    assert seed in {m.name for m in c.members.values()}  # etcd still has it, dead
    assert world.etcd.healthy(c) < quorum(len(c.members))  # no quorum
    assert world.trace.branches(NAME)[-1] == trace.NOOP
    assert "Available" in op.get(NAME).status.condition_types()


def test_dead_seed_left_in_etcd_after_scale_down_v094_bug() -> None:
    """The same root cause through removeDeadMember: the seed dies while the cluster is
    being scaled down.  The "removal" of ID 0 is a no-op in etcd; the spec size is then met
    in the operator's view, no add ever fails, membership is never re-read, and etcd keeps
    a dead member for good (3 members, 2 healthy: zero fault tolerance, unreported)."""
    world = FakeWorld(seed=1)
    op = Operator(world)
    op.create(new_cluster(NAME, 4))
    op.run_for(48.0)
    op.set_size(NAME, 2)
    op.run_for(8.0)
    seed = world.trace.notes[0].detail
    op.kill(seed)
    op.run_for(100.0)
    assert any(a == f"member remove {seed} (id 0)" for c in world.trace.cycles for a in c.actions)
    c = world.etcd.clusters[-1]
    assert len(c.members) == 3 and world.etcd.healthy(c) == 2
    assert len(op.running_pods(NAME)) == 2 and world.trace.branches(NAME)[-1] == trace.NOOP
