"""annotate.reading.mirrors: mirror packages are found through the entry-point group, and a
missing or broken one is a clear error, not an ImportError from deep inside."""

from __future__ import annotations

import sys
import types
from importlib.metadata import EntryPoint

import pytest

from annotate.cli import main
from annotate.reading import mirrors


def _declare(monkeypatch: pytest.MonkeyPatch, *points: EntryPoint) -> None:
    def entry_points(group: str) -> list[EntryPoint]:
        return [ep for ep in points if ep.group == group]

    monkeypatch.setattr(mirrors, "entry_points", entry_points)


def test_the_installed_project_declares_reference_impl():
    found = dict(mirrors.sources())
    assert "reference_impl" in found
    assert found["reference_impl"].__name__ == "reference_impl.mirrors"
    mirrors.import_all(strict=True)
    declared = mirrors.registry()
    assert any(m.python_name == "reference_impl.eviction.helpers.thresholds_met" for m in declared)


def test_no_mirror_package_is_a_clear_error(monkeypatch):
    _declare(monkeypatch)
    with pytest.raises(mirrors.NoMirrors, match=r"no mirror package is installed.*k8s_reading_kit"):
        mirrors.registry()


def test_annotate_mirrors_without_a_mirror_package_exits_cleanly(monkeypatch, capsys):
    _declare(monkeypatch)
    assert main(["mirrors"]) != 0
    err = capsys.readouterr().err
    assert err.startswith("annotate mirrors: error: no mirror package is installed")
    assert "Traceback" not in err


def test_a_declared_package_that_cannot_be_imported_is_named(monkeypatch):
    _declare(monkeypatch, EntryPoint("ghost", "no_such_mirror_pkg.mirrors", mirrors.GROUP))
    with pytest.raises(mirrors.NoMirrors, match=r"'ghost'.*no_such_mirror_pkg.mirrors.*cannot"):
        mirrors.sources()


def test_a_declared_object_without_the_protocol_is_named(monkeypatch):
    module = types.ModuleType("half_mirrors")
    module.registry = list  # type: ignore[attr-defined]  # but no import_all
    monkeypatch.setitem(sys.modules, "half_mirrors", module)
    _declare(monkeypatch, EntryPoint("half", "half_mirrors", mirrors.GROUP))
    with pytest.raises(mirrors.NoMirrors, match=r"'half': half_mirrors has no import_all"):
        mirrors.sources()


def test_declarations_of_every_source_are_gathered(monkeypatch):
    def source(name: str, symbols: list[str]) -> types.ModuleType:
        module = types.ModuleType(name)
        module.import_all = lambda strict=True: []  # type: ignore[attr-defined]
        module.registry = lambda: [  # type: ignore[attr-defined]
            types.SimpleNamespace(go_symbol=s, python_name=f"{name}.f", package="p", corpus=None)
            for s in symbols
        ]
        monkeypatch.setitem(sys.modules, name, module)
        return module

    source("mirrors_a", ["p.A"])
    source("mirrors_b", ["p.B", "p.C"])
    _declare(
        monkeypatch,
        EntryPoint("b", "mirrors_b", mirrors.GROUP),
        EntryPoint("a", "mirrors_a", mirrors.GROUP),
        EntryPoint("a", "mirrors_a", mirrors.GROUP),  # the same distribution seen twice
        EntryPoint("other", "mirrors_b", "some.other.group"),
    )
    assert [m.go_symbol for m in mirrors.registry()] == ["p.A", "p.B", "p.C"]
