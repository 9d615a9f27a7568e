"""Every test function of etcd-operator v0.9.4's non-e2e Go tests, ported case for case.

Go file -> test functions (see docs/operator-test-mapping.md):
  pkg/util/etcdutil/member_test.go      TestMemberSetIsEqual
  pkg/util/etcdutil/etcdutil_test.go    TestMemberNameFromPeerURL
  pkg/cluster/cluster_test.go           TestUpdateEventUpdateLocalClusterObj, TestNewLongClusterName
  pkg/cluster/error_test.go             TestWrapFatalError
  pkg/util/k8sutil/k8sutils_test.go     TestDefaultBusyboxImageName, TestDefaultNilBusyboxImageName,
                                        TestSetBusyboxImageName
  pkg/controller/controller_test.go     TestHandleClusterEvent* (7)
  pkg/controller/backup-operator/sync_test.go   TestValidate
  pkg/util/awsutil/s3factory/client_test.go     TestSetupAWSConfig
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reference_impl.operator import controller as ctrl
from reference_impl.operator.api.backup_types import BackupSpec
from reference_impl.operator.api.cluster import EtcdCluster, PodPolicy
from reference_impl.operator.api.meta import ObjectMeta
from reference_impl.operator.api.status import PHASE_FAILED, ClusterStatus
from reference_impl.operator.backup.s3factory import setup_aws_config
from reference_impl.operator.backup.sync import validate
from reference_impl.operator.cluster.cluster import (
    EVENT_MODIFY_CLUSTER,
    Cluster,
    ClusterEvent,
    Config,
    new,
)
from reference_impl.operator.cluster.error import (
    FatalError,
    is_fatal_error,
    new_fatal_error,
    wrap,
)
from reference_impl.operator.etcdutil.member import (
    Member,
    member_name_from_peer_url,
    new_member_set,
)
from reference_impl.operator.k8sutil.k8sutil import DEFAULT_BUSYBOX_IMAGE, image_name_busybox

LONG_NAME = "example-etcd-cluster123456789123456789123456789123456789123456"

# ---------------------------------------------------------------- pkg/util/etcdutil

_MA, _MB = Member(name="a"), Member(name="b")


@pytest.mark.parametrize(
    ("ms1", "ms2", "w_equal"),
    [
        ([_MA, _MB], [_MA, _MB], True),
        ([_MA, _MB], [_MA], False),
        ([_MA], [_MA, _MB], False),
        ([], [], True),
        ([], [_MA], False),
        ([_MA], [], False),
    ],
)
def test_TestMemberSetIsEqual(ms1: list[Member], ms2: list[Member], w_equal: bool) -> None:
    assert new_member_set(*ms1).is_equal(new_member_set(*ms2)) is w_equal


@pytest.mark.parametrize(
    ("purl", "w_name", "w_err"),
    [
        ("http://test-cluster:2379", "test-cluster", False),
        ("https://test-cluster:2379", "test-cluster", False),
        ("http://test-cluster", "test-cluster", False),
        ("test-cluster", "", True),
        ("test-cluster:2379", "", True),
        ("", "", True),
        ("http://", "", True),
        ("http://a:a", "", True),
    ],
)
def test_TestMemberNameFromPeerURL(purl: str, w_name: str, w_err: bool) -> None:
    if w_err:
        with pytest.raises(ValueError):
            member_name_from_peer_url(purl)
        return
    assert member_name_from_peer_url(purl) == w_name


# ---------------------------------------------------------------------- pkg/cluster


def test_TestUpdateEventUpdateLocalClusterObj() -> None:
    """When an EtcdCluster update event happens, the local object is replaced."""
    old_version, new_version = "123", "321"
    old_obj = EtcdCluster(
        ObjectMeta(name="test", namespace="default", resource_version=old_version)
    )
    new_obj = old_obj.deepcopy()
    new_obj.metadata.resource_version = new_version
    c = Cluster(Config(), old_obj)
    c.handle_update_event(ClusterEvent(EVENT_MODIFY_CLUSTER, new_obj))
    assert c.cluster.metadata.resource_version == new_version


def test_TestNewLongClusterName() -> None:
    clus = EtcdCluster(ObjectMeta(name=LONG_NAME, namespace="default", cluster_name=LONG_NAME))
    assert new(Config(), clus) is None


@pytest.mark.parametrize(
    ("err", "is_fatal"),
    [
        (FatalError(), True),
        (new_fatal_error("some reason"), True),
        (wrap(new_fatal_error("cause"), "wrap"), True),
        (Exception("not fatal"), False),
    ],
)
def test_TestWrapFatalError(err: Exception, is_fatal: bool) -> None:
    assert is_fatal_error(err) is is_fatal


# ---------------------------------------------------------------------- pkg/util/k8sutil


def test_TestDefaultBusyboxImageName() -> None:
    assert image_name_busybox(PodPolicy()) == DEFAULT_BUSYBOX_IMAGE


def test_TestDefaultNilBusyboxImageName() -> None:
    assert image_name_busybox(None) == DEFAULT_BUSYBOX_IMAGE


def test_TestSetBusyboxImageName() -> None:
    assert image_name_busybox(PodPolicy(busybox_image="myRepo/busybox:1.3.2")) == (
        "myRepo/busybox:1.3.2"
    )


# ------------------------------------------------------------------------ pkg/controller


def _cr(
    name: str, namespace: str = "", annotations: dict[str, str] | None = None, phase: str = ""
) -> EtcdCluster:
    return EtcdCluster(
        ObjectMeta(name=name, namespace=namespace, annotations=dict(annotations or {})),
        status=ClusterStatus(phase=phase),
    )


def test_TestHandleClusterEventUpdateFailedCluster() -> None:
    c = ctrl.new(ctrl.Config())
    e = ctrl.Event(ctrl.MODIFIED, _cr("test", phase=PHASE_FAILED))
    with pytest.raises(ctrl.ControllerError) as exc:
        c.handle_cluster_event(e)
    assert str(exc.value).startswith("ignore failed cluster")


def test_TestHandleClusterEventDeleteFailedCluster() -> None:
    c = ctrl.new(ctrl.Config())
    clus = _cr("tests", phase=PHASE_FAILED)
    c.clusters[ctrl.get_namespaced_name(clus)] = Cluster(Config(), clus)
    c.handle_cluster_event(ctrl.Event(ctrl.DELETED, clus))
    assert c.clusters.get(ctrl.get_namespaced_name(clus)) is None


def test_TestHandleClusterEventClusterwide() -> None:
    c = ctrl.new(ctrl.Config(cluster_wide=True))
    clus = _cr("test", "a", {"etcd.database.coreos.com/scope": "clusterwide"})
    # Go returns (ignored=false, err): the cluster is managed; the error only says a Modified
    # event came for a cluster this controller never created.  A raise is "not ignored".
    with pytest.raises(ctrl.ControllerError, match="unsafe state"):
        c.handle_cluster_event(ctrl.Event(ctrl.MODIFIED, clus))


def test_TestHandleClusterEventClusterwideIgnored() -> None:
    c = ctrl.new(ctrl.Config(cluster_wide=True))
    assert c.handle_cluster_event(ctrl.Event(ctrl.MODIFIED, _cr("test"))) is True


def test_TestHandleClusterEventClusterwideAddTwoCR() -> None:
    c = ctrl.new(ctrl.Config(cluster_wide=True))
    for ns in ("a", "b"):
        # Both are unannotated, so a cluster-wide operator ignores them without error.
        assert c.handle_cluster_event(ctrl.Event(ctrl.ADDED, _cr("test", ns))) is True


def test_TestHandleClusterEventNamespacedIgnored() -> None:
    c = ctrl.new(ctrl.Config())
    clus = _cr("test", annotations={"etcd.database.coreos.com/scope": "clusterwide"})
    assert c.handle_cluster_event(ctrl.Event(ctrl.MODIFIED, clus)) is True


def test_TestHandleClusterEventWithLongClusterName() -> None:
    c = ctrl.new(ctrl.Config())
    with pytest.raises(ctrl.ControllerError):
        # Not ignored (it is ours), but refused: the name is too long for member pods.
        c.handle_cluster_event(ctrl.Event(ctrl.ADDED, _cr(LONG_NAME)))


# --------------------------------------------------------- pkg/controller/backup-operator


@pytest.mark.parametrize(
    ("spec", "expect_err"),
    [
        (BackupSpec(etcd_endpoints=["http://localhost:2379"]), False),
        (BackupSpec(), True),  # empty etcd endpoints
    ],
)
def test_TestValidate(spec: BackupSpec, expect_err: bool) -> None:
    if expect_err:
        with pytest.raises(ValueError):
            validate(spec)
    else:
        validate(spec)


# ----------------------------------------------------------- pkg/util/awsutil/s3factory


class _SecretsOnly:
    def __init__(self, secrets: dict[str, dict[str, bytes]]) -> None:
        self.secrets = secrets

    def get_secret(self, namespace: str, name: str) -> dict[str, bytes]:
        return self.secrets[name]


def test_TestSetupAWSConfig(tmp_path: Path) -> None:
    e = "example.com"
    opts = setup_aws_config(_SecretsOnly({"": {}}), "", "", e, tmp_path, False)
    assert opts.endpoint == e
