"""Every public function, class and method of the operator mirror says which Go symbol it
mirrors (or "Mirrors nothing: why") and carries a runnable example.

The examples themselves run under ``pytest --doctest-modules reference_impl/operator``; this
test keeps a new public def from arriving without one.
"""

from __future__ import annotations

import importlib
import inspect
import re
from typing import Any

import pytest

from .test_mirrors import MIRROR_MODULES

MODULES = [
    *MIRROR_MODULES,
    "reference_impl.operator.builder",
    "reference_impl.operator.examples",
    # the resource types and interfaces: dataclasses and Protocols are public defs too
    "reference_impl.operator.api.backup_types",
    "reference_impl.operator.api.restore_types",
    "reference_impl.operator.api.meta",
    "reference_impl.operator.backup.reader",
    "reference_impl.operator.backup.writer",
    "reference_impl.operator.etcdutil.client",
]


def _short(sym: str) -> str:
    """The go/ssa name with each package path cut to its last element.

    >>> _short("(*github.com/coreos/etcd-operator/pkg/cluster.Cluster).run")
    '(*cluster.Cluster).run'
    """
    return re.sub(r"github\.com/coreos/etcd-operator/(?:[\w.-]+/)*([\w-]+)\.", r"\1.", sym)


def _defs(mod: Any) -> list[tuple[str, Any, str]]:
    out = []
    for n, obj in vars(mod).items():
        if n.startswith("_") or getattr(obj, "__module__", None) != mod.__name__:
            continue
        if inspect.isfunction(obj) and obj.__name__ == n:
            out.append((n, obj, obj.__doc__ or ""))
        elif inspect.isclass(obj):
            out.append((n, obj, obj.__dict__.get("__doc__") or ""))
            for mn, m in vars(obj).items():
                if isinstance(m, property):
                    m = m.fget
                elif isinstance(m, classmethod | staticmethod):
                    m = m.__func__
                if inspect.isfunction(m) and not mn.startswith("_"):
                    # A Protocol's method is a bare signature: it must still name its Go
                    # method, but its example is the class's (an implementation at work).
                    doc = m.__doc__ or ""
                    if getattr(obj, "_is_protocol", False) and "Mirrors" in doc:
                        doc += obj.__dict__.get("__doc__") or ""
                    out.append((f"{n}.{mn}", m, doc))
    return out


@pytest.mark.parametrize("modname", MODULES)
def test_every_public_def_names_its_go_symbol_and_has_an_example(modname: str) -> None:
    mod = importlib.import_module(modname)
    problems = []
    for name, obj, doc in _defs(mod):
        if "Mirrors" not in doc:
            problems.append(f"{name}: no 'Mirrors ...' in its docstring")
        if ">>>" not in doc:
            problems.append(f"{name}: no example")
        for sym in (
            obj.__dict__.get("__mirrors__", ())
            if inspect.isclass(obj)
            else getattr(obj, "__mirrors__", ())
        ):
            if _short(sym) not in doc:
                problems.append(f"{name}: docstring does not name {_short(sym)}")
    assert problems == []
