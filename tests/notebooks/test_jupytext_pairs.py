"""Each notebook is paired with its MyST text form (jupytext.toml), and the two agree:
same cells, same kinds, same sources, same tags.  Fix a drift with
`jupytext --sync notebooks/*.ipynb` (the newer of the two wins)."""

from __future__ import annotations

from pathlib import Path

import jupytext
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))


def _cells(nb) -> list[tuple[str, str, tuple[str, ...]]]:
    return [
        (c.cell_type, c.source.strip(), tuple(sorted(c.metadata.get("tags", [])))) for c in nb.cells
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_pair_is_in_sync(path: Path):
    text = path.with_suffix(".md")
    assert text.is_file(), f"{path.name} has no text form {text.name}"
    assert _cells(jupytext.read(text)) == _cells(jupytext.read(path)), (
        f"{path.name} and {text.name} differ: run `jupytext --sync {path}`"
    )


def test_every_text_form_has_its_notebook():
    for text in NOTEBOOKS[0].parent.glob("*.md"):
        assert text.with_suffix(".ipynb").is_file(), f"{text.name} has no notebook"
