"""`annotate fetch --check` and `annotate sources`: re-verification names what changed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from annotate.sources import fetch as fetching
from tests.foundation.helpers import make_corpus, make_git_repo, write_lock


@pytest.fixture
def installed(tmp_path: Path):
    repo, commit = make_git_repo(tmp_path / "upstream")
    corpus = make_corpus(commit=commit)
    lock = write_lock(tmp_path / "sources.toml", corpus)
    cache = tmp_path / "cache"
    result = fetching.fetch(corpus, source=repo, cache=cache)
    return corpus, lock, cache, result.directory, repo


def annotate(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "annotate", *args], capture_output=True, text=True, timeout=60
    )


def test_flipped_byte_is_named_by_check(installed):
    corpus, lock, cache, directory, _ = installed
    target = directory / "pkg/a/b/b.go"
    data = bytearray(target.read_bytes())
    data[3] ^= 0x01
    target.write_bytes(bytes(data))
    status = fetching.check(corpus, cache)
    assert status.state == "corrupt"
    assert [(p.path, p.kind) for p in status.problems] == [("pkg/a/b/b.go", "mismatch")]

    run = annotate("--cache", str(cache), "--lock", str(lock), "fetch", "--check")
    assert run.returncode == 1
    assert "corrupt" in run.stderr and "pkg/a/b/b.go: hash mismatch" in run.stderr


def test_deleted_and_added_files_are_named(installed):
    corpus, _, cache, directory, _ = installed
    (directory / "pkg/c/c.go").unlink()
    (directory / "pkg/c/extra.go").write_text("package c\n")
    problems = {(p.path, p.kind) for p in fetching.check(corpus, cache).problems}
    assert problems == {("pkg/c/c.go", "missing"), ("pkg/c/extra.go", "unexpected")}


def test_check_passes_on_intact_corpus(installed):
    _, lock, cache, _, _ = installed
    run = annotate("--cache", str(cache), "--lock", str(lock), "fetch", "--check")
    assert run.returncode == 0, run.stderr
    assert "verified" in run.stderr


def test_sources_lists_state_and_path(installed, tmp_path):
    _, lock, cache, directory, _ = installed
    run = annotate("--cache", str(cache), "--lock", str(lock), "sources")
    assert run.returncode == 0, run.stderr
    assert "verified" in run.stdout and str(directory) in run.stdout
    run = annotate("--cache", str(tmp_path / "empty"), "--lock", str(lock), "sources")
    assert "missing" in run.stdout


def test_cli_fetch_from_and_errors(tmp_path):
    repo, commit = make_git_repo(tmp_path / "upstream")
    lock = write_lock(tmp_path / "sources.toml", make_corpus(commit=commit))
    cache = tmp_path / "cache"
    run = annotate("--cache", str(cache), "--lock", str(lock), "fetch", "proj", "--from", str(repo))
    assert run.returncode == 0, run.stderr
    assert "4 files verified" in run.stderr
    run = annotate("--cache", str(cache), "--lock", str(lock), "fetch", "nope")
    assert run.returncode == 1 and "unknown corpus 'nope'" in run.stderr
    run = annotate(
        "--cache", str(cache), "--lock", str(lock), "fetch", "proj", "--from", "/nonexistent"
    )
    assert run.returncode == 1 and "--from /nonexistent: no such file" in run.stderr


def test_cache_location_from_environment(tmp_path, monkeypatch):
    from annotate.sources.cache import cache_root

    monkeypatch.setenv("K8S_READING_KIT_CACHE", str(tmp_path / "envcache"))
    assert cache_root() == (tmp_path / "envcache").resolve()
    assert cache_root(tmp_path / "explicit") == (tmp_path / "explicit").resolve()
    monkeypatch.delenv("K8S_READING_KIT_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_root() == (tmp_path / "xdg/k8s-reading-kit").resolve()
