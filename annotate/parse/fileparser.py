"""The state of one file's walk: its source, its functions (with the enclosing-function
index every record needs), and doc comments; and the glue every encoder uses -- handler
tables and building through the text caches."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from typing import Any

import tree_sitter as ts

from annotate.parse.syntax import F_OPERATOR, K_COMMENT, Json
from annotate.parse.textcache import _MISS, _NAMES, _PURE_MAX, _TOO_LONG, _long_text, _name


class FileParser:
    """Walks one parsed file's query captures and builds its facts."""

    def __init__(self, tree: ts.Tree, source: bytes) -> None:
        self.root = tree.root_node
        self.src = source
        # No node of a tree without syntax errors has one: hot loops test this first.
        self.dirty: bool = self.root.has_error
        self.funcs: list[dict[str, Json]] = []
        self.fn_of_node: dict[int, int] = {}  # func node id -> index in funcs
        self.init_fn: int | None = None  # synthetic holder of package-level closures
        self.children_count: dict[int, int] = {}
        # node id -> encoding, for nodes whose encoding is not cached by text and that
        # more than one record mentions (calls and composite literals).
        self._by_node: dict[int, Json] = {}
        self._top_kids: list[ts.Node] | None = None  # the root's children (see _locate)
        self._top_starts: list[int] = []
        self._indexed: dict[int, tuple[list[ts.Node], dict[int, int]]] = {}

    def text(self, node: ts.Node | None) -> str:
        if node is None:
            return ""
        raw = self.src[node.start_byte : node.end_byte]
        return _NAMES.get(raw) or _name(raw)

    # -- enclosing function -------------------------------------------------

    def set_functions(self, nodes: list[ts.Node]) -> None:
        """Index function intervals (sorted by start) with their enclosing interval, so
        :meth:`enclosing` is a bisect plus a short walk instead of a walk up the tree."""
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._parents: list[int] = []  # index of the enclosing interval, or -1
        stack: list[int] = []
        ends = self._ends
        for i, n in enumerate(nodes):
            end = n.end_byte
            while stack and ends[stack[-1]] < end:
                stack.pop()
            self._starts.append(n.start_byte)
            ends.append(end)
            self._parents.append(stack[-1] if stack else -1)
            stack.append(i)
        self._slot = {n.id: i for i, n in enumerate(nodes)}
        self._fn_at: list[int | None] = [None] * len(nodes)  # interval -> index in funcs

    def enclosing(self, node: ts.Node) -> int | None:
        """Index of the innermost function containing ``node`` (None: package level)."""
        i = bisect_left(self._starts, node.start_byte) - 1  # strictly before: not itself
        if i < 0:
            return None
        end = node.end_byte
        ends, parents = self._ends, self._parents
        while i >= 0:
            if ends[i] >= end:
                return self._fn_at[i]
            i = parents[i]
        return None

    def enclosing_all(self, nodes: list[ts.Node]) -> list[int | None]:
        """:meth:`enclosing` of each node, in one call (the loops over captures are hot)."""
        starts, ends, parents, fn_at = self._starts, self._ends, self._parents, self._fn_at
        out: list[int | None] = []
        append = out.append
        for node in nodes:
            i = bisect_left(starts, node.start_byte) - 1
            stop = node.end_byte
            while i >= 0 and ends[i] < stop:
                i = parents[i]
            append(fn_at[i] if i >= 0 else None)
        return out

    def enclosing_or_init(self, node: ts.Node) -> int:
        fn = self.enclosing(node)
        if fn is not None:
            return fn
        return self.init()

    def init(self) -> int:
        if self.init_fn is None:
            # go/ssa puts package-level initializer code (and its closures) in `init`.
            self.init_fn = self._add_fn(
                {"name": "init", "recv": None, "ptr": False, "parent": None, "synthetic": True}
            )
        return self.init_fn

    def _add_fn(self, rec: dict[str, Json]) -> int:
        rec.setdefault("params", [])
        rec.setdefault("results", [])
        rec.setdefault("variadic", False)
        rec.setdefault("locals", [])
        rec.setdefault("doc", "")
        rec.setdefault("start", 0)
        rec.setdefault("end", 0)
        rec.setdefault("col", 0)
        self.funcs.append(rec)
        return len(self.funcs) - 1

    def register(self, node: ts.Node, rec: dict[str, Json]) -> None:
        idx = self.fn_of_node[node.id] = self._add_fn(rec)
        self._fn_at[self._slot[node.id]] = idx

    # -- doc comments -------------------------------------------------------
    #
    # Node.prev_sibling and Node.parent start from the root and scan its children, so
    # on a file with many top-level declarations each call costs time linear in their
    # number.
    # Declarations sit at most two levels below the root: their siblings are taken
    # from the root's children list (fetched once per file) and one or two lists below.

    def _locate(self, node: ts.Node) -> tuple[ts.Node, list[ts.Node], int, Any, int] | None:
        """(parent, its children, index of ``node`` in them, the parent's siblings, index
        of the parent in those), or None if ``node`` is not within two levels of the root
        (only in broken files)."""
        if self._top_kids is None:
            self._top_kids = self.root.children
            self._top_starts = [k.start_byte for k in self._top_kids]
        kids = self._top_kids
        j = bisect_right(self._top_starts, node.start_byte) - 1
        if j < 0:
            return None
        top, nid = kids[j], node.id
        if top.id == nid:
            return self.root, kids, j, None, -1
        # a spec in a declaration (possibly in a group: var_spec_list); the children of
        # a declaration are indexed once, as groups can hold thousands of specs
        inner, index = self._children_index(top)
        k = index.get(nid)
        if k is not None:
            return top, inner, k, kids, j
        start, end = node.start_byte, node.end_byte
        for k, child in enumerate(inner):
            if child.start_byte <= start and end <= child.end_byte:
                deeper, index = self._children_index(child)
                m = index.get(nid)
                return None if m is None else (child, deeper, m, inner, k)
        return None

    def _children_index(self, node: ts.Node) -> tuple[list[ts.Node], dict[int, int]]:
        found = self._indexed.get(node.id)
        if found is None:
            kids = node.children
            found = self._indexed[node.id] = (kids, {c.id: i for i, c in enumerate(kids)})
        return found

    def _may_have_doc(self, node: ts.Node) -> bool:
        # A doc comment ends on the line above, so that line holds "//" or "*/"; most
        # declarations without one are told apart from the source alone.
        src = self.src
        line_start = src.rfind(b"\n", 0, node.start_byte) + 1
        if line_start == 0:
            return False
        above = src[src.rfind(b"\n", 0, line_start - 1) + 1 : line_start - 1]
        return b"//" in above or b"*/" in above

    def _doc_at(self, siblings: list[ts.Node], index: int, node: ts.Node) -> str:
        """The comment block directly above ``node`` = ``siblings[index]`` (Go's doc
        comment rule): comments that are its previous siblings, each ending on the line
        above the next."""
        if not self._may_have_doc(node):
            return ""
        return self._doc_scan(siblings, index, node)

    def _doc_scan(self, siblings: list[ts.Node], index: int, node: ts.Node) -> str:
        src = self.src
        spans: list[tuple[int, int]] = []
        below = node.start_byte
        while index > 0:
            index -= 1
            prev = siblings[index]
            # The rows between two positions are the newlines between them, so "ends on
            # the line above" needs no Node.start_point / end_point.
            if prev.kind_id not in K_COMMENT or src.count(b"\n", prev.end_byte, below) != 1:
                break
            below = prev.start_byte
            spans.append((below, prev.end_byte))
        return "\n".join([src[a:b].decode("utf-8", "replace") for a, b in reversed(spans)])

    def _doc_walk(self, node: ts.Node) -> str:
        """_doc_at through Node.prev_sibling, for nodes _locate does not find."""
        lines: list[str] = []
        expect = node.start_point[0] - 1
        prev = node.prev_sibling
        while prev is not None and prev.kind_id in K_COMMENT and prev.end_point[0] == expect:
            lines.append(_long_text(self.src[prev.start_byte : prev.end_byte]))
            expect = prev.start_point[0] - 1
            prev = prev.prev_sibling
        return "\n".join(reversed(lines))

    def doc(self, node: ts.Node) -> str:
        """The comment block directly above a declaration."""
        if not self._may_have_doc(node):
            return ""
        loc = self._locate(node)
        return self._doc_walk(node) if loc is None else self._doc_scan(loc[1], loc[2], node)

    def decl_doc(self, node: ts.Node) -> str:
        # type_spec / var_spec inside "type ( ... )": doc on the spec, else on the
        # declaration.
        loc = self._locate(node)
        if loc is None:
            doc = self._doc_walk(node) if self._may_have_doc(node) else ""
            if not doc:
                parent = node.parent
                if parent is not None and parent.type.endswith("_declaration"):
                    doc = self.doc(parent)
            return doc
        parent, siblings, index, parent_siblings, parent_index = loc
        doc = self._doc_at(siblings, index, node)
        if not doc and parent.type.endswith("_declaration"):
            doc = self._doc_at(parent_siblings, parent_index, parent)
        return doc


