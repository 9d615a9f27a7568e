"""v0.9.4's e2e tests (test/e2e/...) as simulated scenarios in the fake world.

Each test keeps the upstream steps and assertions, including the retry budgets of the
e2eutil wait helpers (polls every 10 s of simulated time).  Nothing sleeps: the clock jumps.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from reference_impl.operator import trace
from reference_impl.operator.api import backup_types as bt
from reference_impl.operator.api.meta import ObjectMeta
from reference_impl.operator.api.restore_types import EtcdRestore, RestoreSpec
from reference_impl.operator.backup.sync import Backup
from reference_impl.operator.fake import FakeWorld
from reference_impl.operator.harness import Operator
from reference_impl.operator.k8sutil.k8sutil import etcd_flags
from reference_impl.operator.restore.http import serve_backup
from reference_impl.operator.restore.sync import Restore

from .conftest import new_cluster

NS = "default"


def _quorum_never_lost_by_operator(world: FakeWorld) -> None:
    for ch in world.etcd.changes:
        assert not ch.loses_quorum, ch


# ------------------------------------------------------------------------ basic_test.go


def test_TestCreateCluster(op: Operator, world: FakeWorld) -> None:
    op.create(new_cluster("test-etcd", 3))
    names = op.wait_size_reached("test-etcd", 3, 6)
    assert names is not None and len(names) == 3
    # The first cycle grows the seed; members come one per cycle.
    adds = [c for c in world.trace.cycles if c.branch == trace.ADD_MEMBER and not c.error]
    assert len(adds) == 2
    assert op.get("test-etcd").status.phase == "Running"
    _quorum_never_lost_by_operator(world)


def test_TestPauseControl(op: Operator, world: FakeWorld) -> None:
    op.create(new_cluster("test-etcd", 3))
    names = op.wait_size_reached("test-etcd", 3, 6)
    assert names is not None
    op.set_paused("test-etcd", True)
    op.run_for(5.0)  # the e2e test's sleep for the CR update to land
    op.kill(names[0])
    assert op.wait_pod_size_reached("test-etcd", 2, 1) is not None
    # Paused: nobody replaces the member.
    assert op.wait_pod_size_reached("test-etcd", 3, 1) is None
    # v0.9.4 quirk: pausing sets controlPaused in memory but `continue`s before the status
    # write, so the resource never shows it.
    assert op.controller is not None
    live = op.controller.clusters["default/test-etcd"]
    assert live is not None and live.status.control_paused is True
    assert op.get("test-etcd").status.control_paused is False
    assert world.trace.for_cluster("test-etcd")[-1].branch == trace.PAUSED
    op.set_paused("test-etcd", False)
    assert op.wait_size_reached("test-etcd", 3, 6) is not None


def test_TestEtcdUpgrade(op: Operator, world: FakeWorld) -> None:
    op.create(new_cluster("test-etcd", 3, version="3.1.10"))
    assert op.wait_size_and_version_reached("test-etcd", "3.1.10", 3, 6)
    op.set_version("test-etcd", "3.2.13")
    assert op.wait_size_and_version_reached("test-etcd", "3.2.13", 3, 10)
    ups = [c for c in world.trace.cycles if c.branch == trace.UPGRADE_MEMBER]
    assert len(ups) == 3  # one member per cycle
    op.run_for(8.0)
    st = op.get("test-etcd").status
    assert st.current_version == "3.2.13" and st.target_version == ""
    assert "Upgrading" not in st.condition_types()


# ---------------------------------------------------------------- cluster_status_test.go


def test_TestReadyMembersStatus(op: Operator) -> None:
    size = 1
    op.create(new_cluster("test-etcd", size))
    assert op.wait_size_reached("test-etcd", size, 3) is not None
    assert op.retry(3, lambda: len(op.get("test-etcd").status.members.ready) == size)


# ---------------------------------------------------------------------- recovery_test.go


def test_TestOneMemberRecovery(op: Operator, world: FakeWorld) -> None:
    op.create(new_cluster("test-etcd", 3))
    names = op.wait_size_reached("test-etcd", 3, 6)
    assert names is not None
    world.put(NS, "test-etcd", "foo", "bar")
    op.kill(names[2])
    assert op.wait_pod_size_reached("test-etcd", 3, 6) is not None
    assert names[2] not in op.running_pods("test-etcd")
    assert world.get(NS, "test-etcd", "foo") == "bar"
    branches = world.trace.branches("test-etcd")
    assert branches.index(trace.REMOVE_DEAD) < len(branches) - 1
    _quorum_never_lost_by_operator(world)


def test_two_member_loss_of_five_recovers(op: Operator, world: FakeWorld) -> None:
    """Recovery after two member losses: a 5-member cluster keeps its quorum (3 of 5)."""
    op.create(new_cluster("test-etcd", 5))
    names = op.wait_size_reached("test-etcd", 5, 9)
    assert names is not None
    world.put(NS, "test-etcd", "foo", "bar")
    op.kill(names[0])
    op.kill(names[1])
    # status.members.ready is rewritten only by a successful reconcile: wait for the
    # killed members to leave it before waiting for the size.
    assert op.retry(6, lambda: not set(names[:2]) & set(op.get("test-etcd").status.members.ready))
    assert op.wait_size_reached("test-etcd", 5, 12) is not None
    dead = [c for c in world.trace.cycles if c.branch == trace.REMOVE_DEAD]
    assert len(dead) == 2
    assert world.get(NS, "test-etcd", "foo") == "bar"
    _quorum_never_lost_by_operator(world)


def test_two_member_loss_of_three_is_lost_quorum(op: Operator, world: FakeWorld) -> None:
    """Two of three lost: v0.9.4 reports ErrLostQuorum every cycle and changes nothing."""
    op.create(new_cluster("test-etcd", 3))
    names = op.wait_size_reached("test-etcd", 3, 6)
    assert names is not None
    n_changes = len(world.etcd.changes)
    op.kill(names[0])
    op.kill(names[1])
    op.run_for(60.0)
    last = world.trace.for_cluster("test-etcd")[-5:]
    assert all(c.branch == trace.LOST_QUORUM and c.error == "lost quorum" for c in last)
    assert len(world.etcd.changes) == n_changes  # no membership change attempted
    assert op.get("test-etcd").status.phase == "Running"  # not fatal: it keeps trying


# ------------------------------------------------------------------------ resize_test.go


def test_TestResizeCluster3to5(op: Operator) -> None:
    op.create(new_cluster("test-etcd", 3))
    assert op.wait_size_reached("test-etcd", 3, 6) is not None
    op.set_size("test-etcd", 5)
    assert op.wait_size_reached("test-etcd", 5, 6) is not None


def test_TestResizeCluster5to3(op: Operator, world: FakeWorld) -> None:
    op.create(new_cluster("test-etcd", 5))
    assert op.wait_size_reached("test-etcd", 5, 9) is not None
    op.set_size("test-etcd", 3)
    assert op.wait_size_reached("test-etcd", 3, 6) is not None
    removes = [c for c in world.trace.cycles if c.branch == trace.REMOVE_MEMBER]
    assert len(removes) == 2
    _quorum_never_lost_by_operator(world)


# --------------------------------------------------------------------------- tls_test.go


def test_TestTLS(op: Operator, world: FakeWorld) -> None:
    for secret in ("etcd-peer-tls", "etcd-server-tls", "etcd-client-tls"):
        world.kube.secrets[(NS, secret)] = {
            "etcd-client.crt": b"c",
            "etcd-client.key": b"k",
            "etcd-client-ca.crt": b"ca",
        }
    tls = {
        "static": {
            "member": {"peerSecret": "etcd-peer-tls", "serverSecret": "etcd-server-tls"},
            "operatorSecret": "etcd-client-tls",
        }
    }
    op.create(new_cluster("tls-test", 3, TLS=tls))
    assert op.wait_size_reached("tls-test", 3, 6) is not None
    for pod in world.kube.list_pods(NS, {"etcd_cluster": "tls-test"}):
        f = etcd_flags(pod)
        assert f["advertise-client-urls"].startswith("https://")
        assert f["initial-advertise-peer-urls"].startswith("https://")
        assert f["client-cert-auth"] == "true" and f["peer-client-cert-auth"] == "true"


def test_tls_missing_operator_secret_fails_the_cluster(op: Operator) -> None:
    """Where TLS affects reconcile: setup cannot load the operator's client cert."""
    tls = {
        "static": {"member": {"peerSecret": "p", "serverSecret": "s"}, "operatorSecret": "missing"}
    }
    op.create(new_cluster("tls-test", 3, TLS=tls))
    op.run_for(1.0)
    st = op.get("tls-test").status
    assert st.phase == "Failed" and "missing" in st.reason


