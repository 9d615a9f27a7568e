"""Source excerpts: numbered lines of a symbol, read from the corpus directory.

The text is read from the (verified) cache at display time and never stored in
the index, so nothing upstream lands in our repository or our database.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Excerpt:
    path: str  # repository-relative
    start: int
    end: int
    lines: tuple[str, ...]
    permalink: str | None = None

    def numbered(self) -> str:
        width = len(str(self.end))
        return "\n".join(
            f"{n:>{width}}  {line}"
            for n, line in zip(range(self.start, self.end + 1), self.lines, strict=False)
        )


def read_excerpt(
    root: Path, path: str, start: int, end: int, context: int = 0, permalink: str | None = None
) -> Excerpt:
    """Lines ``start..end`` (1-based, inclusive) of ``root/path``, widened by ``context``."""
    text = (root / path).read_bytes().decode("utf-8", "replace").splitlines()
    lo = max(1, start - context)
    hi = min(len(text), end + context)
    return Excerpt(path, lo, hi, tuple(text[lo - 1 : hi]), permalink)


def doc_start(start: int, doc: str) -> int:
    """First line of a declaration including its doc comment (``doc`` as indexed)."""
    return start - (doc.count("\n") + 1) if doc else start
