"""The lock: parsing, validation, reading-set patterns, permalinks, tree ids."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from annotate.sources.gittree import tree_id
from annotate.sources.lock import LockError, load_lock, parse_lock, render_lock
from tests.foundation.helpers import git, make_corpus, make_git_repo

SPEC = {
    "repository": "github.com/example/proj",
    "tag": "v1",
    "commit": "a" * 40,
    "import_root": "example.com/proj",
    "reading_set": ["pkg/**"],
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"commit": "abc"}, "not a full 40-hex commit id"),
        ({"files": {"pkg/a.go": "zz"}}, "has no valid sha256"),
        ({"reading_set": "pkg/**"}, "expected list"),
    ],
)
def test_invalid_lock_entries_are_named(change, message):
    with pytest.raises(LockError, match=message):
        parse_lock({"corpus": {"proj": {**SPEC, **change}}})


def test_missing_key_is_named():
    spec = dict(SPEC)
    del spec["tag"]
    with pytest.raises(LockError, match=r"corpus\.proj: missing key 'tag'"):
        parse_lock({"corpus": {"proj": spec}})


def test_malformed_toml_is_reported(tmp_path):
    bad = tmp_path / "sources.toml"
    bad.write_text("[corpus.x\n")
    with pytest.raises(LockError, match="not valid TOML"):
        load_lock(bad)


@pytest.mark.parametrize(
    ("patterns", "path", "inside"),
    [
        (("pkg/kubelet/**",), "pkg/kubelet/eviction/helpers.go", True),
        (("pkg/kubelet/**",), "pkg/kubeletx/a.go", False),
        (("pkg/kubelet/**",), "vendor/pkg/kubelet/a.go", False),
        (("**",), "any/depth/file.go", True),
        (("*.go",), "a.go", True),
        (("*.go",), "dir/a.go", False),
        (("**/BUILD",), "BUILD", True),
        (("**/BUILD",), "pkg/x/BUILD", True),
    ],
)
def test_reading_set_patterns(patterns, path, inside):
    corpus = parse_lock({"corpus": {"p": {**SPEC, "reading_set": list(patterns)}}})["p"]
    assert corpus.in_reading_set(path) is inside


def test_permalink_and_package_path():
    corpus = parse_lock({"corpus": {"p": SPEC}})["p"]
    assert corpus.permalink("pkg/a.go", 10, 12) == (
        f"https://github.com/example/proj/blob/{'a' * 40}/pkg/a.go#L10-L12"
    )
    assert corpus.permalink("pkg/a.go", 7).endswith("#L7")
    assert corpus.package_path("pkg/a") == "example.com/proj/pkg/a"
    assert corpus.archive_url().endswith(f"example/proj/tar.gz/{'a' * 40}")


def test_render_round_trips():
    corpus = make_corpus()
    again = parse_lock(__import__("tomllib").loads(render_lock({corpus.name: corpus})))
    assert again[corpus.name] == corpus
    assert again[corpus.name].files == corpus.files


def test_repository_lock_names_the_pinned_commits():
    corpora = load_lock()
    assert corpora["kubernetes"].commit == "637c7e288581ee40ab4ca210618a89a555b6e7e9"
    assert corpora["kubernetes"].tag == "v1.10.11"
    assert corpora["etcd-operator"].commit == "c8a1c646f3a944a8173653c77dfcff38904ba2ff"
    # every locked file is inside the reading set, and the lock is not empty
    for corpus in corpora.values():
        assert corpus.files
        assert all(corpus.in_reading_set(p) for p in corpus.files)


def test_tree_id_matches_git(tmp_path: Path):
    """Our Python tree hash equals git's own for a tree with nesting, modes and name order."""
    files = {
        "a.go": b"1",
        "a-b/x": b"2",  # '-' sorts before '/', so "a-b" vs "a" tests git's dir ordering
        "a/b/c.txt": b"3",
        "run.sh": b"#!/bin/sh\n",
        "z/y/x/w.go": b"4",
    }
    repo, _ = make_git_repo(tmp_path / "r", files)
    listing = git(repo, "ls-tree", "-r", "HEAD")
    entries = {}
    for line in listing.splitlines():
        meta, path = line.split("\t")
        mode, _, oid = meta.split()
        entries[path] = (mode, oid)
    assert tree_id(entries) == git(repo, "rev-parse", "HEAD^{tree}")


def test_full_profile_manifest_is_tied_to_the_tree():
    """The committed full-tree manifest hashes to the tree id recorded in the lock."""
    from annotate.sources.lock import get_corpus, with_profile

    full = with_profile(get_corpus("kubernetes"), "full")  # raises if they disagree
    assert full.scheme == "gitblob"
    assert "pkg/kubelet/eviction/helpers.go" in full.files
    assert full.subdir == "src/k8s.io/kubernetes"


def test_tampered_manifest_is_refused(tmp_path: Path):
    from annotate.sources.lock import default_lock_file, get_corpus, with_profile

    corpus = get_corpus("kubernetes")
    text = (default_lock_file().parent / "locks/kubernetes-full.tree").read_text()
    (tmp_path / "locks").mkdir()
    (tmp_path / "locks/kubernetes-full.tree").write_text(
        text.replace("\tMakefile\n", "\tMakefil\n")
    )
    with pytest.raises(LockError, match="does not describe tree"):
        with_profile(corpus, "full", lock_dir=tmp_path)


def test_git_is_available_for_these_tests():
    assert subprocess.run(["git", "--version"], capture_output=True).returncode == 0
