"""The same loop against real etcd 3.4 processes on 127.0.0.1 (marked ``etcd``).

The reconcile interval is 1 s instead of 8 s to keep the runs short; everything else is the
production path: real membership API, real quorum checks, real data.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from reference_impl.operator import trace
from reference_impl.operator.api import backup_types as bt
from reference_impl.operator.api.meta import ObjectMeta
from reference_impl.operator.api.restore_types import EtcdRestore, RestoreSpec
from reference_impl.operator.backup.sync import Backup
from reference_impl.operator.etcdutil.client import EtcdError
from reference_impl.operator.harness import Operator
from reference_impl.operator.localetcd import LocalEtcdWorld, etcd_available
from reference_impl.operator.restore.http import serve_backup
from reference_impl.operator.restore.sync import Restore

from .conftest import new_cluster

pytestmark = [
    pytest.mark.etcd,
    pytest.mark.skipif(
        not etcd_available(), reason="/usr/bin/etcd is not installed (Debian package etcd-server)"
    ),
]

NS = "default"


@pytest.fixture
def real() -> Iterator[tuple[LocalEtcdWorld, Operator]]:
    w = LocalEtcdWorld(seed=7, reconcile_interval=1.0)
    try:
        yield w, Operator(w)
    finally:
        w.close()  # kills every etcd process group and removes the data dirs


def _converged(op: Operator, w: LocalEtcdWorld, name: str, size: int) -> bool:
    cycles = w.trace.for_cluster(name)
    return (
        len(op.running_pods(name)) == size
        and len(op.get(name).status.members.ready) == size
        and bool(cycles)
        and cycles[-1].branch == trace.NOOP
        and not cycles[-1].error
    )


def test_real_create_cluster(real: tuple[LocalEtcdWorld, Operator]) -> None:
    w, op = real
    op.create(new_cluster("test-etcd", 3))
    assert op.wait_until(lambda: _converged(op, w, "test-etcd", 3), 60, 0.5)
    members = w.client_for(NS, "test-etcd").member_list()
    assert sorted(m.name for m in members) == op.running_pods("test-etcd")


def test_real_kill_one_and_recover(real: tuple[LocalEtcdWorld, Operator]) -> None:
    w, op = real
    op.create(new_cluster("test-etcd", 3))
    assert op.wait_until(lambda: _converged(op, w, "test-etcd", 3), 60, 0.5)
    w.wait_serving(NS, "test-etcd")
    w.put(NS, "test-etcd", "written-before", "the failure")
    victim = op.running_pods("test-etcd")[0]
    n = len(w.trace.cycles)
    op.kill(victim)
    assert op.wait_until(
        lambda: victim not in op.running_pods("test-etcd") and _converged(op, w, "test-etcd", 3),
        90,
        0.5,
    )
    branches = [c.branch for c in w.trace.cycles[n:]]
    assert trace.REMOVE_DEAD in branches and trace.ADD_MEMBER in branches
    assert branches.index(trace.REMOVE_DEAD) < branches.index(trace.ADD_MEMBER)
    members = w.client_for(NS, "test-etcd").member_list()
    assert victim not in {m.name for m in members} and len(members) == 3
    assert w.get(NS, "test-etcd", "written-before") == "the failure"


def test_real_resize_3_to_5_to_3(real: tuple[LocalEtcdWorld, Operator]) -> None:
    w, op = real
    op.create(new_cluster("test-etcd", 3))
    assert op.wait_until(lambda: _converged(op, w, "test-etcd", 3), 60, 0.5)
    op.set_size("test-etcd", 5)
    assert op.wait_until(lambda: _converged(op, w, "test-etcd", 5), 90, 0.5)
    op.set_size("test-etcd", 3)
    assert op.wait_until(lambda: _converged(op, w, "test-etcd", 3), 60, 0.5)
    assert len(w.client_for(NS, "test-etcd").member_list()) == 3


def _created_without_errors(name: str, attempts: int) -> tuple[LocalEtcdWorld, Operator]:
    """A 3-member cluster whose creation met no error (the scenario's precondition).

    On a loaded machine etcd can still refuse an add inside its health window even with a
    7 s interval; the loop then re-reads the members and the seed's ID is no longer 0, so
    the bug below cannot show.  That is the environment, not the mirror: start afresh, a
    bounded number of times, and say so if it never holds.
    """
    errors: list[str] = []
    for _ in range(attempts):
        w = LocalEtcdWorld(seed=1, reconcile_interval=7.0)  # seed 1: the seed is not kept
        op = Operator(w)
        op.create(new_cluster(name, 3))
        converged = op.wait_until(lambda: _converged(op, w, name, 3), 90, 0.5)  # noqa: B023
        failed = [c.error for c in w.trace.cycles if c.error]
        if converged and not failed:
            return w, op
        errors.append(failed[0] if failed else "did not converge to 3 members in 90 s")
        w.close()
    pytest.fail(f"creating a 3-member cluster met an error in {attempts} attempts: {errors}")


def test_real_scale_down_removing_seed_loses_quorum_v094_bug() -> None:
    """v0.9.4 keeps the seed member's ID as 0 (see test_properties.py).  Scaling 3 -> 1
    "removes" the seed by ID 0 (etcd: member not found, taken as done) and deletes its pod:
    real etcd is left with 2 members, 1 alive, no quorum, writes time out, while the
    resource reports Available.  Needs a reconcile interval above etcd's 5 s health window,
    so that no add fails during creation (any error would make the loop re-read members).
    """
    w, op = _created_without_errors("demo", attempts=3)
    try:
        seed = w.trace.notes[0].detail
        op.set_size("demo", 1)
        assert op.wait_until(lambda: _converged(op, w, "demo", 1), 60, 0.5)
        removed = [a for c in w.trace.cycles for a in c.actions if "member remove" in a]
        assert removed[-1] == f"member remove {seed} (id 0)"
        members = {m.name for m in w.client_for(NS, "demo").member_list()}
        assert seed in members and len(members) == 2
        with pytest.raises(EtcdError):
            w.put(NS, "demo", "k", "v")  # no leader
        assert "Available" in op.get("demo").status.condition_types()
    finally:
        w.close()


def test_real_backup_and_restore(real: tuple[LocalEtcdWorld, Operator], tmp_path: Path) -> None:
    """TestBackupAndRestore with real etcd: `etcdctl snapshot save` into the local backend,
    then the restore operator's seed pod runs `etcdctl snapshot restore` before etcd."""
    w, op = real
    op.create(new_cluster("test-etcd", 3))
    assert op.wait_until(lambda: _converged(op, w, "test-etcd", 3), 60, 0.5)
    w.wait_serving(NS, "test-etcd")
    w.put(NS, "test-etcd", "foo", "bar")
    backups = Backup(NS, w.kube, w.kube, w.new_etcd_client, w.runtime, local_root=str(tmp_path))
    eb = bt.EtcdBackup(
        ObjectMeta(name="b", namespace=NS, uid="b1"),
        bt.BackupSpec(
            etcd_endpoints=["http://test-etcd-client.default.svc:2379"],
            storage_type=bt.STORAGE_LOCAL,
            local=bt.StorageSource(path="backups/test-etcd"),
        ),
    )
    backups.process_item(eb)
    st = w.kube.get_backup(NS, "b").status
    assert st.succeeded, st.reason
    assert st.etcd_version.startswith("3.4")
    w.put(NS, "test-etcd", "after", "backup")

    restore = Restore(NS, "restore-operator:19999", w.kube, w.kube, w.rng, local_root=str(tmp_path))
    w.backup_servers[restore.url_prefix()] = lambda u: serve_backup(restore, urlsplit(u).path)
    restore.process_item(
        EtcdRestore(
            ObjectMeta(name="test-etcd", namespace=NS),
            RestoreSpec(
                backup_storage_type=bt.STORAGE_LOCAL,
                local=bt.StorageSource(path="backups/test-etcd"),
                etcd_cluster_name="test-etcd",
            ),
        )
    )
    assert w.kube.restores[(NS, "test-etcd")].status.succeeded
    w.runtime.run_pending()
    assert op.wait_until(lambda: _converged(op, w, "test-etcd", 3), 90, 0.5)
    w.wait_serving(NS, "test-etcd")
    assert w.get(NS, "test-etcd", "foo") == "bar"
    assert w.get(NS, "test-etcd", "after") is None


def test_real_upgrade_restarts_one_member_at_a_time(
    real: tuple[LocalEtcdWorld, Operator],
) -> None:
    """TestEtcdUpgrade with real processes: a new image restarts one etcd per cycle on its
    own data dir (one etcd binary is installed, so versions are labels here)."""
    w, op = real
    op.create(new_cluster("test-etcd", 3, version="3.1.10"))
    assert op.wait_until(lambda: _converged(op, w, "test-etcd", 3), 60, 0.5)
    w.wait_serving(NS, "test-etcd")
    w.put(NS, "test-etcd", "k", "kept")
    op.set_version("test-etcd", "3.2.13")
    assert op.wait_until(
        lambda: (
            set(op.pod_versions("test-etcd").values()) == {"3.2.13"}
            and _converged(op, w, "test-etcd", 3)
        ),
        90,
        0.5,
    )
    ups = [c for c in w.trace.cycles if c.branch == trace.UPGRADE_MEMBER]
    assert len(ups) == 3 and len({c.time for c in ups}) == 3
    restarts = [p["status"].get("restarts", 0) for p in w.kube.pods.values()]
    assert restarts == [1, 1, 1]
    w.wait_serving(NS, "test-etcd")
    assert w.get(NS, "test-etcd", "k") == "kept"
