"""Per-file Go facts, extracted with tree-sitter-go and one tree-sitter query.

The output is plain data (dicts, lists, tuples, strings, ints) so it can be
cached in SQLite by file hash (with :mod:`marshal`) and sent between worker
processes.  Nothing here knows about other files: names stay as written
(``foo.Bar``), and :mod:`annotate.resolve` turns them into go/ssa symbols.

Expressions and types are encoded as small nested tuples, tagged by their first
element -- see :func:`~annotate.parse.expressions.expr` and
:func:`~annotate.parse.typeexprs.texpr`.  Tuples,
not lists: on the full kubernetes tree the facts are held in memory at once, and
tuples are the smaller container.  A sub-expression is built once and shared by
every record that mentions it (marshal keeps the sharing); expressions with the
same source text share one encoding (see :mod:`annotate.parse.textcache`).

Speed: extraction runs once per file of the whole tree.  What is extracted from an
expression, statement or signature is cached by its source text across files (see
"encoding caches"); the hot paths work on node kind ids and field ids (not type and
field name strings), slice names out of the source bytes, and dispatch through
tables instead of chains of comparisons; the cyclic GC is off while a file's facts
are built.  Syntax errors come from a second query, run only on trees that have them.

This module is the entry (:func:`parse_bytes`); the work is split by job, each module
importing only those before it:

* :mod:`~annotate.parse.syntax` -- the language, its queries, node kind and field ids;
* :mod:`~annotate.parse.textcache` -- encodings kept by source text across files;
* :mod:`~annotate.parse.fileparser` -- one file's walk: its functions, enclosing-function
  lookups, doc comments;
* :mod:`~annotate.parse.typeexprs` and :mod:`~annotate.parse.expressions` -- encodings of
  types and of expressions;
* :mod:`~annotate.parse.declarations` -- imports, functions and closures, types, values;
* :mod:`~annotate.parse.bodies` -- what function bodies hold: locals, assignments, ranges,
  type switches, returns, composite literals, call sites.

Names with a leading underscore are private to this package, not to their module.
"""

from __future__ import annotations

import gc

import tree_sitter as ts

from annotate.parse.bodies import _collect_bodies
from annotate.parse.declarations import _declare_functions, _declare_types, _declare_values, _import
from annotate.parse.fileparser import FileParser, _cached
from annotate.parse.syntax import (
    _UNORDERED,
    Json,
    _by_end,
    _by_span,
    _by_start,
    _errors_query,
    facts_query,
    new_parser,
)
from annotate.parse.textcache import _IMPORTS, _trim_caches

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
    fp = FileParser(tree, source)
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
