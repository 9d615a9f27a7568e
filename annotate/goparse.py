"""Per-file Go facts, extracted with tree-sitter-go and one tree-sitter query.

The output is plain data (dicts, lists, tuples, strings, ints) so it can be
cached in SQLite by file hash (with :mod:`marshal`) and sent between worker
processes.  Nothing here knows about other files: names stay as written
(``foo.Bar``), and :mod:`annotate.resolve` turns them into go/ssa symbols.

Expressions and types are encoded as small nested tuples, tagged by their first
element -- see :func:`_FileParser._expr` and :func:`_FileParser.texpr`.  Tuples,
not lists: on the full kubernetes tree the facts are held in memory at once, and
tuples are the smaller container.  A sub-expression is built once and shared by
every record that mentions it (marshal keeps the sharing).
"""

from __future__ import annotations

import bisect
import sys
from functools import cache
from importlib import resources
from typing import Any

import tree_sitter as ts
import tree_sitter_go as tsgo

Json = Any  # nested lists/dicts of str/int/bool/None

FUNC_NODES = ("function_declaration", "method_declaration", "func_literal")
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


def _is_basic(el: ts.Node) -> str | None:
    """The literal node type if a (literal_)element is a bare constant, else None."""
    inner = el.named_children if el.type in ("literal_element", "element") else [el]
    return inner[0].type if len(inner) == 1 and inner[0].type in _BASIC else None


@cache
def language() -> ts.Language:
    return ts.Language(tsgo.language())


@cache
def facts_query() -> ts.Query:
    text = resources.files("annotate").joinpath("queries/facts.scm").read_text(encoding="utf-8")
    return ts.Query(language(), text)


def new_parser() -> ts.Parser:
    return ts.Parser(language())


def _text(node: ts.Node | None) -> str:
    if node is None or node.text is None:
        return ""
    text = node.text.decode("utf-8", "replace")
    # Names repeat endlessly across a corpus; interned, they are stored (marshal keeps
    # interning) and held in memory once.
    return sys.intern(text) if len(text) < 80 else text


def _line(node: ts.Node) -> int:
    return node.start_point[0] + 1


# Source positions as one comparable int: line * POS + column (both 1-based).
POS = 100_000


def _start(node: ts.Node) -> int:
    return (node.start_point[0] + 1) * POS + node.start_point[1] + 1


def _end(node: ts.Node) -> int:
    return (node.end_point[0] + 1) * POS + node.end_point[1] + 1


