"""Shell completion (argcomplete): the bash script installs, and completing a symbol
after ``annotate callees`` offers the names in the index."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from annotate.cli import main

BIN = Path(sys.executable).parent
REGISTER = BIN / "register-python-argcomplete"
ANNOTATE = BIN / "annotate"

pytestmark = pytest.mark.skipif(
    not (REGISTER.exists() and ANNOTATE.exists() and shutil.which("bash")),
    reason="needs bash and the installed annotate and register-python-argcomplete scripts "
    "(pip install -e .)",
)


def _complete(words: list[str], tmp_path: Path) -> list[str]:
    """COMPREPLY of the installed bash completion for the command line ``words``."""
    script = subprocess.run(
        [str(REGISTER), "annotate"], capture_output=True, text=True, check=True
    ).stdout
    (tmp_path / "annotate.bash").write_text(script)
    line = " ".join(words)
    program = f"""
source {tmp_path / "annotate.bash"}
complete -p annotate >/dev/null || exit 7
fn=$(complete -p annotate | sed -E 's/.*-F ([^ ]+) .*/\\1/')
COMP_LINE='{line}'; COMP_POINT=${{#COMP_LINE}}; COMP_TYPE=9
COMP_WORDS=({line}); COMP_CWORD={len(words) - 1}
$fn annotate '{words[-1]}' '{words[-2]}'
printf '%s\\n' "${{COMPREPLY[@]}}"
"""
    env = {**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}"}
    ran = subprocess.run(
        ["bash", "-c", program], capture_output=True, text=True, env=env, timeout=120
    )
    assert ran.returncode == 0, ran.stderr
    return [w.strip() for w in ran.stdout.splitlines() if w.strip()]


def test_bash_completes_subcommands_and_flags(tmp_path: Path) -> None:
    assert "callees" in _complete(["annotate", "cal"], tmp_path)
    assert "--external" in _complete(["annotate", "callees", "--ext"], tmp_path)


@pytest.mark.corpus
def test_bash_completes_a_symbol_from_the_index(kubernetes_corpus, tmp_path: Path) -> None:
    assert main(["index", "kubernetes"]) == 0  # the completer reads the index, never builds it
    offered = _complete(["annotate", "callees", "managerImpl.sync"], tmp_path)
    assert offered == ["managerImpl.synchronize"]
    full = _complete(["annotate", "show", "rankMemoryPre"], tmp_path)
    assert full == ["rankMemoryPressure"]


def test_zsh_script_is_generated() -> None:
    ran = subprocess.run(
        [str(REGISTER), "--shell", "zsh", "annotate"], capture_output=True, text=True, check=True
    )
    assert "compdef" in ran.stdout and "annotate" in ran.stdout
