"""Guard: nothing in the repository builds or runs upstream Go code.

The project reads, hashes, parses and indexes upstream code, and runs x/tools ``callgraph``
over it (static analysis, nothing compiled or run); it never builds or runs it. This test
fails when a tracked file (``git ls-files``)

* is a Go file outside our own fixtures (``tests/fixtures/go/``), or
* holds a command that builds or runs Go code -- the go tool's test, build, run, install,
  vet and generate subcommands, its compile/link tools, an overlay flag, or a subprocess
  argument list starting with the go tool and one of those subcommands -- in a script,
  Makefile, Python module, shell file, notebook, Markdown/RST doc, TOML/YAML/CFG file or CI
  file.

The pattern and the example lines below are assembled from parts (``GO``, ``OVERLAY``), and
the examples are bare fragments (a subcommand, no package, no flags), so this file itself
holds no command line that a reader could copy and run.

Allowed, each by exact file and line text: this guard (its patterns and their
description) and prose that *describes Go's build semantics or forbids the commands*
(:data:`ALLOWED`). Our own Go fixtures are not scanned.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = "tests/fixtures/go/"
GUARD = "tests/foundation/test_no_upstream_builds.py"
GO = "go"  # the tool's name, kept apart from its subcommands in the examples below
OVERLAY = "-" + "overlay"  # the go tool's flag for overlaid files, kept apart the same way

# Go commands that compile or run code, written as a shell/Make/doc line would; and the same
# as a Python subprocess argument list. re.ASCII: only ASCII whitespace/word characters,
# as a shell tokenizes.
BUILD_COMMAND = re.compile(
    r"\bgo\s+(?:test|build|run|install|vet|generate|tool\s+(?:compile|link))\b"
    rf"|(?<![\w-]){OVERLAY}\b"
    r"""|["']go["']\s*,\s*["'](?:test|build|run|install|vet|generate|tool)["']""",
    re.ASCII,
)
SCANNED_SUFFIXES = {
    ".py", ".sh", ".bash", ".mk", ".ipynb", ".md", ".rst", ".txt",
    ".toml", ".yaml", ".yml", ".cfg", ".ini", ".in",
}  # fmt: skip
SCANNED_NAMES = {"Makefile", "GNUmakefile", "Dockerfile", "run", "Jenkinsfile"}

# (path, exact text of an allowed line fragment): why it is allowed.
ALLOWED: dict[tuple[str, str], str] = {
    (
        "annotate/parse/buildctx.py",
        f'"""Build constraints: which Go files `{GO} build` would compile for a target platform.',
    ): "describes the build-constraint semantics the indexer reproduces; runs nothing",
    (
        "annotate/parse/buildctx.py",
        f"cgo: bool = True  # `{GO} build` on a native linux/amd64 host has cgo enabled",
    ): "the default of a build-context flag the indexer evaluates; runs nothing",
    (
        "annotate/parse/buildctx.py",
        f'return "name starts with _ or . (ignored by {GO} build)"',
    ): "an exclusion reason the indexer reports; runs nothing",
    (
        "annotate/parse/buildctx.py",
        f'"""Why ``{GO} build`` for ``platform`` would not compile this file, or None."""',
    ): "docstring of the build-constraint evaluator; runs nothing",
}


def tracked_files() -> list[str]:
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, timeout=60
        ).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"not a git checkout (git ls-files failed: {exc})")
    return [p for p in out.decode("utf-8").split("\0") if p]


def scanned(path: str) -> bool:
    if path.startswith(FIXTURES):
        return False
    p = Path(path)
    return p.suffix in SCANNED_SUFFIXES or p.name in SCANNED_NAMES or path.startswith(".ci/")


def go_files_outside_fixtures(paths: list[str]) -> list[str]:
    return [p for p in paths if p.endswith(".go") and not p.startswith(FIXTURES)]


def build_commands(path: str, text: str) -> list[str]:
    """``path:line: text`` for each line of ``text`` holding a build command, minus the
    explicit allowances."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        if not BUILD_COMMAND.search(line):
            continue
        if path == GUARD:
            continue  # the guard names the commands it forbids
        if any(path == p and fragment in line for p, fragment in ALLOWED):
            continue
        found.append(f"{path}:{number}: {line.strip()[:160]}")
    return found


def test_only_our_fixtures_are_go() -> None:
    assert go_files_outside_fixtures(tracked_files()) == []


def test_no_tracked_file_builds_or_runs_go() -> None:
    offenders = []
    for path in tracked_files():
        if not scanned(path) or not (ROOT / path).is_file():
            continue
        text = (ROOT / path).read_text(encoding="utf-8", errors="replace")
        offenders += build_commands(path, text)
    assert offenders == [], "build/run commands for Go code:\n" + "\n".join(offenders)


@pytest.mark.parametrize(
    "line",
    [
        f"{GO} test",  # a shell line
        f"\tcd x && {GO} build",  # a Makefile recipe
        f'subprocess.run(["{GO}", "test"])',  # a Python argument list
        f"GOFLAGS={OVERLAY}=o.json callgraph",  # the flag through the environment
        f"!{GO} run",  # a notebook shell escape
        f"{GO}   install",  # spacing does not matter
        f"{GO} vet",
    ],
)
def test_the_patterns_catch_build_commands(line: str) -> None:
    assert build_commands("scripts/x.sh", line)


@pytest.mark.parametrize(
    "line",
    [
        "callgraph -algo=static -format=digraph ./pkg/kubelet/eviction",
        "annotate fetch kubernetes --profile full",
        "the indexer handles go statements and defer",
        "golang-go and golang-golang-x-tools serve the callgraph accuracy tests",
        f"a{GO} testing later",  # a word ending in the tool's name is not the tool
    ],
)
def test_the_patterns_leave_reading_and_static_analysis_alone(line: str) -> None:
    assert build_commands("scripts/x.sh", line) == []


def test_go_files_outside_fixtures_are_found() -> None:
    paths = ["tests/fixtures/go/util/util.go", "differential/harness/h_test.go", "README.md"]
    assert go_files_outside_fixtures(paths) == ["differential/harness/h_test.go"]


def test_allowances_still_match_their_files() -> None:
    """An allowance whose line is gone must be dropped, so the list cannot grow stale."""
    for (path, fragment), _why in ALLOWED.items():
        assert fragment in (ROOT / path).read_text(encoding="utf-8"), (path, fragment)