class _FileParser:
    """Walks one parsed file's query captures and builds its facts."""

    def __init__(self, tree: ts.Tree) -> None:
        self.root = tree.root_node
        self.funcs: list[dict[str, Json]] = []
        self.fn_of_node: dict[int, int] = {}  # func node id -> index in funcs
        self.init_fn: int | None = None  # synthetic holder of package-level closures
        self.children_count: dict[int, int] = {}
        self._expr_cache: dict[int, Json] = {}

    # -- enclosing function -------------------------------------------------

    def set_functions(self, nodes: list[ts.Node]) -> None:
        """Index function intervals (sorted by start) with their enclosing interval, so
        :meth:`enclosing` is a bisect plus a short walk instead of a walk up the tree."""
        self._starts = [n.start_byte for n in nodes]
        self._intervals: list[tuple[int, int, int]] = []  # (end, node id, parent interval)
        stack: list[int] = []
        for i, n in enumerate(nodes):
            while stack and self._intervals[stack[-1]][0] < n.end_byte:
                stack.pop()
            self._intervals.append((n.end_byte, n.id, stack[-1] if stack else -1))
            stack.append(i)

    def enclosing(self, node: ts.Node) -> int | None:
        """Index of the innermost function containing ``node`` (None: package level)."""
        pos = node.start_byte
        i = bisect.bisect_left(self._starts, pos) - 1  # strictly before: not the node itself
        while i >= 0:
            end, node_id, parent = self._intervals[i]
            if end >= node.end_byte:
                return self.fn_of_node.get(node_id)
            i = parent if parent < i else i - 1
        return None

    def enclosing_or_init(self, node: ts.Node) -> int:
        fn = self.enclosing(node)
        if fn is not None:
            return fn
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

    # -- types --------------------------------------------------------------

    def texpr(self, node: ts.Node | None) -> Json:
        """Encode a type: ("T", name) | ("Q", pkg, name) | ("ptr", t) | ("slice", t) |
        ("map", k, v) | ("chan", t) | ("func", params, results, variadic) |
        ("struct", fields) | ("iface", methods, embeds) | ("?",)."""
        if node is None:
            return None
        t = node.type
        if t in ("type_identifier", "identifier"):
            return ("T", _text(node))
        if t == "qualified_type":
            return (
                "Q",
                _text(node.child_by_field_name("package")),
                _text(node.child_by_field_name("name")),
            )
        if t == "pointer_type":
            return ("ptr", self.texpr(node.named_children[0] if node.named_children else None))
        if t in ("slice_type", "array_type", "implicit_length_array_type"):
            return ("slice", self.texpr(node.child_by_field_name("element")))
        if t == "map_type":
            return (
                "map",
                self.texpr(node.child_by_field_name("key")),
                self.texpr(node.child_by_field_name("value")),
            )
        if t == "channel_type":
            return ("chan", self.texpr(node.child_by_field_name("value")))
        if t == "parenthesized_type":
            return self.texpr(node.named_children[0] if node.named_children else None)
        if t == "function_type":
            params, variadic = self.params(node.child_by_field_name("parameters"))
            return (
                "func",
                tuple(p[1] for p in params),
                tuple(r[1] for r in self.results(node)),
                variadic,
            )
        if t == "struct_type":
            return ("struct", self.fields(node))
        if t == "interface_type":
            return self.interface(node)
        if t == "generic_type":
            return self.texpr(node.child_by_field_name("type"))
        if t == "selector_expression":  # a qualified type parsed in expression position
            operand = node.child_by_field_name("operand")
            return ("Q", _text(operand), _text(node.child_by_field_name("field")))
        if t == "parenthesized_expression":
            return self.texpr(node.named_children[0] if node.named_children else None)
        if t == "unary_expression" and _text(node.child_by_field_name("operator")) == "*":
            return ("ptr", self.texpr(node.child_by_field_name("operand")))
        return ("?",)

    def params(self, plist: ts.Node | None) -> tuple[list[list[Json]], bool]:
        """[[name or "", type], ...] and whether the last parameter is variadic."""
        out: list[list[Json]] = []
        variadic = False
        if plist is None:
            return out, variadic
        for decl in plist.named_children:
            if decl.type not in ("parameter_declaration", "variadic_parameter_declaration"):
                continue
            typ = self.texpr(decl.child_by_field_name("type"))
            if decl.type == "variadic_parameter_declaration":
                variadic = True
                typ = ("slice", typ)
            names = [_text(c) for c in decl.children_by_field_name("name")]
            for name in names or [""]:
                out.append((name, typ))
        return out, variadic

    def results(self, node: ts.Node) -> list[list[Json]]:
        res = node.child_by_field_name("result")
        if res is None:
            return []
        if res.type == "parameter_list":
            return self.params(res)[0]
        return [("", self.texpr(res))]

    def fields(self, struct: ts.Node) -> list[list[Json]]:
        """[[name, type, embedded], ...] of a struct type."""
        out: list[list[Json]] = []
        body = next((c for c in struct.named_children if c.type == "field_declaration_list"), None)
        if body is None:
            return out
        for decl in body.named_children:
            if decl.type != "field_declaration":
                continue
            tnode = decl.child_by_field_name("type")
            typ = self.texpr(tnode)
            names = decl.children_by_field_name("name")
            if names:
                out.extend((_text(n), typ, False) for n in names)
                continue
            # Embedded field: its name is the type name; "*T" embeds a pointer.
            if any(c.type == "*" for c in decl.children):
                typ = ("ptr", typ)
            base = typ[1] if typ and typ[0] == "ptr" else typ
            name = base[-1] if base and base[0] in ("T", "Q") else "?"
            out.append((name, typ, True))
        return out

    def interface(self, node: ts.Node) -> Json:
        methods: list[list[Json]] = []
        embeds: list[Json] = []
        for child in node.named_children:
            if child.type in ("method_elem", "method_spec"):
                params, variadic = self.params(child.child_by_field_name("parameters"))
                ftype = (
                    "func",
                    tuple(p[1] for p in params),
                    tuple(r[1] for r in self.results(child)),
                    variadic,
                )
                methods.append((_text(child.child_by_field_name("name")), ftype))
            elif child.type in ("type_elem", "constraint_elem", "interface_type_name"):
                for sub in child.named_children:
                    embeds.append(self.texpr(sub))
            elif child.type in ("qualified_type", "type_identifier"):
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
            return ("?",)
        cached = self._expr_cache.get(node.id)
        if cached is not None:
            return cached
        out = self._expr(node)
        self._expr_cache[node.id] = out
        return out

    def _expr(self, node: ts.Node) -> Json:
        t = node.type
        if t in ("identifier", "field_identifier", "package_identifier", "type_identifier"):
            return ("id", _text(node))
        if t in ("true", "false"):
            return ("basic", "untyped bool")
        if t == "nil":
            return ("nil",)
        if t == "iota":
            return ("basic", "untyped int")
        if t in _BASIC:
            return _BASIC_EXPR[t]
        if t == "selector_expression":
            return (
                "sel",
                self.expr(node.child_by_field_name("operand")),
                _text(node.child_by_field_name("field")),
            )
        if t == "call_expression":
            args_node = node.child_by_field_name("arguments")
            args = tuple(self.arg(a) for a in args_node.named_children) if args_node else ()
            return ("call", self.expr(node.child_by_field_name("function")), args)
        if t == "parenthesized_expression":
            inner = node.named_children
            return self.expr(inner[0]) if inner else ("?",)
        if t == "composite_literal":
            return ("comp", self.texpr(node.child_by_field_name("type")), self.elements(node))
        if t == "unary_expression":
            op = _text(node.child_by_field_name("operator"))
            operand = self.expr(node.child_by_field_name("operand"))
            tag = {"&": "addr", "*": "deref", "<-": "recv"}.get(op, "un")
            return (tag, operand)
        if t == "binary_expression":
            op = _text(node.child_by_field_name("operator"))
            if op in ("==", "!=", "<", "<=", ">", ">=", "&&", "||"):
                return ("basic", "bool")
            return ("bin", self.expr(node.child_by_field_name("left")))
        if t == "type_assertion_expression":
            return (
                "assert",
                self.expr(node.child_by_field_name("operand")),
                self.texpr(node.child_by_field_name("type")),
            )
        if t == "index_expression":
            return ("index", self.expr(node.child_by_field_name("operand")))
        if t == "slice_expression":
            return ("slice", self.expr(node.child_by_field_name("operand")))
        if t == "func_literal":
            fn = self.fn_of_node.get(node.id)
            return ("lit", fn) if fn is not None else ("?",)
        if t == "type_conversion_expression":
            return (
                "conv",
                self.texpr(node.child_by_field_name("type")),
                self.expr(node.child_by_field_name("operand")),
            )
        if t == "generic_type" or t.endswith("_type"):
            return ("type", self.texpr(node))
        return ("?",)

    def arg(self, node: ts.Node) -> Json:
        if node.type.endswith("_type") or node.type == "type_identifier":
            return ("type", self.texpr(node))
        if node.type == "variadic_argument":
            inner = node.named_children
            return self.expr(inner[0]) if inner else ("?",)
        return self.expr(node)

    def elements(self, comp: ts.Node) -> list[list[Json]]:
        """[[key or None, value], ...]; keys are expressions (a field name is ("id", f))."""
        body = comp.child_by_field_name("body")
        out: list[list[Json]] = []
        if body is None:
            return out
        for el in body.named_children:
            if el.type == "keyed_element":
                parts = [c for c in el.named_children if c.type != "comment"]
                # A constant value binds no function: skip it (tables of strings and
                # numbers are the bulk of generated code).
                if len(parts) == 2 and not _is_basic(parts[1]):
                    out.append((self._element(parts[0]), self._element(parts[1])))
            elif el.type in ("literal_element", "element"):
                # positional: keep a (shared) placeholder so field positions stay right
                basic = _is_basic(el)
                out.append(_BASIC_PAIR[basic] if basic else [None, self._element(el)])
            elif el.type != "comment":
                out.append((None, self.expr(el)))
        return out

    def _element(self, el: ts.Node) -> Json:
        if el.type in ("literal_element", "element"):
            inner = el.named_children
            if not inner:
                return ("?",)
            if inner[0].type == "literal_value":  # elided type: {..} inside a composite
                return ("comp", None, self.elements_of_value(inner[0]))
            return self.expr(inner[0])
        return self.expr(el)

    def elements_of_value(self, value: ts.Node) -> list[list[Json]]:
        class _Fake:  # reuse elements() on a bare literal_value
            def __init__(self, body: ts.Node) -> None:
                self.body = body

            def child_by_field_name(self, _name: str) -> ts.Node:
                return self.body

        return self.elements(_Fake(value))  # type: ignore[arg-type]


