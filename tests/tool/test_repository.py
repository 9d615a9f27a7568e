"""The repository's own files exist and say something true: the licence text is the
Apache-2.0 that pyproject declares, NOTICE names the upstream projects the tool fetches,
the version is written once, CI runs .ci/run, the changelog has an Unreleased section."""

from __future__ import annotations

import importlib.metadata
import re
import tomllib
from pathlib import Path

import annotate
from annotate.sources.lock import load_lock

REPO = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())


def test_licence_and_notice() -> None:
    licence = (REPO / "LICENSE").read_text()
    assert "Apache License" in licence and "Version 2.0, January 2004" in licence
    assert PYPROJECT["project"]["license"] == "Apache-2.0"
    notice = (REPO / "NOTICE").read_text()
    for corpus in load_lock().values():
        assert corpus.repository.removeprefix("github.com/") in notice
        assert corpus.tag in notice
    assert "not redistributed" in notice


def test_the_version_is_written_once() -> None:
    assert "version" in PYPROJECT["project"]["dynamic"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"]["attr"] == "annotate.__version__"
    assert importlib.metadata.version("k8s-reading-kit") == annotate.__version__
    assert re.search(
        rf"## \[{re.escape(annotate.__version__)}\]", (REPO / "CHANGELOG.md").read_text()
    )


def test_changelog_contributing_ci_and_typing_markers() -> None:
    changelog = (REPO / "CHANGELOG.md").read_text()
    assert "## [Unreleased]" in changelog and "keepachangelog.com" in changelog
    contributing = (REPO / "CONTRIBUTING.md").read_text()
    for topic in ("## Set up", "## Run the tests", "## Add an annotation", "## Add a mirror"):
        assert topic in contributing
    assert ".ci/run" in (REPO / ".github" / "workflows" / "ci.yml").read_text()
    assert "mypy" in (REPO / ".ci" / "run").read_text()
    assert "test_notebooks_clean.py" in (REPO / ".pre-commit-config.yaml").read_text()
    dependabot = (REPO / ".github" / "dependabot.yml").read_text()
    assert "package-ecosystem: pip" in dependabot and "github-actions" in dependabot
    for package in ("annotate", "reference_impl"):
        assert (REPO / package / "py.typed").exists()
    assert {"Homepage", "Repository", "Documentation", "Issues"} <= set(
        PYPROJECT["project"]["urls"]
    )
    assert PYPROJECT["tool"]["pytest"]["ini_options"]["timeout"] >= 60
