"""tree-sitter-go as the parse stage uses it: the language and its queries, node kind and
field ids, source positions, and the constant encodings every other module shares.

Node.kind_id and child_by_field_id are cheaper than Node.type and child_by_field_name, so
the hot paths work on the ids defined here (see "node kinds and fields" below).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from importlib import resources
from operator import attrgetter
from typing import Any, TypeVar

import tree_sitter as ts
import tree_sitter_go as tsgo

H = TypeVar("H")

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
# (an id without a name gets one no grammar rule has, so it matches nothing, as None did)
_KIND_NAMES: dict[int, str] = {
    i: _LANG.node_kind_for_id(i) or f"?{i}" for i in range(_LANG.node_kind_count)
}
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


def _kind_table(choose: Callable[[str], H]) -> dict[int, H]:
    """kind id -> handler, chosen from the kind's name, for every kind of the grammar.

    A plain dict, filled up front: subscripting an exact dict is the interpreter's
    fast path.  Every node's kind_id is a symbol of the grammar or ERROR."""
    return {kind_id: choose(name) for kind_id, name in _KIND_NAMES.items()}