def _doc(node: ts.Node) -> str:
    """The comment block directly above a declaration (Go's doc comment rule)."""
    lines: list[str] = []
    expect = node.start_point[0] - 1
    prev = node.prev_sibling
    while prev is not None and prev.type == "comment" and prev.end_point[0] == expect:
        lines.append(_text(prev))
        expect = prev.start_point[0] - 1
        prev = prev.prev_sibling
    return "\n".join(reversed(lines))


def _decl_doc(node: ts.Node) -> str:
    # type_spec / var_spec inside "type ( ... )": doc on the spec, else on the declaration.
    doc = _doc(node)
    if not doc and node.parent is not None and node.parent.type.endswith("_declaration"):
        doc = _doc(node.parent)
    return doc


def _syntax_errors(caps: dict[str, list[ts.Node]]) -> list[str]:
    # Positions only, never the source text: messages end up in reports and notebooks.
    out = []
    for node in caps.get("error", [])[:20]:
        last = node.end_point[0] + 1
        span = f" (through line {last})" if last != _line(node) else ""
        out.append(f"{_line(node)}:{node.start_point[1] + 1}: syntax error{span}")
    for node in caps.get("missing", [])[:20]:
        out.append(f"{_line(node)}:{node.start_point[1] + 1}: missing {node.type}")
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
    facts = _extract(tree)
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


