"""The notebook pages' launch links: Binder only when the project metadata names a repository."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "book" / "_ext"))

import kit_notebooks


def test_no_repository_url_no_binder_link(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\nname = "x"\n', encoding="utf-8")
    assert kit_notebooks.repository_url(pyproject) is None
    cell = kit_notebooks._launch_cell("01-x", None)
    assert "Binder" not in cell and "{download}`Download 01-x.ipynb <01-x.ipynb>`" in cell
    assert "jupyter lab notebooks/01-x.ipynb" in cell


def test_binder_link_from_project_urls(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        '[project]\nname = "x"\n[project.urls]\nRepository = "https://github.com/o/r.git"\n',
        encoding="utf-8",
    )
    repo = kit_notebooks.repository_url(pyproject)
    assert repo == "https://github.com/o/r"
    cell = kit_notebooks._launch_cell("01-x", repo)
    assert "https://mybinder.org/v2/gh/o/r/HEAD?urlpath=lab/tree/notebooks/01-x.ipynb" in cell


def test_malformed_pyproject_gives_no_link_and_no_error(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text("[project\n", encoding="utf-8")
    assert kit_notebooks.repository_url(pyproject) is None
