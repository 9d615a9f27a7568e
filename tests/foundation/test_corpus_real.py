"""The real upstream corpora in the cache match the lock, file for file."""

from __future__ import annotations

import pytest

from annotate.sources import fetch as fetching

pytestmark = pytest.mark.corpus


def test_kubernetes_reading_set_verifies(kubernetes_corpus):
    corpus, directory = kubernetes_corpus
    status = fetching.check(corpus)
    assert status.state == "verified", [p.describe() for p in status.problems[:5]]
    assert len(corpus.files) == 659  # 656 kubelet files + 3 of the scheduler (reading path)
    assert (directory / "pkg/kubelet/eviction/eviction_manager.go").is_file()
    assert (directory / "pkg/kubelet/apis/kubeletconfig/v1beta1/defaults.go").is_file()


def test_etcd_operator_verifies(etcd_operator_corpus):
    corpus, directory = etcd_operator_corpus
    status = fetching.check(corpus)
    assert status.state == "verified", [p.describe() for p in status.problems[:5]]
    assert (directory / "pkg/cluster/reconcile.go").is_file()


def test_kubernetes_full_tree_verifies_when_present():
    from annotate.sources.cache import installed_gopath
    from annotate.sources.lock import get_corpus, with_profile

    if installed_gopath() is None:
        pytest.skip("the full kubernetes tree is not in the cache; "
                    "run `annotate fetch kubernetes --profile full --from CLONE`")  # fmt: skip
    full = with_profile(get_corpus("kubernetes"), "full")
    status = fetching.check(full)
    assert status.state == "verified"
    # only blobs a size-capped snapshot may lack can be absent, and each is recorded by path
    assert set(status.absent) <= {
        "Godeps/LICENSES",
        "vendor/google.golang.org/api/compute/v0.alpha/compute-gen.go",
        "vendor/google.golang.org/api/compute/v0.beta/compute-gen.go",
    }
