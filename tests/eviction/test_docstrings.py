"""Every public function and class of the eviction mirror (and of the kubelet, scheduler,
clock, feature-gate and quantity modules it leans on) carries a runnable example, and so
does every public method of ``Manager``.

The examples run under ``pytest --doctest-modules reference_impl``; this test keeps a new
public def from arriving without one.  Tooling around the mirror is out of scope: the replay
package, the plot, the simulator, scenarios, ``explain`` and ``__main__``.
"""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path
from typing import Any

import pytest

import reference_impl
from reference_impl.eviction.eviction_manager import Manager

_ROOT = Path(reference_impl.__file__).parent
_NOT_MIRROR = {"plot", "simulator", "scenario", "explain", "__main__", "__init__"}


def _module_names() -> list[str]:
    files = [
        *(p for p in sorted((_ROOT / "eviction").glob("*.py")) if p.stem not in _NOT_MIRROR),
        *sorted((_ROOT / "kubelet").glob("*.py")),
        *sorted((_ROOT / "scheduler").glob("*.py")),
        _ROOT / "clock.py",
        _ROOT / "features.py",
        _ROOT / "quantity.py",
    ]
    return [
        ".".join(("reference_impl", *p.relative_to(_ROOT).with_suffix("").parts))
        for p in files
        if p.stem != "__init__"
    ]


MODULES = _module_names()


def _public_defs(mod: Any) -> list[tuple[str, str]]:
    """(name, docstring) of each public function and class defined in ``mod``.

    >>> import reference_impl.clock as c
    >>> "FakeClock" in dict(_public_defs(c))
    True
    """
    out = []
    for n, obj in vars(mod).items():
        if n.startswith("_") or getattr(obj, "__module__", None) != mod.__name__:
            continue
        if inspect.isfunction(obj) and obj.__name__ == n:
            out.append((n, obj.__doc__ or ""))
        elif inspect.isclass(obj):
            out.append((n, obj.__dict__.get("__doc__") or ""))
    return out


def test_the_module_list_covers_the_mirror() -> None:
    assert "reference_impl.eviction.eviction_manager" in MODULES
    assert "reference_impl.eviction.walkthrough" in MODULES
    assert "reference_impl.scheduler.predicates" in MODULES
    assert not any(".replay" in m or m.endswith(".simulator") for m in MODULES)


@pytest.mark.parametrize("modname", MODULES)
def test_every_public_function_and_class_has_an_example(modname: str) -> None:
    mod = importlib.import_module(modname)
    missing = [name for name, doc in _public_defs(mod) if ">>>" not in doc]
    assert missing == []


def test_every_public_method_of_the_manager_has_an_example() -> None:
    methods = [
        (n, m) for n, m in vars(Manager).items() if inspect.isfunction(m) and not n.startswith("_")
    ]
    assert {"admit", "start", "synchronize", "evict_pod"} <= {n for n, _ in methods}
    missing = [n for n, m in methods if ">>>" not in (m.__doc__ or "")]
    assert missing == []
