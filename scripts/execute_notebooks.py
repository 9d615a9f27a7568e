"""Execute the notebooks and store the outputs nbval compares.

    python scripts/execute_notebooks.py [NOTEBOOK.ipynb ...]   # default: every notebook

Outputs our own code produces are kept; cells that show upstream Go text (tagged
``nbval-ignore-output`` or ``nbval-skip``: excerpts, notes, side-by-side panels, graphs) are
stored without output, so no upstream text enters git.  The kernel runs with a fixed
PYTHONHASHSEED (the same one notebooks/conftest.py gives nbval's kernel), from notebooks/.
Afterwards the jupytext text forms are synced.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
NO_OUTPUT_TAGS = {"nbval-ignore-output", "nbval-skip"}
HASH_SEED = "0"


def execute(path: Path) -> tuple[int, int]:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
    )
    client.execute()
    kept = dropped = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if NO_OUTPUT_TAGS & set(cell.metadata.get("tags", [])):
            cell.outputs = []
            cell.execution_count = None
            dropped += 1
        else:
            kept += 1
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, path)
    return kept, dropped


def main(argv: list[str]) -> int:
    os.environ["PYTHONHASHSEED"] = HASH_SEED
    paths = [Path(a) for a in argv] or sorted(NOTEBOOKS.glob("*.ipynb"))
    for path in paths:
        start = time.monotonic()
        kept, dropped = execute(path)
        print(
            f"{path.name}: {kept} cells keep outputs, {dropped} upstream-text cells stored empty "
            f"({time.monotonic() - start:.1f}s)"
        )
    subprocess.run([sys.executable, "-m", "jupytext", "--sync", "-q", *map(str, paths)], check=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
