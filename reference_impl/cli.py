"""What the mirrors' command lines share, with the same conventions as ``annotate``.

Exit codes: 0 done; 1 bad input (one line on stderr naming the file and the field); 2 usage
(argparse); 3 the environment (a file that cannot be read or written, no etcd installed);
4 (``kubelet-eviction-1.10`` only) a release-1.10 kubelet would crash (panic) on this input;
130 interrupted; 143 terminated.  ``--debug`` (before or after the sub-command) shows the
traceback of an error instead of one line.  A closed pipe (``| head``) ends the program
quietly.  ``--json`` prints one JSON document on stdout.
"""

from __future__ import annotations

import argparse
import gc
import os
import signal
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

BAD_INPUT, USAGE, ENVIRONMENT, PANIC = 1, 2, 3, 4


class Terminated(BaseException):
    """SIGTERM, raised where the process is, so that cleanup (``finally``) runs."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise Terminated


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a command reads and works through a
    large input, then resume it.

    Why: reading 100,000 pods allocates millions of dicts and lists, and the collector
    walks the young ones every few hundred allocations and, now and then, all of them:
    2.5 of the 6 seconds ``explain`` took on 100,000 pods.  Reference counting still frees
    every object that is not in a cycle, and the commands build no cycles worth waiting
    for.  On resuming, the objects still alive (the input) are frozen, so that later and
    final collections do not walk them again.

    >>> import gc
    >>> with collector_paused():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def add_debug(parser: argparse.ArgumentParser, *, after_command: bool = False) -> None:
    """``--debug``; on a sub-parser its default is SUPPRESS (a value given before the
    sub-command stays)."""
    extra: dict[str, Any] = {"default": argparse.SUPPRESS} if after_command else {}
    parser.add_argument(
        "--debug", action="store_true", help="show a traceback instead of a one-line error", **extra
    )


def debugging(argv: list[str] | None) -> bool:
    return "--debug" in (sys.argv[1:] if argv is None else argv)


def run(prog: str, main: Callable[[list[str] | None], int]) -> None:
    """Run ``main`` as a program: exit with its status; interrupts, closed pipes and
    unexpected errors end in one line (``--debug``: the traceback)."""
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        code = main(None)
        sys.stdout.flush()
    except BrokenPipeError:
        # the reader went away: not an error; keep Python quiet when it flushes at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 141
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        code = 130
    except Terminated:
        print(f"{prog}: terminated", file=sys.stderr)
        code = 143
    except (OSError, MemoryError) as exc:
        if debugging(None):
            traceback.print_exc()
        else:
            print(f"{prog}: error: {exc}", file=sys.stderr)
        code = ENVIRONMENT
    finally:
        signal.signal(signal.SIGTERM, previous)
    sys.exit(code)
