"""Incremental builds, malformed input, and the SQLite contents."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from annotate.index import build as index
from annotate.index.query import Index
from annotate.parse.buildctx import Platform
from tests.indexer.conftest import FIXTURE, MODULE


def test_warm_build_parses_nothing_and_a_touched_file_only_itself(
    fixture_copy: Path, tmp_path: Path
) -> None:
    db = tmp_path / "i.sqlite"
    cold = index.build(fixture_copy, MODULE, db, workers=1)
    assert cold.rebuilt and cold.parsed == cold.files > 5
    warm = index.build(fixture_copy, MODULE, db, workers=1)
    assert not warm.rebuilt and warm.parsed == 0 and warm.edges == cold.edges
    # A new mtime with the same content is re-hashed, not re-parsed.
    helper = fixture_copy / "eviction" / "helpers.go"
    os.utime(helper, ns=(1, 1))
    assert index.build(fixture_copy, MODULE, db, workers=1).parsed == 0
    # A real change re-parses that file only, and the edges follow it.
    helper.write_text(helper.read_text() + "\nfunc extra() { deleteImages() }\n")
    changed = index.build(fixture_copy, MODULE, db, workers=1)
    assert changed.rebuilt and changed.parsed == 1
    idx = Index(db)
    callees = [e.callee.sym for e in idx.callees(idx.resolve("eviction.extra"))]
    assert callees == [f"{MODULE}/eviction.deleteImages"]


def test_parallel_and_serial_builds_agree(fixture_copy: Path, tmp_path: Path) -> None:
    serial = index.build(fixture_copy, MODULE, tmp_path / "a.sqlite", workers=1)
    parallel = index.build(fixture_copy, MODULE, tmp_path / "b.sqlite", workers=2)
    assert (serial.symbols, serial.edges, serial.unresolved) == (
        parallel.symbols,
        parallel.edges,
        parallel.unresolved,
    )


def test_other_platform_and_tests(tmp_path: Path) -> None:
    win = index.build(FIXTURE, MODULE, tmp_path / "w.sqlite", Platform(goos="windows"), workers=1)
    idx = Index(tmp_path / "w.sqlite")
    pv = idx.callees(idx.resolve("util.PlatformValue"))
    assert [e.callee.sym for e in pv] == [f"{MODULE}/util.windowsOnly"]
    assert win.excluded == 4  # _linux.go, other, ignore, _test.go
    index.build(FIXTURE, MODULE, tmp_path / "t.sqlite", Platform(tests=True), workers=1)
    tidx = Index(tmp_path / "t.sqlite")
    assert tidx.resolve("TestTotal").file == "util/util_test.go"


def _write_malformed(root: Path) -> None:
    pkg = root / "bad"
    pkg.mkdir(parents=True)
    for name in ("broken.go", "empty.go", "ok.go"):
        (pkg / name).write_bytes((FIXTURE / "testdata" / "malformed" / name).read_bytes())
    (pkg / "binary.go").write_bytes(b"\x7fELF\x02\x01\x01\x00\x00\x00garbage")
    (pkg / "latin1.go").write_bytes(
        b"package malformed\n\n// caf\xe9\nfunc Latin() int { return Good() }\n"
    )
    (pkg / "dangling.go").symlink_to(root / "nowhere.go")


def test_malformed_files_are_indexed_with_errors_recorded(tmp_path: Path) -> None:
    _write_malformed(tmp_path / "src")
    stats = index.build(tmp_path / "src", "example.com/bad", tmp_path / "m.sqlite", workers=1)
    assert stats.files == 6 and stats.errors == 5
    idx = Index(tmp_path / "m.sqlite")
    problems = {
        (p[0], p[2].split(":")[0] if p[2][0].isdigit() else p[2][:14]) for p in idx.file_problems()
    }
    assert ("bad/empty.go", "empty file") in problems
    assert ("bad/binary.go", "binary file (N") in problems
    assert ("bad/latin1.go", "not valid UTF-") in problems
    assert ("bad/dangling.go", "unreadable: No") in problems
    assert any(path == "bad/broken.go" for path, _ in problems)
    # What could be parsed is still resolved, across the broken and the latin-1 file.
    good = idx.resolve("bad.Good")
    assert {e.caller.sym for e in idx.callers(good)} >= {
        "example.com/bad/bad.UsesGood",
        "example.com/bad/bad.Latin",
    }
    assert [e.callee.sym for e in idx.callees(good)] == ["example.com/bad/bad.helper"]


def test_a_fresh_build_replaces_the_index_only_when_complete(
    fixture_copy: Path, tmp_path: Path, monkeypatch
) -> None:
    db = tmp_path / "i.sqlite"
    first = index.build(fixture_copy, MODULE, db, workers=1)
    leftovers = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("i.sqlite"))
    assert leftovers == ["i.sqlite", "i.sqlite.lock"]  # no ".building" file, no journal

    # Another platform cannot reuse the index: it is rebuilt from scratch, and a failure
    # part way leaves the old index untouched and no half-written file behind.
    def fail(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("resolver crashed")

    from annotate.resolve import resolver  # the builder imports it when it builds

    monkeypatch.setattr(resolver, "resolve", fail)
    try:
        index.build(fixture_copy, MODULE, db, Platform(goos="windows"), workers=1)
    except RuntimeError as exc:
        assert "resolver crashed" in str(exc)
    else:
        raise AssertionError("the build should have failed")
    assert not (tmp_path / "i.sqlite.building").exists()
    assert Index(db).resolve("util.PlatformValue") is not None
    monkeypatch.undo()
    again = index.build(fixture_copy, MODULE, db, workers=1)
    assert not again.rebuilt and again.edges == first.edges  # still the linux index, warm
    win = index.build(fixture_copy, MODULE, db, Platform(goos="windows"), workers=1)
    assert win.rebuilt and win.parsed == win.files


def test_an_index_of_an_older_schema_is_rebuilt(fixture_copy: Path, tmp_path: Path) -> None:
    db = tmp_path / "i.sqlite"
    old = sqlite3.connect(db)
    old.executescript("CREATE TABLE files (path TEXT PRIMARY KEY, facts BLOB);")
    old.execute("INSERT INTO files VALUES ('x.go', x'00')")
    old.commit()
    old.close()
    stats = index.build(fixture_copy, MODULE, db, workers=1)
    assert stats.rebuilt and stats.parsed == stats.files > 5
    assert Index(db).resolve("eviction.deleteImages") is not None


def _rows(db: Path) -> tuple[list, list, list]:
    conn = sqlite3.connect(db)
    try:
        edges = sorted(
            conn.execute(
                "SELECT a.sym, b.sym, dispatch, via, mode, e.file, line, col FROM edges e "
                "JOIN symbols a ON a.id = e.caller JOIN symbols b ON b.id = e.callee"
            )
        )
        symbols = sorted(conn.execute("SELECT * FROM symbols"))
        unresolved = sorted(conn.execute("SELECT * FROM unresolved"))
        return edges, symbols, unresolved
    finally:
        conn.close()


def test_rows_written_by_the_writer_process_are_the_same(
    fixture_copy: Path, tmp_path: Path, monkeypatch
) -> None:
    here = index.build(fixture_copy, MODULE, tmp_path / "here.sqlite", workers=1)
    monkeypatch.setattr(index, "_WRITER_PROCESS_FILES", 0)  # big corpora only, normally
    there = index.build(fixture_copy, MODULE, tmp_path / "there.sqlite", workers=1)
    assert (here.symbols, here.edges, here.unresolved) == (
        there.symbols,
        there.edges,
        there.unresolved,
    )
    assert _rows(tmp_path / "here.sqlite") == _rows(tmp_path / "there.sqlite")
    # and an incremental (WAL) rebuild goes through the writer process too
    helper = fixture_copy / "eviction" / "helpers.go"
    helper.write_text(helper.read_text() + "\nfunc extra() { deleteImages() }\n")
    again = index.build(fixture_copy, MODULE, tmp_path / "there.sqlite", workers=1)
    assert again.parsed == 1 and again.edges == there.edges + 1


def test_a_failing_writer_process_fails_the_build_and_leaves_no_index(
    fixture_copy: Path, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr(index, "_WRITER_PROCESS_FILES", 0)
    monkeypatch.setattr(index._Store, "EDGES", "INSERT INTO no_such_table VALUES (?)")
    db = tmp_path / "i.sqlite"
    try:
        index.build(fixture_copy, MODULE, db, workers=1)
    except RuntimeError as exc:
        assert "index writer process failed" in str(exc) and "no_such_table" in str(exc)
    else:
        raise AssertionError("the build should have failed")
    assert not db.exists() and not (tmp_path / "i.sqlite.building").exists()


def test_a_failed_update_is_redone_by_the_next_build(
    fixture_copy: Path, tmp_path: Path, monkeypatch
) -> None:
    db = tmp_path / "i.sqlite"
    index.build(fixture_copy, MODULE, db, workers=1)
    helper = fixture_copy / "eviction" / "helpers.go"
    helper.write_text(helper.read_text() + "\nfunc extra() { deleteImages() }\n")
    monkeypatch.setattr(index._Store, "EDGES", "INSERT INTO no_such_table VALUES (?)")
    try:
        index.build(fixture_copy, MODULE, db, workers=1)
    except Exception as exc:
        assert "no_such_table" in str(exc)
    else:
        raise AssertionError("the build should have failed")
    monkeypatch.undo()
    # the new file's facts were stored before the failure; the edges were not
    again = index.build(fixture_copy, MODULE, db, workers=1)
    assert again.rebuilt and again.parsed == 0
    idx = Index(db)
    assert [e.callee.sym for e in idx.callees(idx.resolve("eviction.extra"))] == [
        f"{MODULE}/eviction.deleteImages"
    ]


def test_the_code_hash_covers_every_module_of_the_parse_and_resolve_stages() -> None:
    # a module split out of the parser (or added to the resolver) changes what is stored
    # as much as the one it came from: the stored index must be rebuilt when it changes
    import annotate

    package = Path(annotate.__file__).parent
    for stage in ("parse", "resolve"):
        hashed = set(index.stage_files(stage))
        modules = set((package / stage).glob("*.py"))
        assert modules and modules <= hashed, stage
    assert package / "parse/queries/facts.scm" in set(index.stage_files("parse"))
    assert package / "index/rows.py" in set(index.stage_files("resolve"))
