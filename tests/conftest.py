"""Shared fixtures.

Corpus fixtures hand a test the verified upstream sources from the cache, or
skip it with the reason and the command that would provide them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from annotate.cache import cache_root, installed_corpus_dir
from annotate.lock import Corpus, get_corpus


def _corpus_or_skip(name: str) -> tuple[Corpus, Path]:
    corpus = get_corpus(name)
    directory = installed_corpus_dir(corpus)
    if directory is None:
        pytest.skip(
            f"corpus {name}@{corpus.tag} is not in the cache ({cache_root()}); "
            f"run `annotate fetch {name}` (online) or `annotate fetch {name} --from CLONE`"
        )
    return corpus, directory


@pytest.fixture(scope="session")
def kubernetes_corpus() -> tuple[Corpus, Path]:
    """(Corpus, directory) of the verified kubernetes reading set, or skip."""
    return _corpus_or_skip("kubernetes")


@pytest.fixture(scope="session")
def etcd_operator_corpus() -> tuple[Corpus, Path]:
    """(Corpus, directory) of the verified etcd-operator tree, or skip."""
    return _corpus_or_skip("etcd-operator")
