"""Notebooks enter git without outputs: upstream code may appear in an output, never in git.

The book executes every notebook at build time, and nbval executes them in `make test`, so
stored outputs would add nothing but the risk of committing upstream source text.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).parents[2] / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks():
    assert NOTEBOOKS, "notebooks/ holds no .ipynb"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_no_stored_outputs(path: Path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    dirty = [
        i for i, cell in enumerate(notebook.cells)
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count)
    ]  # fmt: skip
    assert not dirty, f"{path.name}: cells {dirty} keep outputs; clear them before committing"
