"""A process that writes rows into an index database while its parent computes them.

On the full kubernetes tree the indexer's last phases are one process resolving
calls and emitting ~8e5 edge rows, with the second core idle.  SQLite inserts and
index builds are C work that could use that core, but not from a thread: sqlite3
takes the GIL back for every row, and with the resolver busy in Python each handover
waits out the interpreter's switch interval.  So a separate process does them.

It is started with ``spawn`` (a fresh interpreter, this small module only), so it
shares nothing with the resolver's large heap and its memory stays its own few MB.
Messages, in order: ``(sql, rows)`` for ``executemany``, ``(sql, None)`` for a
script, ``None`` to commit and stop; the reply is ``"ok"`` or the error.
"""

from __future__ import annotations

import multiprocessing
import queue
import sqlite3
import threading
from multiprocessing.connection import Connection


def run(path: str, journal_mode: str, pipe: Connection) -> None:
    """The writer process: apply the parent's statements to ``path``, commit, reply."""
    conn: sqlite3.Connection | None = None
    try:
        while (item := pipe.recv()) is not None:
            if conn is None:
                # Opened at the first statement, not at start: until then the parent
                # may be writing (parsed files) and the database is not ours to lock.
                conn = sqlite3.connect(path)
                # the parent's settings: no journal for a fresh build (under a
                # temporary name), WAL for an index being updated in place
                conn.execute(f"PRAGMA journal_mode={journal_mode}")
                conn.execute("PRAGMA synchronous=" + ("OFF" if journal_mode == "off" else "NORMAL"))
            sql, rows = item
            if rows is None:
                conn.executescript(sql)
            else:
                conn.executemany(sql, rows)
        if conn is not None:
            conn.commit()
        pipe.send("ok")
    except BaseException as exc:  # reported to the parent, which raises it
        if conn is not None:
            conn.rollback()
        pipe.send(f"{type(exc).__name__}: {exc}")
    finally:
        if conn is not None:
            conn.close()


class Writer:
    """The parent's end: ``put`` statements, then ``finish`` (waits, raises on error).

    ``put`` only queues: a thread pickles and sends, so the caller goes on computing
    while the writer process is busy with an earlier batch (a pipe holds 64 KB; a
    blocking send would make the caller wait out every insert but the last).

    The parent may write to the database until its first ``put`` and, having
    committed, not again until ``finish`` (SQLite allows one writer at a time)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        path = conn.execute("PRAGMA database_list").fetchone()[2]
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
        ctx = multiprocessing.get_context("spawn")
        self.pipe, theirs = ctx.Pipe()
        self.process = ctx.Process(
            target=run, args=(path, mode, theirs), name="index-writer", daemon=True
        )
        self.process.start()
        theirs.close()
        self.queue: queue.SimpleQueue[tuple[str, list[tuple] | None] | None] = queue.SimpleQueue()
        self.error: BaseException | None = None
        self.sender = threading.Thread(target=self._send, name="index-writer-feed", daemon=True)
        self.sender.start()

    def _send(self) -> None:
        while (item := self.queue.get()) is not None:
            if self.error is None:
                try:
                    self.pipe.send(item)
                except (BrokenPipeError, EOFError, OSError) as exc:
                    self.error = exc
        if self.error is None:
            try:
                self.pipe.send(None)
            except (BrokenPipeError, EOFError, OSError) as exc:
                self.error = exc

    def put(self, sql: str, rows: list[tuple] | None) -> None:
        if self.error is not None:
            self.finish()  # raises, with the writer's own message if it has one
        self.queue.put((sql, rows))

    def finish(self) -> None:
        self.queue.put(None)
        self.sender.join()
        try:
            reply = self.pipe.recv()
        except (EOFError, OSError) as exc:
            reply = f"stopped ({self.error or exc}), exit code {self.process.exitcode}"
        finally:
            self.process.join()
            self.pipe.close()
        if reply != "ok":
            raise RuntimeError(f"index writer process failed: {reply}")

    def abandon(self) -> None:
        """Stop the writer without committing (the build failed)."""
        if self.process.is_alive():
            self.process.terminate()
        self.queue.put(None)
        self.sender.join()
        self.process.join()
        self.pipe.close()
