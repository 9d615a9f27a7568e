"""Build and open the SQLite index of one corpus@commit (or of any Go tree).

Building is incremental at two levels:

* a file whose (mtime, size) -- or, failing that, SHA-256 -- is unchanged is
  not re-parsed: its facts are stored (marshalled) in the ``files`` table;
* if no file changed and the platform is the same, nothing is recomputed at
  all (the "warm" case: one ``stat`` per file).

Resolution is global (a change in one file can change edges anywhere), so any
change re-runs :func:`annotate.resolve.resolver.resolve` over the stored facts.
Parsing runs in a process pool (one worker per core) because tree-sitter
parsing and fact extraction are CPU-bound Python; the parent loads each file's
facts as it arrives.  An index with nothing to keep (none yet, or another schema,
parser, platform or import root) is built under a temporary name without a
journal and renamed into place when complete; so is ``rebuild``: the old index
serves readers until the new one replaces it.

Interruption and hostile trees (issue 13): the build lock is a POSIX record lock
(``lockf``), which the kernel drops when its process dies and which forked parse
workers do not inherit -- a killed build never leaves a lock behind; a live holder
is waited for with a message, up to ``ANNOTATE_LOCK_TIMEOUT`` seconds (default 600).
Workers get a parent-death signal and ignore SIGINT (the parent stops them).  A query
on an up-to-date index reads it without any lock (a shared, read-only cache works).
Only regular files up to ``MAX_GO_FILE_BYTES`` are read; a file the parser cannot
take (nesting past the recursion limit) is recorded as that file's problem.  A
corrupt index (bad page, missing table, malformed facts) is rebuilt from scratch.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import gc
import hashlib
import json
import marshal
import os
import signal
import sqlite3
import stat
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from annotate.errors import UserError
from annotate.index import rows
from annotate.parse import buildctx
from annotate.sources.lock import go_package_path

if TYPE_CHECKING:
    from annotate.index import dbwriter
    from annotate.parse import syntax
    from annotate.resolve import resolver as resolve

# The parser (tree-sitter), the resolver and the writer process are imported by the
# functions that build: a warm query only checks that the index is up to date, and its
# start-up time is most of what `annotate callees` costs (benchmarks/cli_latency.py).

SCHEMA_VERSION = "5"
SKIP_DIRS = frozenset({".git", "testdata", "_output", "node_modules"})

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY, sha256 TEXT, mtime_ns INTEGER, size INTEGER, pkg TEXT,
    excluded TEXT, errors TEXT, facts BLOB);
CREATE TABLE IF NOT EXISTS symbols (
    id INTEGER PRIMARY KEY, sym TEXT, kind TEXT, pkg TEXT, name TEXT, recv TEXT,
    file TEXT, start INTEGER, end_line INTEGER, doc TEXT, external INTEGER DEFAULT 0);
CREATE TABLE IF NOT EXISTS edges (
    caller INTEGER, callee INTEGER, dispatch TEXT, via TEXT, mode TEXT,
    file TEXT, line INTEGER, col INTEGER);
CREATE TABLE IF NOT EXISTS unresolved (
    caller INTEGER, callee_text TEXT, reason TEXT, file TEXT, line INTEGER, col INTEGER);
"""
_TABLES = frozenset({"meta", "files", "symbols", "edges", "unresolved"})
# Indexes are dropped for a bulk load and built once after it (much faster than
# keeping them up to date row by row); see _Store.
_SYMBOL_INDEXES = """
CREATE UNIQUE INDEX IF NOT EXISTS symbols_sym ON symbols(sym);
CREATE INDEX IF NOT EXISTS symbols_name ON symbols(name);
"""
_EDGE_INDEXES = """
CREATE INDEX IF NOT EXISTS edges_caller ON edges(caller);
CREATE INDEX IF NOT EXISTS edges_callee ON edges(callee);
"""
# From how many .go files on the rows are written by a separate process (see _Store).
_WRITER_PROCESS_FILES = 2000
# No Go source file of either corpus comes near this (the largest generated ones are a
# few MB); a bigger ".go" file is recorded as a problem, not read into memory.
MAX_GO_FILE_BYTES = 32 * 2**20
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


class IndexLocked(UserError):
    """Another live process kept the build lock for longer than the timeout."""

    exit_code = 3


class IndexCorrupt(UserError):
    """The database cannot be read as an index (bad page, missing table, bad blob)."""

    exit_code = 3


