"""Notebook scratch directories: one per process, swept once the process is gone."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from annotate.reading.scratch import scratch_dir, scratch_root


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache"


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_directory_per_process_under_the_user_cache(cache: Path) -> None:
    d = scratch_dir("10-operator")
    assert d == cache / "k8s-reading-kit" / "scratch" / "10-operator" / str(os.getpid())
    assert d.is_dir() and list(d.iterdir()) == []
    assert scratch_root() == cache / "k8s-reading-kit" / "scratch"


def test_asking_again_starts_empty(cache: Path) -> None:
    (scratch_dir("nb") / "figure.png").write_bytes(b"x")
    assert list(scratch_dir("nb").iterdir()) == []


def test_directories_of_gone_processes_are_swept_live_ones_kept(cache: Path) -> None:
    root = cache / "k8s-reading-kit" / "scratch"
    gone = root / "11-failure" / str(dead_pid())
    live = root / "12-resize" / str(os.getppid())  # pytest's parent: alive while we run
    for d in (gone, live):
        d.mkdir(parents=True)
        (d / "lost-quorum.png").write_bytes(b"x")
    scratch_dir("13-argument")
    assert not gone.exists()
    assert (live / "lost-quorum.png").exists()


def test_a_killed_kernel_leaves_nothing_after_the_next_run(cache: Path) -> None:
    """What leaked before: a process killed after making its directory."""
    code = (
        "import os, signal\n"
        "from annotate.reading.scratch import scratch_dir\n"
        "(scratch_dir('10-operator') / 'birth.png').write_bytes(b'x')\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    env = dict(os.environ, XDG_CACHE_HOME=str(cache))
    killed = subprocess.run([sys.executable, "-c", code], env=env, check=False)
    assert killed.returncode == -9
    left = list((cache / "k8s-reading-kit" / "scratch" / "10-operator").iterdir())
    assert len(left) == 1  # the kill skipped the exit handler
    scratch_dir("10-operator")
    assert [p.name for p in left[0].parent.iterdir()] == [str(os.getpid())]


def test_a_normal_exit_removes_its_directory(cache: Path) -> None:
    code = "from annotate.reading.scratch import scratch_dir\nprint(scratch_dir('nb'))\n"
    env = dict(os.environ, XDG_CACHE_HOME=str(cache))
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True)
    assert not Path(out.stdout.decode().strip()).exists()


def test_an_unwritable_cache_falls_back_to_a_temporary_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")  # a file where the cache should be: mkdir fails even for root
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    d = scratch_dir("nb")
    assert d.is_dir() and d.name.startswith("nb-") and not d.is_relative_to(blocker)


@pytest.mark.parametrize("name", ["../escape", "a/b", ".hidden", ""])
def test_a_name_that_is_not_a_plain_stem_is_refused(cache: Path, name: str) -> None:
    with pytest.raises(ValueError, match="not a plain file stem"):
        scratch_dir(name)