Handler = Callable[[FileParser, ts.Node], Json]


def _const(value: Json) -> Handler:
    return lambda _fp, _node: value


def _operator(fp: FileParser, node: ts.Node) -> bytes:
    op = node.child_by_field_id(F_OPERATOR)
    return b"" if op is None else fp.src[op.start_byte : op.end_byte]


# Whether parts can be cached by their text (see above), written out where used:
#   len(raw) <= _PURE_MAX and b"{" not in raw and b"func" not in raw
# and for types (which never encode a func literal) without the "func" test.


def _cached(
    fp: FileParser, node: ts.Node, cache: dict[bytes, Json], build: Handler, is_type: bool = False
) -> Json:
    """``build(fp, node)``, through ``cache`` (see above)."""
    start, end = node.start_byte, node.end_byte
    raw = fp.src[start:end] if end - start <= _PURE_MAX else _TOO_LONG
    out = cache.get(raw, _MISS)
    if out is _MISS or node.has_error:
        out = _fill(fp, node, raw, cache, build, is_type)
    return out


def _fill(
    fp: FileParser,
    node: ts.Node,
    raw: bytes,
    cache: dict[bytes, Json],
    build: Handler,
    is_type: bool = False,
) -> Json:
    """``build(fp, node)``, kept in ``cache`` under ``raw`` (its text) if it may be."""
    out = build(fp, node)
    if (
        len(raw) <= _PURE_MAX
        and b"{" not in raw
        and (is_type or b"func" not in raw)
        and not node.has_error
    ):
        cache[raw] = out
    return out
