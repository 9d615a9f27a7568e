"""Safe, selective extraction of a tar stream (a GitHub archive or ``git archive``).

The stream is read once, front to back (``r|*``), so a download is never
held in memory or on disk as a whole.  Every member is checked before
anything is written: absolute paths, ``..`` components, links that point
outside the tree and device or FIFO entries make the whole archive refused,
whether or not the member is one we wanted -- an archive that tries one
trick is not trusted for the rest.

Lexical checks alone are not enough: links that each stay inside the tree
on paper can chain, on disk, to a place above it (``d/e/a -> ../..``, then
``d/e/b -> a/../../..``).  So, as PEP 706's tarfile ``data`` filter does, a
link must also resolve (following links already extracted) inside the tree,
and nothing is ever written through a link: a member whose path passes
through an extracted symlink is refused, every parent directory is checked
on disk (``lstat``: a real directory, not a link), the resolved parent must
lie inside the staging directory, and files are opened with ``O_NOFOLLOW``.
"""

from __future__ import annotations

import os
import posixpath
import stat
import tarfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from annotate.errors import UserError
from annotate.sources.verify import write_hashed, write_link


class UnsafeArchive(UserError):
    """An archive member tries to escape the target tree or is a device/FIFO."""


class BrokenArchive(UserError):
    """The stream is not a readable tar archive (corrupt, truncated, dropped)."""


class WriteFailed(UserError):
    """The staging directory could not be written (full disk, permissions, quota)."""

    exit_code = 3


def _inside(root: str, path: str) -> bool:
    return path == root or path.startswith(root.rstrip("/") + "/")


def _safe_parent(dest: Path, path: str, links: set[str], name: str) -> Path:
    """Create the parent directories of tree-relative ``path`` below ``dest`` without ever
    following a link; return the target path.  Refuses the archive if any parent is a
    symlink (extracted earlier, or found on disk) or resolves outside ``dest``."""
    parts = path.split("/")
    here = dest
    for i, part in enumerate(parts[:-1]):
        prefix = "/".join(parts[: i + 1])
        if prefix in links:
            raise UnsafeArchive(
                f"archive member {name!r} passes through the symlink {prefix!r}; "
                "refusing the archive"
            )
        here = here / part
        try:
            st = os.lstat(here)
        except FileNotFoundError:
            os.mkdir(here)
            continue
        if not stat.S_ISDIR(st.st_mode):
            what = "a symlink" if stat.S_ISLNK(st.st_mode) else "not a directory"
            raise UnsafeArchive(
                f"archive member {name!r}: {prefix!r} is {what}; refusing the archive"
            )
    target = dest / path
    if not _inside(os.path.realpath(dest), os.path.realpath(target.parent)):
        raise UnsafeArchive(f"archive member {name!r} resolves outside the tree; refusing it")
    if path in links or target.is_symlink():
        raise UnsafeArchive(
            f"archive member {name!r} would be written through the symlink {path!r}; "
            "refusing the archive"
        )
    return target


def _normalized_member_path(name: str) -> str:
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise UnsafeArchive(f"archive member {name!r} has an absolute path; refusing the archive")
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise UnsafeArchive(f"archive member {name!r} contains '..'; refusing the archive")
    return "/".join(parts)


def check_link_target(path: str, target: str, what: str) -> None:
    """Refuse a symlink at ``path`` (tree-relative) whose target leaves the tree."""
    if target.startswith("/"):
        raise UnsafeArchive(f"{what} is a symlink to the absolute path {target!r}; refusing it")
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
    if resolved == ".." or resolved.startswith("../"):
        raise UnsafeArchive(
            f"{what} is a symlink pointing outside the tree ({target!r}); refusing it"
        )


def _check_member(member: tarfile.TarInfo, path: str) -> None:
    if member.ischr() or member.isblk() or member.isfifo():
        raise UnsafeArchive(
            f"archive member {member.name!r} is a device or FIFO; refusing the archive"
        )
    if member.issym():
        check_link_target(path, member.linkname, f"archive member {member.name!r}")
    if member.islnk():
        _normalized_member_path(member.linkname)


def extract_stream(
    stream: BinaryIO,
    dest: Path,
    scheme: str,
    wanted: Callable[[str], bool],
    strip_top: bool,
    on_file: Callable[[str], None] | None = None,
) -> tuple[dict[str, str], dict[str, str]]:
    """Extract the wanted members of a tar stream below ``dest``, hashing as they are written.

    ``strip_top`` drops the single top directory GitHub archives put everything in
    (``kubernetes-<commit>/``).  Returns (digests by relative path, pax global headers);
    GitHub records the commit id in the pax ``comment`` header, which the caller checks.
    """
    digests: dict[str, str] = {}
    pax: dict[str, str] = {}
    top: str | None = None
    links: set[str] = set()  # symlinks extracted so far (tree-relative)
    real_dest = os.path.realpath(dest)
    try:
        with tarfile.open(fileobj=stream, mode="r|*") as tar:
            for member in tar:
                if not pax and tar.pax_headers:
                    pax = dict(tar.pax_headers)
                path = _normalized_member_path(member.name)
                if strip_top:
                    head, _, rest = path.partition("/")
                    if top is None:
                        top = head
                    elif head != top:
                        raise UnsafeArchive(
                            f"archive member {member.name!r} is outside the top directory {top!r}"
                        )
                    path = rest
                _check_member(member, path)
                if not path or member.isdir() or not wanted(path):
                    continue
                if not (member.issym() or member.isfile()):
                    # hard links inside GitHub archives do not occur; refuse rather than guess
                    raise UnsafeArchive(
                        f"archive member {member.name!r} is a hard link; not supported"
                    )
                try:
                    target = _safe_parent(dest, path, links, member.name)
                    if member.issym():
                        # PEP 706 ``data`` filter: the link must resolve inside the tree,
                        # following the links already on disk.
                        resolved = os.path.realpath(target.parent / member.linkname)
                        if not _inside(real_dest, resolved):
                            raise UnsafeArchive(
                                f"archive member {member.name!r} is a symlink that resolves "
                                f"outside the tree ({member.linkname!r}); refusing the archive"
                            )
                        digest = write_link(target, member.linkname, scheme)
                        links.add(path)
                    else:
                        source = tar.extractfile(member)
                        assert source is not None
                        digest = write_hashed(target, source.read, member.size, scheme)
                        if member.mode & 0o111:
                            target.chmod(0o755)
                except OSError as exc:
                    if isinstance(exc, UserError):
                        raise
                    why = exc.strerror or str(exc)
                    raise WriteFailed(
                        f"cannot write {path} in the staging directory {dest}: {why}"
                    ) from exc
                digests[path] = digest
                if on_file:
                    on_file(path)
    except (tarfile.TarError, EOFError, OSError) as exc:
        if isinstance(exc, UserError):
            raise
        raise BrokenArchive(f"the archive could not be read to the end: {exc}") from exc
    return digests, pax
