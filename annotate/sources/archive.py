"""Safe, selective extraction of a tar stream (a GitHub archive or ``git archive``).

The stream is read once, front to back (``r|*``), so a download is never
held in memory or on disk as a whole.  Every member is checked before
anything is written: absolute paths, ``..`` components, links that point
outside the tree and device or FIFO entries make the whole archive refused,
whether or not the member is one we wanted -- an archive that tries one
trick is not trusted for the rest.
"""

from __future__ import annotations

import posixpath
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
                target = dest / path
                target.parent.mkdir(parents=True, exist_ok=True)
                if member.issym():
                    digest = write_link(target, member.linkname, scheme)
                elif member.isfile():
                    source = tar.extractfile(member)
                    assert source is not None
                    digest = write_hashed(target, source.read, member.size, scheme)
                    if member.mode & 0o111:
                        target.chmod(0o755)
                else:  # hard links inside GitHub archives do not occur; refuse rather than guess
                    raise UnsafeArchive(
                        f"archive member {member.name!r} is a hard link; not supported"
                    )
                digests[path] = digest
                if on_file:
                    on_file(path)
    except (tarfile.TarError, EOFError, OSError) as exc:
        if isinstance(exc, UserError):
            raise
        raise BrokenArchive(f"the archive could not be read to the end: {exc}") from exc
    return digests, pax