def _extract(tree: ts.Tree) -> dict[str, Json]:
    fp = _FileParser(tree)
    raw = ts.QueryCursor(facts_query()).captures(tree.root_node)
    # Capture lists are not guaranteed to be in document order; numbering needs it.
    caps = {name: sorted(nodes, key=lambda n: n.start_byte) for name, nodes in raw.items()}
    facts = _empty(_syntax_errors(caps))
    fp.set_functions(
        sorted(
            caps.get("func", []) + caps.get("method", []) + caps.get("funclit", []),
            key=lambda n: n.start_byte,
        )
    )
    pkg = caps.get("package", [])
    facts["package"] = _text(pkg[0]) if pkg else ""

    for spec in caps.get("import", []):
        path = _text(spec.child_by_field_name("path")).strip('"`')
        name = spec.child_by_field_name("name")
        facts["imports"].append((_text(name) if name is not None else None, path))

    _declare_functions(fp, caps)
    _declare_types(fp, caps, facts)
    _declare_values(fp, caps, facts)
    _collect_bodies(fp, caps, facts)
    facts["funcs"] = fp.funcs
    return facts


def _declare_functions(fp: _FileParser, caps: dict[str, list[ts.Node]]) -> None:
    decls = sorted(caps.get("func", []) + caps.get("method", []), key=lambda n: n.start_byte)
    for node in decls:
        name = _text(node.child_by_field_name("name"))
        recv = ptr = None
        recv_name = ""
        if node.type == "method_declaration":
            params, _ = fp.params(node.child_by_field_name("receiver"))
            if params:
                recv_name, rtype = params[0]
                ptr = bool(rtype and rtype[0] == "ptr")
                base = rtype[1] if ptr else rtype
                recv = base[1] if base and base[0] == "T" else "?"
        params, variadic = fp.params(node.child_by_field_name("parameters"))
        rec = {
            "name": name,
            "recv": recv,
            "ptr": bool(ptr),
            "parent": None,
            "params": params,
            "results": fp.results(node),
            "variadic": variadic,
            "start": _line(node),
            "end": node.end_point[0] + 1,
            "col": node.start_point[1] + 1,
            "doc": _doc(node),
            "locals": [],
        }
        if recv is not None:
            rec["locals"].append(
                ("var", recv_name, 0, ("ptr", ("T", recv)) if ptr else ("T", recv), None, 0, 0)
            )
        for pname, ptype in params + rec["results"]:
            if pname:
                rec["locals"].append(("var", pname, 0, ptype, None, 0, 0))
        fp.fn_of_node[node.id] = fp._add_fn(rec)

    # Closures: numbered $1, $2, ... in source order within their direct parent.
    for node in sorted(caps.get("funclit", []), key=lambda n: n.start_byte):
        parent = fp.enclosing_or_init(node)
        fp.children_count[parent] = fp.children_count.get(parent, 0) + 1
        params, variadic = fp.params(node.child_by_field_name("parameters"))
        rec = {
            "name": f"${fp.children_count[parent]}",
            "recv": None,
            "ptr": False,
            "parent": parent,
            "params": params,
            "results": fp.results(node),
            "variadic": variadic,
            "start": _line(node),
            "end": node.end_point[0] + 1,
            "col": node.start_point[1] + 1,
            "locals": [],
        }
        for pname, ptype in params + rec["results"]:
            if pname:
                rec["locals"].append(("var", pname, 0, ptype, None, 0, 0))
        fp.fn_of_node[node.id] = fp._add_fn(rec)


