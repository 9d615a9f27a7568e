"""Helpers for the hostile-input suite: run a CLI in a child process, in a sandbox.

Every case runs the program with ``HOME``, the working directory, ``TMPDIR`` and the
cache inside ``tmp_path`` and then checks what issue 13 asks of every bad input: the exit
code, a one-line message naming the problem, no traceback, nothing changed outside the
sandbox's cache and temporary directory, and no process left behind.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def processes_mentioning(text: str) -> list[int]:
    """Pids of live processes whose command line or environment mentions ``text``."""
    found = []
    needle = text.encode()
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            blob = (proc / "cmdline").read_bytes() + (proc / "environ").read_bytes()
            state = (proc / "stat").read_text().rpartition(")")[2].split()[0]
        except OSError:
            continue
        if needle in blob and state != "Z":
            found.append(int(proc.name))
    return found


def wait_gone(text: str, timeout: float = 20.0) -> list[int]:
    """Wait until no process mentions ``text``; return the ones still there."""
    end = time.monotonic() + timeout
    while (left := processes_mentioning(text)) and time.monotonic() < end:
        time.sleep(0.1)
    return left


def kill_all(pids: list[int]) -> None:
    for pid in pids:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    out = {}
    for p in root.rglob("*"):
        st = p.lstat()
        out[str(p.relative_to(root))] = (st.st_size, st.st_mtime_ns)
    return out


@dataclass
class Ran:
    code: int
    out: str
    err: str


@dataclass
class Sandbox:
    root: Path
    home: Path
    cwd: Path
    tmp: Path
    cache: Path
    outside: Path
    before: dict[Path, dict[str, tuple[int, int]]]

    def write(self, name: str, data: str | bytes) -> Path:
        """An input file, outside the cache: the run must leave it as it is."""
        path = self.outside / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            data = data.encode()
        path.write_bytes(data)
        self.settle()
        return path

    def settle(self) -> None:
        """Inputs written directly under ``outside`` are part of the baseline."""
        self.before[self.outside] = snapshot(self.outside)

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
        env.update(
            HOME=str(self.home),
            TMPDIR=str(self.tmp),
            K8S_READING_KIT_CACHE=str(self.cache),
            PYTHONPATH=str(REPO),
            HOSTILE_SANDBOX=str(self.root),  # marks our processes, see processes_mentioning
        )
        return env

    def run(self, *args: str, timeout: float = 120, input_bytes: bytes | None = None) -> Ran:
        res = subprocess.run(
            [sys.executable, *args],
            cwd=self.cwd,
            env=self.env,
            capture_output=True,
            timeout=timeout,
            input=input_bytes,
        )
        return Ran(
            res.returncode, res.stdout.decode(errors="replace"), res.stderr.decode(errors="replace")
        )

    def popen(self, *args: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, *args],
            cwd=self.cwd,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )


def assert_refused(ran: Ran, code: int, *fragments: str) -> None:
    """A bad input's answer: ``code``, one line naming it, no traceback."""
    assert ran.code == code, (ran.code, ran.err)
    assert "Traceback" not in ran.err, ran.err
    # ("annotate: ..." lines are progress -- parsing, resolving -- not the error)
    lines = [ln for ln in ran.err.splitlines() if ln.strip() and not ln.startswith("annotate: ")]
    assert len(lines) == 1, ran.err
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[Sandbox]:
    box = Sandbox(
        tmp_path,
        tmp_path / "home",
        tmp_path / "cwd",
        tmp_path / "tmp",
        tmp_path / "cache",
        tmp_path / "outside",  # inputs live here; they must not change
        {},
    )
    for d in (box.home, box.cwd, box.tmp, box.cache, box.outside):
        d.mkdir()
    box.before = {d: snapshot(d) for d in (box.home, box.cwd, box.outside)}
    yield box
    before = box.before
    left = wait_gone(str(box.root), timeout=20)
    kill_all(left)
    assert not left, f"processes left behind: {left}"
    for d, snap in before.items():
        assert snapshot(d) == snap, f"{d} changed"
    assert not list(box.tmp.iterdir()), f"left in TMPDIR: {list(box.tmp.iterdir())}"
