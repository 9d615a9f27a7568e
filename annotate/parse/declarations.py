"""Declarations of one file: imports, functions and methods (with their closures,
numbered as go/ssa numbers them), package-level types, vars and consts, and the locals
that declarations introduce."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import tree_sitter as ts

from annotate.parse.expressions import expr
from annotate.parse.fileparser import FileParser, _cached
from annotate.parse.syntax import (
    F_BODY,
    F_NAME,
    F_PARAMETERS,
    F_PATH,
    F_RECEIVER,
    F_TYPE,
    F_VALUE,
    K_METHOD_DECL,
    K_TYPE_ALIAS,
    Json,
    _end,
    _start,
)
from annotate.parse.textcache import _PURE_MAX, _SIGNATURES, _SPECS, _TOO_LONG
from annotate.parse.typeexprs import param_list, param_pairs, result_list, result_pairs, texpr


def _import(fp: FileParser, spec: ts.Node) -> Json:
    path = fp.text(spec.child_by_field_id(F_PATH)).strip('"`')
    name = spec.child_by_field_id(F_NAME)
    return (fp.text(name) if name is not None else None, path)


def _param_locals(params: Iterable[Sequence[Json]]) -> list[Json]:
    return [("var", pname, 0, ptype, None, 0, 0) for pname, ptype in params if pname]


def _signature(fp: FileParser, node: ts.Node) -> Json:
    """(name, receiver type name, pointer receiver, receiver name, params, results,
    variadic) of a function or method declaration."""
    name = fp.text(node.child_by_field_id(F_NAME))
    recv = ptr = None
    recv_name = ""
    if node.kind_id in K_METHOD_DECL:
        receiver, _ = param_pairs(fp, node.child_by_field_id(F_RECEIVER))
        if receiver:
            recv_name, rtype = receiver[0]
            ptr = bool(rtype and rtype[0] == "ptr")
            base = rtype[1] if ptr else rtype
            recv = base[1] if base and base[0] == "T" else "?"
    params, variadic = param_pairs(fp, node.child_by_field_id(F_PARAMETERS))
    return name, recv, bool(ptr), recv_name, params, result_pairs(fp, node), variadic


def _declare_functions(fp: FileParser, decls: list[ts.Node], funclits: list[ts.Node]) -> None:
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
        params, variadic = param_list(fp, node.child_by_field_id(F_PARAMETERS))
        results = result_list(fp, node)
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


def _declare_types(fp: FileParser, caps: dict[str, list[ts.Node]], facts: dict[str, Json]) -> None:
    for node in caps.get("type", []):
        if fp.enclosing(node) is not None:
            continue  # function-local types are not indexed
        facts["types"].append(
            {
                "name": fp.text(node.child_by_field_id(F_NAME)),
                "type": texpr(fp, node.child_by_field_id(F_TYPE)),
                "alias": node.kind_id in K_TYPE_ALIAS,
                "start": node.start_point[0] + 1,
                "end": node.end_point[0] + 1,
                "doc": fp.decl_doc(node),
            }
        )


def _spec_parts(fp: FileParser, node: ts.Node) -> Json:
    """(names, type, values) of a var or const spec."""
    names = tuple([fp.text(n) for n in node.children_by_field_id(F_NAME)])
    typ = texpr(fp, node.child_by_field_id(F_TYPE))
    value = node.child_by_field_id(F_VALUE)
    values = tuple([expr(fp, v) for v in value.named_children]) if value is not None else ()
    return names, typ, values


def _declare_values(fp: FileParser, caps: dict[str, list[ts.Node]], facts: dict[str, Json]) -> None:
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
