"""The ``annotate`` command line.

Each module in :mod:`annotate.commands` contributes sub-commands through a
``register(subparsers)`` function, so the CLI grows by adding a module, not by
editing this file.  A command handler returns an exit code; errors the user
can act on are raised as :class:`annotate.errors.UserError` and printed
without a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import pkgutil
import sys
from typing import NoReturn

from annotate import __version__, commands
from annotate.errors import UserError
from annotate.index import build as index


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="annotate",
        description="Read pinned Go sources: fetch and verify them, index symbols and calls, "
        "draw call graphs, show excerpts with permalinks.",
    )
    parser.add_argument("--version", action="version", version=f"annotate {__version__}")
    parser.add_argument(
        "--cache",
        metavar="DIR",
        help="cache directory (default: $K8S_READING_KIT_CACHE or ~/.cache/k8s-reading-kit)",
    )
    parser.add_argument(
        "--lock", metavar="FILE", help="lock file (default: the repository's sources.toml)"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
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


def run() -> NoReturn:
    """The ``annotate`` program: :func:`main`, then exit.  After an index build the
    process ends with ``os._exit``: the builder's heap (see
    ``index.leave_heap_to_exit``) would only be torn down object by object."""
    index.leave_heap_to_exit = True
    code = main()
    if index.heap_left():
        for stream in (sys.stdout, sys.stderr):
            # a reader that went away (`| head`) has all it wanted
            with contextlib.suppress(BrokenPipeError, ValueError):
                stream.flush()
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":
    run()
