"""Display helpers shared by every notebook: figures, image files, traces, checked numbers.

One copy here instead of one per notebook.  Figures are shown as PNG whatever the matplotlib
backend; the numbers a figure is drawn from are printed by :func:`figure_data`, so nbval
compares them (the PNG itself is not compared: its bytes vary with the matplotlib build).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any


def show(fig: Any, width: int | None = None, dpi: int = 100) -> None:
    """Display a matplotlib figure inline as a PNG and close it."""
    import matplotlib.pyplot as plt
    from IPython.display import Image, display

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    display(Image(data=buffer.getvalue(), width=width))


def show_image(path: str | Path, width: int | None = 900) -> None:
    """Display a PNG written by a plotting command (e.g. an operator timeline)."""
    from IPython.display import Image, display

    display(Image(filename=str(path), width=width))


def show_cycles(trace: Iterable[Any], start: float = 0.0, end: float = float("inf")) -> None:
    """One line per operator reconcile tick: time, branch, pods, members, actions, error.

    ``trace`` holds the operator mirror's cycle records (``world.trace.for_cluster(name)``).
    """
    for c in trace:
        if start <= c.time <= end:
            err = f"  ERROR: {c.error}" if c.error else ""
            print(
                f"t={c.time:6.1f}s  {c.branch:<19} pods={len(c.running)} "
                f"members={len(c.members_after)}  {'; '.join(c.actions)}{err}"
            )


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def figure_data(title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Print the numbers a figure is drawn from, as a fixed-width table (the checked output).

    >>> figure_data("demo", ["t", "x"], [(0, 1.5), (10, 2.0)])
    demo
       t    x
       0  1.5
      10    2
    """
    text = [[_fmt(v) for v in row] for row in rows]
    widths = [max([len(c), *(len(r[i]) for r in text)]) for i, c in enumerate(columns)]
    print(title)
    print("  ".join(c.rjust(w) for c, w in zip(columns, widths, strict=True)))
    for row in text:
        print("  ".join(v.rjust(w) for v, w in zip(row, widths, strict=True)))


def mapping_table(title: str, values: Mapping[str, Any]) -> None:
    """Print ``name: value`` lines under a title (a checked output).

    >>> mapping_table("limits", {"hard": 0, "soft": 30})
    limits
      hard: 0
      soft: 30
    """
    print(title)
    for key, value in values.items():
        print(f"  {key}: {_fmt(value)}")


def html_table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Any:
    """A small HTML table, rendered the same in Jupyter and in the book (escaped cells).

    >>> html_table(["a"], [["<b>"]]).data.count("&lt;b&gt;")
    1
    """
    import html

    from IPython.display import HTML

    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>" for row in rows
    )
    style = (
        "<style>.p2 td, .p2 th {padding: 0.25em 0.8em; border-bottom: 1px solid #d0d7de}</style>"
    )
    return HTML(
        f'{style}<table class="p2"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    )
