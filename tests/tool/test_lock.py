"""The hashed lock of the development environment (requirements/dev.txt) covers what
pyproject.toml asks for: every requirement of the core and of the dev extra (and the extras
it pulls in) is pinned there, at a version its bounds admit, with hashes.  A dependency added
to pyproject without `make lock` fails here."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

REPO = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
LOCK = (REPO / "requirements" / "dev.txt").read_text()
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)(?:\s*;\s*([^\\]+?))?\s*\\?$", re.M)


def _pins() -> dict[str, list[tuple[Version, str]]]:
    pins: dict[str, list[tuple[Version, str]]] = {}
    for name, version, marker in PIN.findall(LOCK):
        pins.setdefault(canonicalize_name(name), []).append((Version(version), marker.strip()))
    return pins


def _wanted() -> list[Requirement]:
    """Core requirements and the dev extra's, following self-references (…[book,lab])."""
    extras = PROJECT["optional-dependencies"]
    todo, done, out = ["dev"], set(), [Requirement(r) for r in PROJECT["dependencies"]]
    while todo:
        extra = todo.pop()
        done.add(extra)
        for text in extras[extra]:
            req = Requirement(text)
            if canonicalize_name(req.name) == canonicalize_name(PROJECT["name"]):
                todo.extend(e for e in req.extras if e not in done)
            else:
                out.append(req)
    return out


def test_every_requirement_is_pinned_within_its_bounds() -> None:
    pins = _pins()
    wanted = _wanted()
    assert len(wanted) > 20
    for req in wanted:
        name = canonicalize_name(req.name)
        assert name in pins, f"{req} is not in requirements/dev.txt: run `make lock`"
        for version, marker in pins[name]:
            assert req.specifier.contains(version, prereleases=True), (
                f"{name}=={version} ({marker or 'all Pythons'}) is outside {req.specifier}: "
                "run `make lock`"
            )


def test_every_pin_has_hashes() -> None:
    blocks = re.split(r"\n(?=[A-Za-z0-9])", LOCK.split("\n", 2)[2])
    pinned = [b for b in blocks if "==" in b.split("\n", 1)[0]]
    assert pinned and all("--hash=sha256:" in b for b in pinned)


def test_the_lock_says_how_to_regenerate_it() -> None:
    makefile = (REPO / "Makefile").read_text()
    assert "uv pip compile pyproject.toml --extra dev --generate-hashes" in LOCK
    assert "lock:" in makefile and "--generate-hashes" in makefile


def test_numpy_and_nbclient_bounds() -> None:
    """numpy is no direct dependency (matplotlib brings it); nbclient's bound admits 0.11."""
    names = {canonicalize_name(Requirement(r).name) for r in PROJECT["dependencies"]}
    assert "numpy" not in names
    assert "jupyterlab" not in names and "sphinx" not in names
    (nbclient,) = [r for r in _wanted() if r.name == "nbclient"]
    assert nbclient.specifier.contains("0.11.0")
