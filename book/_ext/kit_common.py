"""Shared helpers of the book's Sphinx extensions: paths, and writing generated files only
when their content changes (so an unchanged rebuild re-reads nothing)."""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path

BOOK = Path(__file__).resolve().parents[1]
REPO = BOOK.parent
GENERATED = BOOK / "generated"
READING_PATH = REPO / "notebooks" / "reading-path.toml"


def write_if_changed(path: Path, text: str | bytes) -> bool:
    """Write ``path`` unless it already holds ``text``; True when written."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return True


def prune(directory: Path, keep: set[Path], pattern: str) -> None:
    """Remove generated files matching ``pattern`` under ``directory`` that are not kept."""
    if not directory.exists():
        return
    for path in directory.rglob(pattern):
        if path not in keep:
            path.unlink()


def tree_hash(paths: list[Path]) -> str:
    """SHA-256 over the contents (and relative names) of files and directory trees."""
    digest = hashlib.sha256()
    for root in paths:
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
        for path in files:
            if "__pycache__" in path.parts or path.suffix == ".pyc" or not path.exists():
                continue
            digest.update(str(path.relative_to(REPO)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def reading_path() -> list[dict]:
    """The steps of notebooks/reading-path.toml (owned by the notebooks), or none yet."""
    if not READING_PATH.exists():
        return []
    return list(tomllib.loads(READING_PATH.read_text(encoding="utf-8")).get("step", []))


def relative_prefix(docname: str) -> str:
    """From the page of ``docname`` to the root of the HTML output."""
    return "../" * docname.count("/")