def _declare_types(fp: _FileParser, caps: dict[str, list[ts.Node]], facts: dict[str, Json]) -> None:
    for node in caps.get("type", []):
        if fp.enclosing(node) is not None:
            continue  # function-local types are not indexed
        tnode = node.child_by_field_name("type")
        facts["types"].append(
            {
                "name": _text(node.child_by_field_name("name")),
                "type": fp.texpr(tnode),
                "alias": node.type == "type_alias",
                "start": _line(node),
                "end": node.end_point[0] + 1,
                "doc": _decl_doc(node),
            }
        )


def _spec_parts(fp: _FileParser, node: ts.Node) -> tuple[list[str], Json, list[Json]]:
    names = [_text(n) for n in node.children_by_field_name("name")]
    typ = fp.texpr(node.child_by_field_name("type"))
    value = node.child_by_field_name("value")
    values = [fp.expr(v) for v in value.named_children] if value is not None else []
    return names, typ, values


def _declare_values(
    fp: _FileParser, caps: dict[str, list[ts.Node]], facts: dict[str, Json]
) -> None:
    for kind in ("var", "const"):
        for node in caps.get(kind, []):
            fn = fp.enclosing(node)
            names, typ, values = _spec_parts(fp, node)
            if fn is None:
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
                            "line": _line(node),
                            "doc": _decl_doc(node),
                        }
                    )
                    if value is not None and kind == "var":
                        init = fp.enclosing_or_init(node)
                        facts["assigns"].append(
                            (init, ("id", name), value, _start(node), _end(node))
                        )
            else:
                _add_locals(fp.funcs[fn], names, typ, values, _start(node), _end(node))
                for i, name in enumerate(names):
                    if len(values) == len(names):
                        facts["assigns"].append(
                            (fn, ("id", name), values[i], _start(node), _end(node))
                        )


