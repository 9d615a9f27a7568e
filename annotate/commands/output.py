"""What every command shares for printing: ``--json`` and a console sized for the terminal.

``--json`` prints one JSON document on stdout whose shape is fixed by the JSON Schema
``annotate/data/schemas/<command>.schema.json`` (draft 2020-12).  Every document carries
``"schema": "<command>/<version>"``; a version changes only when a field is removed or changes
meaning (new fields may be added).  Kept free of heavy imports: the query commands start fast.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

SCHEMA_VERSION = 1


def add_json(parser: argparse.ArgumentParser, schema: str) -> None:
    parser.add_argument(
        "--json",
        action="store_true",
        help=f"print the result as one JSON document (schema: {schema}.schema.json)",
    )


def emit_json(schema: str, document: dict[str, Any]) -> None:
    body = {"schema": f"{schema}/{SCHEMA_VERSION}", **document}
    sys.stdout.write(json.dumps(body, indent=2, ensure_ascii=False) + "\n")


def console(stderr: bool = False) -> Console:
    """A rich console: the terminal's width on a terminal (or $COLUMNS), else wide (no
    folding) in pipes and logs."""
    import os

    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    sized = stream.isatty() or "COLUMNS" in os.environ
    return Console(stderr=stderr, width=None if sized else 200)