# ---------------------------------------------------------------------------- pv_test.go


def test_TestCreateClusterWithPV(op: Operator, world: FakeWorld) -> None:
    pvc = {
        "accessModes": ["ReadWriteOnce"],
        "resources": {"requests": {"storage": "512Mi"}},
        "storageClassName": "standard",
    }
    op.create(new_cluster("test-etcd", 3, pod={"persistentVolumeClaimSpec": pvc}))
    assert op.wait_size_reached("test-etcd", 3, 30) is not None
    for pod in world.kube.list_pods(NS, {"etcd_cluster": "test-etcd"}):
        vols = pod["spec"]["volumes"]
        assert vols[-1]["persistentVolumeClaim"]["claimName"] == pod["metadata"]["name"]


# ------------------------------------------------------------ upgradetest/upgrade_test.go


def test_TestResize(op: Operator) -> None:
    """upgradetest: resize works across an operator upgrade (here: a restart)."""
    op.create(new_cluster("upgrade-test", 3))
    assert op.wait_size_reached("upgrade-test", 3, 6) is not None
    op.restart()
    op.set_size("upgrade-test", 5)
    assert op.wait_size_reached("upgrade-test", 5, 6) is not None


def test_TestHealOneMemberForOldCluster(op: Operator, world: FakeWorld) -> None:
    op.create(new_cluster("upgrade-test", 3))
    names = op.wait_size_reached("upgrade-test", 3, 6)
    assert names is not None
    op.restart()
    op.kill(names[2])
    assert op.retry(
        3,
        lambda: (
            names[2] not in op.get("upgrade-test").status.members.ready
            and len(op.get("upgrade-test").status.members.ready) > 0
        ),
    )
    assert op.wait_size_reached("upgrade-test", 3, 6) is not None
    # After the restart the first reconcile rebuilt membership from etcd.
    assert any(c.rebuilt_members for c in world.trace.cycles)