def lock_timeout() -> float:
    try:
        return max(0.0, float(os.environ.get("ANNOTATE_LOCK_TIMEOUT", "600")))
    except ValueError:
        return 600.0


@contextlib.contextmanager
def _exclusive(lock_path: Path, say: Callable[[str], None], timeout: float) -> Iterator[None]:
    """Hold the build lock of one database.

    A POSIX record lock: released by the kernel when the holder dies (SIGKILL
    included), and never inherited by forked children, so parse workers cannot keep
    it.  A live holder is waited for, with one message naming it, until ``timeout``.
    """
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise IndexLocked(
            f"the index {lock_path.with_suffix('')} needs building or updating, and its "
            f"lock cannot be taken: {exc.strerror or exc} (a read-only, shared cache serves "
            "only up-to-date indexes: its owner runs `annotate index`)"
        ) from None
    try:
        deadline = None
        while True:
            try:
                fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except (BlockingIOError, PermissionError):
                holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
                if deadline is None:
                    deadline = time.monotonic() + timeout
                    say(f"waiting for another build of this index (pid {holder}) to finish")
                if time.monotonic() >= deadline:
                    raise IndexLocked(
                        f"the index {lock_path.with_suffix('')} is being built by pid {holder}; "
                        f"gave up after {timeout:g} s (ANNOTATE_LOCK_TIMEOUT)"
                    ) from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock


try:  # loaded in the parent: dlopen in a forked child could deadlock on a lock
    _LIBC: ctypes.CDLL | None = ctypes.CDLL(None, use_errno=True)
except OSError:
    _LIBC = None


def _worker_init(parent: int) -> None:
    """Parse workers die with the builder (even killed by SIGKILL) and leave SIGINT to it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if _LIBC is not None:
        with contextlib.suppress(AttributeError):
            _LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the builder died before prctl took effect
        os._exit(1)


@dataclass(frozen=True)
class BuildStats:
    files: int
    parsed: int
    excluded: int
    errors: int
    symbols: int
    edges: int
    unresolved: int
    rebuilt: bool
    seconds: dict[str, float] = field(default_factory=dict)  # per phase


# A process that exits right after a build (the `annotate` command) has no use for
# freeing the builder's working set -- the facts of every file and the resolver's
# caches, ~1e7 small objects on the full kubernetes tree, half a second of teardown.
# It sets this flag; builds then leave that heap here, and the process ends with
# os._exit (see annotate.cli.run), as mypy does.  Library callers (notebooks, tests)
# leave it unset and get the memory back when the build returns.
leave_heap_to_exit = False
_LEFT_FOR_EXIT: list[object] = []


def heap_left() -> bool:
    """Whether a build left its heap for the process exit (see above)."""
    return bool(_LEFT_FOR_EXIT)


def discover(root: Path, only: Callable[[str], bool] | None = None) -> Iterator[str]:
    """Repository-relative paths of every .go file under ``root`` (sorted)."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        # the go tool ignores testdata and directories starting with "." or "_"
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and d[0] not in "._")
        rel_dir = os.path.relpath(dirpath, root)
        for name in filenames:
            if name.endswith(".go"):
                rel = name if rel_dir == "." else f"{rel_dir}/{name}".replace(os.sep, "/")
                if only is None or only(rel):
                    found.append(rel)
    return iter(sorted(found))


def _parse_job(
    job: tuple[str, str, buildctx.Platform],
) -> tuple[str, str, str | None, str, bytes]:
    """Worker: hash, check build constraints, parse.  Returns the facts, marshalled."""
    root, rel, platform = job
    try:
        data = _read_go_file(os.path.join(root, rel))
    except OSError as exc:  # a dangling symlink or an unreadable file: record, go on
        return rel, "", None, json.dumps([f"unreadable: {exc.strerror or exc}"]), b""
    sha = hashlib.sha256(data).hexdigest()
    reason = buildctx.exclusion_reason(rel, data, platform)
    if reason is not None:
        return rel, sha, reason, "[]", b""
    from annotate.parse.facts import parse_bytes

    try:
        facts = parse_bytes(data, _worker_parser())
        # marshal, not JSON: it is several times faster to load, and it keeps shared
        # sub-expressions and interned names shared, which bounds memory on big trees.
        # Not compressed: zlib cost more time (compressing here, inflating in the parent)
        # than the smaller table saves.
        blob = marshal.dumps(facts)
    except (RecursionError, ValueError, MemoryError) as exc:
        # Expressions nested past what the parser's walks (or marshal) can take: this
        # file's problem, not the index's.
        problem = f"not indexed: nested too deeply to parse ({type(exc).__name__})"
        return rel, sha, None, json.dumps([problem]), b""
    return rel, sha, None, json.dumps(facts["errors"]), blob


