"""The annotate CLI in a shell: one vocabulary, global options anywhere, --json validated
against the shipped schemas, exit codes, no tracebacks, quiet pipes, a graph that does not
pour into a terminal, tables that fit 80 columns."""

from __future__ import annotations

import argparse
import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from annotate import data
from annotate.cli import build_parser, main
from annotate.commands import index as index_commands
from tests.indexer.conftest import FIXTURE, MODULE

DIR = ("--dir", str(FIXTURE), "--import-path", MODULE)
REPO = Path(__file__).resolve().parents[2]
SCHEMAS = sorted(
    p.stem.removesuffix(".schema") for p in (data.data_dir() / "schemas").glob("*.json")
)
VALIDATED: set[str] = set()


def validate(schema: str, text: str) -> dict:
    document = json.loads(text)
    spec = json.loads(data.schema_file(schema).read_text())
    jsonschema.Draft202012Validator.check_schema(spec)
    jsonschema.validate(document, spec, cls=jsonschema.Draft202012Validator)
    VALIDATED.add(schema)
    return document


@pytest.fixture
def run(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    cache = str(tmp_path / "cache")

    def _run(*argv: str) -> tuple[int, str, str]:
        code = main([*argv, "--cache", cache])  # the global option after the sub-command
        out, err = capsys.readouterr()
        return code, out, err

    return _run


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    (action,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(action.choices)


def test_every_flag_means_one_thing_across_subcommands() -> None:
    """A flag name has one destination and one kind of action in every sub-command, and
    every sub-command that prints results offers --json."""
    seen: dict[str, tuple[str, str]] = {}
    for name, sub in _subparsers().items():
        for action in sub._actions:
            for flag in action.option_strings:
                meaning = (action.dest, type(action).__name__)
                if flag in ("-h", "--help"):
                    continue
                assert seen.setdefault(flag, meaning) == meaning, (name, flag, meaning)
        flags = {f for a in sub._actions for f in a.option_strings}
        assert {"--cache", "--lock", "--debug"} <= flags, name
        if name != "lock":  # lock writes the lock file; it prints no result
            assert "--json" in flags, name
    assert seen["--external"][1] == "BooleanOptionalAction"
    assert seen["--dir"][0] == "dir"


def test_graph_choices_agree_with_the_renderer() -> None:
    from annotate.render import graph

    assert index_commands.GRAPH_DIRECTIONS == graph.DIRECTIONS
    assert index_commands.GRAPH_GROUPS == graph.GROUPS


def test_global_options_before_or_after_the_subcommand(tmp_path: Path, capsys) -> None:
    before = main(["--cache", str(tmp_path / "a"), "sources", "--json"])
    first = json.loads(capsys.readouterr().out)
    after = main(["sources", "--json", "--cache", str(tmp_path / "a")])
    second = json.loads(capsys.readouterr().out)
    assert before == after == 0
    assert first == second and first["cache"] == str((tmp_path / "a").resolve())
    assert {c["state"] for c in first["corpora"]} == {"missing"}


def test_json_of_the_index_commands_follows_the_schemas(run, tmp_path: Path) -> None:
    validate("index", run("index", *DIR, "--json")[1])
    doc = validate("calls", run("callees", "managerImpl.synchronize", *DIR, "--json")[1])
    assert doc["direction"] == "callees" and doc["calls"]
    doc = validate("calls", run("callers", "rankMemoryPressure", *DIR, "--json")[1])
    assert any("synchronize" in c["symbol"] for c in doc["calls"])
    doc = validate("show", run("show", "managerImpl.synchronize", *DIR, "--json")[1])
    assert doc["lines"][0]["line"] <= doc["start"] and doc["permalink"]
    doc = validate("symbols", run("symbols", "*rankMemory*", *DIR, "--json")[1])
    assert doc["symbols"]
    code, out, _ = run("path", "managerImpl.synchronize", "rankMemoryPressure", *DIR, "--json")
    assert code == 0 and validate("path", out)["paths"]
    validate("edges", run("edges", *DIR, "--json")[1])
    validate("problems", run("problems", *DIR, "--excluded", "--json")[1])
    code, out, _ = run("graph", "managerImpl.synchronize", *DIR, "--json")
    assert code == 0 and validate("graph", out)["nodes"]
    validate("sources", run("sources", "--json")[1])
    code, out, _ = run("fetch", "--check", "--json")
    assert code == 1 and {c["state"] for c in validate("fetch", out)["corpora"]} == {"missing"}


@pytest.mark.corpus
def test_json_of_notes_and_mirrors_follows_the_schemas(
    kubernetes_corpus, etcd_operator_corpus, capsys
) -> None:
    assert main(["notes", "--json"]) == 0
    doc = validate("notes", capsys.readouterr().out)
    assert doc["summary"]["notes"] > 0 and doc["summary"]["drifted"] == 0
    assert main(["mirrors", "--json"]) == 0
    doc = validate("mirrors", capsys.readouterr().out)
    assert doc["counts"]["found"] > 0 and doc["counts"]["missing"] == 0


def test_every_schema_is_exercised() -> None:
    """Runs last in this module: each shipped schema validated some real output."""
    expected = set(SCHEMAS) - ({"notes", "mirrors"} - VALIDATED)  # corpus-only ones may skip
    assert expected <= VALIDATED, sorted(expected - VALIDATED)


def test_exit_codes_and_one_line_errors(run, tmp_path: Path) -> None:
    assert run("symbols", "*", *DIR)[0] == 0
    code, _, err = run("symbols", "noSuchThingAnywhere", *DIR)
    assert code == 1 and err.count("\n") == 1 and "no symbol matches" in err
    with pytest.raises(SystemExit) as usage:
        main(["callees", "--no-such-flag"])
    assert usage.value.code == 2
    empty = tmp_path / "no-notes"
    empty.mkdir()
    code, _, err = run("notes", "--notes", str(empty))
    assert code == 1 and "nothing to check" in err
    code, _, err = run("callees", "x", "--lock", str(tmp_path / "missing.toml"))
    assert code == 1 and "lock file not found" in err and "Traceback" not in err


def _cli(*argv: str, env: dict[str, str] | None = None, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "annotate", *argv],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, **(env or {})},
        timeout=300,
        **kw,
    )


