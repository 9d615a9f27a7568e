"""Acceptance on the real reading sets (skipped when the corpora are not in the cache)."""

from __future__ import annotations

import time

import pytest

from annotate.index import target
from annotate.index.query import Index
from annotate.sources.lock import Corpus

EV = "k8s.io/kubernetes/pkg/kubelet/eviction"
SYNC = f"(*{EV}.managerImpl).synchronize"


def _index(corpus: Corpus) -> Index:
    t = target.for_corpus(corpus.name)
    t.ensure_index()
    return Index(t.db_path)


@pytest.mark.corpus
def test_synchronize_callees(kubernetes_corpus) -> None:
    corpus, _ = kubernetes_corpus
    idx = _index(corpus)
    edges = idx.callees(idx.resolve("managerImpl.synchronize"))
    got = {(e.callee.sym, e.dispatch) for e in edges}
    for helper in (
        "thresholdsMet",
        "makeSignalObservations",
        "getStarvedResources",
        "nodeConditions",
        "thresholdsMetGracePeriod",
        "buildResourceToRankFunc",
    ):
        assert (f"{EV}.{helper}", "static") in got
        assert idx.resolve(f"eviction.{helper}").file == "pkg/kubelet/eviction/helpers.go"
    assert (f"(*{EV}.managerImpl).reclaimNodeLevelResources", "static") in got
    assert (f"(*{EV}.managerImpl).localStorageEviction", "static") in got
    dynamic = {sym for sym, d in got if d == "dynamic"}
    assert "(*k8s.io/kubernetes/pkg/kubelet/stats.StatsProvider).HasDedicatedImageFs" in dynamic
    assert "(*k8s.io/kubernetes/pkg/kubelet/server/stats.summaryProviderImpl).Get" in dynamic
    assert "(*k8s.io/kubernetes/pkg/kubelet.Kubelet).GetActivePods" in dynamic
    assert "k8s.io/kubernetes/pkg/kubelet.killPodNow$1" in dynamic
    assert {f"{EV}.rankMemoryPressure", f"{EV}.rankDiskPressureFunc$1"} <= dynamic
    kill = next(e for e in edges if e.callee.sym.endswith("killPodNow$1"))
    assert kill.callee.file is not None and kill.callee.file.startswith("pkg/kubelet/")


@pytest.mark.corpus
def test_synchronize_depth3_query_is_fast(kubernetes_corpus) -> None:
    corpus, _ = kubernetes_corpus
    idx = _index(corpus)
    sym = idx.resolve(SYNC)
    started = time.perf_counter()
    reached = idx.reach(sym, 3)
    elapsed = time.perf_counter() - started
    assert len(reached) > 50
    assert elapsed < 5  # the benchmark records the real figure; this only catches blow-ups


@pytest.mark.corpus
def test_etcd_operator_reconcile(etcd_operator_corpus) -> None:
    corpus, _ = etcd_operator_corpus
    idx = _index(corpus)
    rec = idx.resolve("Cluster.reconcile")
    assert rec.sym == "(*github.com/coreos/etcd-operator/pkg/cluster.Cluster).reconcile"
    callees = {e.callee.sym for e in idx.callees(rec)}
    assert "(*github.com/coreos/etcd-operator/pkg/cluster.Cluster).reconcileMembers" in callees
    members = {e.callee.sym for e in idx.callees(idx.resolve("Cluster.reconcileMembers"))}
    assert "(*github.com/coreos/etcd-operator/pkg/cluster.Cluster).resize" in members
    assert "(*github.com/coreos/etcd-operator/pkg/cluster.Cluster).removeDeadMember" in members
