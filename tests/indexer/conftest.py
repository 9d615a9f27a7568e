"""Fixtures for the indexer tests: our own Go corpus, indexed into a temporary cache."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from annotate.index import target
from annotate.index.callgraph import available as callgraph_available
from annotate.index.query import Index

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "go"
MODULE = "example.com/fixture"
EXPECTED = FIXTURE / "testdata" / "expected"


@pytest.fixture(scope="session")
def fixture_target(tmp_path_factory: pytest.TempPathFactory) -> target.Target:
    cache = tmp_path_factory.mktemp("cache")
    t = target.for_directory(str(FIXTURE), MODULE, str(cache))
    t.ensure_index()
    return t


@pytest.fixture(scope="session")
def fixture_index(fixture_target: target.Target) -> Index:
    return Index(fixture_target.db_path)


@pytest.fixture
def fixture_copy(tmp_path: Path) -> Path:
    """A writable copy of the fixture corpus (for incremental-build tests)."""
    dest = tmp_path / "src"
    shutil.copytree(FIXTURE, dest, ignore=shutil.ignore_patterns("testdata"))
    return dest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    skip = pytest.mark.skip(reason="needs `go` and `callgraph` (golang-go, golang-golang-x-tools)")
    for item in items:
        if "golang" in item.keywords and not callgraph_available():
            item.add_marker(skip)
