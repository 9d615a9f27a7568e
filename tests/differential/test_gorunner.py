"""Locating Go and the kubernetes tree (no Go needed)."""

from __future__ import annotations

import pytest

from differential import gorunner


def _fake_tree(root):
    pkg = root / "src" / "k8s.io" / "kubernetes" / "pkg" / "kubelet" / "eviction"
    pkg.mkdir(parents=True)
    (pkg / "eviction_manager.go").write_text("package eviction\n")
    return root


def test_explicit_gopath_wins(tmp_path, monkeypatch):
    explicit = _fake_tree(tmp_path / "explicit")
    _fake_tree(tmp_path / "env")
    monkeypatch.setenv(gorunner.GOPATH_ENV, str(tmp_path / "env"))
    assert gorunner.locate_gopath(explicit) == explicit.resolve()


def test_env_gopath_then_cache(tmp_path, monkeypatch):
    env = _fake_tree(tmp_path / "env")
    monkeypatch.setenv(gorunner.GOPATH_ENV, str(env))
    assert gorunner.locate_gopath() == env.resolve()
    monkeypatch.delenv(gorunner.GOPATH_ENV)
    cached = _fake_tree(tmp_path / "cache")
    monkeypatch.setattr(gorunner, "_cached_gopath", lambda: cached)
    assert gorunner.locate_gopath() == cached.resolve()


def test_missing_tree_names_what_was_tried(tmp_path, monkeypatch):
    monkeypatch.delenv(gorunner.GOPATH_ENV, raising=False)
    monkeypatch.setattr(gorunner, "_cached_gopath", lambda: tmp_path / "nowhere")
    with pytest.raises(gorunner.GoUnavailable) as info:
        gorunner.locate_gopath()
    message = str(info.value)
    assert "nowhere" in message and "annotate fetch kubernetes --profile full" in message
    with pytest.raises(gorunner.GoUnavailable, match="--gopath"):
        gorunner.locate_gopath(tmp_path / "also-nowhere")


def test_missing_go_is_a_reason(tmp_path, monkeypatch):
    monkeypatch.setattr(gorunner.shutil, "which", lambda name: None)
    reason = gorunner.unavailable_reason(_fake_tree(tmp_path / "gp"))
    assert reason and "`go`" in reason


def test_cache_location_follows_the_lock():
    path = gorunner._cached_gopath()
    assert path.name == f"kubernetes-full@{gorunner.COMMIT}"
