"""Verifying files against the lock: hashing, and naming every file that differs.

Two digests are used, each where it fits:

* ``sha256`` -- the reading-set lock in sources.toml holds the SHA-256 of each file;
* ``gitblob`` -- the full-tree manifest holds git blob ids (SHA-1 of ``blob <size>\\0`` +
  content), as ``git ls-tree -r`` prints them.  A git tree lists the blob id of every
  file even when a repository snapshot lacks the blob itself, so the manifest can be
  made complete from such a snapshot, and checked against the commit's own tree.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

CHUNK = 1 << 20


class Hasher:
    """Incremental digest of one file in the lock's scheme."""

    def __init__(self, scheme: str, size: int | None = None) -> None:
        self.scheme = scheme
        if scheme == "sha256":
            self._h = hashlib.sha256()
        elif scheme == "gitblob":
            if size is None:
                raise ValueError("a git blob id needs the size up front")
            self._h = hashlib.sha1(f"blob {size}\0".encode())
        else:
            raise ValueError(f"unknown hash scheme {scheme!r}")

    def update(self, data: bytes) -> None:
        self._h.update(data)

    def hexdigest(self) -> str:
        return self._h.hexdigest()


def digest_bytes(data: bytes, scheme: str) -> str:
    h = Hasher(scheme, len(data))
    h.update(data)
    return h.hexdigest()


def write_hashed(target: Path, read: Callable[[int], bytes], size: int, scheme: str) -> str:
    """Write exactly ``size`` bytes taken from ``read(n)`` to ``target``; return their digest.

    Every source (tar member, git object, file on disk) is copied through here, so what is
    installed is exactly what was hashed.  A source that ends early raises EOFError.
    """
    h = Hasher(scheme, size)
    remaining = size
    # O_NOFOLLOW: never write through a symlink planted where the file should go.
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o644)
    with open(fd, "wb") as out:
        while remaining:
            chunk = read(min(CHUNK, remaining))
            if not chunk:
                raise EOFError(f"{target.name}: source ended {remaining} bytes early")
            h.update(chunk)
            out.write(chunk)
            remaining -= len(chunk)
    return h.hexdigest()


def write_link(target: Path, link: str, scheme: str) -> str:
    """Create a symlink; its digest is that of the link text, as git stores links."""
    target.symlink_to(link)
    return digest_bytes(os.fsencode(link), scheme)


def digest_file(path: Path, scheme: str) -> str:
    """Digest of a regular file, or of a symlink's target text (as git stores links)."""
    if path.is_symlink():
        return digest_bytes(os.readlink(path).encode(), scheme)
    h = Hasher(scheme, path.stat().st_size)
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


@dataclass(frozen=True)
class Problem:
    """One way in which files on disk differ from the lock."""

    path: str
    kind: str  # "mismatch" | "missing" | "unexpected"
    expected: str | None = None
    actual: str | None = None

    def describe(self) -> str:
        if self.kind == "mismatch":
            return f"{self.path}: hash mismatch (expected {self.expected}, got {self.actual})"
        if self.kind == "missing":
            return f"{self.path}: missing (expected {self.expected})"
        return f"{self.path}: not in the lock (got {self.actual})"


def compare(expected: dict[str, str], actual: dict[str, str]) -> list[Problem]:
    """Every difference between the locked hashes and the hashes found, sorted by path."""
    problems = []
    for path in sorted(expected.keys() | actual.keys()):
        want, got = expected.get(path), actual.get(path)
        if want is None:
            problems.append(Problem(path, "unexpected", actual=got))
        elif got is None:
            problems.append(Problem(path, "missing", expected=want))
        elif want != got:
            problems.append(Problem(path, "mismatch", want, got))
    return problems


def hash_tree(root: Path, scheme: str, skip_top: Iterable[str] = ()) -> dict[str, str]:
    """Digest every file below ``root`` (relative POSIX paths -> digest).

    ``skip_top`` names entries of ``root`` itself that are ours, not the corpus's
    (the ``.corpus.json`` marker).  Symlinks are digested as links, never followed.
    """
    skipped = set(skip_top)
    found: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        at_top = here == root
        links = [d for d in dirnames if (here / d).is_symlink()]
        dirnames[:] = [d for d in dirnames if d not in links and not (at_top and d in skipped)]
        for name in (*filenames, *links):
            if at_top and name in skipped:
                continue
            rel = (here / name).relative_to(root).as_posix()
            found[rel] = digest_file(here / name, scheme)
    return found


def summarize(problems: list[Problem], limit: int = 20) -> str:
    lines = [p.describe() for p in problems[:limit]]
    if len(problems) > limit:
        lines.append(f"... and {len(problems) - limit} more")
    return "\n  ".join(lines)
