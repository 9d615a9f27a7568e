"""Expressions to their encodings: ("id", name), ("sel", x, name), ("call", f, args), ...
(see :func:`expr`), and composite literals' elements."""

from __future__ import annotations

import re

import tree_sitter as ts

from annotate.parse.fileparser import FileParser, Handler, _const, _operator
from annotate.parse.syntax import (
    _BASIC,
    _BASIC_EXPR,
    _BASIC_KIND,
    _BASIC_PAIR,
    _UNKNOWN,
    F_ARGUMENTS,
    F_BODY,
    F_FIELD,
    F_FUNCTION,
    F_LEFT,
    F_OPERAND,
    F_TYPE,
    K_COMMENT,
    K_ELEMENT,
    K_KEYED_ELEMENT,
    K_LITERAL_VALUE,
    Json,
    _kind_table,
)
from annotate.parse.textcache import _CALLS, _IDENTS, _PURE_MAX, _SELECTORS, _TOO_LONG, _name
from annotate.parse.typeexprs import texpr


def expr(fp: FileParser, node: ts.Node | None) -> Json:
    """Encode an expression: ("id", name) | ("sel", x, name) | ("call", f, args) |
    ("comp", type, ((key, value), ...)) | ("addr"|"deref"|"recv"|"un", x) |
    ("bin", left) | ("assert", x, type) | ("index", x) | ("slice", x) |
    ("lit", func index) | ("conv", type, x) | ("type", type) | ("basic", kind) |
    ("nil",) | ("?",)."""
    if node is None:
        return _UNKNOWN
    return _EXPR[node.kind_id](fp, node)


def elements(fp: FileParser, body: ts.Node | None) -> list[Json]:
    """[[key or None, value], ...] of a literal_value (a composite literal's body);
    keys are expressions (a field name is ("id", f)); pairs are lists or tuples."""
    out: list[Json] = []
    if body is None:
        return out
    if body.end_byte - body.start_byte > 256 and not body.has_error:
        table = _constant_table(fp.src[body.start_byte : body.end_byte])
        if table is not None:
            return table
    dirty = fp.dirty
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
                out.append((_element(fp, key), _element_in(fp, inner)))
            elif value.kind_id not in _BASIC_KIND:
                out.append((_element(fp, key), _EXPR[value.kind_id](fp, value)))
        elif kind in K_ELEMENT:
            # positional: keep a (shared) placeholder so field positions stay right
            only = el.named_child(0) if el.named_child_count == 1 else None
            if only is not None:
                basic = _BASIC_KIND.get(only.kind_id)
                if basic:
                    out.append(_BASIC_PAIR[basic])
                elif only.kind_id in K_LITERAL_VALUE:  # elided type: {..}
                    out.append([None, ("comp", None, elements(fp, only))])
                else:
                    out.append([None, _EXPR[only.kind_id](fp, only)])
            else:
                out.append([None, _element(fp, el)])
        elif kind not in K_COMMENT:
            out.append((None, expr(fp, el)))
    return out


def _element(fp: FileParser, el: ts.Node) -> Json:
    if el.kind_id in K_ELEMENT:
        return _element_in(fp, el.named_children)
    return _EXPR[el.kind_id](fp, el)


def _element_in(fp: FileParser, inner: list[ts.Node]) -> Json:
    """_element of a literal_element, from its named children."""
    if not inner:
        return _UNKNOWN
    first = inner[0]
    if first.kind_id in K_LITERAL_VALUE:  # elided type: {..} inside a composite
        return ("comp", None, elements(fp, first))
    return _EXPR[first.kind_id](fp, first)


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


# -- expression handlers: (parser, node) -> encoding ---------------------------


def _e_ident(fp: FileParser, node: ts.Node) -> Json:
    raw = fp.src[node.start_byte : node.end_byte]
    out = _IDENTS.get(raw)
    if out is None:
        out = _IDENTS[raw] = ("id", _name(raw))
    return out