# ------------------------------------------------------------- e2eslow/disruptive_test.go


def test_TestRestartOperator(op: Operator, world: FakeWorld) -> None:
    op.create(new_cluster("test-etcd", 3))
    names = op.wait_size_reached("test-etcd", 3, 6)
    assert names is not None
    op.stop()  # DeleteEtcdOperatorCompletely
    op.kill(names[0])
    assert op.wait_pod_size_reached("test-etcd", 2, 1) is not None
    assert op.wait_pod_size_reached("test-etcd", 3, 1) is None
    op.start()  # SetupEtcdOperator
    assert op.wait_size_reached("test-etcd", 3, 6) is not None
    # The status still listed 3 ready members from before; also require 3 running pods
    # without the killed one, which only the new operator can have brought about.
    assert op.retry(
        6,
        lambda: (
            len(op.running_pods("test-etcd")) == 3 and names[0] not in op.running_pods("test-etcd")
        ),
    )
    rebuilt = [c for c in world.trace.cycles if c.rebuilt_members]
    assert rebuilt and rebuilt[0].members_before == sorted(names)


# --------------------------------------------------------- e2eslow/backup_restore_test.go


def test_TestBackupAndRestore(op: Operator, world: FakeWorld, tmp_path: Path) -> None:
    op.create(new_cluster("test-etcd", 3))
    assert op.wait_size_reached("test-etcd", 3, 6) is not None
    world.put(NS, "test-etcd", "foo", "bar")

    # Backup operator, one-shot backup to the local-directory backend.
    backups = Backup(
        NS, world.kube, world.kube, world.new_etcd_client, world.runtime, local_root=str(tmp_path)
    )
    eb = bt.EtcdBackup(
        ObjectMeta(name="test-etcd-backup", namespace=NS, uid="b1"),
        bt.BackupSpec(
            etcd_endpoints=["http://test-etcd-client.default.svc:2379"],
            storage_type=bt.STORAGE_LOCAL,
            local=bt.StorageSource(path="etcd-backups/test-etcd"),
        ),
    )
    backups.process_item(eb)
    got = world.kube.get_backup(NS, "test-etcd-backup")
    assert got.status.succeeded, got.status.reason
    assert got.status.etcd_revision > 1
    assert (tmp_path / "etcd-backups/test-etcd").is_file()

    # Data written after the backup must not survive the restore.
    world.put(NS, "test-etcd", "after", "backup")

    restore = Restore(
        NS,
        "etcd-restore-operator:19999",
        world.kube,
        world.kube,
        world.rng,
        local_root=str(tmp_path),
    )
    world.backup_servers[restore.url_prefix()] = lambda u: serve_backup(restore, urlsplit(u).path)
    er = EtcdRestore(
        ObjectMeta(name="test-etcd", namespace=NS),
        RestoreSpec(
            backup_storage_type=bt.STORAGE_LOCAL,
            local=bt.StorageSource(path="etcd-backups/test-etcd"),
            etcd_cluster_name="test-etcd",
        ),
    )
    restore.process_item(er)
    assert world.kube.restores[(NS, "test-etcd")].status.succeeded
    world.runtime.run_pending()
    assert op.wait_size_reached("test-etcd", 3, 6) is not None
    assert world.get(NS, "test-etcd", "foo") == "bar"
    assert world.get(NS, "test-etcd", "after") is None


