"""The checked notebooks catch a wrong mirror: flip one comparison, and `pytest notebooks/` fails
naming the notebook and the cell.

Each case copies the repository to a temporary directory (the tree itself is never touched),
changes one comparison in the copy's mirror, and runs nbval over the notebooks that read that
part of the path, with the copy first on the import path (the kernel inherits PYTHONPATH).
Marked ``perturbation`` so it can be deselected (``-m "not perturbation"``); it runs in the
default ``make test``.

What caught each change when this test was written (nbval numbers code cells from 0; the test
asserts the notebooks named below fail and prints the cells with their section):

* thresholds_met ``> 0`` -> ``< 0``: 02-synchronize-step-by-step Cell 4 ("Run it first", the
  simulator funnel), Cells 29-31 (the trace table, the disk run), Cell 32 ("Move it yourself",
  the slider's checked numbers) and Cell 34 (the exercise); 05-kill-node-status-scheduler
  Cell 17 ("Move the pressure yourself", the checked numbers);
* ranking (``_exceeds``: usage above request) flipped: 03-signals-and-ranking Cell 21 ("Run it:
  who goes first?") and Cell 28 (the exercise);
* MemberSet.pick_one ``min`` -> ``max``: 10-operator-pattern-and-reconcile Cell 25 (the
  exercise: the scale-down removes ex-e instead of ex-a, the dead member ex-e instead of ex-d).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
IGNORE = shutil.ignore_patterns(
    ".git", ".venv", "_build", "__pycache__", ".pytest_cache", "*.egg-info"
)

CASES = {
    "thresholds-met": (
        "reference_impl/eviction/helpers.py",
        "if threshold.operator == OP_LESS_THAN and quantity.cmp(observed.available) > 0:",
        "if threshold.operator == OP_LESS_THAN and quantity.cmp(observed.available) < 0:",
        ["02-synchronize-step-by-step", "05-kill-node-status-scheduler"],
    ),
    "ranking": (
        "reference_impl/eviction/helpers.py",
        "return cmp_bool(p1_usage > p1_request, p2_usage > p2_request)",
        "return cmp_bool(p1_usage < p1_request, p2_usage < p2_request)",
        ["03-signals-and-ranking"],
    ),
    "member-selection": (
        "reference_impl/operator/etcdutil/member.py",
        "return self._m[min(self._m)]",
        "return self._m[max(self._m)]",
        ["10-operator-pattern-and-reconcile"],
    ),
}


@pytest.fixture(scope="module")
def copy_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("perturbed") / "repo"
    shutil.copytree(REPO, root, ignore=IGNORE, symlinks=True)
    return root


@pytest.mark.perturbation
@pytest.mark.notebook
@pytest.mark.parametrize("case", sorted(CASES))
def test_flipped_comparison_is_caught_by_a_notebook_cell(case: str, copy_root: Path):
    relpath, original, flipped, notebooks = CASES[case]
    target = copy_root / relpath
    pristine = target.read_text(encoding="utf-8")
    assert pristine.count(original) == 1, f"{relpath}: the comparison to flip moved"
    target.write_text(pristine.replace(original, flipped), encoding="utf-8")
    try:
        env = {**os.environ, "PYTHONPATH": str(copy_root), "PYTHONHASHSEED": "0"}
        run = subprocess.run(
            [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rf",
             "-o", "addopts=", "--nbval", "--nbval-current-env",
             "--nbval-sanitize-with", "notebooks/sanitize.cfg",
             *(f"notebooks/{nb}.ipynb" for nb in notebooks)],
            cwd=copy_root, env=env, capture_output=True, text=True, timeout=600,
        )  # fmt: skip
    finally:
        target.write_text(pristine, encoding="utf-8")
    failed = re.findall(r"^FAILED (notebooks/[\w.-]+\.ipynb)::(Cell \d+)", run.stdout, re.M)
    assert run.returncode != 0, f"{case}: the notebooks passed with a flipped comparison"
    assert failed, f"{case}: pytest failed but named no notebook cell:\n{run.stdout[-2000:]}"
    caught = {nb for nb, _ in failed}
    print(f"{case}: caught by " + "; ".join(_describe(copy_root, nb, cell) for nb, cell in failed))
    assert caught <= {f"notebooks/{nb}.ipynb" for nb in notebooks}


def _describe(root: Path, notebook: str, cell: str) -> str:
    """``notebooks/X.ipynb::Cell N`` with the section heading above that code cell."""
    import nbformat

    cells = nbformat.read(root / notebook, as_version=4).cells
    code = [i for i, c in enumerate(cells) if c.cell_type == "code"]
    index = code[int(cell.split()[1])]
    headings = [
        line
        for c in cells[:index]
        if c.cell_type == "markdown"
        for line in c.source.splitlines()
        if line.startswith("#")
    ]
    return f"{notebook}::{cell} ({headings[-1].lstrip('# ') if headings else 'top'})"
