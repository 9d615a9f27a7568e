"""Encoding caches of the parse stage: what is extracted from a text, kept by that text
across files (see the comment below for what may be cached and why)."""

from __future__ import annotations

import sys
from typing import Any

from annotate.parse.syntax import Json

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
