"""Table rows from the resolver's output: symbol ids, and edges and unresolved calls
keyed by them.

The resolver names symbols by string; the index stores integer ids.  Whoever turns
names into ids owns the id space, so it is one object, :class:`Rows`, fed in the order
the resolver produces (symbols, then the call sites settled in the first round, then
the remaining edges and the unresolved calls) -- ids then come out the same wherever
it runs.  It runs in the writer process for big corpora (:mod:`annotate.index.dbwriter`):
expanding ~8e5 edges from ~4.6e5 call sites is work that process has time for while
the builder resolves calls, and the builder sends one record per site instead of
building every row twice (once by name, once by id).  For small corpora the index
builder uses it directly.
"""

from __future__ import annotations

from collections.abc import Iterable

from annotate.resolve.model import Edge, SettledSite, SymbolRow

# Statements for the rows each method returns (the index's table layouts).
SYMBOLS = "INSERT INTO symbols VALUES (?,?,?,?,?,?,?,?,?,?,?)"
EDGES = "INSERT INTO edges VALUES (?,?,?,?,?,?,?,?)"
UNRESOLVED = "INSERT INTO unresolved VALUES (?,?,?,?,?,?)"

# An unresolved call, as a plain tuple (it crosses to the writer process with marshal):
# (caller, callee text, reason, file, line, col).
UnresolvedRow = tuple[str, str, str, str, int, int]


class Rows:
    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self._extra: list[tuple] = []  # symbols first met as callers or callees

    def symbols(self, records: Iterable[SymbolRow]) -> list[tuple]:
        """Rows of declared symbols (a symbol declared twice keeps its first row)."""
        ids = self.ids
        rows: list[tuple] = []
        for rec in records:
            if rec[0] not in ids:
                ids[rec[0]] = sid = len(ids) + 1
                rows.append((sid, *rec, 0))
        return rows

    def sites(self, sites: Iterable[SettledSite]) -> list[tuple]:
        """Edge rows of call sites: one per callee of each site."""
        get, new_id = self.ids.get, self._new_id
        rows: list[tuple] = []
        append = rows.append
        for caller, targets, mode, path, line, col in sites:
            caller_id = get(caller) or new_id(caller, "init")
            for callee, dispatch, via in targets:
                callee_id = get(callee) or new_id(callee, "external")
                append((caller_id, callee_id, dispatch, via, mode, path, line, col))
        return rows

    def edges(self, edges: Iterable[Edge]) -> list[tuple]:
        """Edge rows of single edges."""
        get, new_id = self.ids.get, self._new_id
        return [
            (
                get(e[0]) or new_id(e[0], "init"),
                get(e[1]) or new_id(e[1], "external"),
                e[2],
                e[3],
                e[4],
                e[5],
                e[6],
                e[7],
            )
            for e in edges
        ]

    def unresolved(self, calls: Iterable[UnresolvedRow]) -> list[tuple]:
        get, new_id = self.ids.get, self._new_id
        return [(get(u[0]) or new_id(u[0], "init"), *u[1:]) for u in calls]

    def extra(self, _unused: object = None) -> list[tuple]:
        """Rows of the symbols first met in edges or unresolved calls (package-level
        `init` code as a caller, external functions as callees); once, at the end."""
        rows, self._extra = self._extra, []
        return rows

    def _new_id(self, sym: str, kind: str) -> int:
        found = self.ids[sym] = len(self.ids) + 1
        external = 1 if kind == "external" else 0
        self._extra.append(
            (found, sym, kind, _pkg_of(sym), _short(sym), None, None, None, None, "", external)
        )
        return found


def _pkg_of(sym: str) -> str:
    core = sym.lstrip("(*").split(")")[0] if sym.startswith("(") else sym
    head, _, _name = core.rpartition("/")
    tail = _name.split(".", 1)[0]
    return f"{head}/{tail}" if head else tail


def _short(sym: str) -> str:
    if sym.startswith("("):
        recv, _, meth = sym.partition(").")
        return f"{recv.rsplit('.', 1)[-1]}.{meth}"
    return sym.rsplit("/", 1)[-1].split(".", 1)[-1]
