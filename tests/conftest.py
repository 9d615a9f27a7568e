"""Shared fixtures.

Corpus fixtures hand a test the verified upstream sources from the cache, or
skip it with the reason and the command that would provide them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from annotate.sources.cache import cache_root, installed_corpus_dir
from annotate.sources.lock import Corpus, get_corpus


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


# --------------------------------------------------------------------------- summary
# Tests that need outside inputs (the fetched corpora, an etcd binary, the Go toolchain)
# skip without them. The closing summary says how many of each kind ran, so a green run
# that silently skipped the real-source tests is visible as such.

_OPTIONAL_KINDS = ("corpus", "etcd", "golang", "recorded", "browser")
_outcomes: dict[str, dict[str, int]] = {kind: {} for kind in _OPTIONAL_KINDS}
_skip_reasons: dict[str, set[str]] = {kind: set() for kind in _OPTIONAL_KINDS}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when != "call" and not (report.when == "setup" and report.skipped):
        return
    for kind in _OPTIONAL_KINDS:
        if kind in report.keywords:
            counts = _outcomes[kind]
            counts[report.outcome] = counts.get(report.outcome, 0) + 1
            if report.skipped and isinstance(report.longrepr, tuple):
                _skip_reasons[kind].add(str(report.longrepr[2]).removeprefix("Skipped: "))


def pytest_terminal_summary(terminalreporter) -> None:
    lines = []
    for kind in _OPTIONAL_KINDS:
        counts = _outcomes[kind]
        if not counts:
            continue
        ran = counts.get("passed", 0) + counts.get("failed", 0)
        lines.append(f"{kind} tests: {ran} ran, {counts.get('skipped', 0)} skipped")
        lines += [f"    skipped because: {reason}" for reason in sorted(_skip_reasons[kind])[:3]]
    if lines:
        terminalreporter.write_sep("-", "tests that need outside inputs")
        for line in lines:
            terminalreporter.write_line(line)
