"""Sliders where a reader learns by moving a value, and a figure when no kernel runs.

:func:`explore` renders ``view(**defaults)`` once as ordinary output -- text and a figure that
the book (executed without a live kernel behind the page) shows as they are -- and then the
controls with a live output area that ``view`` redraws into whenever a value moves.  In
JupyterLab the reader sees the default picture, the sliders, and under them the picture for
the values they chose.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def explore(view: Callable[..., None], **controls: Any) -> Any:
    """Show ``view`` at the controls' default values, then the controls and a live output.

    ``controls`` are ipywidgets value widgets keyed by ``view``'s parameter names.  Returns the
    box (``.children[:-1]`` are the controls, ``.children[-1]`` the live ``Output``), so a test
    can move a value and read what ``view`` printed.
    """
    import ipywidgets as widgets
    from IPython.display import display

    view(**{name: control.value for name, control in controls.items()})
    live = widgets.Output()

    def redraw(change: dict[str, Any]) -> None:
        live.clear_output(wait=True)
        with live:
            view(**{name: control.value for name, control in controls.items()})

    for control in controls.values():
        control.observe(redraw, names="value")
    box = widgets.VBox([*controls.values(), live])
    display(box)
    return box