def _read_go_file(path: str) -> bytes:
    """The bytes of a regular file of at most MAX_GO_FILE_BYTES, else OSError.

    A ``.go`` name can be a FIFO (opening it would block), a device such as /dev/zero
    (reading it would never end), or a huge file: none is read."""
    st = os.stat(path)
    if not stat.S_ISREG(st.st_mode):
        raise OSError(0, "not a regular file (FIFO, device, socket or directory)")
    if st.st_size > MAX_GO_FILE_BYTES:
        raise OSError(0, f"{st.st_size} bytes, over the {MAX_GO_FILE_BYTES} byte limit")
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    with open(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):  # swapped since the stat
            raise OSError(0, "not a regular file")
        data = f.read(MAX_GO_FILE_BYTES + 1)
    if len(data) > MAX_GO_FILE_BYTES:
        raise OSError(0, f"over the {MAX_GO_FILE_BYTES} byte limit")
    return data


_PARSER = None


def _worker_parser() -> syntax.ts.Parser:
    global _PARSER
    if _PARSER is None:
        from annotate.parse import syntax

        _PARSER = syntax.new_parser()
    return _PARSER


def connect(db_path: Path, bulk: bool = False) -> sqlite3.Connection:
    """Open (creating if need be) an index database.  ``bulk``: no journal and no
    syncs, for a database built from scratch under a temporary name (see
    :func:`build`) -- a crash leaves only that file, which is never read."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(db_path)
    if bulk:
        conn.execute("PRAGMA journal_mode=OFF")
        conn.execute("PRAGMA synchronous=OFF")
    else:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
    # A database of another schema is never opened here: _reusable turns it down and
    # the build starts a new one.  The indexes come with the first build (_Store).
    conn.executescript(SCHEMA)
    conn.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
    conn.commit()
    return conn


def connect_readonly(db_path: Path) -> sqlite3.Connection:
    """Open an index for reading only.  In a read-only cache (a shared one, or a copy
    without write permission) a WAL database cannot create its ``-shm`` file; it is then
    opened ``immutable`` -- nobody can be writing it there."""
    uri = f"file:{db_path}?mode=ro"
    if _read_only_dir(db_path.parent):
        uri += "&immutable=1"
    return sqlite3.connect(uri, uri=True)


def _read_only_dir(directory: Path) -> bool:
    try:
        st = os.stat(directory)
    except OSError:
        return False
    # mode bits too: os.access says yes to root whatever they are
    return not os.access(directory, os.W_OK) or not st.st_mode & 0o222


def _meta(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def build(
    root: Path,
    import_root: str,
    db_path: Path,
    platform: buildctx.Platform | None = None,
    only: Callable[[str], bool] | None = None,
    workers: int | None = None,
    progress: Callable[[str], None] | None = None,
    rebuild: bool = False,
) -> BuildStats:
    """Index the Go files under ``root`` into ``db_path`` (incrementally).

    Builds of one database are serialised across processes (the book executes notebooks
    in parallel, and each may ask for the same index): a second builder waits, then
    finds the index warm.  An index found up to date is only read: no lock, no write.
    ``rebuild`` re-parses everything into a new file that replaces the old one when
    complete.
    """
    _LEFT_FOR_EXIT.clear()  # an earlier build's heap: one at a time is enough
    if not rebuild:
        fresh = _up_to_date(root, import_root, db_path, platform, only)
        if fresh is not None:
            return fresh
    say = progress or (lambda msg: print(f"annotate: {msg}", file=sys.stderr))
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with _exclusive(db_path.with_name(db_path.name + ".lock"), say, lock_timeout()):
        return _build_locked(root, import_root, db_path, platform, only, workers, progress, rebuild)


def _config(import_root: str, platform: buildctx.Platform) -> str:
    return json.dumps([SCHEMA_VERSION, import_root, platform.key, _code_hash("parse")])


def _up_to_date(
    root: Path,
    import_root: str,
    db_path: Path,
    platform: buildctx.Platform | None,
    only: Callable[[str], bool] | None,
) -> BuildStats | None:
    """The stats of an index that needs no work, read without a lock or a write; else None
    (missing, stale, corrupt or unreadable: the locked build decides)."""
    platform = platform or buildctx.Platform()
    if not _reusable(db_path, _config(import_root, platform)):
        return None
    try:
        conn = connect_readonly(db_path)
        try:
            if _meta(conn, "complete") != "1" or _meta(conn, "resolver") != _code_hash("resolve"):
                return None
            _, todo, stats, gone = _scan(conn, root, only)
            if todo or stats or gone:
                return None
            return _stats(conn, parsed=0, rebuilt=False)
        finally:
            conn.close()
    except sqlite3.Error:
        return None


def _scan(
    conn: sqlite3.Connection, root: Path, only: Callable[[str], bool] | None
) -> tuple[list[str], list[str], dict[str, tuple[int, int]], set[str]]:
    """(every file, files to parse, files whose stored stat is out of date, files gone)
    -- one stat per file, a hash only when the stat changed."""
    stored = {
        row[0]: (row[1], row[2], row[3])
        for row in conn.execute("SELECT path, sha256, mtime_ns, size FROM files")
    }
    paths = list(discover(root, only))
    todo: list[str] = []
    stats: dict[str, tuple[int, int]] = {}  # files whose stored stat is out of date
    base = os.path.join(root, "")  # os.stat on a joined str: half the cost of Path.stat
    for rel in paths:
        try:
            st = os.stat(base + rel)
        except OSError:  # dangling symlink: parsed (and reported) as unreadable
            todo.append(rel)
            continue
        old = stored.get(rel)
        if old is None or (old[1], old[2]) != (st.st_mtime_ns, st.st_size):
            todo.append(rel)
            stats[rel] = (st.st_mtime_ns, st.st_size)
    gone = set(stored) - set(paths)
    # mtime changed but content did not (a fresh checkout): re-hash before re-parsing.
    todo = [rel for rel in todo if rel not in stored or _sha(root, rel) != stored[rel][0]]
    return paths, todo, stats, gone


def _build_locked(
    root: Path,
    import_root: str,
    db_path: Path,
    platform: buildctx.Platform | None,
    only: Callable[[str], bool] | None,
    workers: int | None,
    progress: Callable[[str], None] | None,
    rebuild: bool = False,
) -> BuildStats:
    platform = platform or buildctx.Platform()
    started = time.perf_counter()
    config = _config(import_root, platform)
    if not rebuild and _reusable(db_path, config):
        try:
            return _build_into(
                connect(db_path),
                root,
                import_root,
                config,
                platform,
                only,
                workers,
                progress,
                started,
            )
        except (sqlite3.DatabaseError, IndexCorrupt) as exc:
            # A bad page, a missing table, a malformed facts blob: nothing in it can be
            # trusted -- build a new index, as for a missing one.
            (progress or (lambda _m: None))(f"the index is corrupt ({exc}); rebuilding it")
    # Nothing to keep: build under a temporary name, without a journal (faster), and
    # rename it into place once complete -- a failed or interrupted build leaves the
    # old index as it was, never a half-written one.
    building = db_path.with_name(db_path.name + ".building")
    _remove_database(building)
    try:
        conn = connect(building, bulk=True)
        stats = _build_into(
            conn, root, import_root, config, platform, only, workers, progress, started, close=False
        )
        conn.execute("PRAGMA journal_mode=WAL")  # readers may come while a later build writes
        conn.close()
        # The old index serves readers up to the rename; its journal files go first, so
        # that they are never taken for the new database's.
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
        os.replace(building, db_path)
        return stats
    except BaseException:
        _remove_database(building)
        raise


def _reusable(db_path: Path, config: str) -> bool:
    """Whether ``db_path`` holds an index this build can update (same schema, parser,
    platform and import root), rather than one to replace."""
    if not db_path.exists():
        return False
    try:
        conn = connect_readonly(db_path)
        try:
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
            if not tables >= _TABLES:  # a table gone: corrupt, not "up to date"
                return False
            return _meta(conn, "schema") == SCHEMA_VERSION and _meta(conn, "config") == config
        finally:
            conn.close()
    except sqlite3.Error:  # not a database, or an older layout without a meta table
        return False


def _remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _build_into(
    conn: sqlite3.Connection,
    root: Path,
    import_root: str,
    config: str,
    platform: buildctx.Platform,
    only: Callable[[str], bool] | None,
    workers: int | None,
    progress: Callable[[str], None] | None,
    started: float,
    close: bool = True,
) -> BuildStats:
    say = progress or (lambda _msg: None)
    from annotate.index import dbwriter
    from annotate.resolve import resolver as resolve

    try:
        resolver = _code_hash("resolve")  # (the config matches: see _reusable)
        paths, todo, stats, gone = _scan(conn, root, only)
        todo_set = set(todo)
        changed = bool(todo or gone) or _meta(conn, "resolver") != resolver
        if not changed and _meta(conn, "complete") == "1":
            _refresh_stat(conn, stats)
            return _stats(conn, parsed=0, rebuilt=False)
        seconds = {"scan": time.perf_counter() - started}
        # Until this build completes, the index is not: if it fails after storing the
        # new files' facts, the next build must resolve again rather than find the
        # files up to date and serve the old edges.
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('complete', '0')")
        conn.commit()
        say(f"parsing {len(todo)} of {len(paths)} files")
        mark = time.perf_counter()
        # Millions of small tuples and no cycles: the cyclic GC would only rescan them.
        gc_was_enabled = gc.isenabled()
        gc.disable()
        # The writer process (big corpora, see _Store) starts now, while this process
        # is small: it sits idle until the rows come, costs nothing to start later,
        # and its memory figures (inherited at start) stay its own.
        writer = dbwriter.Writer(conn) if len(paths) >= _WRITER_PROCESS_FILES else None
        try:
            # a progress object with a ``files(done, total)`` method is told each file parsed
            files_done = getattr(progress, "files", None)
            parsed = _parse_into(
                conn, root, import_root, todo, platform, workers, stats, files_done
            )
            for rel in gone:
                conn.execute("DELETE FROM files WHERE path = ?", (rel,))
            # files re-hashed but not re-parsed (same content, new mtime)
            _refresh_stat(conn, {rel: st for rel, st in stats.items() if rel not in todo_set})
            seconds["parse"] = time.perf_counter() - mark
            say("resolving calls")
            mark = time.perf_counter()
            inputs = _load_inputs(conn, parsed)
            del parsed
            seconds["load"] = time.perf_counter() - mark
            mark = time.perf_counter()
            store = _Store(conn, writer)
            result = resolve.resolve(inputs, declared=store.symbols, settled=store.settled)
            del inputs
            seconds["resolve"] = time.perf_counter() - mark
            mark = time.perf_counter()
            store.edges(result.edges, result.unresolved)
            if leave_heap_to_exit:
                _LEFT_FOR_EXIT.append(result.state)
            del result
            store.finish()
            writer = None
        except BaseException:
            if writer is not None:
                writer.abandon()
            raise
        finally:
            if _LEFT_FOR_EXIT:
                # tracked by the collector since gc.disable(): out of its reach, or the
                # first collection after gc.enable() would walk all of them
                gc.freeze()
            if gc_was_enabled:
                gc.enable()
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('config', ?)", (config,))
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('resolver', ?)", (resolver,))
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('root', ?)", (str(root),))
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('import_root', ?)", (import_root,))
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('platform', ?)", (platform.key,))
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('complete', '1')")
        conn.commit()
        seconds["store"] = time.perf_counter() - mark
        return _stats(conn, parsed=len(todo), rebuilt=True, seconds=seconds)
    finally:
        if close:
            conn.close()


def _code_hash(stage: str) -> str:
    """Hash of the code of a stage, so an upgraded parser or resolver invalidates the
    stored facts or edges instead of silently serving stale ones."""
    here = Path(__file__).resolve().parent.parent  # the annotate package
    digest = hashlib.sha256(sys.version.encode())  # marshal's format follows Python
    for path in stage_files(stage):
        digest.update(path.relative_to(here).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def stage_files(stage: str) -> list[Path]:
    """The files whose code decides what a stage stores: its whole package (every module
    and query in it, however the package is split) and the few modules outside it that
    decide stored values -- a file's package path (``sources/lock.py``) for the facts;
    the builder and the row maker for the edges."""
    here = Path(__file__).resolve().parent.parent
    package, extra = {
        "parse": ("parse", ("sources/lock.py",)),
        "resolve": ("resolve", ("index/build.py", "index/rows.py")),
    }[stage]
    files = sorted(p for p in (here / package).rglob("*") if p.suffix in (".py", ".scm"))
    return files + [here / name for name in extra]


def _sha(root: Path, rel: str) -> str:
    try:
        return hashlib.sha256(_read_go_file(os.path.join(root, rel))).hexdigest()
    except OSError:
        return ""


def _refresh_stat(conn: sqlite3.Connection, stats: dict[str, tuple[int, int]]) -> None:
    updates = [(mtime, size, rel) for rel, (mtime, size) in stats.items()]
    conn.executemany("UPDATE files SET mtime_ns = ?, size = ? WHERE path = ?", updates)
    conn.commit()


def _parse_into(
    conn: sqlite3.Connection,
    root: Path,
    import_root: str,
    todo: list[str],
    platform: buildctx.Platform,
    workers: int | None,
    stats: dict[str, tuple[int, int]],
    files_done: Callable[[int, int], None] | None = None,
) -> dict[str, resolve.FileInput]:
    """Parse ``todo`` in a process pool, store each file's row (with its (mtime, size)
    from ``stats``) as it arrives, and return the facts of the files parsed
    (resolution needs them next)."""
    from concurrent.futures import ProcessPoolExecutor

    from annotate.resolve import resolver as resolve

    jobs = [(str(root), rel, platform) for rel in todo]
    workers = workers or os.cpu_count() or 1
    parsed: dict[str, resolve.FileInput] = {}

    def store(batch: list[tuple[str, str, str | None, str, bytes]]) -> None:
        file_rows = []
        for rel, sha, reason, errors, blob in batch:
            directory = rel.rsplit("/", 1)[0] if "/" in rel else ""
            pkg = go_package_path(import_root, directory)
            mtime, size = stats.get(rel, (0, 0))
            file_rows.append((rel, sha, mtime, size, pkg, reason, errors, blob))
            if blob:
                # Loaded now, while the workers parse on, rather than read back later.
                parsed[rel] = resolve.FileInput(rel, pkg, marshal.loads(blob))
        conn.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?)", file_rows)

    batch: list[tuple[str, str, str | None, str, bytes]] = []
    if workers > 1 and len(jobs) > 20:
        pool = ProcessPoolExecutor(
            max_workers=workers, initializer=_worker_init, initargs=(os.getpid(),)
        )
        try:
            for done, result in enumerate(pool.map(_parse_job, jobs, chunksize=16), 1):
                batch.append(result)
                if files_done is not None and done % 16 == 0:
                    files_done(done, len(jobs))
                if len(batch) >= 256:
                    store(batch)
                    batch = []
        except BaseException:
            # Interrupted (Ctrl-C, an error): stop the workers now rather than let
            # shutdown() wait for every queued chunk to be parsed.
            for proc in list(getattr(pool, "_processes", {}).values()):
                with contextlib.suppress(OSError):
                    proc.kill()
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        pool.shutdown(wait=True)
    else:
        for done, job in enumerate(jobs, 1):
            batch.append(_parse_job(job))
            if files_done is not None:
                files_done(done, len(jobs))
    store(batch)
    if files_done is not None:
        files_done(len(jobs), len(jobs))
    conn.commit()
    return parsed


def _load_inputs(
    conn: sqlite3.Connection, parsed: dict[str, resolve.FileInput]
) -> list[resolve.FileInput]:
    """Facts of every included file: just parsed, or stored by an earlier build."""
    from annotate.resolve import resolver as resolve

    out = []
    listed = conn.execute("SELECT path, pkg FROM files WHERE excluded IS NULL ORDER BY path")
    for path, pkg in listed.fetchall():
        found = parsed.get(path)
        if found is None:
            (blob,) = conn.execute("SELECT facts FROM files WHERE path = ?", (path,)).fetchone()
            try:
                facts = marshal.loads(blob) if blob else None
            except (ValueError, EOFError, TypeError) as exc:
                raise IndexCorrupt(f"the stored facts of {path} are malformed ({exc})") from None
            found = None if facts is None else resolve.FileInput(path, pkg, facts)
        if found is not None:
            out.append(found)
    return out


class _Store:
    """Writes the resolver's output: symbols, then edges and unresolved calls, into
    tables emptied and stripped of their indexes (built once at the end, much faster
    than row by row).

    What it is given goes by name; :class:`annotate.index.rows.Rows` turns names into ids
    and records into rows where the statements run.  With a ``writer``
    (:mod:`annotate.index.dbwriter`) that is its process, on the other core, while this one
    resolves calls: the symbols are handed over as soon as they are declared, the
    call sites settled in the first round as they come.  For small corpora, a process
    costs more than it saves, and the rows are made and written here.
    """

    # the statements, by what they insert (patched by tests to make a write fail)
    SYMBOLS = rows.SYMBOLS
    EDGES = rows.EDGES
    UNRESOLVED = rows.UNRESOLVED

    def __init__(self, conn: sqlite3.Connection, writer: dbwriter.Writer | None = None) -> None:
        self.conn = conn
        self.rows = rows.Rows()  # used when there is no writer process
        conn.commit()  # the writer process needs the database free of this one's locks
        self.writer = writer
        self._put(
            "".join(f"DELETE FROM {t};" for t in ("symbols", "edges", "unresolved"))
            + "".join(
                f"DROP INDEX IF EXISTS {name};"
                for name in ("symbols_sym", "symbols_name", "edges_caller", "edges_callee")
            ),
            None,
        )

    def _put(self, sql: str, batch: list[tuple] | None) -> None:
        if self.writer is not None:
            self.writer.put(sql, batch)
        elif batch is None:
            self.conn.executescript(sql)
        else:
            self.conn.executemany(sql, batch)

    def _records(self, sql: str, kind: str, records: list) -> None:
        """Insert the rows ``Rows.<kind>(records)`` with ``sql``."""
        if self.writer is not None:
            self.writer.put_records(sql, kind, records)
        else:
            self.conn.executemany(sql, getattr(self.rows, kind)(records))

    def finish(self) -> None:
        self._put(_EDGE_INDEXES, None)
        if self.writer is not None:
            self.writer.finish()

    def _records_batched(self, sql: str, kind: str, records: Iterable, size: int) -> None:
        """:meth:`_records` of a stream, ``size`` records at a time (never all in
        memory; the writer process starts on the first batch)."""
        batch: list = []
        for rec in records:
            batch.append(rec)
            if len(batch) >= size:
                self._records(sql, kind, batch)
                batch = []
        self._records(sql, kind, batch)

    def symbols(self, records: Iterator[resolve.SymbolRow]) -> None:
        self._records_batched(self.SYMBOLS, "symbols", records, 20_000)
        self._put(_SYMBOL_INDEXES, None)  # the few symbols added later update them
        if self.writer is not None:
            # Indexing the edges as they come costs the writer more than building the
            # indexes at the end (1.5 s against 1.0 s on the full tree), but it has
            # that time while calls are resolved -- and then nothing is left to wait for.
            self._put(_EDGE_INDEXES, None)

    def settled(self, sites: list[resolve.SettledSite], last: bool) -> None:
        """A batch of the call sites whose edges are final after the first round.
        Written here, the edge indexes are built after the last one, while the
        function-value sites are resolved; a writer process keeps them from the start
        instead (see symbols)."""
        self._records(self.EDGES, "sites", sites)
        if last and self.writer is None:
            self._put(_EDGE_INDEXES, None)

    def edges(self, edges: Iterator[resolve.Edge], unresolved: list[resolve.Unresolved]) -> None:
        """The last edges, the unresolved calls, and the symbols first met in them."""
        self._records_batched(self.EDGES, "edges", edges, 50_000)
        calls = [(u.caller, u.callee_text, u.reason, u.file, u.line, u.col) for u in unresolved]
        self._records(self.UNRESOLVED, "unresolved", calls)
        self._records(self.SYMBOLS, "extra", [])


def _stats(
    conn: sqlite3.Connection, parsed: int, rebuilt: bool, seconds: dict[str, float] | None = None
) -> BuildStats:
    def count(sql: str) -> int:
        return int(conn.execute(sql).fetchone()[0])

    return BuildStats(
        files=count("SELECT COUNT(*) FROM files"),
        parsed=parsed,
        excluded=count("SELECT COUNT(*) FROM files WHERE excluded IS NOT NULL"),
        errors=count("SELECT COUNT(*) FROM files WHERE errors != '[]'"),
        symbols=count("SELECT COUNT(*) FROM symbols WHERE external = 0"),
        edges=count("SELECT COUNT(*) FROM edges"),
        unresolved=count("SELECT COUNT(*) FROM unresolved"),
        rebuilt=rebuilt,
        seconds=seconds or {},
    )
