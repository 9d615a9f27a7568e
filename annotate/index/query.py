"""Read-only queries over a built index: symbols, callers, callees, reachability, paths.

Symbols are accepted in full go/ssa form or by an unambiguous suffix
(``managerImpl.synchronize``, ``eviction.thresholdsMet``); an ambiguous suffix
raises :class:`AmbiguousSymbol` listing the candidates.
"""

from __future__ import annotations

import json
import re
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from annotate.errors import UserError
from annotate.index.build import connect_readonly


class SymbolNotFound(UserError):
    pass


class AmbiguousSymbol(UserError):
    def __init__(self, query: str, candidates: list[str]) -> None:
        shown = "\n  ".join(candidates[:30])
        more = f"\n  ... and {len(candidates) - 30} more" if len(candidates) > 30 else ""
        super().__init__(f"{query!r} is ambiguous; candidates:\n  {shown}{more}")
        self.candidates = candidates


@dataclass(frozen=True)
class Symbol:
    id: int
    sym: str
    kind: str
    pkg: str
    name: str
    file: str | None
    start: int | None
    end: int | None
    doc: str
    external: bool


@dataclass(frozen=True)
class CallEdge:
    caller: Symbol
    callee: Symbol
    dispatch: str
    via: str
    mode: str
    file: str
    line: int
    col: int

    @property
    def kind(self) -> str:
        return self.dispatch if self.mode == "call" else f"{self.dispatch}+{self.mode}"


_SYM_COLS = "id, sym, kind, pkg, name, file, start, end_line, doc, external"


def _symbol(row: tuple) -> Symbol:
    return Symbol(
        row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8] or "", bool(row[9])
    )


def normalize(query: str) -> str:
    """Accept ``(*managerImpl).synchronize`` / ``managerImpl.synchronize`` spellings alike."""
    return query.strip().replace("(*", "").replace("(", "").replace(")", "")


