"""Python mirror of the CoreOS etcd-operator v0.9.4 (commit c8a1c646).

Layout: one module per Go file mirrored (``api/``, ``etcdutil/``, ``k8sutil/``, ``cluster/``,
``controller.py``, ``backup/``, ``restore/``), plus two worlds behind the same interfaces
(``fake.py`` in memory, ``localetcd.py`` with real etcd processes), a decision ``trace``, a
``scenario`` runner, a ``plot``, and ``examples.py`` (the objects the docstring examples
start from).

The names a notebook needs first are re-exported here::

    from reference_impl.operator import ClusterBuilder

    c = ClusterBuilder("example", size=3).member("a").member("b").build()
    c.reconcile_once().branch  # 'add-member'

The subpackages re-export their own public names (``reference_impl.operator.cluster.Cluster``,
``reference_impl.operator.etcdutil.MemberSet``, ...).  ``localetcd``, ``scenario`` and ``plot``
are imported on demand only: they start processes, read files or need matplotlib.
"""

from __future__ import annotations

from reference_impl.operator import api, backup, cluster, etcdutil, k8sutil, restore, trace
from reference_impl.operator.builder import ClusterBuilder
from reference_impl.operator.cluster.cluster import Cluster, Config, ReconcileResult
from reference_impl.operator.controller import Controller
from reference_impl.operator.fake import FakeWorld
from reference_impl.operator.harness import Operator
from reference_impl.operator.trace import CycleRecord, Trace

__all__ = [
    "Cluster",
    "ClusterBuilder",
    "Config",
    "Controller",
    "CycleRecord",
    "FakeWorld",
    "Operator",
    "ReconcileResult",
    "Trace",
    "api",
    "backup",
    "cluster",
    "etcdutil",
    "k8sutil",
    "restore",
    "trace",
]
