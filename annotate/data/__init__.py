"""The data annotate reads at run time, shipped inside the package (issue 17).

``sources.toml`` (the lock), ``locks/`` (whole-tree manifests), ``annotations/`` (the
symbol-anchored notes) and ``schemas/`` (the JSON Schemas of ``--json`` output) live in this
directory and are reached through :mod:`importlib.resources`, so an installed wheel finds them
wherever it is run from, and an editable install (a checkout) reads the files in the checkout.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def data_dir() -> Path:
    """This directory on disk (wheels and editable installs both install plain files)."""
    root = files(__name__)
    if not isinstance(root, Path):  # a zip import: not a layout this project ships
        raise RuntimeError(f"annotate's data is not on the file system ({root})")
    return root


def lock_file() -> Path:
    """The lock of the pinned corpora, ``sources.toml``."""
    return data_dir() / "sources.toml"


def annotations_dir() -> Path:
    """The notes (``annotations/<part>/<name>.md``)."""
    return data_dir() / "annotations"


def schema_file(name: str) -> Path:
    """The JSON Schema of one command's ``--json`` output, e.g. ``schema_file("callees")``."""
    return data_dir() / "schemas" / f"{name}.schema.json"
