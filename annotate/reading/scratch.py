"""Scratch directories for notebooks: figures and example storage, never in the repository.

A notebook that wrote into ``tempfile.mkdtemp()`` and removed it at exit left one directory
behind per run: nbval and the book's executor stop kernels by killing them, and a killed
kernel runs no exit handler. So each kernel gets ``<user cache>/k8s-reading-kit/scratch/
<notebook>/<pid>``; it is removed at a normal exit, and every later call sweeps the
directories of processes that are gone. Whatever ends a kernel, what is left is bounded by
the kernels alive now, and two kernels running the same notebook never share a directory.

The user's own cache is used, not ``$K8S_READING_KIT_CACHE``: that one may be a shared,
read-only installation of the corpora.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import tempfile
from pathlib import Path

__all__ = ["scratch_dir", "scratch_root"]

# A notebook's stem: it becomes one path component, so no separators and no leading dot.
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")  # regex: fullmatch, ASCII letters only


def scratch_root() -> Path:
    """``$XDG_CACHE_HOME/k8s-reading-kit/scratch``, or under ``~/.cache`` without it."""
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "k8s-reading-kit" / "scratch"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: asks whether the process exists, sends nothing
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, it is somebody else's
    return True


def _sweep(root: Path) -> None:
    """Remove ``root/*/<pid>`` directories whose process is gone."""
    for directory in root.glob("*/*"):
        if directory.name.isdigit() and not _alive(int(directory.name)):
            shutil.rmtree(directory, ignore_errors=True)


def scratch_dir(notebook: str) -> Path:
    """An empty directory for this process's run of ``notebook``, outside the repository.

    It is removed when the process exits normally, and by a later call once the process is
    gone. If the user's cache cannot be written (a read-only home), a temporary directory
    removed at exit is used instead. ``tests/foundation/test_scratch.py`` shows each case.
    """
    if not _NAME.fullmatch(notebook):
        raise ValueError(f"notebook name {notebook!r} is not a plain file stem")
    root = scratch_root()
    path = root / notebook / str(os.getpid())
    try:
        _sweep(root)
        shutil.rmtree(path, ignore_errors=True)  # this process asked before: start empty
        path.mkdir(parents=True, mode=0o700)
    except OSError:
        path = Path(tempfile.mkdtemp(prefix=f"{notebook}-"))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path