def test_periodic_backup_keeps_max_backups(world: FakeWorld, op: Operator, tmp_path: Path) -> None:
    op.create(new_cluster("test-etcd", 1))
    assert op.wait_size_reached("test-etcd", 1, 3) is not None
    backups = Backup(
        NS, world.kube, world.kube, world.new_etcd_client, world.runtime, local_root=str(tmp_path)
    )
    eb = bt.EtcdBackup(
        ObjectMeta(name="periodic", namespace=NS, uid="b2"),
        bt.BackupSpec(
            etcd_endpoints=["http://test-etcd-client.default.svc:2379"],
            storage_type=bt.STORAGE_LOCAL,
            backup_policy=bt.BackupPolicy(backup_interval_in_second=60, max_backups=2),
            local=bt.StorageSource(path="p/snap"),
        ),
    )
    world.kube.backups[(NS, "periodic")] = eb
    backups.process_item(eb)
    assert "backup-operator-periodic" in world.kube.get_backup(NS, "periodic").metadata.finalizers
    for i in range(4):
        world.put(NS, "test-etcd", f"k{i}", "v")
        op.run_for(60.0)
    assert len(list((tmp_path / "p").iterdir())) == 2
    eb = world.kube.get_backup(NS, "periodic")
    eb.metadata.deletion_timestamp = world.clock.now()
    backups.process_item(eb)
    assert world.kube.get_backup(NS, "periodic").metadata.finalizers == []
    assert backups.backup_runner_store == {}
