"""Per-file Go facts, extracted with tree-sitter-go and one tree-sitter query.

The output is plain data (dicts, lists, tuples, strings, ints) so it can be
cached in SQLite by file hash (with :mod:`marshal`) and sent between worker
processes.  Nothing here knows about other files: names stay as written
(``foo.Bar``), and :mod:`annotate.resolve` turns them into go/ssa symbols.

Expressions and types are encoded as small nested tuples, tagged by their first
element -- see :meth:`_FileParser.expr` and :meth:`_FileParser.texpr`.  Tuples,
not lists: on the full kubernetes tree the facts are held in memory at once, and
tuples are the smaller container.  A sub-expression is built once and shared by
every record that mentions it (marshal keeps the sharing); expressions with the
same source text share one encoding (see "Encoding caches" below).

Speed: extraction runs once per file of the whole tree.  What is extracted from an
expression, statement or signature is cached by its source text across files (see
"encoding caches"); the hot paths work on node kind ids and field ids (not type and
field name strings), slice names out of the source bytes, and dispatch through
tables instead of chains of comparisons; the cyclic GC is off while a file's facts
are built.  Syntax errors come from a second query, run only on trees that have them.
"""

from __future__ import annotations

import gc
import re
import sys
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from functools import cache
from importlib import resources
from operator import attrgetter
from typing import Any

import tree_sitter as ts
import tree_sitter_go as tsgo

Json = Any  # nested lists/dicts of str/int/bool/None

_BASIC: dict[str, str] = {
    "int_literal": "untyped int",
    "float_literal": "untyped float",
    "imaginary_literal": "untyped complex",
    "rune_literal": "untyped rune",
    "interpreted_string_literal": "untyped string",
    "raw_string_literal": "untyped string",
}
# Shared encodings of constants: one object each, however often they occur.
_BASIC_EXPR: dict[str, Json] = {t: ("basic", name) for t, name in _BASIC.items()}
_BASIC_PAIR: dict[str, Json] = {t: (None, e) for t, e in _BASIC_EXPR.items()}
_UNKNOWN: Json = ("?",)


@cache
def language() -> ts.Language:
    return ts.Language(tsgo.language())


@cache
def facts_query() -> ts.Query:
    text = (
        resources.files("annotate.parse").joinpath("queries/facts.scm").read_text(encoding="utf-8")
    )
    return ts.Query(language(), text)


@cache
def _errors_query() -> ts.Query:
    # Separate from facts.scm and run only on trees that have errors: matching ERROR
    # and MISSING costs the query walk over every (error-free) file.
    return ts.Query(language(), "(ERROR) @error\n(MISSING) @missing")


def new_parser() -> ts.Parser:
    return ts.Parser(language())


# Source positions as one comparable int: line * POS + column (both 1-based).
POS = 100_000


def _start(node: ts.Node) -> int:
    row, col = node.start_point
    return (row + 1) * POS + col + 1


def _end(node: ts.Node) -> int:
    row, col = node.end_point
    return (row + 1) * POS + col + 1


_by_start = attrgetter("start_byte")
_by_end = attrgetter("end_byte")
# QueryCursor.captures collects each capture's nodes in a set, so they come in no
# particular order.  Calls can share a start byte (`a(x).B(y)`: both calls start at
# `a`), so they are sorted by span: the inner call, which runs first, comes first.
_by_span = attrgetter("start_byte", "end_byte")
# Captures whose order does not matter: declarations are sorted together with each
# other, and go/defer statements only mark their calls.
_UNORDERED = frozenset(["func", "method", "go", "defer"])

# -- node kinds and fields ----------------------------------------------------
#
# Node.kind_id and child_by_field_id are cheaper than Node.type and
# child_by_field_name.  Several kind ids can share one name (aliases), so kinds are
# always matched by name through these tables, exactly as the type strings were.

_LANG = language()
_KIND_NAMES: dict[int, str] = {i: _LANG.node_kind_for_id(i) for i in range(_LANG.node_kind_count)}
_KIND_NAMES[65535] = "ERROR"  # tree-sitter's builtin error symbol
_KIND_NAMES[65534] = _LANG.node_kind_for_id(65534) or "_ERROR_repeat"  # (hidden; for safety)


def _kinds(*names: str) -> frozenset[int]:
    return frozenset(i for i, name in _KIND_NAMES.items() if name in names)


def _field(name: str) -> int:
    fid = _LANG.field_id_for_name(name)
    assert fid is not None, name
    return fid


F_ALIAS = _field("alias")
F_ARGUMENTS = _field("arguments")
F_BODY = _field("body")
F_ELEMENT = _field("element")
F_FIELD = _field("field")
F_FUNCTION = _field("function")
F_KEY = _field("key")
F_LEFT = _field("left")
F_NAME = _field("name")
F_OPERAND = _field("operand")
F_OPERATOR = _field("operator")
F_PACKAGE = _field("package")
F_PARAMETERS = _field("parameters")
F_PATH = _field("path")
F_RECEIVER = _field("receiver")
F_RESULT = _field("result")
F_RIGHT = _field("right")
F_TYPE = _field("type")
F_VALUE = _field("value")

K_CALL = _kinds("call_expression")
K_COMMENT = _kinds("comment")
K_ELEMENT = _kinds("literal_element", "element")
K_EXPRESSION_LIST = _kinds("expression_list")
K_FIELD_DECL = _kinds("field_declaration")
K_FIELD_DECL_LIST = _kinds("field_declaration_list")
K_IDENTIFIER = _kinds("identifier")
K_KEYED_ELEMENT = _kinds("keyed_element")
K_LITERAL_VALUE = _kinds("literal_value")
K_METHOD_DECL = _kinds("method_declaration")
K_PARAMETER_LIST = _kinds("parameter_list")
K_PARAM = _kinds("parameter_declaration")
K_VARIADIC_PARAM = _kinds("variadic_parameter_declaration")
K_STAR = _kinds("*")
K_TYPE_ALIAS = _kinds("type_alias")
K_TYPE_CASE = _kinds("type_case")
K_METHOD_ELEM = _kinds("method_elem", "method_spec")
K_EMBED_LIST = _kinds("type_elem", "constraint_elem", "interface_type_name")
K_EMBED = _kinds("qualified_type", "type_identifier")
# kind id -> literal kind name, for the bare constants of _BASIC
_BASIC_KIND: dict[int, str] = {i: n for i, n in _KIND_NAMES.items() if n in _BASIC}

