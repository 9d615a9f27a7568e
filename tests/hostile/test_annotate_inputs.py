"""Hostile Go trees, index files and command lines for ``annotate`` (issue 13, items 3, 4, 7).

Each case runs ``annotate`` in a child process inside the sandbox (see conftest) and
checks the exit code (0 done, 1 bad input, 2 usage, 3 environment), the one-line
message, that nothing outside the cache changed and that no process is left.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from .conftest import Sandbox, assert_refused, snapshot

A_GO = "package p\n\nfunc A() int { return B() }\nfunc B() int { return 1 }\n"


def _tree(box: Sandbox, extra: dict[str, str | bytes] | None = None) -> list[str]:
    box.write("g/a.go", A_GO)
    for name, data in (extra or {}).items():
        box.write(f"g/{name}", data)
    return ["--dir", str(box.outside / "g"), "--import-path", "ex.com/p"]


def _index(box: Sandbox, target: list[str]) -> Path:
    ran = box.run("-m", "annotate", "index", *target)
    assert ran.code == 0, ran.err
    (db,) = (box.cache / "index").glob("*.sqlite")
    return db


def _problems(box: Sandbox, target: list[str]) -> str:
    ran = box.run("-m", "annotate", "problems", *target)
    assert ran.code == 0 and "Traceback" not in ran.err, ran.err
    return ran.out


# ------------------------------------------------------------------ Go files


DEEP = {
    "parens.go": "package p\nfunc D() int { return " + "(" * 3000 + "1" + ")" * 3000 + " }\n",
    "plus.go": "package p\nfunc P() int { return " + " + ".join(["1"] * 5000) + " }\n",
    "calls.go": "package p\nfunc C() int { return " + "B(" * 2000 + ")" * 2000 + " }\n",
}


@pytest.mark.parametrize("name", sorted(DEEP))
def test_a_deeply_nested_file_is_that_files_problem(sandbox: Sandbox, name: str) -> None:
    target = _tree(sandbox, {name: DEEP[name]})
    _index(sandbox, target)
    problems = _problems(sandbox, target)
    ran = sandbox.run("-m", "annotate", "callees", "ex.com/p.A", *target)
    assert ran.code == 0 and "ex.com/p.B" in ran.out, ran.err
    # Either the parser took it, or it is recorded against that file -- never a crash.
    assert name not in problems or "nested too deeply" in problems, problems


def test_a_fifo_named_go_does_not_hang_the_index(sandbox: Sandbox) -> None:
    target = _tree(sandbox)
    os.mkfifo(sandbox.outside / "g" / "fifo.go")
    sandbox.settle()
    _index(sandbox, target)  # bounded by run()'s timeout: a blocked open fails the test
    assert "fifo.go\terror\tunreadable: not a regular file" in _problems(sandbox, target)


def test_a_go_symlink_to_dev_zero_is_not_read(sandbox: Sandbox) -> None:
    target = _tree(sandbox)
    (sandbox.outside / "g" / "zero.go").symlink_to("/dev/zero")
    sandbox.settle()
    _index(sandbox, target)
    assert "zero.go\terror\tunreadable: not a regular file" in _problems(sandbox, target)


def test_a_go_file_over_the_size_cap_is_not_read(sandbox: Sandbox) -> None:
    from annotate.index.build import MAX_GO_FILE_BYTES

    target = _tree(sandbox)
    with open(sandbox.outside / "g" / "huge.go", "wb") as f:
        f.truncate(MAX_GO_FILE_BYTES + 1)  # sparse: costs no disk
    sandbox.settle()
    _index(sandbox, target)
    assert "huge.go\terror\tunreadable:" in _problems(sandbox, target)


def test_a_non_utf8_go_file_is_indexed_with_a_problem(sandbox: Sandbox) -> None:
    target = _tree(sandbox, {"latin.go": b"package p\n// caf\xe9\nfunc L() int { return A() }\n"})
    _index(sandbox, target)
    assert "latin.go\terror\tnot valid UTF-8" in _problems(sandbox, target)
    ran = sandbox.run("-m", "annotate", "callees", "ex.com/p.L", *target)
    assert ran.code == 0 and "ex.com/p.A" in ran.out


# ------------------------------------------------------------------ index files


def _drop_table(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute("DROP TABLE edges")


def _bad_page(db: Path) -> None:
    with open(db, "r+b") as f:
        f.seek(4096)
        f.write(b"\xff" * 8192)


def _bad_blob(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE files SET facts = x'0102' WHERE path = 'a.go'")
        conn.execute("UPDATE meta SET value = 'stale' WHERE key = 'resolver'")


def _garbage(db: Path) -> None:
    db.write_bytes(b"this is not a database\n" * 100)


@pytest.mark.parametrize("damage", [_drop_table, _bad_page, _bad_blob, _garbage])
def test_a_corrupt_index_is_rebuilt_not_called_up_to_date(sandbox: Sandbox, damage) -> None:
    target = _tree(sandbox)
    db = _index(sandbox, target)
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    damage(db)
    ran = sandbox.run("-m", "annotate", "index", *target)
    assert ran.code == 0 and "Traceback" not in ran.err, ran.err
    assert "rebuilt" in ran.out, ran.out  # not "up to date"
    ran = sandbox.run("-m", "annotate", "callees", "ex.com/p.A", *target)
    assert ran.code == 0 and "ex.com/p.B" in ran.out, (ran.out, ran.err)


# ------------------------------------------------------------------ command lines


def test_graph_into_a_missing_directory(sandbox: Sandbox) -> None:
    target = _tree(sandbox)
    out = sandbox.cache / "nodir" / "g.svg"
    ran = sandbox.run("-m", "annotate", "graph", "ex.com/p.A", "-o", str(out), *target)
    assert_refused(ran, 3, "cannot write", "No such file or directory")


def test_graph_into_dev_full(sandbox: Sandbox) -> None:
    target = _tree(sandbox)
    ran = sandbox.run(
        "-m", "annotate", "graph", "ex.com/p.A", "--format", "dot", "-o", "/dev/full", *target
    )
    assert_refused(ran, 3, "cannot write /dev/full", "No space left on device")


def test_graph_with_an_unknown_output_suffix(sandbox: Sandbox) -> None:
    target = _tree(sandbox)
    out = sandbox.cache / "g.pdf"
    ran = sandbox.run("-m", "annotate", "graph", "ex.com/p.A", "-o", str(out), *target)
    assert_refused(ran, 1, "cannot tell the format", "--format")
    assert not out.exists()


def test_graph_with_an_unknown_format_is_a_usage_error(sandbox: Sandbox) -> None:
    target = _tree(sandbox)
    ran = sandbox.run("-m", "annotate", "graph", "ex.com/p.A", "--format", "nope", *target)
    assert ran.code == 2 and "invalid choice" in ran.err and "Traceback" not in ran.err


def test_graph_without_graphviz_installed(sandbox: Sandbox) -> None:
    target = _tree(sandbox)
    _index(sandbox, target)
    out = sandbox.cache / "g.svg"
    env_path = os.environ.get("PATH", "")
    os.environ["PATH"] = str(sandbox.home)  # no `dot` there
    try:
        ran = sandbox.run("-m", "annotate", "graph", "ex.com/p.A", "-o", str(out), *target)
    finally:
        os.environ["PATH"] = env_path
    assert_refused(ran, 3, "`dot` program is not installed")
    assert not out.exists()


def test_graph_with_an_unknown_engine(sandbox: Sandbox) -> None:
    target = _tree(sandbox)
    ran = sandbox.run(
        "-m", "annotate", "graph", "ex.com/p.A", "--engine", "nope", "--format", "svg", *target
    )
    assert_refused(ran, 3, "unknown engine")


def test_a_cache_that_is_a_file(sandbox: Sandbox) -> None:
    target = _tree(sandbox)
    not_a_dir = sandbox.write("cache-file", "x")
    ran = sandbox.run("-m", "annotate", "--cache", str(not_a_dir), "callees", "ex.com/p.A", *target)
    assert_refused(ran, 3, "cache-file")


def test_a_read_only_cache_answers_queries_without_writing(sandbox: Sandbox) -> None:
    target = _tree(sandbox)
    _index(sandbox, target)
    shared = sandbox.root / "shared-cache"
    os.rename(sandbox.cache, shared)
    for path in [shared, *shared.rglob("*")]:
        mode = path.lstat().st_mode
        path.chmod(stat.S_IMODE(mode) & ~0o222)
    before = snapshot(shared)
    try:
        ran = sandbox.run(
            "-m", "annotate", "--cache", str(shared), "callees", "ex.com/p.A", *target
        )
        assert ran.code == 0 and "ex.com/p.B" in ran.out, ran.err
        assert snapshot(shared) == before  # no lock file, no -shm, no write
    finally:
        for path in [shared, *shared.rglob("*")]:
            path.chmod(stat.S_IMODE(path.lstat().st_mode) | 0o200)
        sandbox.cache.mkdir()


def test_a_live_lock_holder_is_waited_for_with_a_message_and_a_timeout(
    sandbox: Sandbox,
) -> None:
    target = _tree(sandbox)
    db = _index(sandbox, target)
    (sandbox.outside / "g" / "b.go").write_text("package p\nfunc C() int { return A() }\n")
    sandbox.settle()  # the index is now stale: the query must build, so it needs the lock
    holder = sandbox.popen(
        "-c",
        "import fcntl, os, sys, time\n"
        f"fd = os.open({str(db) + '.lock'!r}, os.O_RDWR | os.O_CREAT)\n"
        "fcntl.lockf(fd, fcntl.LOCK_EX)\n"
        "os.pwrite(fd, f'{os.getpid()}\\n'.encode(), 0)\n"
        "print('held', flush=True)\n"
        "time.sleep(60)\n",
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == b"held"
        os.environ["ANNOTATE_LOCK_TIMEOUT"] = "1"
        try:
            ran = sandbox.run("-m", "annotate", "callees", "ex.com/p.A", *target)
        finally:
            del os.environ["ANNOTATE_LOCK_TIMEOUT"]
        assert ran.code == 3, ran.err
        assert f"waiting for another build of this index (pid {holder.pid})" in ran.err
        assert "gave up after 1 s" in ran.err and "Traceback" not in ran.err
    finally:
        holder.kill()
        holder.wait()


LOCK_CASES: dict[str, tuple[str | bytes, tuple[str, ...]]] = {
    "not UTF-8": (b'x = "caf\xe9"\n', ("bad.toml", "not UTF-8")),
    "nested deeply": ("x = " + "[" * 100_000 + "]" * 100_000 + "\n", ("nested too deeply",)),
    "not TOML": ("[corpus\n", ("bad.toml", "not valid TOML")),
}


@pytest.mark.parametrize("case", sorted(LOCK_CASES))
def test_a_bad_lock_file(sandbox: Sandbox, case: str) -> None:
    text, fragments = LOCK_CASES[case]
    lock = sandbox.write("bad.toml", text)
    ran = sandbox.run("-m", "annotate", "--lock", str(lock), "sources")
    assert_refused(ran, 1, *fragments)


def test_a_missing_lock_file(sandbox: Sandbox) -> None:
    ran = sandbox.run("-m", "annotate", "--lock", str(sandbox.outside / "none.toml"), "sources")
    assert_refused(ran, 1, "lock file not found", "none.toml")


def test_fetch_from_a_missing_path(sandbox: Sandbox) -> None:
    missing = sandbox.outside / "nowhere.tar.gz"
    ran = sandbox.run("-m", "annotate", "fetch", "etcd-operator", "--from", str(missing))
    assert ran.code == 1 and "no such file or directory" in ran.err, ran.err
    assert "Traceback" not in ran.err


def test_an_unknown_corpus(sandbox: Sandbox) -> None:
    ran = sandbox.run("-m", "annotate", "callees", "x.Y", "--corpus", "no-such-corpus")
    assert ran.code in (1, 2) and "no-such-corpus" in ran.err and "Traceback" not in ran.err


def test_a_fetch_waits_for_a_live_holder_with_a_message_and_a_timeout(sandbox: Sandbox) -> None:
    from annotate.sources.lock import get_corpus

    key = get_corpus("etcd-operator").key
    corpora = sandbox.cache / "corpora"
    corpora.mkdir()
    holder = sandbox.popen(
        "-c",
        "import fcntl, time\n"
        f"f = open({str(corpora / ('.lock-' + key))!r}, 'w')\n"
        "fcntl.flock(f, fcntl.LOCK_EX)\n"
        "print('held', flush=True)\n"
        "time.sleep(60)\n",
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == b"held"
        os.environ["ANNOTATE_LOCK_TIMEOUT"] = "1"
        try:
            ran = sandbox.run("-m", "annotate", "fetch", "etcd-operator", "--from", "/")
        finally:
            del os.environ["ANNOTATE_LOCK_TIMEOUT"]
        assert ran.code == 1, ran.err
        assert "waiting for another fetch" in ran.err and "more than 1 s" in ran.err, ran.err
        assert "Traceback" not in ran.err
    finally:
        holder.kill()
        holder.wait()


def test_a_symbol_argument_that_is_not_utf8(sandbox: Sandbox) -> None:
    target = _tree(sandbox)
    _index(sandbox, target)
    bad = os.fsdecode(b"ex.com/p.\xff")  # as Python receives undecodable argv bytes
    ran = sandbox.run("-m", "annotate", "callees", bad, *target)
    assert_refused(ran, 1, "not valid UTF-8", "ex.com/p.")


def test_a_stale_index_whose_lock_cannot_be_taken_says_so(sandbox: Sandbox) -> None:
    """What a read-only shared cache answers when its index is stale.  (Tests run as root
    here, which writes whatever the modes say; an unopenable lock path stands in.)"""
    target = _tree(sandbox)
    db = _index(sandbox, target)
    sandbox.write("g/c.go", "package p\nfunc C() int { return A() }\n")  # now stale
    lock = Path(f"{db}.lock")
    lock.unlink(missing_ok=True)
    lock.mkdir()  # os.open(O_RDWR) fails on it, as it would in a read-only directory
    ran = sandbox.run("-m", "annotate", "callees", "ex.com/p.A", *target)
    assert_refused(ran, 3, "lock cannot be taken", "`annotate index`")