def test_environment_errors_exit_3_and_debug_shows_the_traceback(tmp_path: Path) -> None:
    cache = ("--cache", str(tmp_path / "c"))
    no_dot = {"PATH": str(tmp_path)}  # no graphviz `dot` on this PATH
    out = tmp_path / "g.svg"
    ran = _cli("graph", "managerImpl.synchronize", *DIR, "-o", str(out), *cache, env=no_dot)
    assert ran.returncode == 3 and "graphviz" in ran.stderr and "Traceback" not in ran.stderr
    assert not out.exists()
    ran = _cli("graph", "managerImpl.synchronize", *DIR, "-o", str(tmp_path / "g.txt"), *cache)
    assert ran.returncode == 1 and "Traceback" not in ran.stderr and ".svg" in ran.stderr
    ran = _cli("sources", "--cache", "/proc/version/not-a-dir", "--debug")
    assert ran.returncode != 0 and "Traceback" in ran.stderr


def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    pipeline = (
        f"{sys.executable} -m annotate edges {' '.join(DIR)} --external "
        f"--cache {tmp_path / 'c'} | head -1"
    )
    ran = subprocess.run(pipeline, shell=True, capture_output=True, text=True, cwd=REPO)
    assert ran.stdout.count("\n") == 1
    assert "Traceback" not in ran.stderr and "BrokenPipe" not in ran.stderr


def _on_a_terminal(*argv: str, columns: int = 80) -> tuple[int, str]:
    """Run annotate with stdout and stderr on a pseudo-terminal of ``columns`` columns."""
    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": str(columns), "LINES": "50", "TERM": "xterm"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "annotate", *argv],
        stdout=follower, stderr=follower, stdin=subprocess.DEVNULL, cwd=REPO, env=env,
    )  # fmt: skip
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    text = b"".join(chunks).decode(errors="replace")
    return proc.wait(timeout=300), re.sub(r"\x1b\[[0-9;]*m", "", text)  # colours off


def test_graph_on_a_terminal_says_where_to_look(tmp_path: Path) -> None:
    code, text = _on_a_terminal(
        "graph", "managerImpl.synchronize", *DIR, "--cache", str(tmp_path / "c")
    )
    assert code == 1 and "<svg" not in text and "-o FILE.svg" in text


@pytest.mark.parametrize("columns", [80, 120])
def test_sources_table_fits_the_terminal(tmp_path: Path, columns: int) -> None:
    code, text = _on_a_terminal("sources", "--cache", str(tmp_path / "c"), columns=columns)
    assert code == 0
    table = [line for line in text.splitlines() if line.startswith(("┃", "│", "┏", "└"))]
    assert table and all(len(line.rstrip()) <= columns for line in table), text
    assert "state" in table[1] and sum("missing" in line for line in table) >= 3


def test_index_progress_on_a_terminal_and_off_it(tmp_path: Path) -> None:
    """On a terminal: a bar of the files parsed, then a spinner while calls are resolved.
    Off it (a pipe, a log): plain lines, no escape sequences."""
    code, text = _on_a_terminal(
        "index", *DIR, "--rebuild", "--cache", str(tmp_path / "c"), columns=120
    )
    assert code == 0 and "parsing files" in text and "resolving calls" in text
    ran = _cli("index", *DIR, "--rebuild", "--cache", str(tmp_path / "c"))
    assert ran.returncode == 0 and "\x1b[" not in ran.stderr
    assert "annotate: parsing" in ran.stderr and "annotate: resolving calls" in ran.stderr


def _fixture_lock(tmp_path: Path) -> Path:
    """A lock naming our own Go fixture as a corpus (hashes of its files)."""
    import hashlib

    files = sorted(p for p in FIXTURE.rglob("*") if p.is_file())
    lines = [
        "[corpus.fixture]",
        'repository = "example.com/fixture"',
        'tag = "v0"',
        f'commit = "{"0" * 40}"',
        f'import_root = "{MODULE}"',
        'reading_set = ["**"]',
        "",
        "[corpus.fixture.files]",
    ]
    for p in files:
        rel = p.relative_to(FIXTURE).as_posix()
        lines.append(f'"{rel}" = "{hashlib.sha256(p.read_bytes()).hexdigest()}"')
    lock = tmp_path / "lock.toml"
    lock.write_text("\n".join(lines) + "\n")
    return lock


def test_fetch_progress_on_a_terminal_labels_files(tmp_path: Path) -> None:
    lock = _fixture_lock(tmp_path)
    argv = ("fetch", "fixture", "--from", str(FIXTURE), "--lock", str(lock))
    code, text = _on_a_terminal(*argv, "--cache", str(tmp_path / "a"), columns=120)
    assert code == 0 and "verifying" in text and " files" in text, text
    ran = _cli(*argv, "--cache", str(tmp_path / "b"), "--json")
    assert ran.returncode == 0 and "\x1b[" not in ran.stderr, ran.stderr
    (fetched,) = validate("fetch", ran.stdout)["corpora"]
    assert fetched["state"] == "fetched" and fetched["files"] > 10