Handler = Callable[["_FileParser", ts.Node], Json]


def _kind_table(choose: Callable[[str], Handler]) -> dict[int, Handler]:
    """kind id -> handler, chosen from the kind's name, for every kind of the grammar.

    A plain dict, filled up front: subscripting an exact dict is the interpreter's
    fast path.  Every node's kind_id is a symbol of the grammar or ERROR."""
    return {kind_id: choose(name) for kind_id, name in _KIND_NAMES.items()}


# -- encoding caches ----------------------------------------------------------
#
# Per process, keyed by source bytes.  Names, calls and whole statements repeat
# endlessly across a corpus (`err`, `fmt.Errorf(...)`, `return nil, err`, the
# parameter list `(ctx context.Context, name string)`), and what is extracted from
# an expression, statement or parameter list is a function of its kind and text
# alone (each kind has its own cache), with two exceptions that are never cached:
#   - a func literal encodes as ("lit", index of the function in its file), a
#     position; any text containing "func" is left out (types, parameter lists and
#     signatures never encode one, and are exempt);
#   - composite literals, struct and interface types encode with lists, which are
#     mutable and must not be shared between files; they all contain "{".
# A subtree with a syntax error (ERROR or MISSING node) may be parsed differently
# in another context, so it is neither cached nor served from a cache.  Every cached
# value is a tuple of strings, ints, bools, None and such tuples; positions (lines,
# enclosing functions) are never part of one.
#
# Sharing is at least what a per-node cache gives: within a file a text has one
# encoding object, and a cached statement holds the very objects the expression
# caches hand out, since all caches are cleared together and only between files.
_PURE_MAX = 200  # longer texts rarely repeat; not worth the memory
# Entries in all caches (about 5 MB); workers are long-lived processes.  Hit rates
# hardly depend on it: files of one package, parsed one after another, share most.
_CACHE_BUDGET = 20_000
_MISS: Any = object()
# The key of a text longer than _PURE_MAX: found in no cache, and kept in none (it
# holds "{"), so long texts are neither copied nor hashed.
_TOO_LONG = b"{too long}"

_NAMES: dict[bytes, str] = {}  # name or short text -> (interned) str
_IDENTS: dict[bytes, Json] = {}  # -> ("id", name)
_TNAMES: dict[bytes, Json] = {}  # -> ("T", name)
_QUALIFIED: dict[bytes, Json] = {}  # qualified_type -> ("Q", pkg, name)
_SELECTORS: dict[bytes, Json] = {}  # selector_expression -> ("sel", x, name)
_CALLS: dict[bytes, Json] = {}  # call_expression -> ("call", f, args)
_PARAMS: dict[bytes, Json] = {}  # parameter_list -> (((name, type), ...), variadic)
_IMPORTS: dict[bytes, Json] = {}  # import_spec -> (name, path)
_SPECS: dict[bytes, Json] = {}  # var_spec / const_spec -> _spec_parts
_DEFINES: dict[bytes, Json] = {}  # short_var_declaration -> _define_parts
_RECEIVES: dict[bytes, Json] = {}  # receive_statement -> _define_parts
_ASSIGNS: dict[bytes, Json] = {}  # assignment_statement -> _assign_parts
_RANGES: dict[bytes, Json] = {}  # range_clause -> _range_parts
_RETURNS: dict[bytes, Json] = {}  # return_statement -> _return_parts
_SIGNATURES: dict[bytes, Json] = {}  # func/method declaration up to its body -> _signature
_CACHES = (
    _NAMES,
    _IDENTS,
    _TNAMES,
    _QUALIFIED,
    _SELECTORS,
    _CALLS,
    _PARAMS,
    _IMPORTS,
    _SPECS,
    _DEFINES,
    _RECEIVES,
    _ASSIGNS,
    _RANGES,
    _RETURNS,
    _SIGNATURES,
)


def _trim_caches() -> None:
    if sum(len(c) for c in _CACHES) > _CACHE_BUDGET:
        for c in _CACHES:
            c.clear()


# Whether parts can be cached by their text (see above), written out where used:
#   len(raw) <= _PURE_MAX and b"{" not in raw and b"func" not in raw
# and for types (which never encode a func literal) without the "func" test.


def _cached(
    fp: _FileParser, node: ts.Node, cache: dict[bytes, Json], build: Handler, is_type: bool = False
) -> Json:
    """``build(fp, node)``, through ``cache`` (see above)."""
    start, end = node.start_byte, node.end_byte
    raw = fp.src[start:end] if end - start <= _PURE_MAX else _TOO_LONG
    out = cache.get(raw, _MISS)
    if out is _MISS or node.has_error:
        out = _fill(fp, node, raw, cache, build, is_type)
    return out