# `a.b.c`: plain identifiers and dots.  Without syntax errors such a selector is
# sel(sel(id a, b), c), except that nil/true/false/iota are not identifiers.
_CHAIN = re.compile(rb"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+")
_NOT_IDENTIFIERS = frozenset([b"nil", b"true", b"false", b"iota"])


def _e_selector(fp: FileParser, node: ts.Node) -> Json:
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


def _build_call(fp: FileParser, node: ts.Node) -> Json:
    args_node = node.child_by_field_id(F_ARGUMENTS)
    if args_node is not None:
        args = tuple([_ARG[a.kind_id](fp, a) for a in args_node.named_children])
    else:
        args = ()
    function = node.child_by_field_id(F_FUNCTION)
    return ("call", _UNKNOWN if function is None else _EXPR[function.kind_id](fp, function), args)


def _e_call(fp: FileParser, node: ts.Node) -> Json:
    start, end = node.start_byte, node.end_byte
    raw = fp.src[start:end] if end - start <= _PURE_MAX else _TOO_LONG
    out = _CALLS.get(raw)
    if out is not None and not node.has_error:
        return out
    return _call_miss(fp, node, raw)


def _call_miss(fp: FileParser, node: ts.Node, raw: bytes) -> Json:
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


def _e_paren(fp: FileParser, node: ts.Node) -> Json:
    if node.named_child_count:
        inner = node.named_child(0)
        return _EXPR[inner.kind_id](fp, inner)
    return _UNKNOWN


def _e_composite(fp: FileParser, node: ts.Node) -> Json:
    by_node = fp._by_node
    out = by_node.get(node.id)
    if out is None:
        out = by_node[node.id] = (
            "comp",
            texpr(fp, node.child_by_field_id(F_TYPE)),
            elements(fp, node.child_by_field_id(F_BODY)),
        )
    return out


_UNARY_TAG = {b"&": "addr", b"*": "deref", b"<-": "recv"}
_COMPARISON = frozenset([b"==", b"!=", b"<", b"<=", b">", b">=", b"&&", b"||"])


def _e_unary(fp: FileParser, node: ts.Node) -> Json:
    tag = _UNARY_TAG.get(_operator(fp, node), "un")
    return (tag, expr(fp, node.child_by_field_id(F_OPERAND)))


def _e_binary(fp: FileParser, node: ts.Node) -> Json:
    if _operator(fp, node) in _COMPARISON:
        return ("basic", "bool")
    return ("bin", expr(fp, node.child_by_field_id(F_LEFT)))


def _e_assert(fp: FileParser, node: ts.Node) -> Json:
    return (
        "assert",
        expr(fp, node.child_by_field_id(F_OPERAND)),
        texpr(fp, node.child_by_field_id(F_TYPE)),
    )


def _e_index(fp: FileParser, node: ts.Node) -> Json:
    return ("index", expr(fp, node.child_by_field_id(F_OPERAND)))


def _e_slice(fp: FileParser, node: ts.Node) -> Json:
    return ("slice", expr(fp, node.child_by_field_id(F_OPERAND)))


def _e_func_literal(fp: FileParser, node: ts.Node) -> Json:
    fn = fp.fn_of_node.get(node.id)
    return ("lit", fn) if fn is not None else _UNKNOWN


def _e_conversion(fp: FileParser, node: ts.Node) -> Json:
    return (
        "conv",
        texpr(fp, node.child_by_field_id(F_TYPE)),
        expr(fp, node.child_by_field_id(F_OPERAND)),
    )


def _e_type(fp: FileParser, node: ts.Node) -> Json:
    return ("type", texpr(fp, node))


def _expr_handler(t: str) -> Handler:
    if t in ("identifier", "field_identifier", "package_identifier", "type_identifier"):
        return _e_ident
    if t in ("true", "false"):
        return _const(("basic", "untyped bool"))
    if t == "nil":
        return _const(("nil",))
    if t == "iota":
        # the very string of _BASIC, as when both lived in one module: marshal then
        # stores it once per file (facts byte-identical to the undivided parser's)
        return _const(("basic", _BASIC["int_literal"]))
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


def _a_variadic(fp: FileParser, node: ts.Node) -> Json:
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
