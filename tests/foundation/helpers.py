"""Builders for the fetcher tests: small corpora, their locks, archives and git repos."""

from __future__ import annotations

import hashlib
import io
import subprocess
import tarfile
from pathlib import Path

from annotate.sources.lock import Corpus, parse_lock, render_lock

COMMIT = "0123456789abcdef0123456789abcdef01234567"

FILES: dict[str, bytes] = {
    "go.mod": b"module example.com/proj\n",
    "pkg/a/a.go": b"package a\n\nfunc A() int { return 1 }\n",
    "pkg/a/b/b.go": b"package b\n\nfunc B() {}\n",
    "pkg/c/c.go": b"package c\n",
    "docs/readme.md": b"# proj\n",
    "hack/run.sh": b"#!/bin/sh\necho hi\n",
}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def make_corpus(
    files: dict[str, bytes] = FILES,
    commit: str = COMMIT,
    reading_set: tuple[str, ...] = ("pkg/**", "go.mod"),
    name: str = "proj",
) -> Corpus:
    """A corpus whose lock holds independently computed SHA-256 of the reading set."""
    spec = {
        "repository": "github.com/example/proj",
        "tag": "v1.0.0",
        "commit": commit,
        "import_root": "example.com/proj",
        "reading_set": list(reading_set),
    }
    corpus = parse_lock({"corpus": {name: spec}})[name]
    wanted = {p: sha256(d) for p, d in files.items() if corpus.in_reading_set(p)}
    return parse_lock({"corpus": {name: {**spec, "files": wanted}}})[name]


def write_lock(path: Path, corpus: Corpus) -> Path:
    path.write_text(render_lock({corpus.name: corpus}), encoding="utf-8")
    return path


def tar_gz(
    files: dict[str, bytes],
    top: str = f"proj-{COMMIT}",
    commit_comment: str | None = COMMIT,
    extra: list[tarfile.TarInfo] | None = None,
) -> bytes:
    """A GitHub-style archive: one top directory, the commit id in the pax comment."""
    buffer = io.BytesIO()
    pax = {"comment": commit_comment} if commit_comment else {}
    with tarfile.open(fileobj=buffer, mode="w:gz", format=tarfile.PAX_FORMAT, pax_headers=pax) as t:
        for path, data in files.items():
            info = tarfile.TarInfo(f"{top}/{path}" if top else path)
            info.size = len(data)
            info.mode = 0o755 if data.startswith(b"#!") else 0o644
            t.addfile(info, io.BytesIO(data))
        for info in extra or []:
            t.addfile(info, io.BytesIO(b"x" * info.size) if info.isfile() else None)
    return buffer.getvalue()


def git(repo: Path, *args: str) -> str:
    env = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
        "HOME": str(repo),
        "PATH": "/usr/bin:/bin:/usr/local/bin",
    }
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, check=True, text=True, env=env
    ).stdout.strip()


def make_git_repo(root: Path, files: dict[str, bytes] = FILES) -> tuple[Path, str]:
    """A work-tree repository with ``files`` committed; returns (path, commit id)."""
    root.mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    for path, data in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        if data.startswith(b"#!"):
            target.chmod(0o755)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "fixture")
    return root, git(root, "rev-parse", "HEAD")


def cache_is_clean(cache: Path, corpus: Corpus) -> bool:
    """No corpus directory and no staging leftovers for ``corpus``."""
    corpora = cache / "corpora"
    if not corpora.exists():
        return True
    leftovers = [p.name for p in corpora.iterdir() if not p.name.startswith(".lock-")]
    return leftovers == []
