"""The state the resolver's parts share, declared once for the type checker.

:class:`annotate.resolve.resolver.Resolver` is put together from
:class:`annotate.resolve.types.TypeInference` (types of expressions, method sets, interface
dispatch) and :class:`annotate.resolve.flow.ValueFlow` (which functions a value may hold).
The resolver's constructor owns and fills this state; both parts read it, so it is declared
here, on the base they share, rather than guessed by each part.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from annotate.resolve.model import FileInput, Func, Json, Package, Type, TypeDecl, Unresolved


class ResolverState:
    files: list[FileInput]
    pkgs: dict[str, Package]
    funcs: list[Func]
    by_sym: dict[str, Func]
    slots: dict[tuple[Any, ...], list[tuple[Json, Func, int]]]
    local_funcs: dict[str, list[Func]]
    vendored: dict[str, str]
    rounds: list[tuple[int, float]]
    _type_memo: dict[tuple[Any, ...], Type]
    _local_busy: set[tuple[Any, ...]]
    _slot_busy: set[tuple[Any, ...]]
    _slot_memo: dict[tuple[Any, ...], frozenset[str]]
    _slot_prev: dict[tuple[Any, ...], frozenset[str]]
    _slots_grew: bool
    _reads: list[list[Any]] | None
    _deps: dict[tuple[Any, ...], list[Any]]
    _readers: dict[tuple[Any, ...], set[Any]]
    _dirty: set[tuple[Any, ...]]
    _used_dynamic: bool
    _single: dict[tuple[str, str], tuple[tuple[str, str], ...]]
    _single_rows: dict[tuple[str, str], tuple[tuple[str, str, str], ...]]
    _value_busy: set[tuple[str, str]]
    _impl_memo: dict[tuple[Any, ...], list[Func]]
    _settled_unresolved: list[Unresolved]
    _satisfy_memo: dict[tuple[Any, ...], list[dict[str, tuple[Any, ...]]]]
    _sig_index: dict[str, tuple[dict[Any, Any], set[Any]]]
    _func_holders: dict[str, tuple[str | None, ...]]
    _mset_memo: dict[tuple[Any, ...], dict[str, tuple[Any, ...]]]
    _methods_by_name: dict[str, list[TypeDecl]]

    if TYPE_CHECKING:
        # defined by the Resolver itself; ValueFlow follows calls through it
        def call_targets(self, f: Json, fn: Func, line: int) -> list[tuple[str, str]]: ...
