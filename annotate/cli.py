"""The ``annotate`` command line.

Each module in :mod:`annotate.commands` contributes sub-commands through a
``register(subparsers)`` function, so the CLI grows by adding a module, not by
editing this file.  A command handler returns an exit code; errors the user
can act on are raised as :class:`annotate.errors.UserError` and printed
without a traceback.

Exit codes: 0 done; 1 bad input or nothing matched; 2 usage (argparse); 3 the
environment (cache not writable, disk full, a tool missing, a corrupt index, a lock
held too long); 130 interrupted; 143 terminated.  Errors of the environment (``OSError``,
SQLite's) are printed as one line too; ``--debug`` shows their traceback instead.

The global options (``--cache``, ``--lock``, ``--debug``) are accepted before or after the
sub-command.  Start-up is kept short (a warm ``annotate callees`` answers in well under
150 ms): this module and :mod:`annotate.commands` import only argparse and the standard
library at start; each handler imports the stages it needs.  Shell completion comes from
argcomplete when it is installed (``eval "$(register-python-argcomplete annotate)"``).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import pkgutil
import signal
import sqlite3
import sys
import threading
from typing import NoReturn

from annotate import __version__, commands
from annotate.errors import UserError

GLOBAL_OPTIONS = (
    (
        ("--cache",),
        {
            "metavar": "DIR",
            "help": "cache directory (default: $K8S_READING_KIT_CACHE or ~/.cache/k8s-reading-kit)",
        },
    ),
    (
        ("--lock",),
        {"metavar": "FILE", "help": "lock file (default: the sources.toml shipped with annotate)"},
    ),
    (
        ("--debug",),
        {"action": "store_true", "help": "show a traceback for errors of the environment"},
    ),
)


def _add_global_options(parser: argparse.ArgumentParser, *, after_command: bool) -> None:
    """The global options; after the sub-command their default is SUPPRESS, so a value
    given before the sub-command is not overwritten by the sub-parser's default."""
    group = parser.add_argument_group("global options")
    for flags, spec in GLOBAL_OPTIONS:
        extra = {"default": argparse.SUPPRESS} if after_command else {}
        group.add_argument(*flags, **spec, **extra)  # type: ignore[arg-type]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="annotate",
        description="Read pinned Go sources: fetch and verify them, index symbols and calls, "
        "draw call graphs, show excerpts with permalinks.",
        epilog="exit codes: 0 done, 1 bad input or nothing matched, 2 usage, "
        "3 environment (cache, disk, tools, corrupt index), 130 interrupted",
    )
    parser.add_argument("--version", action="version", version=f"annotate {__version__}")
    _add_global_options(parser, after_command=False)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        if hasattr(module, "register"):  # commands.output is shared, not a command
            module.register(subparsers)
    for sub in subparsers.choices.values():
        _add_global_options(sub, after_command=True)
    return parser


def _complete(parser: argparse.ArgumentParser) -> None:
    """Answer a shell's completion request (argcomplete), when there is one; else nothing."""
    if "_ARGCOMPLETE" not in os.environ:
        return
    try:
        import argcomplete
    except ImportError:
        return
    argcomplete.autocomplete(parser)


class Terminated(BaseException):
    """SIGTERM, raised where the process is so that cleanup (``finally``) runs."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise Terminated


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    _complete(parser)
    args = parser.parse_args(argv)
    previous = None
    if threading.current_thread() is threading.main_thread():
        # SIGTERM's default ends the process on the spot: a fetch's staging directory or
        # a build's temporary database would stay behind until the next run sweeps them.
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        return int(args.handler(args) or 0)
    except Terminated:
        print(f"annotate {args.command}: terminated", file=sys.stderr)
        return 143
    except UserError as exc:
        print(f"annotate {args.command}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"annotate {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader went away (`annotate edges ... | head`): not an error of ours; keep
        # Python from complaining again when it flushes stdout at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except (OSError, sqlite3.Error, UnicodeError, RecursionError, MemoryError) as exc:
        if getattr(args, "debug", False):
            raise
        print(f"annotate {args.command}: error: {_describe(exc)}", file=sys.stderr)
        return 1 if isinstance(exc, (UnicodeError, RecursionError)) else 3
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _describe(exc: BaseException) -> str:
    """One line for an error of the environment: what failed, and where."""
    if isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError):
        return f"the index is corrupt ({exc}) -- run `annotate index --rebuild`"
    if isinstance(exc, sqlite3.OperationalError) and "no such table" in str(exc):
        return f"the index is corrupt ({exc}) -- run `annotate index --rebuild`"
    if isinstance(exc, sqlite3.Error):
        return f"the index database failed: {exc}"
    if isinstance(exc, OSError):
        where = exc.filename if exc.filename is not None else ""
        what = exc.strerror or str(exc) or type(exc).__name__
        return f"{where}: {what}" if where else what
    if isinstance(exc, UnicodeDecodeError):
        return f"input is not valid {exc.encoding} (byte {exc.start})"
    if isinstance(exc, UnicodeEncodeError):  # undecodable bytes in an argument (surrogates)
        text = exc.object if isinstance(exc.object, str) else ""
        return f"not valid UTF-8 text: {text.encode('utf-8', 'backslashreplace').decode()!r}"
    if isinstance(exc, RecursionError):
        return "input nested too deeply to process"
    if isinstance(exc, MemoryError):
        return "out of memory"
    return str(exc)


def run() -> NoReturn:
    """The ``annotate`` program: :func:`main`, then exit.  After an index build the
    process ends with ``os._exit``: the builder's heap (see
    ``index.leave_heap_to_exit``) would only be torn down object by object."""
    commands.leave_heap_to_exit = True  # passed on to the builder if a command builds
    code = main()
    index = sys.modules.get("annotate.index.build")  # imported only by commands that build
    if index is not None and index.heap_left():
        for stream in (sys.stdout, sys.stderr):
            # a reader that went away (`| head`) has all it wanted
            with contextlib.suppress(BrokenPipeError, ValueError):
                stream.flush()
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":
    run()
