"""What function bodies hold, per statement kind: short variable declarations,
assignments, range clauses, type switches, returns, composite literals and call sites."""

from __future__ import annotations

from bisect import bisect_left

import tree_sitter as ts

from annotate.parse.declarations import _add_locals
from annotate.parse.expressions import _call_miss, expr
from annotate.parse.fileparser import FileParser, _cached, _fill, _operator
from annotate.parse.syntax import (
    F_ALIAS,
    F_LEFT,
    F_RIGHT,
    F_TYPE,
    F_VALUE,
    K_CALL,
    K_EXPRESSION_LIST,
    K_IDENTIFIER,
    K_TYPE_CASE,
    POS,
    Json,
    _end,
    _start,
)
from annotate.parse.textcache import (
    _ASSIGNS,
    _CALLS,
    _DEFINES,
    _MISS,
    _PURE_MAX,
    _RANGES,
    _RECEIVES,
    _RETURNS,
    _TOO_LONG,
)
from annotate.parse.typeexprs import texpr


def _define_parts(fp: FileParser, node: ts.Node) -> Json:
    """(names, values) of `a, b := x, y` (or of a receive statement), None if broken."""
    left = node.child_by_field_id(F_LEFT)
    right = node.child_by_field_id(F_RIGHT)
    if left is None or right is None:
        return None
    names = tuple([fp.text(n) for n in left.named_children])
    if right.kind_id in K_EXPRESSION_LIST:
        values = tuple([expr(fp, v) for v in right.named_children])
    else:
        values = (expr(fp, right),)
    return names, values


def _assign_parts(fp: FileParser, node: ts.Node) -> Json:
    """((left, right), ...) of a plain `=` assignment; () for any other."""
    left = node.child_by_field_id(F_LEFT)
    right = node.child_by_field_id(F_RIGHT)
    if left is None or right is None or _operator(fp, node) != b"=":
        return ()
    lhs = left.named_children
    rhs = right.named_children
    if len(lhs) != len(rhs):
        return ()
    return tuple([(expr(fp, lv), expr(fp, rv)) for lv, rv in zip(lhs, rhs, strict=True)])


def _range_parts(fp: FileParser, node: ts.Node) -> Json:
    """(container, ((position, name), ...)) of a range clause, None without names."""
    left = node.child_by_field_id(F_LEFT)
    if left is None:
        return None
    over = expr(fp, node.child_by_field_id(F_RIGHT))
    named = [
        (i, fp.text(n)) for i, n in enumerate(left.named_children) if n.kind_id in K_IDENTIFIER
    ]
    return over, tuple(named)


def _return_parts(fp: FileParser, node: ts.Node) -> Json:
    """The returned values, () for a bare return."""
    if not node.named_child_count:
        return ()
    first = node.named_child(0)
    if first.kind_id in K_EXPRESSION_LIST:
        return tuple([expr(fp, v) for v in first.named_children])
    return (expr(fp, first),)


def _collect_bodies(fp: FileParser, caps: dict[str, list[ts.Node]], facts: dict[str, Json]) -> None:
    assigns = facts["assigns"]
    funcs = fp.funcs
    src = fp.src
    dirty = fp.dirty
    # The enclosing function of each node, as in FileParser.enclosing_all, written
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
            if fn is None:
                continue  # enclosed by something that is not a function: package level
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
        subject = expr(fp, node.child_by_field_id(F_VALUE))
        for case in node.named_children:
            if case.kind_id not in K_TYPE_CASE:
                continue
            types = case.children_by_field_id(F_TYPE)
            typ = texpr(fp, types[0]) if len(types) == 1 else None
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
        comp = expr(fp, node)
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
