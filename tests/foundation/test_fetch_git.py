"""Fetching --from a local git repository (bare or not) and from a plain directory."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest

from annotate.sources import fetch as fetching
from annotate.sources.cache import MARKER, corpus_dir, installed_corpus_dir
from annotate.sources.lock import with_profile
from tests.foundation.helpers import (
    FILES,
    cache_is_clean,
    git,
    make_corpus,
    make_git_repo,
    sha256,
)


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Path, str]:
    return make_git_repo(tmp_path / "upstream")


def test_fetch_from_work_tree_repository(tmp_path, repo):
    path, commit = repo
    corpus = make_corpus(commit=commit)
    result = fetching.fetch(corpus, source=path, cache=tmp_path / "cache")
    target = result.directory
    assert target == corpus_dir(corpus, tmp_path / "cache")
    assert installed_corpus_dir(corpus, tmp_path / "cache") == target
    # exactly the reading set, byte for byte
    got = {p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()}
    assert got == {"go.mod", "pkg/a/a.go", "pkg/a/b/b.go", "pkg/c/c.go", MARKER}
    assert (target / "pkg/a/a.go").read_bytes() == FILES["pkg/a/a.go"]
    assert result.files == 4
    assert result.bytes == sum(len(FILES[p]) for p in corpus.files)
    marker = json.loads((target / MARKER).read_text())
    assert marker["commit"] == commit and marker["files"] == 4


def test_content_is_read_at_the_pinned_commit_not_the_work_tree(tmp_path, repo):
    path, commit = repo
    corpus = make_corpus(commit=commit)
    (path / "pkg/a/a.go").write_text("package a // edited after the commit\n")
    git(path, "commit", "-qam", "later")
    result = fetching.fetch(corpus, source=path, cache=tmp_path / "cache")
    assert (result.directory / "pkg/a/a.go").read_bytes() == FILES["pkg/a/a.go"]


def test_fetch_from_bare_repository(tmp_path, repo):
    path, commit = repo
    bare = tmp_path / "bare.git"
    git(tmp_path, "clone", "-q", "--bare", str(path), str(bare))
    corpus = make_corpus(commit=commit)
    result = fetching.fetch(corpus, source=bare, cache=tmp_path / "cache")
    assert result.files == 4


def test_missing_commit_is_named(tmp_path, repo):
    path, _ = repo
    corpus = make_corpus(commit="f" * 40)
    with pytest.raises(fetching.FetchError, match=f"commit {'f' * 40} .* is not in the git"):
        fetching.fetch(corpus, source=path, cache=tmp_path / "cache")
    assert cache_is_clean(tmp_path / "cache", corpus)


def test_tampered_lock_names_file_expected_and_actual(tmp_path, repo):
    path, commit = repo
    corpus = make_corpus(commit=commit)
    files = dict(corpus.files)
    files["pkg/c/c.go"] = sha256(b"something else")
    corpus = dataclasses.replace(corpus, files=files)
    with pytest.raises(fetching.VerificationError) as info:
        fetching.fetch(corpus, source=path, cache=tmp_path / "cache")
    message = str(info.value)
    assert "pkg/c/c.go: hash mismatch" in message
    assert sha256(b"something else") in message and sha256(FILES["pkg/c/c.go"]) in message
    assert [p.path for p in info.value.problems] == ["pkg/c/c.go"]
    assert cache_is_clean(tmp_path / "cache", corpus)


def test_file_missing_from_lock_is_reported(tmp_path, repo):
    path, commit = repo
    corpus = make_corpus(commit=commit)
    corpus = dataclasses.replace(corpus, files={**corpus.files, "pkg/new.go": sha256(b"x")})
    with pytest.raises(fetching.VerificationError, match=r"pkg/new\.go: missing"):
        fetching.fetch(corpus, source=path, cache=tmp_path / "cache")
    assert cache_is_clean(tmp_path / "cache", corpus)


def test_failed_refetch_keeps_the_previous_corpus(tmp_path, repo):
    path, commit = repo
    cache = tmp_path / "cache"
    corpus = make_corpus(commit=commit)
    first = fetching.fetch(corpus, source=path, cache=cache)
    before = {p: p.read_bytes() for p in first.directory.rglob("*") if p.is_file()}
    broken = dataclasses.replace(corpus, files={**corpus.files, "go.mod": sha256(b"no")})
    with pytest.raises(fetching.VerificationError):
        fetching.fetch(broken, source=path, cache=cache, force=True)
    after = {p: p.read_bytes() for p in first.directory.rglob("*") if p.is_file()}
    assert after == before
    assert [p.name for p in (cache / "corpora").iterdir() if p.name.startswith(".staging")] == []


def test_already_installed_needs_force(tmp_path, repo):
    path, commit = repo
    corpus = make_corpus(commit=commit)
    fetching.fetch(corpus, source=path, cache=tmp_path / "cache")
    with pytest.raises(fetching.FetchError, match="already in the cache"):
        fetching.fetch(corpus, source=path, cache=tmp_path / "cache")
    assert fetching.fetch(corpus, source=path, cache=tmp_path / "cache", force=True).files == 4


def test_interrupt_leaves_no_partial_corpus(tmp_path, repo):
    path, commit = repo
    corpus = make_corpus(commit=commit)

    def interrupt(what, done, total):
        if done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        fetching.fetch(corpus, source=path, cache=tmp_path / "cache", progress=interrupt)
    assert cache_is_clean(tmp_path / "cache", corpus)


def test_stale_staging_from_a_killed_fetch_is_swept(tmp_path, repo):
    path, commit = repo
    corpus = make_corpus(commit=commit)
    stale = tmp_path / "cache/corpora" / f".staging-{corpus.key}-999999999-abc"
    stale.mkdir(parents=True)
    (stale / "half.go").write_text("package half\n")
    fetching.fetch(corpus, source=path, cache=tmp_path / "cache")
    assert not stale.exists()


def test_fetch_from_plain_directory_ignores_untracked_files(tmp_path, repo):
    path, commit = repo
    checkout = tmp_path / "checkout"
    shutil.copytree(path, checkout, ignore=shutil.ignore_patterns(".git"))
    (checkout / "pkg/a/generated_output.go").write_text("package a\n")
    corpus = make_corpus(commit=commit)
    result = fetching.fetch(corpus, source=checkout, cache=tmp_path / "cache")
    assert result.files == 4 and result.ignored == 1
    assert not (result.directory / "pkg/a/generated_output.go").exists()


def test_plain_directory_with_edited_file_fails(tmp_path, repo):
    path, commit = repo
    checkout = tmp_path / "checkout"
    shutil.copytree(path, checkout, ignore=shutil.ignore_patterns(".git"))
    (checkout / "pkg/a/a.go").write_bytes(FILES["pkg/a/a.go"] + b"// local edit\n")
    corpus = make_corpus(commit=commit)
    with pytest.raises(fetching.VerificationError, match=r"pkg/a/a\.go: hash mismatch"):
        fetching.fetch(corpus, source=checkout, cache=tmp_path / "cache")
    assert cache_is_clean(tmp_path / "cache", corpus)


def _drop_blob(repo: Path, path_in_tree: str) -> None:
    """Delete one blob's loose object, as a size-capped repository snapshot would lack it."""
    oid = git(repo, "rev-parse", f"HEAD:{path_in_tree}")
    (repo / ".git/objects" / oid[:2] / oid[2:]).unlink()


