"""Mirror of pkg/backup/writer: where snapshots are written.

``Writer`` is the interface; :class:`LocalDirWriter` is a working backend (a directory
tree, paths are relative file names).  v0.9.4 ships S3 (any S3-compatible endpoint, via
``s3.endpoint`` and ``forcePathStyle``), ABS (Azure Blob) and GCS writers; they are
extension points here (:class:`ExtensionPointWriter`) because they need cloud SDKs and
credentials, not because the operator lacked them.  Alibaba OSS is listed too, but fairly:
it is *not* in v0.9.4; it was added on etcd-operator's master after the release (PR #2065).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import ClassVar, Protocol

from reference_impl.mirrors import mirrors

_PKG = "github.com/coreos/etcd-operator/pkg/backup/writer"


@mirrors(f"{_PKG}.Writer")
class Writer(Protocol):
    """Mirrors ``writer.Writer``: write, list and delete backup files (no ``context``).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     w: Writer = LocalDirWriter(d)
    ...     w.write("ex/1.backup", b"snap"), w.list("ex/")
    (4, ['ex/1.backup'])
    """

    def write(self, path: str, data: bytes) -> int:
        """Mirrors ``writer.Writer.Write``: store ``data`` at ``path``, return its size.

        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as d:
        ...     LocalDirWriter(d).write("ex/1.backup", b"snap")
        4
        """
        ...

    def list(self, base_path: str) -> list[str]:
        """Mirrors ``writer.Writer.List``: every file whose path starts with ``base_path``.

        >>> ExtensionPointWriter("GCS").list("ex/")
        Traceback (most recent call last):
        ...
        NotImplementedError: GCS storage: ...
        """
        ...

    def delete(self, path: str) -> None:
        """Mirrors ``writer.Writer.Delete``: remove one backup file.

        >>> ExtensionPointWriter("ABS").delete("ex/1.backup")
        Traceback (most recent call last):
        ...
        NotImplementedError: ABS storage: ...
        """
        ...


class LocalDirWriter:
    """Mirrors nothing: a directory as a bucket, the teaching backend (not upstream).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     w = LocalDirWriter(d)
    ...     _ = w.write("ex/1.backup", b"a"), w.write("ex/2.backup", b"b")
    ...     w.delete("ex/1.backup")
    ...     w.list("ex/")
    ['ex/2.backup']
    """

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def _file(self, path: str) -> Path:
        p = (self.root / path).resolve()
        if self.root.resolve() not in p.parents and p != self.root.resolve():
            raise ValueError(f"path escapes the backup directory: {path}")
        return p

    def write(self, path: str, data: bytes) -> int:
        """Mirrors ``writer.Writer.Write`` for a directory: through a ``.tmp`` file and a
        rename, so a reader never sees half a snapshot; a path may not leave the directory.

        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as d:
        ...     LocalDirWriter(d).write("../outside", b"x")
        Traceback (most recent call last):
        ...
        ValueError: path escapes the backup directory: ../outside
        """
        f = self._file(path)
        f.parent.mkdir(parents=True, exist_ok=True)
        tmp = f.with_suffix(f.suffix + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(f)  # a reader never sees half a snapshot
        return len(data)

    def list(self, base_path: str) -> list[str]:
        """Mirrors ``writer.Writer.List`` for a directory: sorted relative paths with the
        prefix, leftover ``.tmp`` files skipped.

        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as d:
        ...     w = LocalDirWriter(d)
        ...     _ = w.write("ex/2.backup", b"b"), w.write("ex/1.backup", b"a")
        ...     _ = w.write("other/1.backup", b"c")
        ...     w.list("ex/")
        ['ex/1.backup', 'ex/2.backup']
        """
        # Like the S3 writer: every object whose key starts with base_path.
        out = []
        for f in self.root.rglob("*"):
            rel = f.relative_to(self.root).as_posix()
            if f.is_file() and rel.startswith(base_path) and not rel.endswith(".tmp"):
                out.append(rel)
        return sorted(out)

    def delete(self, path: str) -> None:
        """Mirrors ``writer.Writer.Delete`` for a directory.

        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as d:
        ...     w = LocalDirWriter(d)
        ...     _ = w.write("ex/1.backup", b"a")
        ...     w.delete("ex/1.backup")
        ...     w.list("")
        []
        """
        self._file(path).unlink()


class ExtensionPointWriter:
    """Mirrors nothing runnable: stands where v0.9.4's S3, ABS and GCS ``writer.Writer``
    implementations are (and OSS, which came later), says what upstream does, and where a
    real backend would plug in.

    >>> ExtensionPointWriter("OSS").write("ex/1.backup", b"snap")
    Traceback (most recent call last):
    ...
    NotImplementedError: OSS storage: not in v0.9.4 (added after the release, PR #2065): ...
    """

    _V094 = "supported by etcd-operator v0.9.4"
    UPSTREAM: ClassVar[dict[str, str]] = {
        "S3": f"{_V094}, s3_writer.go: PutObject to bucket/key parsed from spec.s3.path; "
        "credentials and config files from the Secret named by spec.s3.awsSecret",
        "ABS": f"{_V094}, abs_writer.go: block blob upload to container/blob from "
        "spec.abs.path; storage account and key from spec.abs.absSecret",
        "GCS": f"{_V094}, gcs_writer.go: object write to bucket/object from spec.gcs.path; "
        "access token or credentials.json from spec.gcs.gcpSecret",
        "OSS": "not in v0.9.4 (added after the release, PR #2065): object write to an "
        "Alibaba Cloud OSS bucket with credentials from a Secret",
    }

    def __init__(self, storage_type: str) -> None:
        self.storage_type = storage_type

    def _unsupported(self) -> NotImplementedError:
        return NotImplementedError(
            f"{self.storage_type} storage: {self.UPSTREAM[self.storage_type]}; "
            "not implemented in this reference; "
            "implement the Writer protocol to add it"
        )

    def write(self, path: str, data: bytes) -> int:
        """Mirrors ``writer.Writer.Write``: raises, naming what upstream does instead.

        >>> ExtensionPointWriter("S3").write("ex/1.backup", b"snap")
        Traceback (most recent call last):
        ...
        NotImplementedError: S3 storage: supported by etcd-operator v0.9.4, s3_writer.go: ...
        """
        raise self._unsupported()

    def list(self, base_path: str) -> list[str]:
        """Mirrors ``writer.Writer.List``: raises, naming what upstream does instead.

        >>> ExtensionPointWriter("GCS").list("ex/")
        Traceback (most recent call last):
        ...
        NotImplementedError: GCS storage: supported by etcd-operator v0.9.4, gcs_writer.go: ...
        """
        raise self._unsupported()

    def delete(self, path: str) -> None:
        """Mirrors ``writer.Writer.Delete``: raises, naming what upstream does instead.

        >>> ExtensionPointWriter("ABS").delete("ex/1.backup")
        Traceback (most recent call last):
        ...
        NotImplementedError: ABS storage: supported by etcd-operator v0.9.4, abs_writer.go: ...
        """
        raise self._unsupported()
