"""The mirrors' console scripts (kubelet-eviction-1.10, etcd-operator-0.9.4) follow
annotate's conventions: --json on stdout, exit codes, --debug anywhere, quiet pipes, a
progress bar only on a terminal; explain reads stdin and the kubelet's flags and ships
example inputs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SCENARIO = REPO / "examples" / "operator" / "lost-quorum.yaml"


def _run(*argv: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *argv], input=stdin, capture_output=True, text=True, cwd=REPO,
        timeout=300,
    )  # fmt: skip


def test_console_scripts_are_installed() -> None:
    for name in ("annotate", "kubelet-eviction-1.10", "etcd-operator-0.9.4"):
        script = BIN / name
        if not script.exists():
            pytest.skip(f"{name} not installed next to {sys.executable} (pip install -e .)")
        ran = subprocess.run([str(script), "--help"], capture_output=True, text=True)
        assert ran.returncode == 0 and "exit codes" in ran.stdout, name


def test_explain_reads_stdin_flags_and_the_shipped_examples() -> None:
    listed = _run("-m", "reference_impl.eviction", "examples", "--json")
    examples = json.loads(listed.stdout)
    here = Path(examples["directory"])
    assert {"stats-summary.json", "pods.json", "kubelet-config.yaml", "kubelet-flags.txt"} <= set(
        examples["files"]
    )
    pods = (here / "pods.json").read_text()
    summary = str(here / "stats-summary.json")
    from_file = _run("-m", "reference_impl.eviction", "explain", "--example", "--json")
    from_stdin = _run(
        "-m", "reference_impl.eviction", "explain", "--summary", summary, "--pods", "-",
        "--config", str(here / "kubelet-config.yaml"), "--json", stdin=pods,
    )  # fmt: skip
    assert from_file.returncode == from_stdin.returncode == 0, from_stdin.stderr
    assert json.loads(from_file.stdout) == json.loads(from_stdin.stdout)
    with_flags = _run(
        "-m", "reference_impl.eviction", "explain", "--example",
        "--kubelet-flags", str(here / "kubelet-flags.txt"), "--json",
    )  # fmt: skip
    # the flags file says what the config file says: the same decision
    assert json.loads(with_flags.stdout) == json.loads(from_file.stdout)
    text = _run("-m", "reference_impl.eviction", "explain", "--example").stdout
    assert "MemoryPressure" in text and "Ranking" in text


def test_explain_refuses_bad_input_in_one_line_and_debug_shows_a_traceback(tmp_path) -> None:
    flags = tmp_path / "flags.txt"
    flags.write_text("--eviction-hard=memory.available=100Mi\n")  # '=' where 1.10 wants '<'
    argv = ["-m", "reference_impl.eviction", "explain", "--example", "--kubelet-flags", str(flags)]
    ran = _run(*argv)
    assert ran.returncode == 1 and ran.stderr.count("\n") == 1 and "KEY<VALUE" in ran.stderr
    ran = _run(*argv, "--debug")
    assert ran.returncode != 0 and "Traceback" in ran.stderr
    ran = _run("-m", "reference_impl.eviction", "explain", "--summary", "-", "--pods", "-")
    assert ran.returncode == 1 and "only one input" in ran.stderr


def test_operator_prints_changes_by_default_and_every_cycle_verbose() -> None:
    quiet = _run("-m", "reference_impl.operator", "simulate", str(SCENARIO))
    loud = _run("-m", "reference_impl.operator", "simulate", str(SCENARIO), "--verbose")
    assert quiet.returncode == loud.returncode == 0
    cycles = [ln for ln in loud.stdout.splitlines() if ln.startswith("t=") and " event " not in ln]
    shown = [ln for ln in quiet.stdout.splitlines() if ln.startswith("t=") and " event " not in ln]
    assert 0 < len(shown) < len(cycles)
    assert f"{len(shown)} of {len(cycles)} cycles changed something" in quiet.stdout
    doc = json.loads(
        _run("-m", "reference_impl.operator", "simulate", str(SCENARIO), "--json").stdout
    )
    assert doc["cycles_total"] == len(cycles) and len(doc["cycles"]) == len(shown)


def test_operator_progress_bar_only_on_a_terminal() -> None:
    code, text = _on_a_terminal_python("reference_impl.operator", "simulate", str(SCENARIO))
    assert code == 0 and "scenario s" in text
    off = _run("-m", "reference_impl.operator", "simulate", str(SCENARIO))
    assert "scenario s" not in off.stderr and "\x1b[" not in off.stderr


def _on_a_terminal_python(module: str, *argv: str) -> tuple[int, str]:
    import pty
    import re

    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", module, *argv], stdout=follower, stderr=follower,
        stdin=subprocess.DEVNULL, cwd=REPO, env={**os.environ, "COLUMNS": "100"},
    )  # fmt: skip
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return proc.wait(timeout=300), re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", b"".join(chunks).decode())


def test_a_closed_pipe_ends_the_mirror_commands_quietly() -> None:
    script = BIN / "etcd-operator-0.9.4"
    if not script.exists() or not shutil.which("head"):
        pytest.skip("etcd-operator-0.9.4 not installed (pip install -e .)")
    ran = subprocess.run(
        f"'{script}' simulate '{SCENARIO}' --verbose | head -1",
        shell=True, capture_output=True, text=True,
    )  # fmt: skip
    assert ran.stdout.count("\n") == 1 and "Traceback" not in ran.stderr
