"""Backup storage: the local backend, the extension points, naming and pruning helpers."""

from __future__ import annotations

from pathlib import Path

import pytest

from reference_impl.operator.api import backup_types as bt
from reference_impl.operator.api.meta import ObjectMeta
from reference_impl.operator.backup.backup_manager import BackupManager
from reference_impl.operator.backup.sync import Backup, is_periodic_backup
from reference_impl.operator.backup.util import make_backup_name, parse_bucket_and_key
from reference_impl.operator.backup.writer import ExtensionPointWriter, LocalDirWriter
from reference_impl.operator.fake import FakeWorld
from reference_impl.operator.harness import Operator

from .conftest import new_cluster


def test_local_writer_roundtrip_and_confinement(tmp_path: Path) -> None:
    w = LocalDirWriter(tmp_path)
    assert w.write("a/b_1", b"xy") == 2
    w.write("a/b_2", b"z")
    assert w.list("a/b") == ["a/b_1", "a/b_2"]
    w.delete("a/b_1")
    assert w.list("a/") == ["a/b_2"]
    with pytest.raises(ValueError, match="escapes"):
        w.write("../outside", b"no")


def test_ensure_max_backup_keeps_the_newest(tmp_path: Path) -> None:
    w = LocalDirWriter(tmp_path)
    for rev in (3, 10, 7):
        w.write(f"snap_v{rev:03d}", b".")
    bm = BackupManager(w, None, [], "default", lambda eps, tls: None, lambda: 0.0)
    bm.ensure_max_backup("snap", 2)
    assert w.list("snap") == ["snap_v007", "snap_v010"]


@pytest.mark.parametrize("storage", [bt.STORAGE_S3, bt.STORAGE_ABS, bt.STORAGE_GCS])
def test_cloud_storage_is_a_documented_extension_point(storage: str) -> None:
    world = FakeWorld()
    op = Operator(world)
    op.create(new_cluster("x", 1))
    assert op.wait_size_reached("x", 1, 3) is not None
    b = Backup("default", world.kube, world.kube, world.new_etcd_client, world.runtime)
    src = bt.StorageSource(path="bucket/key", secret="s")
    endpoints = ["http://x-client.default.svc:2379"]
    spec = bt.BackupSpec(etcd_endpoints=endpoints, storage_type=storage, **{storage.lower(): src})
    eb = bt.EtcdBackup(ObjectMeta(name="b", namespace="default", uid="u"), spec)
    b.process_item(eb)
    st = world.kube.get_backup("default", "b").status
    assert not st.succeeded
    assert "not implemented in this reference" in st.reason
    assert "supported by etcd-operator v0.9.4" in st.reason


def test_oss_is_not_in_v094() -> None:
    with pytest.raises(NotImplementedError, match=r"not in v0\.9\.4"):
        ExtensionPointWriter("OSS").list("")


def test_backup_naming_helpers() -> None:
    assert make_backup_name("3.2.13", 255) == "3.2.13_00000000000000ff_etcd.backup"
    assert parse_bucket_and_key("bucket/dir/key") == ("bucket", "dir/key")
    with pytest.raises(ValueError, match="Invalid S3 path"):
        parse_bucket_and_key("bucket-only")
    assert not is_periodic_backup(bt.BackupSpec())
    assert is_periodic_backup(
        bt.BackupSpec(backup_policy=bt.BackupPolicy(backup_interval_in_second=30))
    )