def _fill(
    fp: _FileParser,
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


def _name(raw: bytes) -> str:
    text = _NAMES.get(raw)
    if text is None:
        text = raw.decode("utf-8", "replace")
        # Names repeat endlessly across a corpus; interned, they are stored (marshal
        # keeps interning) and held in memory once.
        if len(text) < 80:
            text = _NAMES[raw] = sys.intern(text)
    return text


def _long_text(raw: bytes) -> str:
    """Like _name, for texts that rarely repeat (doc comments): not cached."""
    text = raw.decode("utf-8", "replace")
    return sys.intern(text) if len(text) < 80 else text


class _FileParser:
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

    # -- types --------------------------------------------------------------

    def texpr(self, node: ts.Node | None) -> Json:
        """Encode a type: ("T", name) | ("Q", pkg, name) | ("ptr", t) | ("slice", t) |
        ("map", k, v) | ("chan", t) | ("func", params, results, variadic) |
        ("struct", fields) | ("iface", methods, embeds) | ("?",)."""
        if node is None:
            return None
        return _TEXPR[node.kind_id](self, node)

    def params(self, plist: ts.Node | None) -> tuple[list[list[Json]], bool]:
        """[[name or "", type], ...] and whether the last parameter is variadic."""
        pairs, variadic = self.param_pairs(plist)
        return list(pairs), variadic

    def param_pairs(self, plist: ts.Node | None) -> tuple[tuple[Json, ...], bool]:
        """:meth:`params` as a tuple, the cached one itself: no copy where the pairs
        are only read."""
        if plist is None:
            return (), False
        if plist.kind_id in K_PARAMETER_LIST:
            return _cached(self, plist, _PARAMS, _params, is_type=True)
        return _params(self, plist)

    def results(self, node: ts.Node) -> list[list[Json]]:
        return list(self.result_pairs(node))

    def result_pairs(self, node: ts.Node) -> tuple[Json, ...]:
        res = node.child_by_field_id(F_RESULT)
        if res is None:
            return ()
        if res.kind_id in K_PARAMETER_LIST:
            return self.param_pairs(res)[0]
        return (("", self.texpr(res)),)

    def fields(self, struct: ts.Node) -> list[list[Json]]:
        """[[name, type, embedded], ...] of a struct type."""
        out: list[list[Json]] = []
        body = next((c for c in struct.named_children if c.kind_id in K_FIELD_DECL_LIST), None)
        if body is None:
            return out
        for decl in body.named_children:
            if decl.kind_id in K_FIELD_DECL:
                out += _field_decl(self, decl)
        return out

    def interface(self, node: ts.Node) -> Json:
        methods: list[list[Json]] = []
        embeds: list[Json] = []
        for child in node.named_children:
            kind = child.kind_id
            if kind in K_METHOD_ELEM:
                params, variadic = self.param_pairs(child.child_by_field_id(F_PARAMETERS))
                ftype = (
                    "func",
                    tuple([p[1] for p in params]),
                    tuple([r[1] for r in self.result_pairs(child)]),
                    variadic,
                )
                methods.append((self.text(child.child_by_field_id(F_NAME)), ftype))
            elif kind in K_EMBED_LIST:
                for sub in child.named_children:
                    embeds.append(self.texpr(sub))
            elif kind in K_EMBED:
                embeds.append(self.texpr(child))
        return ("iface", methods, embeds)

    # -- expressions --------------------------------------------------------

    def expr(self, node: ts.Node | None) -> Json:
        """Encode an expression: ("id", name) | ("sel", x, name) | ("call", f, args) |
        ("comp", type, ((key, value), ...)) | ("addr"|"deref"|"recv"|"un", x) |
        ("bin", left) | ("assert", x, type) | ("index", x) | ("slice", x) |
        ("lit", func index) | ("conv", type, x) | ("type", type) | ("basic", kind) |
        ("nil",) | ("?",)."""
        if node is None:
            return _UNKNOWN
        return _EXPR[node.kind_id](self, node)

    def elements(self, body: ts.Node | None) -> list[list[Json]]:
        """[[key or None, value], ...] of a literal_value (a composite literal's body);
        keys are expressions (a field name is ("id", f))."""
        out: list[list[Json]] = []
        if body is None:
            return out
        if body.end_byte - body.start_byte > 256 and not body.has_error:
            table = _constant_table(self.src[body.start_byte : body.end_byte])
            if table is not None:
                return table
        dirty = self.dirty
        for el in body.named_children:
            kind = el.kind_id
            if kind in K_KEYED_ELEMENT:
                parts = el.named_children
                # Without syntax errors a keyed element has its key and value, so two
                # named children are those two (a comment would make a third).
                if len(parts) != 2 or dirty:
                    parts = [c for c in parts if c.kind_id not in K_COMMENT]
                    if len(parts) != 2:
                        continue
                key, value = parts
                # A constant value binds no function: skip it (tables of strings and
                # numbers are the bulk of generated code).
                if value.kind_id in K_ELEMENT:
                    inner = value.named_children
                    if len(inner) == 1 and inner[0].kind_id in _BASIC_KIND:
                        continue
                    out.append((self._element(key), self._element_in(inner)))
                elif value.kind_id not in _BASIC_KIND:
                    out.append((self._element(key), _EXPR[value.kind_id](self, value)))
            elif kind in K_ELEMENT:
                # positional: keep a (shared) placeholder so field positions stay right
                if el.named_child_count == 1:
                    inner = el.named_child(0)
                    basic = _BASIC_KIND.get(inner.kind_id)
                    if basic:
                        out.append(_BASIC_PAIR[basic])
                    elif inner.kind_id in K_LITERAL_VALUE:  # elided type: {..}
                        out.append([None, ("comp", None, self.elements(inner))])
                    else:
                        out.append([None, _EXPR[inner.kind_id](self, inner)])
                else:
                    out.append([None, self._element(el)])
            elif kind not in K_COMMENT:
                out.append((None, self.expr(el)))
        return out

    def _element(self, el: ts.Node) -> Json:
        if el.kind_id in K_ELEMENT:
            return self._element_in(el.named_children)
        return _EXPR[el.kind_id](self, el)

    def _element_in(self, inner: list[ts.Node]) -> Json:
        """_element of a literal_element, from its named children."""
        if not inner:
            return _UNKNOWN
        first = inner[0]
        if first.kind_id in K_LITERAL_VALUE:  # elided type: {..} inside a composite
            return ("comp", None, self.elements(first))
        return _EXPR[first.kind_id](self, first)

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


# Big tables of string or int constants (`[]string{"a", "b", ...}`, `[]byte{0x1f,
# ...}`): the whole literal_value is matched as text, without a node per element.
_STRING = rb'"[^"\\\n]*(?:\\.[^"\\\n]*)*"'
_INT = rb"(?:0[xX][0-9a-fA-F]+|[1-9][0-9]*|0)"
_TABLES = [
    (re.compile(rb"\{\s*" + lit + rb"(?:\s*,\s*" + lit + rb")*\s*,?\s*\}"), re.compile(lit), kind)
    for lit, kind in ((_STRING, "interpreted_string_literal"), (_INT, "int_literal"))
]


def _constant_table(raw: bytes) -> list[Json] | None:
    """elements() of an error-free literal_value whose elements are all string (or all
    int) literals, else None."""
    for table, literal, kind in _TABLES:
        if table.fullmatch(raw):
            return [_BASIC_PAIR[kind]] * len(literal.findall(raw))
    return None


def _field_decl(fp: _FileParser, decl: ts.Node) -> tuple[Json, ...]:
    """The fields (name, type, embedded) of one field_declaration."""
    typ = fp.texpr(decl.child_by_field_id(F_TYPE))
    names = decl.children_by_field_id(F_NAME)
    if names:
        return tuple([(fp.text(n), typ, False) for n in names])
    # Embedded field: its name is the type name; "*T" embeds a pointer.
    if any(c.kind_id in K_STAR for c in decl.children):
        typ = ("ptr", typ)
    base = typ[1] if typ and typ[0] == "ptr" else typ
    name = base[-1] if base and base[0] in ("T", "Q") else "?"
    return ((name, typ, True),)


def _params(fp: _FileParser, plist: ts.Node) -> tuple[tuple[Json, ...], bool]:
    out: list[Json] = []
    variadic = False
    texpr, text = fp.texpr, fp.text
    for decl in plist.named_children:
        kind = decl.kind_id
        if kind in K_PARAM:
            typ = texpr(decl.child_by_field_id(F_TYPE))
        elif kind in K_VARIADIC_PARAM:
            variadic = True
            typ = ("slice", texpr(decl.child_by_field_id(F_TYPE)))
        else:
            continue
        names = decl.children_by_field_id(F_NAME)
        if names:
            out.extend([(text(c), typ) for c in names])
        else:
            out.append(("", typ))
    return tuple(out), variadic


# -- expression handlers: (parser, node) -> encoding ---------------------------


def _const(value: Json) -> Handler:
    return lambda _fp, _node: value


def _e_ident(fp: _FileParser, node: ts.Node) -> Json:
    raw = fp.src[node.start_byte : node.end_byte]
    out = _IDENTS.get(raw)
    if out is None:
        out = _IDENTS[raw] = ("id", _name(raw))
    return out


# `a.b.c`: plain identifiers and dots.  Without syntax errors such a selector is
# sel(sel(id a, b), c), except that nil/true/false/iota are not identifiers.
_CHAIN = re.compile(rb"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+")
_NOT_IDENTIFIERS = frozenset([b"nil", b"true", b"false", b"iota"])


def _e_selector(fp: _FileParser, node: ts.Node) -> Json:
    start, end = node.start_byte, node.end_byte
    raw = fp.src[start:end] if end - start <= _PURE_MAX else _TOO_LONG
    out = _SELECTORS.get(raw)
    if out is not None and not node.has_error:
        return out
    if len(raw) <= _PURE_MAX and not node.has_error and _CHAIN.fullmatch(raw):
        parts = raw.split(b".")
        if parts[0] not in _NOT_IDENTIFIERS:
            return _selector_chain(raw, parts)
    operand = node.child_by_field_id(F_OPERAND)
    out = (
        "sel",
        _UNKNOWN if operand is None else _EXPR[operand.kind_id](fp, operand),
        fp.text(node.child_by_field_id(F_FIELD)),
    )
    if len(raw) <= _PURE_MAX and b"{" not in raw and b"func" not in raw and not node.has_error:
        _SELECTORS[raw] = out
    return out


def _selector_chain(raw: bytes, parts: list[bytes]) -> Json:
    """The encoding of an `a.b.c` selector, from its text alone; every prefix goes
    through the caches, as if encoded from the tree."""
    first = parts[0]
    out = _IDENTS.get(first)
    if out is None:
        out = _IDENTS[first] = ("id", _name(first))
    end = len(first)
    for part in parts[1:]:
        end += 1 + len(part)
        prefix = raw[:end]
        sel = _SELECTORS.get(prefix)
        if sel is None:
            sel = _SELECTORS[prefix] = ("sel", out, _name(part))
        out = sel
    return out


def _build_call(fp: _FileParser, node: ts.Node) -> Json:
    args_node = node.child_by_field_id(F_ARGUMENTS)
    if args_node is not None:
        args = tuple([_ARG[a.kind_id](fp, a) for a in args_node.named_children])
    else:
        args = ()
    function = node.child_by_field_id(F_FUNCTION)
    return ("call", _UNKNOWN if function is None else _EXPR[function.kind_id](fp, function), args)


def _e_call(fp: _FileParser, node: ts.Node) -> Json:
    start, end = node.start_byte, node.end_byte
    raw = fp.src[start:end] if end - start <= _PURE_MAX else _TOO_LONG
    out = _CALLS.get(raw)
    if out is not None and not node.has_error:
        return out
    return _call_miss(fp, node, raw)


def _call_miss(fp: _FileParser, node: ts.Node, raw: bytes) -> Json:
    """_e_call for a call whose text is not in _CALLS, or that has a syntax error."""
    if not node.has_error and len(raw) <= _PURE_MAX and b"{" not in raw and b"func" not in raw:
        out = _CALLS[raw] = _build_call(fp, node)
        return out
    # Not cacheable by text: the call record and an enclosing expression must still
    # share one encoding.
    by_node = fp._by_node
    out = by_node.get(node.id)
    if out is None:
        out = by_node[node.id] = _build_call(fp, node)
    return out


def _e_paren(fp: _FileParser, node: ts.Node) -> Json:
    if node.named_child_count:
        inner = node.named_child(0)
        return _EXPR[inner.kind_id](fp, inner)
    return _UNKNOWN


def _e_composite(fp: _FileParser, node: ts.Node) -> Json:
    by_node = fp._by_node
    out = by_node.get(node.id)
    if out is None:
        out = by_node[node.id] = (
            "comp",
            fp.texpr(node.child_by_field_id(F_TYPE)),
            fp.elements(node.child_by_field_id(F_BODY)),
        )
    return out


_UNARY_TAG = {b"&": "addr", b"*": "deref", b"<-": "recv"}
_COMPARISON = frozenset([b"==", b"!=", b"<", b"<=", b">", b">=", b"&&", b"||"])


def _operator(fp: _FileParser, node: ts.Node) -> bytes:
    op = node.child_by_field_id(F_OPERATOR)
    return b"" if op is None else fp.src[op.start_byte : op.end_byte]


def _e_unary(fp: _FileParser, node: ts.Node) -> Json:
    tag = _UNARY_TAG.get(_operator(fp, node), "un")
    return (tag, fp.expr(node.child_by_field_id(F_OPERAND)))


def _e_binary(fp: _FileParser, node: ts.Node) -> Json:
    if _operator(fp, node) in _COMPARISON:
        return ("basic", "bool")
    return ("bin", fp.expr(node.child_by_field_id(F_LEFT)))


def _e_assert(fp: _FileParser, node: ts.Node) -> Json:
    return (
        "assert",
        fp.expr(node.child_by_field_id(F_OPERAND)),
        fp.texpr(node.child_by_field_id(F_TYPE)),
    )


def _e_index(fp: _FileParser, node: ts.Node) -> Json:
    return ("index", fp.expr(node.child_by_field_id(F_OPERAND)))


def _e_slice(fp: _FileParser, node: ts.Node) -> Json:
    return ("slice", fp.expr(node.child_by_field_id(F_OPERAND)))


def _e_func_literal(fp: _FileParser, node: ts.Node) -> Json:
    fn = fp.fn_of_node.get(node.id)
    return ("lit", fn) if fn is not None else _UNKNOWN


def _e_conversion(fp: _FileParser, node: ts.Node) -> Json:
    return (
        "conv",
        fp.texpr(node.child_by_field_id(F_TYPE)),
        fp.expr(node.child_by_field_id(F_OPERAND)),
    )


def _e_type(fp: _FileParser, node: ts.Node) -> Json:
    return ("type", fp.texpr(node))


def _expr_handler(t: str) -> Handler:
    if t in ("identifier", "field_identifier", "package_identifier", "type_identifier"):
        return _e_ident
    if t in ("true", "false"):
        return _const(("basic", "untyped bool"))
    if t == "nil":
        return _const(("nil",))
    if t == "iota":
        return _const(("basic", "untyped int"))
    if t in _BASIC:
        return _const(_BASIC_EXPR[t])
    simple = {
        "selector_expression": _e_selector,
        "call_expression": _e_call,
        "parenthesized_expression": _e_paren,
        "composite_literal": _e_composite,
        "unary_expression": _e_unary,
        "binary_expression": _e_binary,
        "type_assertion_expression": _e_assert,
        "index_expression": _e_index,
        "slice_expression": _e_slice,
        "func_literal": _e_func_literal,
        "type_conversion_expression": _e_conversion,
    }
    if t in simple:
        return simple[t]
    if t == "generic_type" or t.endswith("_type"):
        return _e_type
    return _const(_UNKNOWN)


def _a_variadic(fp: _FileParser, node: ts.Node) -> Json:
    return _e_paren(fp, node)  # the first named child, or ("?",)


def _arg_handler(t: str) -> Handler:
    """A call argument: like an expression, but a type name is a type (new(T))."""
    if t.endswith("_type") or t == "type_identifier":
        return _e_type
    if t == "variadic_argument":
        return _a_variadic
    return _expr_handler(t)


_EXPR = _kind_table(_expr_handler)
_ARG = _kind_table(_arg_handler)


# -- type handlers --------------------------------------------------------------


def _t_name(fp: _FileParser, node: ts.Node) -> Json:
    raw = fp.src[node.start_byte : node.end_byte]
    out = _TNAMES.get(raw)
    if out is None:
        out = _TNAMES[raw] = ("T", _name(raw))
    return out


def _t_qualified(fp: _FileParser, node: ts.Node) -> Json:
    raw = fp.src[node.start_byte : node.end_byte]
    out = _QUALIFIED.get(raw)
    if out is not None and not node.has_error:
        return out
    out = (
        "Q",
        fp.text(node.child_by_field_id(F_PACKAGE)),
        fp.text(node.child_by_field_id(F_NAME)),
    )
    if len(raw) <= _PURE_MAX and b"{" not in raw and not node.has_error:
        _QUALIFIED[raw] = out
    return out


def _first_named(node: ts.Node) -> ts.Node | None:
    return node.named_child(0) if node.named_child_count else None


def _t_pointer(fp: _FileParser, node: ts.Node) -> Json:
    return ("ptr", fp.texpr(_first_named(node)))


def _t_slice(fp: _FileParser, node: ts.Node) -> Json:
    return ("slice", fp.texpr(node.child_by_field_id(F_ELEMENT)))


def _t_map(fp: _FileParser, node: ts.Node) -> Json:
    return (
        "map",
        fp.texpr(node.child_by_field_id(F_KEY)),
        fp.texpr(node.child_by_field_id(F_VALUE)),
    )


def _t_chan(fp: _FileParser, node: ts.Node) -> Json:
    return ("chan", fp.texpr(node.child_by_field_id(F_VALUE)))


def _t_paren(fp: _FileParser, node: ts.Node) -> Json:
    return fp.texpr(_first_named(node))


def _t_func(fp: _FileParser, node: ts.Node) -> Json:
    params, variadic = fp.param_pairs(node.child_by_field_id(F_PARAMETERS))
    return (
        "func",
        tuple([p[1] for p in params]),
        tuple([r[1] for r in fp.result_pairs(node)]),
        variadic,
    )


def _t_struct(fp: _FileParser, node: ts.Node) -> Json:
    return ("struct", fp.fields(node))


def _t_interface(fp: _FileParser, node: ts.Node) -> Json:
    return fp.interface(node)


def _t_generic(fp: _FileParser, node: ts.Node) -> Json:
    return fp.texpr(node.child_by_field_id(F_TYPE))


def _t_selector(fp: _FileParser, node: ts.Node) -> Json:
    # a qualified type parsed in expression position
    return (
        "Q",
        fp.text(node.child_by_field_id(F_OPERAND)),
        fp.text(node.child_by_field_id(F_FIELD)),
    )


def _t_unary(fp: _FileParser, node: ts.Node) -> Json:
    if _operator(fp, node) == b"*":
        return ("ptr", fp.texpr(node.child_by_field_id(F_OPERAND)))
    return _UNKNOWN


def _texpr_handler(t: str) -> Handler:
    if t in ("type_identifier", "identifier"):
        return _t_name
    if t in ("slice_type", "array_type", "implicit_length_array_type"):
        return _t_slice
    handlers = {
        "qualified_type": _t_qualified,
        "pointer_type": _t_pointer,
        "map_type": _t_map,
        "channel_type": _t_chan,
        "parenthesized_type": _t_paren,
        "function_type": _t_func,
        "struct_type": _t_struct,
        "interface_type": _t_interface,
        "generic_type": _t_generic,
        "selector_expression": _t_selector,
        "parenthesized_expression": _t_paren,
        "unary_expression": _t_unary,
    }
    return handlers.get(t, _const(_UNKNOWN))


_TEXPR = _kind_table(_texpr_handler)


# -- files ------------------------------------------------------------------------


def _syntax_errors(root: ts.Node) -> list[str]:
    # Positions only, never the source text: messages end up in reports and notebooks.
    if not root.has_error:  # true when the tree holds any ERROR or MISSING node
        return []
    caps = ts.QueryCursor(_errors_query()).captures(root)
    out = []
    # sorted by span and kind: nested errors can share a start (see _by_span)
    for node in sorted(caps.get("error", []), key=_by_span)[:20]:
        (row, col), last = node.start_point, node.end_point[0] + 1
        span = f" (through line {last})" if last != row + 1 else ""
        out.append(f"{row + 1}:{col + 1}: syntax error{span}")
    for node in sorted(caps.get("missing", []), key=lambda n: (n.start_byte, n.type))[:20]:
        row, col = node.start_point
        out.append(f"{row + 1}:{col + 1}: missing {node.type}")
    return out


def parse_bytes(source: bytes, parser: ts.Parser | None = None) -> dict[str, Json]:
    """Facts of one Go file.  Never raises on bad input: problems go to ``errors``."""
    errors: list[str] = []
    if b"\x00" in source[:8192]:
        return _empty(["binary file (NUL bytes); not parsed"])
    if not source.strip():
        return _empty(["empty file"])
    try:
        source.decode("utf-8")
    except UnicodeDecodeError as exc:
        errors.append(f"not valid UTF-8 at byte {exc.start}; invalid bytes replaced")
        source = source.decode("utf-8", "replace").encode("utf-8")
    tree = (parser or new_parser()).parse(source)
    facts = _extract(tree, source)
    facts["errors"] = errors + facts["errors"]
    return facts


def _empty(errors: list[str]) -> dict[str, Json]:
    return {
        "package": "",
        "imports": [],
        "funcs": [],
        "types": [],
        "values": [],
        "calls": [],
        "assigns": [],
        "returns": [],
        "comps": [],
        "errors": errors,
    }


def _extract(tree: ts.Tree, source: bytes | None = None) -> dict[str, Json]:
    """Facts of a parsed file; ``source`` is the parsed bytes (taken from the tree if
    not given)."""
    # Tens of thousands of small tuples and no reference cycles: the cyclic GC would
    # only rescan them (and the long-lived caches) while they are built.
    if not gc.isenabled():
        return _extract_facts(tree, source)
    gc.disable()
    try:
        return _extract_facts(tree, source)
    finally:
        gc.enable()


def _extract_facts(tree: ts.Tree, source: bytes | None) -> dict[str, Json]:
    root = tree.root_node
    if source is None:
        # Node offsets are absolute; the root's text starts at its first token.
        source = bytes(root.start_byte) + (root.text or b"")
    _trim_caches()
    fp = _FileParser(tree, source)
    caps = ts.QueryCursor(facts_query()).captures(root)
    # Capture lists come in no particular order; records are listed (and closures
    # numbered) in document order.  Sorted in place (see _UNORDERED).
    for name, nodes in caps.items():
        if name == "call":
            # by span (see _by_span): two stable sorts on an int key take about half
            # the time of one sort on a (start, end) tuple
            nodes.sort(key=_by_end)
            nodes.sort(key=_by_start)
        elif name not in _UNORDERED:
            nodes.sort(key=_by_start)
    facts = _empty(_syntax_errors(root))
    decls = caps.get("func", []) + caps.get("method", [])
    decls.sort(key=_by_start)
    funclits = caps.get("funclit", [])
    if funclits:
        # two sorted runs: the sort merges them
        fp.set_functions(sorted(decls + funclits, key=_by_start))
    else:
        fp.set_functions(decls)
    pkg = caps.get("package", [])
    facts["package"] = fp.text(pkg[0]) if pkg else ""
    facts["imports"] = [_cached(fp, spec, _IMPORTS, _import) for spec in caps.get("import", [])]

    _declare_functions(fp, decls, funclits)
    _declare_types(fp, caps, facts)
    _declare_values(fp, caps, facts)
    _collect_bodies(fp, caps, facts)
    facts["funcs"] = fp.funcs
    return facts


def _import(fp: _FileParser, spec: ts.Node) -> Json:
    path = fp.text(spec.child_by_field_id(F_PATH)).strip('"`')
    name = spec.child_by_field_id(F_NAME)
    return (fp.text(name) if name is not None else None, path)


def _param_locals(params: Iterable[tuple[str, Json]]) -> list[Json]:
    return [("var", pname, 0, ptype, None, 0, 0) for pname, ptype in params if pname]


def _signature(fp: _FileParser, node: ts.Node) -> Json:
    """(name, receiver type name, pointer receiver, receiver name, params, results,
    variadic) of a function or method declaration."""
    name = fp.text(node.child_by_field_id(F_NAME))
    recv = ptr = None
    recv_name = ""
    if node.kind_id in K_METHOD_DECL:
        receiver, _ = fp.param_pairs(node.child_by_field_id(F_RECEIVER))
        if receiver:
            recv_name, rtype = receiver[0]
            ptr = bool(rtype and rtype[0] == "ptr")
            base = rtype[1] if ptr else rtype
            recv = base[1] if base and base[0] == "T" else "?"
    params, variadic = fp.param_pairs(node.child_by_field_id(F_PARAMETERS))
    return name, recv, bool(ptr), recv_name, params, fp.result_pairs(node), variadic


def _declare_functions(fp: _FileParser, decls: list[ts.Node], funclits: list[ts.Node]) -> None:
    """Function and method declarations (sorted by start), then closures."""
    src = fp.src
    dirty = fp.dirty
    funcs, fn_at, slot = fp.funcs, fp._fn_at, fp._slot
    for node in decls:
        # The signature (up to the body) is cached by its text like an expression:
        # a parameter list holds types only, never a func literal.
        body = node.child_by_field_id(F_BODY)
        start, stop = node.start_byte, node.end_byte if body is None else body.start_byte
        raw = src[start:stop] if stop - start <= _PURE_MAX else _TOO_LONG
        sig = _SIGNATURES.get(raw)
        if sig is None or (dirty and node.has_error):
            sig = _signature(fp, node)
            if len(raw) <= _PURE_MAX and b"{" not in raw and not (dirty and node.has_error):
                _SIGNATURES[raw] = sig
        name, recv, ptr, recv_name, params, results, variadic = sig
        local_vars: list[Json] = [("var", n, 0, t, None, 0, 0) for n, t in params if n]
        if recv is not None:
            local_vars.insert(
                0, ("var", recv_name, 0, ("ptr", ("T", recv)) if ptr else ("T", recv), None, 0, 0)
            )
        if results:
            local_vars += [("var", n, 0, t, None, 0, 0) for n, t in results if n]
        (row, col), end_row = node.start_point, node.end_point[0]
        # Declarations come first in funcs (closures and `init` follow), and their
        # records have every key: no setdefault (see _add_fn).
        fn_at[slot[node.id]] = len(funcs)
        funcs.append(
            {
                "name": name,
                "recv": recv,
                "ptr": ptr,
                "parent": None,
                "params": list(params),
                "results": list(results),
                "variadic": variadic,
                "start": row + 1,
                "end": end_row + 1,
                "col": col + 1,
                "doc": fp.doc(node),
                "locals": local_vars,
            }
        )

    # Closures: numbered $1, $2, ... in source order within their direct parent.
    counts = fp.children_count
    for node in funclits:
        parent = fp.enclosing_or_init(node)
        counts[parent] = counts.get(parent, 0) + 1
        params, variadic = fp.params(node.child_by_field_id(F_PARAMETERS))
        results = fp.results(node)
        (row, col), end_row = node.start_point, node.end_point[0]
        rec = {
            "name": f"${counts[parent]}",
            "recv": None,
            "ptr": False,
            "parent": parent,
            "params": params,
            "results": results,
            "variadic": variadic,
            "start": row + 1,
            "end": end_row + 1,
            "col": col + 1,
            "locals": _param_locals(params + results),
        }
        fp.register(node, rec)


def _declare_types(fp: _FileParser, caps: dict[str, list[ts.Node]], facts: dict[str, Json]) -> None:
    for node in caps.get("type", []):
        if fp.enclosing(node) is not None:
            continue  # function-local types are not indexed
        facts["types"].append(
            {
                "name": fp.text(node.child_by_field_id(F_NAME)),
                "type": fp.texpr(node.child_by_field_id(F_TYPE)),
                "alias": node.kind_id in K_TYPE_ALIAS,
                "start": node.start_point[0] + 1,
                "end": node.end_point[0] + 1,
                "doc": fp.decl_doc(node),
            }
        )


def _spec_parts(fp: _FileParser, node: ts.Node) -> Json:
    """(names, type, values) of a var or const spec."""
    names = tuple([fp.text(n) for n in node.children_by_field_id(F_NAME)])
    typ = fp.texpr(node.child_by_field_id(F_TYPE))
    value = node.child_by_field_id(F_VALUE)
    values = tuple([fp.expr(v) for v in value.named_children]) if value is not None else ()
    return names, typ, values


def _declare_values(
    fp: _FileParser, caps: dict[str, list[ts.Node]], facts: dict[str, Json]
) -> None:
    assigns = facts["assigns"]
    for kind in ("var", "const"):
        for node in caps.get(kind, []):
            fn = fp.enclosing(node)
            names, typ, values = _cached(fp, node, _SPECS, _spec_parts)
            if not names:
                continue
            start, end = _start(node), _end(node)
            if fn is None:
                line = node.start_point[0] + 1
                doc = fp.decl_doc(node)
                for i, name in enumerate(names):
                    value = (
                        values[i] if len(values) == len(names) else (values[0] if values else None)
                    )
                    facts["values"].append(
                        {
                            "name": name,
                            "kind": kind,
                            "type": typ,
                            "value": value,
                            "index": i if len(values) == 1 and len(names) > 1 else 0,
                            "line": line,
                            "doc": doc,
                        }
                    )
                    if value is not None and kind == "var":
                        init = fp.enclosing_or_init(node)
                        assigns.append((init, ("id", name), value, start, end))
            else:
                _add_locals(fp.funcs[fn], names, typ, values, start, end)
                if len(values) == len(names):
                    for name, value in zip(names, values, strict=True):
                        assigns.append((fn, ("id", name), value, start, end))


def _add_locals(
    rec: dict[str, Json],
    names: tuple[str, ...],
    typ: Json,
    values: tuple[Json, ...],
    start: int,
    end: int,
) -> None:
    """Record local variables: ``("var", name, visible_from, type, init, result_index,
    init_position)``; a name is visible after its declaration ends (Go's scope rule,
    so in ``x := f(x)`` the right side sees the outer x)."""
    out = rec["locals"]
    same = len(values) == len(names)
    one = len(values) == 1
    for i, name in enumerate(names):
        if not name or name == "_":
            continue
        if same:
            out.append(("var", name, end, typ, values[i], 0, start))
        elif one:
            out.append(("var", name, end, typ, values[0], i, start))
        else:
            out.append(("var", name, end, typ, None, 0, start))


def _define_parts(fp: _FileParser, node: ts.Node) -> Json:
    """(names, values) of `a, b := x, y` (or of a receive statement), None if broken."""
    left = node.child_by_field_id(F_LEFT)
    right = node.child_by_field_id(F_RIGHT)
    if left is None or right is None:
        return None
    names = tuple([fp.text(n) for n in left.named_children])
    if right.kind_id in K_EXPRESSION_LIST:
        values = tuple([fp.expr(v) for v in right.named_children])
    else:
        values = (fp.expr(right),)
    return names, values


def _assign_parts(fp: _FileParser, node: ts.Node) -> Json:
    """((left, right), ...) of a plain `=` assignment; () for any other."""
    left = node.child_by_field_id(F_LEFT)
    right = node.child_by_field_id(F_RIGHT)
    if left is None or right is None or _operator(fp, node) != b"=":
        return ()
    lhs = left.named_children
    rhs = right.named_children
    if len(lhs) != len(rhs):
        return ()
    expr = fp.expr
    return tuple([(expr(lv), expr(rv)) for lv, rv in zip(lhs, rhs, strict=True)])


def _range_parts(fp: _FileParser, node: ts.Node) -> Json:
    """(container, ((position, name), ...)) of a range clause, None without names."""
    left = node.child_by_field_id(F_LEFT)
    if left is None:
        return None
    over = fp.expr(node.child_by_field_id(F_RIGHT))
    named = [
        (i, fp.text(n)) for i, n in enumerate(left.named_children) if n.kind_id in K_IDENTIFIER
    ]
    return over, tuple(named)


def _return_parts(fp: _FileParser, node: ts.Node) -> Json:
    """The returned values, () for a bare return."""
    if not node.named_child_count:
        return ()
    first = node.named_child(0)
    if first.kind_id in K_EXPRESSION_LIST:
        return tuple([fp.expr(v) for v in first.named_children])
    return (fp.expr(first),)


def _collect_bodies(
    fp: _FileParser, caps: dict[str, list[ts.Node]], facts: dict[str, Json]
) -> None:
    assigns = facts["assigns"]
    funcs = fp.funcs
    src = fp.src
    dirty = fp.dirty
    # The enclosing function of each node, as in _FileParser.enclosing_all, written
    # out in the loops below: they run once per capture.
    starts, ends, parents, fn_at = fp._starts, fp._ends, fp._parents, fp._fn_at
    for kind, parts_cache in (("define", _DEFINES), ("receive", _RECEIVES)):
        for node in caps.get(kind, ()):
            start, end = node.start_byte, node.end_byte
            i = bisect_left(starts, start) - 1
            while i >= 0 and ends[i] < end:
                i = parents[i]
            if i < 0:
                continue  # package level
            fn = fn_at[i]
            raw = src[start:end] if end - start <= _PURE_MAX else _TOO_LONG
            parts = parts_cache.get(raw, _MISS)
            if parts is _MISS or (dirty and node.has_error):
                parts = _fill(fp, node, raw, parts_cache, _define_parts)
            if parts is None:
                continue
            names, values = parts
            (row, col), (end_row, end_col) = node.start_point, node.end_point
            start, end = (row + 1) * POS + col + 1, (end_row + 1) * POS + end_col + 1
            _add_locals(funcs[fn], names, None, values, start, end)
            if len(values) == len(names):
                for name, value in zip(names, values, strict=True):
                    assigns.append((fn, ("id", name), value, start, end))
            elif len(values) == 1 and names:
                # `f, ok := m[k]`: the function value is the first name; `a, f := build()`:
                # the call's results are not told apart (all results share one slot), so
                # bind all.
                bound = names if values[0][0] == "call" else names[:1]
                for name in bound:
                    assigns.append((fn, ("id", name), values[0], start, end))

    for node in caps.get("assign", ()):
        start, end = node.start_byte, node.end_byte
        i = bisect_left(starts, start) - 1
        while i >= 0 and ends[i] < end:
            i = parents[i]
        fn = fn_at[i] if i >= 0 else fp.init()
        raw = src[start:end] if end - start <= _PURE_MAX else _TOO_LONG
        pairs = _ASSIGNS.get(raw, _MISS)
        if pairs is _MISS or (dirty and node.has_error):
            pairs = _fill(fp, node, raw, _ASSIGNS, _assign_parts)
        if pairs:
            row, col = node.start_point
            start = (row + 1) * POS + col + 1
            for lv, rv in pairs:
                assigns.append((fn, lv, rv, start, start))

    nodes = caps.get("range", [])
    for node, fn in zip(nodes, fp.enclosing_all(nodes), strict=True):
        if fn is None:
            continue
        parts = _cached(fp, node, _RANGES, _range_parts)
        if parts is None or not parts[1]:
            continue
        over, named = parts
        start, end = _start(node), _end(node)
        local_vars = funcs[fn]["locals"]
        for i, name in named:
            local_vars.append(("range", name, end, over, i, start))
            if i == 1:  # the element: function values flow from the container's slot
                assigns.append((fn, ("id", name), ("index", over), start, end))

    for node in caps.get("tswitch", []):
        fn = fp.enclosing(node)
        alias = node.child_by_field_id(F_ALIAS)
        if fn is None or alias is None or not alias.named_child_count:
            continue
        name = fp.text(alias.named_child(0))
        subject = fp.expr(node.child_by_field_id(F_VALUE))
        for case in node.named_children:
            if case.kind_id not in K_TYPE_CASE:
                continue
            types = case.children_by_field_id(F_TYPE)
            typ = fp.texpr(types[0]) if len(types) == 1 else None
            start = _start(case)
            funcs[fn]["locals"].append(
                ("var", name, start, typ, subject if typ is None else None, 0, start)
            )

    returns = facts["returns"]
    for node in caps.get("return", ()):
        start, end = node.start_byte, node.end_byte
        i = bisect_left(starts, start) - 1
        while i >= 0 and ends[i] < end:
            i = parents[i]
        if i < 0:
            continue
        raw = src[start:end] if end - start <= _PURE_MAX else _TOO_LONG
        values = _RETURNS.get(raw, _MISS)
        if values is _MISS or (dirty and node.has_error):
            values = _fill(fp, node, raw, _RETURNS, _return_parts)
        if values:
            returns.append((fn_at[i], values))

    comps = facts["comps"]
    for node in caps.get("comp", []):
        comp = fp.expr(node)
        comps.append((fp.enclosing_or_init(node), comp[1], comp[2]))

    # `go f()` / `defer f()`: the call is the statement's child.
    mode_of: dict[int, str] = {}
    for label in ("go", "defer"):
        for stmt in caps.get(label, []):
            for child in stmt.named_children:
                if child.kind_id in K_CALL:
                    mode_of[child.id] = label
    calls = facts["calls"]
    append = calls.append
    for node in caps.get("call", ()):
        start, end = node.start_byte, node.end_byte
        i = bisect_left(starts, start) - 1
        while i >= 0 and ends[i] < end:
            i = parents[i]
        fn = fn_at[i] if i >= 0 else fp.init()
        raw = src[start:end] if end - start <= _PURE_MAX else _TOO_LONG
        call = _CALLS.get(raw)
        if call is None or (dirty and node.has_error):
            call = _call_miss(fp, node, raw)
        row, col = node.start_point
        mode = mode_of.get(node.id, "call") if mode_of else "call"
        append((fn, call[1], call[2], row + 1, col + 1, mode))