def test_absent_blob_fails_the_reading_profile(tmp_path, repo):
    path, commit = repo
    _drop_blob(path, "pkg/c/c.go")
    corpus = make_corpus(commit=commit)
    with pytest.raises(
        fetching.FetchError, match=r"lacks the content of 1 locked file.*pkg/c/c\.go"
    ):
        fetching.fetch(corpus, source=path, cache=tmp_path / "cache")
    assert cache_is_clean(tmp_path / "cache", corpus)


def test_full_profile_reports_absent_blobs_by_path(tmp_path, repo):
    """A full-tree fetch from a snapshot lacking blobs installs the rest and names the gaps."""
    path, commit = repo
    listing = git(path, "ls-tree", "-r", "HEAD")
    tree = git(path, "rev-parse", "HEAD^{tree}")
    (tmp_path / "locks").mkdir()
    (tmp_path / "locks/proj-full.tree").write_text(listing + "\n")
    corpus = make_corpus(commit=commit)
    corpus = dataclasses.replace(
        corpus,
        profiles={"full": {"manifest": "locks/proj-full.tree", "tree": tree, "layout": "gopath"}},
    )
    full = with_profile(corpus, "full", lock_dir=tmp_path)
    _drop_blob(path, "docs/readme.md")
    result = fetching.fetch(full, source=path, cache=tmp_path / "cache")
    assert result.absent == ["docs/readme.md"]
    gopath_tree = result.directory / "src/example.com/proj"
    assert (gopath_tree / "hack/run.sh").read_bytes() == FILES["hack/run.sh"]
    assert (gopath_tree / "hack/run.sh").stat().st_mode & 0o111
    status = fetching.check(full, tmp_path / "cache")
    assert status.state == "verified" and status.absent == ["docs/readme.md"]


def test_symlink_out_of_the_tree_in_git_is_refused(tmp_path):
    files = {**FILES}
    repo, _ = make_git_repo(tmp_path / "upstream", files)
    (repo / "pkg/escape").symlink_to("../../../../etc/passwd")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "link")
    commit = git(repo, "rev-parse", "HEAD")
    corpus = make_corpus(commit=commit)
    with pytest.raises(fetching.UserError, match="symlink pointing outside the tree"):
        fetching.fetch(corpus, source=repo, cache=tmp_path / "cache")
    assert cache_is_clean(tmp_path / "cache", corpus)