class Index:
    """An open index database."""

    def __init__(self, db_path: Path) -> None:
        if not db_path.exists():
            raise UserError(f"no index at {db_path}; run `annotate index` first")
        self.path = db_path
        self.conn = connect_readonly(db_path)
        self._by_id: dict[int, Symbol] = {}

    def close(self) -> None:
        self.conn.close()

    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    # -- symbols ------------------------------------------------------------

    def symbol_by_id(self, sid: int) -> Symbol:
        if sid not in self._by_id:
            row = self.conn.execute(
                f"SELECT {_SYM_COLS} FROM symbols WHERE id = ?", (sid,)
            ).fetchone()
            self._by_id[sid] = _symbol(row)
        return self._by_id[sid]

    def search(
        self, pattern: str, kinds: tuple[str, ...] = (), external: bool = False
    ) -> list[Symbol]:
        """Symbols whose full name matches a glob (``*``, ``?``) or contains ``pattern``."""
        if any(c in pattern for c in "*?["):
            rows = self.conn.execute(
                f"SELECT {_SYM_COLS} FROM symbols WHERE sym GLOB ?", (pattern,)
            )
        else:
            rows = self.conn.execute(
                f"SELECT {_SYM_COLS} FROM symbols WHERE instr(sym, ?) > 0", (pattern,)
            )
        out = [_symbol(r) for r in rows]
        if kinds:
            out = [s for s in out if s.kind in kinds]
        if not external:
            out = [s for s in out if not s.external]
        return sorted(out, key=lambda s: s.sym)

    def resolve(self, query: str) -> Symbol:
        """The one symbol named ``query`` in full or by unambiguous suffix."""
        row = self.conn.execute(
            f"SELECT {_SYM_COLS} FROM symbols WHERE sym = ?", (query,)
        ).fetchone()
        if row:
            return _symbol(row)
        want = normalize(query)
        last = re.split(r"[./]", want)[-1]
        rows = self.conn.execute(
            f"SELECT {_SYM_COLS} FROM symbols WHERE name = ? OR name LIKE ?", (last, f"%.{last}")
        )
        cands = [_symbol(r) for r in rows]
        cands += [
            _symbol(r)
            for r in self.conn.execute(
                f"SELECT {_SYM_COLS} FROM symbols WHERE kind = 'closure' AND sym LIKE ?",
                (f"%{last}",),
            )
        ]
        hits = {}
        for s in cands:
            norm = normalize(s.sym)
            if norm == want or norm.endswith("/" + want) or norm.endswith("." + want):
                hits[s.sym] = s
        if len(hits) == 1:
            return next(iter(hits.values()))
        if len(hits) > 1:
            internal = [s for s in hits.values() if not s.external]
            if len(internal) == 1:
                return internal[0]
            raise AmbiguousSymbol(query, sorted(hits))
        raise SymbolNotFound(f"no symbol matches {query!r}; try `annotate symbols '*{last}*'`")

    # -- edges --------------------------------------------------------------

    def _edges(self, where: str, sid: int) -> list[CallEdge]:
        rows = self.conn.execute(
            "SELECT caller, callee, dispatch, via, mode, file, line, col FROM edges"
            f" WHERE {where} = ? ORDER BY file, line, col",
            (sid,),
        )
        return [CallEdge(self.symbol_by_id(r[0]), self.symbol_by_id(r[1]), *r[2:]) for r in rows]

    def callees(self, sym: Symbol, external: bool = True) -> list[CallEdge]:
        return [e for e in self._edges("caller", sym.id) if external or not e.callee.external]

    def callers(self, sym: Symbol) -> list[CallEdge]:
        return self._edges("callee", sym.id)

    def all_edges(self, external: bool = False) -> list[CallEdge]:
        rows = self.conn.execute(
            "SELECT caller, callee, dispatch, via, mode, file, line, col FROM edges"
            " ORDER BY file, line, col, rowid"
        )
        out = [CallEdge(self.symbol_by_id(r[0]), self.symbol_by_id(r[1]), *r[2:]) for r in rows]
        return [e for e in out if external or not e.callee.external]

    def reach(
        self, sym: Symbol, depth: int, direction: str = "callees", external: bool = True
    ) -> dict[int, int]:
        """Symbols reachable within ``depth`` calls: symbol id -> distance."""
        seen = {sym.id: 0}
        frontier = deque([sym.id])
        while frontier:
            sid = frontier.popleft()
            d = seen[sid]
            if d >= depth:
                continue
            for nid in self._neighbours(sid, direction):
                if nid not in seen and (external or not self.symbol_by_id(nid).external):
                    seen[nid] = d + 1
                    frontier.append(nid)
        return seen

    def _neighbours(self, sid: int, direction: str) -> list[int]:
        out: list[int] = []
        if direction in ("callees", "both"):
            out += [
                r[0] for r in self.conn.execute("SELECT callee FROM edges WHERE caller = ?", (sid,))
            ]
        if direction in ("callers", "both"):
            out += [
                r[0] for r in self.conn.execute("SELECT caller FROM edges WHERE callee = ?", (sid,))
            ]
        return out

    def paths(
        self, src: Symbol, dst: Symbol, max_depth: int = 8, limit: int = 10
    ) -> list[list[Symbol]]:
        """Shortest call paths from ``src`` to ``dst`` (breadth-first, up to ``limit``)."""
        # Distances to dst (backwards BFS) prune the forward search to useful nodes.
        to_dst = self.reach(dst, max_depth, "callers")
        if src.id not in to_dst:
            return []
        out: list[list[int]] = []

        def walk(path: list[int]) -> None:
            if len(out) >= limit:
                return
            here = path[-1]
            if here == dst.id:
                out.append(list(path))
                return
            remaining = to_dst[here]
            for nid in sorted(set(self._neighbours(here, "callees"))):
                if nid in to_dst and to_dst[nid] == remaining - 1 and nid not in path:
                    path.append(nid)
                    walk(path)
                    path.pop()

        walk([src.id])
        return [[self.symbol_by_id(i) for i in p] for p in out]

    # -- files --------------------------------------------------------------

    def file_problems(self) -> list[tuple[str, str, str]]:
        """(path, "excluded"|"error", reason) for every excluded or erroneous file."""
        out: list[tuple[str, str, str]] = []
        for path, excluded, errors in self.conn.execute(
            "SELECT path, excluded, errors FROM files ORDER BY path"
        ):
            if excluded:
                out.append((path, "excluded", excluded))
            for err in json.loads(errors or "[]"):
                out.append((path, "error", err))
        return out

    def unresolved(self, sym: Symbol | None = None) -> list[tuple[str, str, str, str, int]]:
        sql = (
            "SELECT s.sym, u.callee_text, u.reason, u.file, u.line FROM unresolved u "
            "JOIN symbols s ON s.id = u.caller"
        )
        params: tuple = ()
        if sym is not None:
            sql += " WHERE u.caller = ?"
            params = (sym.id,)
        return list(self.conn.execute(sql + " ORDER BY u.file, u.line, u.col, u.rowid", params))
