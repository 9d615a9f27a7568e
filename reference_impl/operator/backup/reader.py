"""Mirror of pkg/backup/reader: where the restore operator reads a snapshot from."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

from reference_impl.mirrors import mirrors

_PKG = "github.com/coreos/etcd-operator/pkg/backup/reader"


@mirrors(f"{_PKG}.Reader")
class Reader(Protocol):
    def open(self, path: str) -> bytes: ...


class LocalDirReader:
    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def open(self, path: str) -> bytes:
        return (self.root / path).read_bytes()
