"""The ``@mirrors`` declaration: which Go symbol a piece of Python mirrors.

Names use the go/ssa form printed by ``golang.org/x/tools/cmd/callgraph``::

    k8s.io/kubernetes/pkg/kubelet/eviction.thresholdsMet
    (*k8s.io/kubernetes/pkg/kubelet/eviction.managerImpl).synchronize
    (k8s.io/kubernetes/pkg/kubelet/eviction.byEvictionPriority).Less

The registry is filled at import time, so a checker (or a notebook) imports
the mirror modules and then asks :func:`registry` what is declared.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")

# Import-path roots of the locked corpora (see sources.toml).  A mirror's Go
# symbol names its corpus through its package path.
CORPUS_ROOTS = {
    "k8s.io/kubernetes": "kubernetes",
    "github.com/coreos/etcd-operator": "etcd-operator",
}

# regex: parses go/ssa names, not a Go regexp. \w stays Unicode on purpose: Go identifiers
# may hold any Unicode letter or digit (unicode.IsLetter / IsDigit), as Python's \w does.
# Used with fullmatch (no '$'-before-newline laxity); case-sensitive like Go names.
_SSA_NAME = re.compile(
    r"""^(?:
        \(\*?(?P<recv_pkg>[\w./-]+)\.(?P<recv>\w+)\)\.(?P<method>\w+)   # (T).M or (*T).M
      | (?P<pkg>[\w./-]+)\.(?P<func>\w+)                                 # pkg.F
    )(?P<closure>(?:\$\d+)*)(?P<init>(?:\#\d+)?)   # closures $1$2; package init blocks init#1""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class Mirror:
    """One declaration: the Go symbol and the Python object that mirrors it."""

    go_symbol: str
    python_name: str  # module.qualname
    package: str  # Go import path of the symbol's package
    corpus: str | None  # locked corpus the package belongs to, if any


_REGISTRY: list[Mirror] = []


def parse_go_symbol(go_symbol: str) -> str:
    """Return the Go package import path of a go/ssa symbol name, or raise ValueError."""
    m = _SSA_NAME.fullmatch(go_symbol)
    if not m:
        raise ValueError(f"not a go/ssa symbol name: {go_symbol!r}")
    return m.group("recv_pkg") or m.group("pkg")


def corpus_of(package: str) -> str | None:
    for root, corpus in CORPUS_ROOTS.items():
        if package == root or package.startswith(root + "/"):
            return corpus
    return None


def mirrors(go_symbol: str) -> Callable[[T], T]:
    """Declare that the decorated function, method or class mirrors ``go_symbol``.

    The object is returned unchanged apart from a ``__mirrors__`` tuple, so
    decorating costs nothing at call time.  A malformed name fails at import,
    which is where a typo should be caught.
    """
    package = parse_go_symbol(go_symbol)

    def declare(obj: T) -> T:
        python_name = f"{obj.__module__}.{getattr(obj, '__qualname__', repr(obj))}"
        _REGISTRY.append(Mirror(go_symbol, python_name, package, corpus_of(package)))
        previous = getattr(obj, "__mirrors__", ())
        obj.__mirrors__ = (*previous, go_symbol)  # type: ignore[attr-defined]
        return obj

    return declare


def registry() -> list[Mirror]:
    """Every declaration made so far by imported modules."""
    return list(_REGISTRY)


def import_all(strict: bool = True) -> list[str]:
    """Import every module of ``reference_impl`` so that every declaration is registered.

    ``strict``: an import error propagates (a check must not pass by skipping a broken
    mirror).  Otherwise the failing modules are returned, so a notebook view can still
    show the mirrors that do import.
    """
    import importlib
    import pkgutil

    import reference_impl

    failed = []
    for info in pkgutil.walk_packages(reference_impl.__path__, "reference_impl."):
        if info.name.endswith("__main__"):
            continue
        try:
            importlib.import_module(info.name)
        except Exception:
            if strict:
                raise
            failed.append(info.name)
    return failed
