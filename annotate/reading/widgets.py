"""Sliders where a reader learns by moving a value, and a figure when no kernel runs.

:func:`explore` renders ``view(**defaults)`` once as ordinary output -- text and a figure that
the book (executed without a live kernel behind the page) shows as they are -- and then the
controls with a live output area that ``view`` redraws into whenever a value moves.  In
JupyterLab the reader sees the default picture, the sliders, and under them the picture for
the values they chose.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any


def _as_outputs(captured: Any) -> tuple[dict[str, Any], ...]:
    """Captured stdout and rich displays as nbformat output dicts (images base64-encoded)."""
    outputs: list[dict[str, Any]] = []
    if captured.stdout:
        outputs.append({"output_type": "stream", "name": "stdout", "text": captured.stdout})
    for rich in captured.outputs:
        data = {
            kind: base64.b64encode(value).decode("ascii") if isinstance(value, bytes) else value
            for kind, value in rich.data.items()
        }
        outputs.append({"output_type": "display_data", "data": data, "metadata": rich.metadata})
    return tuple(outputs)


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
        # The outputs are captured in the kernel and set as the Output widget's state, which
        # the front end mirrors -- rather than `with live:`, whose outputs only the front end
        # keeps -- so what the reader sees is also what a test reads back from the kernel.
        from IPython.utils.capture import capture_output

        with capture_output() as captured:
            view(**{name: control.value for name, control in controls.items()})
        live.outputs = _as_outputs(captured)

    for control in controls.values():
        control.observe(redraw, names="value")
    box = widgets.VBox([*controls.values(), live])
    display(box)
    return box
