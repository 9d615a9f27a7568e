"""Source excerpts: numbered lines of a symbol, read from the corpus directory.

The text is read from the (verified) cache at display time and never stored in
the index, so nothing upstream lands in our repository or our database.
"""

from __future__ import annotations

import io
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


# How code is shown as HTML in notebooks and the book: a light Pygments theme, readable
# beside prose, in the theme's monospace font.
CODE_THEME = "friendly"
CODE_BACKGROUND = "#f8f8f8"
FONT = "font-family: var(--pst-font-family-monospace, monospace); font-size: 0.78em"


class _Discard(io.StringIO):
    """A file that drops what rich writes: only the recorded HTML export is wanted."""

    def write(self, s: str) -> int:
        return len(s)


def code_html(
    lines: list[str] | tuple[str, ...],
    start: int,
    language: str,
    highlight: set[int] | None = None,
    width: int = 220,
) -> str:
    """Numbered, highlighted source lines as self-contained HTML.

    ``force_jupyter=False``: inside Jupyter rich would otherwise also print the code
    into the cell as a second, stray output.
    """
    from rich.console import Console
    from rich.syntax import Syntax

    console = Console(record=True, width=width, file=_Discard(), force_jupyter=False)
    console.print(
        Syntax(
            "\n".join(lines),
            language,
            line_numbers=True,
            start_line=start,
            word_wrap=False,
            highlight_lines=highlight or set(),
            theme=CODE_THEME,
            background_color=CODE_BACKGROUND,
        )
    )
    return console.export_html(
        inline_styles=True,
        code_format=(
            '<pre style="margin:0; padding:0.4em; white-space:pre; '
            f'background:{CODE_BACKGROUND}; {FONT}">' + "{code}</pre>"
        ),
    )
