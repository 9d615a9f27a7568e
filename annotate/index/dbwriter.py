"""A process that writes rows into an index database while its parent computes them.

On the full kubernetes tree the indexer's last phases are one process resolving
calls and emitting ~8e5 edge rows, with the second core idle.  SQLite inserts and
index builds are C work that could use that core, but not from a thread: sqlite3
takes the GIL back for every row, and with the resolver busy in Python each handover
waits out the interpreter's switch interval.  So a separate process does them.

It is a fresh interpreter running this small module (``python -m
annotate.index.dbwriter``), not a fork: it shares nothing with the builder's large heap,
and -- unlike multiprocessing's "spawn" -- it never re-imports the caller's main
script.  Messages come on its stdin (marshal, length-prefixed: ten times faster than pickle
for rows of ints and strings), in order: ``(sql, rows)`` for
``executemany``, ``(sql, None)`` for a script, ``(sql, kind, records)`` for
``executemany`` of the rows :class:`annotate.index.rows.Rows` makes of the records (its
method ``kind``; one ``Rows`` for the whole run, so symbol ids are assigned here),
``None`` to commit and stop; it answers ``ok`` or the error on its stdout.
"""

from __future__ import annotations

import contextlib
import ctypes
import marshal
import queue
import signal
import sqlite3
import subprocess
import sys
import threading
from typing import BinaryIO

from annotate.index.rows import Rows

try:  # loaded here, not in the forked child: dlopen there could deadlock on a lock
    _LIBC: ctypes.CDLL | None = ctypes.CDLL(None, use_errno=True)
except OSError:
    _LIBC = None


def _die_with_parent() -> None:
    """In the child before exec: SIGKILL when the builder dies (a killed ``annotate index``
    must not leave its writer behind; Linux ``PR_SET_PDEATHSIG``, survives exec)."""
    if _LIBC is not None:
        with contextlib.suppress(AttributeError):
            _LIBC.prctl(1, signal.SIGKILL, 0, 0, 0)


def run(path: str, journal_mode: str, source: BinaryIO, reply: BinaryIO) -> None:
    """The writer: apply the statements read from ``source`` to ``path``, commit, reply."""
    conn: sqlite3.Connection | None = None
    rows_of = Rows()
    try:
        while (item := _receive(source)) is not None:
            if conn is None:
                # Opened at the first statement, not at start: until then the parent
                # may be writing (parsed files) and the database is not ours to lock.
                conn = sqlite3.connect(path)
                # the parent's settings: no journal for a fresh build (under a
                # temporary name), WAL for an index being updated in place
                conn.execute(f"PRAGMA journal_mode={journal_mode}")
                conn.execute("PRAGMA synchronous=" + ("OFF" if journal_mode == "off" else "NORMAL"))
            if len(item) == 3:
                sql, kind, records = item
                conn.executemany(sql, getattr(rows_of, kind)(records))
                continue
            sql, rows = item
            if rows is None:
                conn.executescript(sql)
            else:
                conn.executemany(sql, rows)
        if conn is not None:
            conn.commit()
        answer = "ok"
    except BaseException as exc:  # reported to the parent, which raises it
        if conn is not None:
            conn.rollback()
        answer = f"{type(exc).__name__}: {exc}".replace("\n", " ")
    finally:
        if conn is not None:
            conn.close()
    reply.write(answer.encode() + b"\n")
    reply.flush()


def _receive(source: BinaryIO) -> tuple | None:
    header = source.read(8)
    if len(header) < 8:
        raise EOFError("the index builder stopped sending")
    size = int.from_bytes(header, "little")
    payload = source.read(size)
    if len(payload) < size:
        raise EOFError("the index builder stopped sending")
    return marshal.loads(payload)


class Writer:
    """The parent's end: ``put`` statements, then ``finish`` (waits, raises on error).

    ``put`` only queues: a thread marshals and sends, so the caller goes on computing
    while the writer process is busy with an earlier batch (a pipe holds 64 KB; a
    blocking send would make the caller wait out every insert but the last).

    The parent may write to the database until its first ``put`` and, having
    committed, not again until ``finish`` (SQLite allows one writer at a time)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        path = conn.execute("PRAGMA database_list").fetchone()[2]
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "annotate.index.dbwriter", path, mode],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            preexec_fn=_die_with_parent,
        )
        self.queue: queue.SimpleQueue[tuple | None] = queue.SimpleQueue()
        self.error: BaseException | None = None
        self.sender = threading.Thread(target=self._send, name="index-writer-feed", daemon=True)
        self.sender.start()

    def _send(self) -> None:
        stdin = self.process.stdin
        assert stdin is not None
        while True:
            item = self.queue.get()
            if self.error is None:
                try:
                    payload = marshal.dumps(item)
                    stdin.write(len(payload).to_bytes(8, "little"))
                    stdin.write(payload)
                    if item is None:
                        stdin.close()
                except OSError as exc:  # the writer is gone; finish() reports why
                    self.error = exc
            if item is None:
                return

    def put(self, sql: str, rows: list[tuple] | None) -> None:
        if self.error is not None:
            self.finish()  # raises, with the writer's own message if it has one
        self.queue.put((sql, rows))

    def put_records(self, sql: str, kind: str, records: list) -> None:
        """Rows to be made there, by ``Rows.<kind>(records)``."""
        if self.error is not None:
            self.finish()
        self.queue.put((sql, kind, records))

    def finish(self) -> None:
        self.queue.put(None)
        self.sender.join()
        assert self.process.stdout is not None
        answer = self.process.stdout.read().decode(errors="replace").strip()
        code = self.process.wait()
        if answer != "ok" or code != 0:
            why = answer or f"exit code {code}" + (f" ({self.error})" if self.error else "")
            raise RuntimeError(f"index writer process failed: {why}")

    def abandon(self) -> None:
        """Stop the writer without committing (the build failed)."""
        self.process.kill()
        self.queue.put(None)
        self.sender.join()
        self.process.wait()


if __name__ == "__main__":
    run(sys.argv[1], sys.argv[2], sys.stdin.buffer, sys.stdout.buffer)
