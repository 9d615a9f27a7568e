"""How long the book takes to build: cold, warm, one notebook changed, the mirror changed.

Usage::

    .venv/bin/python benchmarks/book_build.py [--out benchmarks/results/book-build.md]

Everything runs in one go on a temporary copy of the repository (the tree is never edited),
with its own execution cache and Sphinx environment, and with the copy first on the kernels'
``PYTHONPATH`` so the notebooks import the copied mirror:

1. **cold** -- empty execution cache, no Sphinx environment: every notebook executes;
2. **warm** -- the same build again, nothing changed;
3. **one notebook changed** -- a comment appended to one code cell of one notebook;
4. **mirror changed** -- a comment appended to a module of ``reference_impl/operator``:
   the notebooks that import the operator mirror re-execute, the others do not.

Each row says which notebooks executed (from the build's per-notebook progress lines) and
the time relative to the cold build measured in the same run (the machine is shared, so
absolute seconds move; ratios move less).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
COPY = ["book", "notebooks", "annotate", "reference_impl", "examples"]  # annotate/data: lock, notes
COPY_FILES = ["pyproject.toml"]
EXECUTED = re.compile(r"\[book\] notebook (\S+): executed in")
CHANGED_NOTEBOOK = "03-signals-and-ranking"
CHANGED_MIRROR = "reference_impl/operator/__init__.py"


def _copy(dest: Path) -> None:
    ignore = shutil.ignore_patterns("_build", "generated", "__pycache__", "*.pyc")
    for name in COPY:
        shutil.copytree(REPO / name, dest / name, ignore=ignore, symlinks=True)
    for name in COPY_FILES:
        shutil.copy2(REPO / name, dest / name)


def _build(repo: Path) -> tuple[float, list[str]]:
    env = dict(os.environ, PYTHONPATH=f"{repo}{os.pathsep}{os.environ.get('PYTHONPATH', '')}")
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-j", "auto", "book", "book/_build/html"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
    )
    took = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"book_build: the build failed:\n{(proc.stdout + proc.stderr)[-3000:]}")
    return took, sorted(EXECUTED.findall(proc.stdout + proc.stderr))


def _edit_notebook(path: Path) -> None:
    nb = json.loads(path.read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if c["cell_type"] == "code")
    source = cell["source"]
    text = "".join(source) if isinstance(source, list) else source
    cell["source"] = text + "\n# edited by benchmarks/book_build.py"
    path.write_text(json.dumps(nb, indent=1) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="write the results table (Markdown) here")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="book-build-") as tmp:
        repo = Path(tmp)
        _copy(repo)
        rows.append(("cold (empty cache)", *_build(repo)))
        rows.append(("warm (nothing changed)", *_build(repo)))
        _edit_notebook(repo / "notebooks" / f"{CHANGED_NOTEBOOK}.ipynb")
        rows.append((f"one notebook changed ({CHANGED_NOTEBOOK})", *_build(repo)))
        with (repo / CHANGED_MIRROR).open("a", encoding="utf-8") as fh:
            fh.write("\n# edited by benchmarks/book_build.py\n")
        rows.append((f"mirror changed ({CHANGED_MIRROR})", *_build(repo)))
    cold = rows[0][1]
    lines = [
        "| build | seconds | vs cold | notebooks executed |",
        "|---|---|---|---|",
    ]
    for name, took, executed in rows:
        ran = ", ".join(n[:2] for n in executed) if executed else "none"
        lines.append(f"| {name} | {took:.1f} | {took / cold:.2f} | {len(executed)}: {ran} |")
    table = "\n".join(lines)
    print(table)
    if args.out:
        stamp = time.strftime("%Y-%m-%d")
        args.out.write_text(
            f"# Book build times\n\nMeasured {stamp} with `benchmarks/book_build.py` "
            f"(one run, {os.cpu_count()} cores, shared machine).\n\n{table}\n",
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
