"""Mirror of pkg/backup/reader: where the restore operator reads a snapshot from."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

from reference_impl.mirrors import mirrors

_PKG = "github.com/coreos/etcd-operator/pkg/backup/reader"


@mirrors(f"{_PKG}.Reader")
class Reader(Protocol):
    """Mirrors ``reader.Reader``: open a backup file by path.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     Path(d, "ex").mkdir()
    ...     _ = Path(d, "ex", "1.backup").write_bytes(b"snap")
    ...     r: Reader = LocalDirReader(d)
    ...     r.open("ex/1.backup")
    b'snap'
    """

    def open(self, path: str) -> bytes:
        """Mirrors ``reader.Reader.Open``; returns the whole file, not an ``io.ReadCloser``.

        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as d:
        ...     _ = Path(d, "x.backup").write_bytes(b"snap")
        ...     LocalDirReader(d).open("x.backup")
        b'snap'
        """
        ...


class LocalDirReader:
    """Mirrors nothing: a directory as a bucket, the teaching backend beside the S3, ABS
    and GCS readers of v0.9.4.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     _ = Path(d, "x.backup").write_bytes(b"snap")
    ...     LocalDirReader(d).open("x.backup")
    b'snap'
    """

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def open(self, path: str) -> bytes:
        """Mirrors ``reader.Reader.Open`` for a directory: the file's bytes.

        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as d:
        ...     LocalDirReader(d).open("missing.backup")
        Traceback (most recent call last):
        ...
        FileNotFoundError: ...
        """
        return (self.root / path).read_bytes()
