"""The index sub-commands, run through the real CLI entry point on the fixture corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotate.cli import main
from tests.indexer.conftest import FIXTURE, MODULE

EV = f"{MODULE}/eviction"


@pytest.fixture
def run(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    cache = str(tmp_path / "cache")

    def _run(*argv: str) -> tuple[int, str, str]:
        code = main(["--cache", cache, *argv])
        out, err = capsys.readouterr()
        return code, out, err

    return _run


DIR = ("--dir", str(FIXTURE), "--import-path", MODULE)


def test_index_then_edges_in_callgraph_format(run) -> None:
    code, out, _ = run("index", *DIR)
    assert code == 0 and "rebuilt" in out and "excluded 4" in out
    code, out, _ = run("index", *DIR)
    assert "up to date" in out
    code, out, _ = run("edges", *DIR)
    lines = out.splitlines()
    assert f"(*{EV}.managerImpl).Start\t(*{EV}.managerImpl).Start$1\tstatic+go" in lines
    assert f"(*{EV}.managerImpl).synchronize\t{EV}.rankMemoryPressure\tdynamic" in lines
    assert all(line.count("\t") == 2 for line in lines)
    assert not any("fmt." in line for line in lines)
    _, with_ext, _ = run("edges", *DIR, "--external")
    assert f"{EV}.describe\tfmt.Sprintf\tstatic" in with_ext.splitlines()


def test_symbols_callers_callees_path_show(run) -> None:
    code, out, _ = run("symbols", "*multiSorter*", *DIR)
    assert code == 0 and f"(*{EV}.multiSorter).Less\tmethod\teviction/helpers.go:" in out
    _, out, _ = run("callees", "managerImpl.synchronize", "--no-external", *DIR)
    assert f"{EV}.thresholdsMet\tstatic\tstatic\teviction/manager.go:" in out
    _, out, _ = run("callers", "eviction.describe", *DIR)
    callers = [line.split("\t")[0] for line in out.splitlines()]
    assert callers == [f"{EV}.init$1", f"(*{EV}.managerImpl).waitForCleanup$1$1"]
    code, out, _ = run("path", "kubeletlike.main", "eviction.describe", *DIR)
    assert code == 0
    assert out.split("\n  -> ")[-1].strip() == f"{EV}.describe"
    code, out, _ = run("show", "eviction.describe", *DIR)
    lines = out.splitlines()
    assert lines[0] == f"{EV}.describe  (func)"
    src = (FIXTURE / "eviction" / "manager.go").read_text().splitlines()
    first = src.index("func describe(p *Pod) string {") + 1
    assert lines[1].startswith("file://")
    assert lines[1].endswith(f"eviction/manager.go#L{first}-L{first + 2}")
    assert "func describe(p *Pod) string {" in out
    _, out, _ = run("show", "managerImpl.Start", *DIR)
    assert "// Start runs the loop in a goroutine" in out  # the doc comment comes along
    _, out, _ = run("show", "managerImpl.Start", "--no-doc", *DIR)
    assert "// Start runs" not in out


def test_errors_are_user_messages(run, capsys) -> None:
    code, _, err = run("callees", "Area", *DIR)
    assert code == 1 and "ambiguous" in err and "Square).Area" in err
    code, _, err = run("callees", "noSuchThing", *DIR)
    assert code == 1 and "no symbol matches" in err
    code, _, err = run("index", "--dir", str(FIXTURE))
    assert code == 1 and "--import-path" in err
    code, _, err = run("index", "--platform", "linux", *DIR)
    assert code == 1 and "GOOS/GOARCH" in err


def test_graph_outputs(run, tmp_path: Path) -> None:
    svg = tmp_path / "g.svg"
    code, _, _ = run("graph", "managerImpl.synchronize", "--depth", "2", "-o", str(svg), *DIR)
    assert code == 0 and svg.read_text().lstrip().startswith(("<?xml", "<svg"))
    dot = tmp_path / "g.dot"
    run("graph", "managerImpl.synchronize", "--format", "dot", "-o", str(dot), *DIR)
    assert "digraph" in dot.read_text()
    js = tmp_path / "g.json"
    run(
        "graph",
        "managerImpl.synchronize",
        "--format",
        "json",
        "-o",
        str(js),
        "--hide-external",
        *DIR,
    )
    assert '"kind": "dynamic"' in js.read_text()
    code, _, err = run("graph", "kubeletlike.main", "--depth", "5", "--max-nodes", "5", *DIR)
    assert code == 1 and "narrow it" in err


def test_problems_command(run) -> None:
    code, out, err = run("problems", "--excluded", *DIR)
    assert code == 0
    assert "util/platform_windows.go\texcluded\tfile name suffix _windows" in out
    assert "0 parse errors, 4 files excluded" in err


def test_platform_option(run) -> None:
    _, out, _ = run("callees", "util.PlatformValue", "--platform", "windows/amd64", *DIR)
    assert out.split("\t")[0] == f"{MODULE}/util.windowsOnly"
    _, out, _ = run("callees", "util.PlatformValue", "--platform", "darwin/arm64", *DIR)
    assert out.split("\t")[0] == f"{MODULE}/util.otherOnly"
    code, out, _ = run("symbols", "TestTotal", "--tests", *DIR)
    assert code == 0 and "util/util_test.go" in out


def test_the_program_exits_fast_after_a_build_and_loses_no_output(tmp_path: Path) -> None:
    """`python -m annotate` (the installed `annotate` is the same ``run``) ends a process
    that built an index with os._exit, skipping the teardown of the builder's heap: its
    output must still all arrive through a pipe, with the right exit code, and the index
    must be complete."""
    import sqlite3
    import subprocess
    import sys

    cache = str(tmp_path / "cache")

    def program(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "annotate", "--cache", cache, *argv],
            capture_output=True,
            text=True,
        )

    built = program("index", *DIR)
    assert built.returncode == 0, built.stderr
    assert "rebuilt" in built.stdout and "excluded 4" in built.stdout
    edges = program("edges", *DIR)  # warm: nothing built, an ordinary exit
    assert edges.returncode == 0
    assert f"(*{EV}.managerImpl).synchronize\t{EV}.rankMemoryPressure\tdynamic" in edges.stdout
    (db,) = (tmp_path / "cache" / "index").glob("dir-*.sqlite")
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT value FROM meta WHERE key = 'complete'").fetchone() == ("1",)
    missing = program("callees", "no.such.Symbol", *DIR)
    assert missing.returncode != 0 and "no.such.Symbol" in missing.stderr
