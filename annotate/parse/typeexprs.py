"""Type expressions to their encodings: ("T", name), ("Q", pkg, name), ("ptr", t), ...
(see :func:`texpr`), parameter lists, results, struct fields and interfaces."""

from __future__ import annotations

import tree_sitter as ts

from annotate.parse.fileparser import FileParser, Handler, _cached, _const, _operator
from annotate.parse.syntax import (
    _UNKNOWN,
    F_ELEMENT,
    F_FIELD,
    F_KEY,
    F_NAME,
    F_OPERAND,
    F_PACKAGE,
    F_PARAMETERS,
    F_RESULT,
    F_TYPE,
    F_VALUE,
    K_EMBED,
    K_EMBED_LIST,
    K_FIELD_DECL,
    K_FIELD_DECL_LIST,
    K_METHOD_ELEM,
    K_PARAM,
    K_PARAMETER_LIST,
    K_STAR,
    K_VARIADIC_PARAM,
    Json,
    _kind_table,
)
from annotate.parse.textcache import _PARAMS, _PURE_MAX, _QUALIFIED, _TNAMES, _name


def texpr(fp: FileParser, node: ts.Node | None) -> Json:
    """Encode a type: ("T", name) | ("Q", pkg, name) | ("ptr", t) | ("slice", t) |
    ("map", k, v) | ("chan", t) | ("func", params, results, variadic) |
    ("struct", fields) | ("iface", methods, embeds) | ("?",)."""
    if node is None:
        return None
    return _TEXPR[node.kind_id](fp, node)


def param_list(fp: FileParser, plist: ts.Node | None) -> tuple[list[list[Json]], bool]:
    """[[name or "", type], ...] and whether the last parameter is variadic."""
    pairs, variadic = param_pairs(fp, plist)
    return list(pairs), variadic


def param_pairs(fp: FileParser, plist: ts.Node | None) -> tuple[tuple[Json, ...], bool]:
    """:func:`param_list` as a tuple, the cached one itself: no copy where the pairs
    are only read."""
    if plist is None:
        return (), False
    if plist.kind_id in K_PARAMETER_LIST:
        return _cached(fp, plist, _PARAMS, _params, is_type=True)
    return _params(fp, plist)


def result_list(fp: FileParser, node: ts.Node) -> list[list[Json]]:
    return list(result_pairs(fp, node))


def result_pairs(fp: FileParser, node: ts.Node) -> tuple[Json, ...]:
    res = node.child_by_field_id(F_RESULT)
    if res is None:
        return ()
    if res.kind_id in K_PARAMETER_LIST:
        return param_pairs(fp, res)[0]
    return (("", texpr(fp, res)),)


def fields(fp: FileParser, struct: ts.Node) -> list[list[Json]]:
    """[[name, type, embedded], ...] of a struct type."""
    out: list[list[Json]] = []
    body = next((c for c in struct.named_children if c.kind_id in K_FIELD_DECL_LIST), None)
    if body is None:
        return out
    for decl in body.named_children:
        if decl.kind_id in K_FIELD_DECL:
            out += _field_decl(fp, decl)
    return out


def interface(fp: FileParser, node: ts.Node) -> Json:
    methods: list[Json] = []
    embeds: list[Json] = []
    for child in node.named_children:
        kind = child.kind_id
        if kind in K_METHOD_ELEM:
            params, variadic = param_pairs(fp, child.child_by_field_id(F_PARAMETERS))
            ftype = (
                "func",
                tuple([p[1] for p in params]),
                tuple([r[1] for r in result_pairs(fp, child)]),
                variadic,
            )
            methods.append((fp.text(child.child_by_field_id(F_NAME)), ftype))
        elif kind in K_EMBED_LIST:
            for sub in child.named_children:
                embeds.append(texpr(fp, sub))
        elif kind in K_EMBED:
            embeds.append(texpr(fp, child))
    return ("iface", methods, embeds)


def _field_decl(fp: FileParser, decl: ts.Node) -> tuple[Json, ...]:
    """The fields (name, type, embedded) of one field_declaration."""
    typ = texpr(fp, decl.child_by_field_id(F_TYPE))
    names = decl.children_by_field_id(F_NAME)
    if names:
        return tuple([(fp.text(n), typ, False) for n in names])
    # Embedded field: its name is the type name; "*T" embeds a pointer.
    if any(c.kind_id in K_STAR for c in decl.children):
        typ = ("ptr", typ)
    base = typ[1] if typ and typ[0] == "ptr" else typ
    name = base[-1] if base and base[0] in ("T", "Q") else "?"
    return ((name, typ, True),)


def _params(fp: FileParser, plist: ts.Node) -> tuple[tuple[Json, ...], bool]:
    out: list[Json] = []
    variadic = False
    text = fp.text
    for decl in plist.named_children:
        kind = decl.kind_id
        if kind in K_PARAM:
            typ = texpr(fp, decl.child_by_field_id(F_TYPE))
        elif kind in K_VARIADIC_PARAM:
            variadic = True
            typ = ("slice", texpr(fp, decl.child_by_field_id(F_TYPE)))
        else:
            continue
        names = decl.children_by_field_id(F_NAME)
        if names:
            out.extend([(text(c), typ) for c in names])
        else:
            out.append(("", typ))
    return tuple(out), variadic


# -- type handlers --------------------------------------------------------------


def _t_name(fp: FileParser, node: ts.Node) -> Json:
    raw = fp.src[node.start_byte : node.end_byte]
    out = _TNAMES.get(raw)
    if out is None:
        out = _TNAMES[raw] = ("T", _name(raw))
    return out


def _t_qualified(fp: FileParser, node: ts.Node) -> Json:
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


def _t_pointer(fp: FileParser, node: ts.Node) -> Json:
    return ("ptr", texpr(fp, _first_named(node)))


def _t_slice(fp: FileParser, node: ts.Node) -> Json:
    return ("slice", texpr(fp, node.child_by_field_id(F_ELEMENT)))


def _t_map(fp: FileParser, node: ts.Node) -> Json:
    return (
        "map",
        texpr(fp, node.child_by_field_id(F_KEY)),
        texpr(fp, node.child_by_field_id(F_VALUE)),
    )


def _t_chan(fp: FileParser, node: ts.Node) -> Json:
    return ("chan", texpr(fp, node.child_by_field_id(F_VALUE)))


def _t_paren(fp: FileParser, node: ts.Node) -> Json:
    return texpr(fp, _first_named(node))


def _t_func(fp: FileParser, node: ts.Node) -> Json:
    params, variadic = param_pairs(fp, node.child_by_field_id(F_PARAMETERS))
    return (
        "func",
        tuple([p[1] for p in params]),
        tuple([r[1] for r in result_pairs(fp, node)]),
        variadic,
    )


def _t_struct(fp: FileParser, node: ts.Node) -> Json:
    return ("struct", fields(fp, node))


def _t_interface(fp: FileParser, node: ts.Node) -> Json:
    return interface(fp, node)


def _t_generic(fp: FileParser, node: ts.Node) -> Json:
    return texpr(fp, node.child_by_field_id(F_TYPE))


def _t_selector(fp: FileParser, node: ts.Node) -> Json:
    # a qualified type parsed in expression position
    return (
        "Q",
        fp.text(node.child_by_field_id(F_OPERAND)),
        fp.text(node.child_by_field_id(F_FIELD)),
    )


def _t_unary(fp: FileParser, node: ts.Node) -> Json:
    if _operator(fp, node) == b"*":
        return ("ptr", texpr(fp, node.child_by_field_id(F_OPERAND)))
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
