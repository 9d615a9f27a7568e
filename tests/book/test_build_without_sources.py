"""The book builds with an empty source cache, and says how to fetch the sources.

Runs on a temporary copy of the repository (the tree's book/generated is never touched) with
an empty ``K8S_READING_KIT_CACHE``: every notebook executes without the Go side (about a
minute on two cores), the source index says how to fetch each corpus, and no Go source page
is written.  Needs no browser and no network.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
COPY = ["book", "notebooks", "annotate", "reference_impl", "examples"]


def test_book_builds_with_an_empty_cache_and_says_how_to_fetch(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    ignore = shutil.ignore_patterns("_build", "generated", "__pycache__", "*.pyc")
    for name in COPY:
        shutil.copytree(REPO / name, repo / name, ignore=ignore, symlinks=True)
    for name in ("pyproject.toml",):
        shutil.copy2(REPO / name, repo / name)
    empty = tmp_path / "empty-cache"
    empty.mkdir()
    env = dict(os.environ, K8S_READING_KIT_CACHE=str(empty), PYTHONPATH=str(repo))
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-q", "book", "book/_build/html"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    html = repo / "book" / "_build" / "html"
    index = (html / "generated" / "source" / "index.html").read_text(encoding="utf-8")
    for corpus in ("kubernetes", "etcd-operator"):
        assert f"The {corpus} sources are not in the cache" in index
        assert f"annotate fetch {corpus}" in index
    assert not list((html / "generated" / "source").rglob("*.go.html"))
    assert (html / "index.html").exists()
    assert len(list((html / "generated" / "notebooks").glob("*.html"))) == len(
        list((REPO / "notebooks").glob("*.ipynb"))
    )
    assert not list(empty.iterdir()), "building the book wrote into the source cache"