def _add_locals(
    rec: dict[str, Json], names: list[str], typ: Json, values: list[Json], start: int, end: int
) -> None:
    """Record local variables: ``("var", name, visible_from, type, init, result_index,
    init_position)``; a name is visible after its declaration ends (Go's scope rule,
    so in ``x := f(x)`` the right side sees the outer x)."""
    for i, name in enumerate(names):
        if not name or name == "_":
            continue
        if len(values) == len(names):
            rec["locals"].append(("var", name, end, typ, values[i], 0, start))
        elif len(values) == 1:
            rec["locals"].append(("var", name, end, typ, values[0], i, start))
        else:
            rec["locals"].append(("var", name, end, typ, None, 0, start))


def _collect_bodies(
    fp: _FileParser, caps: dict[str, list[ts.Node]], facts: dict[str, Json]
) -> None:
    for node in caps.get("define", []) + caps.get("receive", []):
        fn = fp.enclosing(node)
        if fn is None:
            continue
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if left is None or right is None:
            continue
        names = [_text(n) for n in left.named_children]
        if right.type == "expression_list":
            values = [fp.expr(v) for v in right.named_children]
        else:
            values = [fp.expr(right)]
        start, end = _start(node), _end(node)
        _add_locals(fp.funcs[fn], names, None, values, start, end)
        if len(values) == len(names):
            for name, value in zip(names, values, strict=True):
                facts["assigns"].append((fn, ("id", name), value, start, end))
        elif len(values) == 1 and names:
            # `f, ok := m[k]`: the function value is the first name; `a, f := build()`: the
            # call's results are not told apart (all results share one slot), so bind all.
            bound = names if values[0][0] == "call" else names[:1]
            for name in bound:
                facts["assigns"].append((fn, ("id", name), values[0], start, end))

    for node in caps.get("assign", []):
        fn = fp.enclosing_or_init(node)
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if left is None or right is None or _text(node.child_by_field_name("operator")) != "=":
            continue
        lhs = [fp.expr(n) for n in left.named_children]
        rhs = [fp.expr(n) for n in right.named_children]
        if len(lhs) == len(rhs):
            for lv, rv in zip(lhs, rhs, strict=True):
                facts["assigns"].append((fn, lv, rv, _start(node), _start(node)))

    for node in caps.get("range", []):
        fn = fp.enclosing(node)
        left = node.child_by_field_name("left")
        if fn is None or left is None:
            continue
        over = fp.expr(node.child_by_field_name("right"))
        for i, name_node in enumerate(left.named_children):
            if name_node.type == "identifier":
                start, end = _start(node), _end(node)
                fp.funcs[fn]["locals"].append(("range", _text(name_node), end, over, i, start))
                if i == 1:  # the element: function values flow from the container's slot
                    facts["assigns"].append(
                        (fn, ("id", _text(name_node)), ("index", over), start, end)
                    )

    for node in caps.get("tswitch", []):
        fn = fp.enclosing(node)
        alias = node.child_by_field_name("alias")
        if fn is None or alias is None or not alias.named_children:
            continue
        name = _text(alias.named_children[0])
        subject = fp.expr(node.child_by_field_name("value"))
        for case in node.named_children:
            if case.type != "type_case":
                continue
            types = case.children_by_field_name("type")
            typ = fp.texpr(types[0]) if len(types) == 1 else None
            fp.funcs[fn]["locals"].append(
                ("var", name, _start(case), typ, subject if typ is None else None, 0, _start(case))
            )

    for node in caps.get("return", []):
        fn = fp.enclosing(node)
        if fn is None:
            continue
        values = [
            fp.expr(v)
            for v in (node.named_children[0].named_children if node.named_children else [])
        ]
        if node.named_children and node.named_children[0].type != "expression_list":
            values = [fp.expr(node.named_children[0])]
        if values:
            facts["returns"].append((fn, tuple(values)))

    for node in caps.get("comp", []):
        comp = fp.expr(node)
        facts["comps"].append((fp.enclosing_or_init(node), comp[1], comp[2]))

    go_defer = {"go_statement": "go", "defer_statement": "defer"}
    for node in caps.get("call", []):
        fn = fp.enclosing_or_init(node)
        parent = node.parent
        mode = go_defer.get(parent.type, "call") if parent is not None else "call"
        call = fp.expr(node)
        facts["calls"].append((fn, call[1], call[2], _line(node), node.start_point[1] + 1, mode))
