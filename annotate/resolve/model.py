"""The resolver's data model: inputs, declarations, resolved types, outputs.

Shared by :mod:`annotate.resolve.types` (type inference), :mod:`annotate.resolve.flow`
(function values) and :mod:`annotate.resolve.resolver` (calls), which only pass these
around.  Resolved types are plain tuples tagged by their first element:
``("N", pkg, name)`` named, ``("P", t)`` pointer, ``("S", t)`` slice or array,
``("M", k, v)`` map, ``("C", t)`` channel, ``("F", params, results, variadic)``,
``("ST", fields)`` struct, ``("I", methods, embeds)`` interface, ``("B", name)``
basic, ``("U", name)`` unknown name, ``("X", pkg, name)`` member of a package
outside the corpus, ``("?",)`` unknown, ``("TYPE", t)`` a type used as a value.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

Json = Any
Type = tuple  # resolved types, see the module docstring
# A call site's outcome: its targets ((callee, how), ...), or why it has none (None:
# not a call at all, e.g. a conversion).
Outcome = tuple[tuple[str, str], ...] | str | None

BUILTIN_FUNCS = frozenset(
    [
        "append",
        "cap",
        "clear",
        "close",
        "complex",
        "copy",
        "delete",
        "imag",
        "len",
        "make",
        "max",
        "min",
        "new",
        "panic",
        "print",
        "println",
        "real",
        "recover",
    ]
)
BUILTIN_TYPES = frozenset(
    [
        "bool",
        "byte",
        "complex64",
        "complex128",
        "error",
        "float32",
        "float64",
        "int",
        "int8",
        "int16",
        "int32",
        "int64",
        "rune",
        "string",
        "uint",
        "uint8",
        "uint16",
        "uint32",
        "uint64",
        "uintptr",
        "any",
        "comparable",
    ]
)
END = 1 << 62  # a position after every declaration (package-level code, returns)
ERROR_IFACE: Type = ("I", (("Error", ("F", (), (("B", "string"),), False)),), ())
UNKNOWN: Type = ("?",)


@dataclass(slots=True)
class FileInput:
    path: str  # repository-relative
    pkg_path: str  # Go import path of the file's package
    facts: dict[str, Json]


@dataclass(slots=True)
class Func:
    idx: int
    sym: str
    pkg: str
    file: str
    rec: dict[str, Json]
    parent: Func | None
    imports: dict[str, str]
    locals: dict[str, list[list[Json]]] = field(default_factory=dict)
    kind: str = "func"
    ftype: Type | None = None  # memo of func_type


@dataclass(slots=True)
class TypeDecl:
    pkg: str
    name: str
    texpr: Json
    file: str
    imports: dict[str, str]
    rec: dict[str, Json]
    methods: dict[str, Func] = field(default_factory=dict)
    resolved: Type | None = None  # memo of the resolved declared type


@dataclass(slots=True)
class Package:
    path: str
    name: str
    funcs: dict[str, Func] = field(default_factory=dict)  # top-level functions by name
    types: dict[str, TypeDecl] = field(default_factory=dict)
    values: dict[str, tuple[dict[str, Json], str, dict[str, str]]] = field(default_factory=dict)


# One resolved call edge: (caller, callee, dispatch, via, mode, file, line, col), where
# dispatch is static | dynamic, via is call | interface | funcvalue | closure (call for an
# external callee) and mode is call | go | defer.  A plain tuple, not a class: the full
# kubernetes tree has ~8e5 edges, streamed straight into SQLite rows.
Edge = tuple[str, str, str, str, str, str, int, int]


# A call site whose edges are final after the first round of resolution:
# (caller, ((callee, dispatch, via), ...), mode, file, line, col) -- one record per
# site, however many callees (annotate.index.rows makes the edge rows).
SettledSite = tuple[str, tuple[tuple[str, str, str], ...], str, str, int, int]


# One declared symbol: (sym, kind, pkg, name, recv, file, start, end, doc).
SymbolRow = tuple[str, str, str, str, str | None, str, int, int, str]


@dataclass(frozen=True, slots=True)
class Unresolved:
    caller: str
    callee_text: str
    reason: str
    file: str
    line: int
    col: int


@dataclass
class Result:
    symbols: Iterator[SymbolRow]  # lazily, like the edges
    edges: Iterator[Edge]  # produced lazily: the full tree has ~10^6 of them
    unresolved: list[Unresolved]
    # The resolver behind the lazy edges (its facts and caches), for a caller that
    # would rather not pay for freeing it: see index.leave_heap_to_exit.
    state: object = None


def render(e: Json) -> str:
    """Short source-like text of an encoded expression (for unresolved calls)."""
    if not isinstance(e, (list, tuple)) or not e:
        return "?"
    tag = e[0]
    if tag == "id":
        return e[1]
    if tag == "sel":
        return f"{render(e[1])}.{e[2]}"
    if tag == "call":
        return f"{render(e[1])}(...)"
    if tag == "index":
        return f"{render(e[1])}[...]"
    if tag in ("addr", "deref"):
        return ("&" if tag == "addr" else "*") + render(e[1])
    if tag == "assert":
        return f"{render(e[1])}.(...)"
    if tag == "lit":
        return "func literal"
    return tag


def lookup_local(fn: Func | None, name: str, line: int) -> tuple[Func, list[Json]] | None:
    """The innermost declaration of ``name`` visible at ``line`` (latest one before it)."""
    while fn is not None:
        entries = fn.locals.get(name)
        if entries:
            best = None
            for entry in entries:
                if entry[2] < line:  # visible once its declaration has ended (params: 0)
                    best = entry
            if best is not None:
                return fn, best
        fn = fn.parent
    return None


def compatible(a: Type, b: Type) -> bool:
    """Structural equality where unknown parts match anything (we under-approximate types)."""
    if a == b or a[0] in ("?", "U", "X") or b[0] in ("?", "U", "X"):
        return True
    if a[0] != b[0] or len(a) != len(b):
        return False
    for x, y in zip(a[1:], b[1:], strict=True):
        if isinstance(x, tuple) and isinstance(y, tuple):
            if x and isinstance(x[0], str):
                if not compatible(x, y):
                    return False
            elif len(x) != len(y) or not all(compatible(p, q) for p, q in zip(x, y, strict=True)):
                return False
        elif x != y:
            return False
    return True


def show_type(t: Type) -> str:
    if t[0] == "N":
        return f"{t[1]}.{t[2]}"
    if t[0] == "P":
        return "*" + show_type(t[1])
    return t[0]


_HELPER_ELEMENTS = frozenset({"testing", "fake", "fakes", "testutil", "testutils", "testhelpers"})


@cache
def is_test_helper(pkg_path: str) -> bool:
    """A package that only tests import: ``.../testing``, ``.../fake``, ``.../testutil``."""
    return any(part in _HELPER_ELEMENTS for part in pkg_path.split("/"))
