"""An index build killed mid-way must not leave workers or an eternal lock (issue 13, item 2).

Before the fix the parse workers (forked after the lock was taken) kept the lock's open
file after their parent died and lived on with parent pid 1: every later ``index``,
``callers`` or ``callees`` on that database waited forever.  Each case kills ``annotate
index --rebuild`` while its workers parse, then runs a query under a generous timeout.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from .conftest import Sandbox, processes_mentioning


def _go_tree(root: Path, files: int = 600, funcs: int = 60) -> None:
    """Our own generated Go package: enough work that a kill lands during parsing."""
    for i in range(files):
        body = "\n".join(
            f"func F{i}_{j}(x int) int {{ if x > {j} {{ return F{i}_{j}(x - 1) + G() }}; "
            f"return x * {j} }}"
            for j in range(funcs)
        )
        (root / f"f{i}.go").write_text(
            f"package p\n\nfunc G() int {{ return 1 }}\n{body}\n"
            if i == 0
            else f"package p\n\n{body}\n"
        )


def _children(pid: int) -> list[int]:
    out = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                ppid = int((proc / "stat").read_text().rpartition(")")[2].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if ppid == pid:
                out.append(int(proc.name))
    return out


def _wait_for_workers(pid: int, timeout: float = 60.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if len(_children(pid)) >= 2:  # the pool's workers are up: parsing has begun
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize(
    "sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT], ids=["SIGKILL", "SIGTERM", "SIGINT"]
)
def test_killed_index_rebuild_leaves_no_lock_and_no_worker(sandbox: Sandbox, sig: int) -> None:
    src = sandbox.outside / "gotree"
    src.mkdir()
    _go_tree(src)
    sandbox.settle()
    target = ["--dir", str(src), "--import-path", "example.com/p"]
    first = sandbox.run("-m", "annotate", "index", *target, timeout=300)
    assert first.code == 0, first.err
    builder = sandbox.popen("-m", "annotate", "index", "--rebuild", *target)
    assert _wait_for_workers(builder.pid), "the rebuild never started its parse workers"
    os.kill(builder.pid, sig)
    builder.wait(timeout=60)
    # The query must finish (bounded by the timeout: a stuck lock fails the test, not CI).
    ran = sandbox.run("-m", "annotate", "callees", "example.com/p.F1_3", *target, timeout=60)
    assert ran.code == 0, ran.err
    assert "F1_3" in ran.out or "G" in ran.out, ran.out
    assert not processes_mentioning(str(sandbox.root)), "parse workers outlived their parent"
