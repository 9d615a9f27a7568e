"""Type inference for the resolver: declared types, method sets, expression types.

A deliberately small inferencer, not a type checker: it knows the declared types
of names, fields, parameters and results, and follows the forms that carry types
(composite literals, ``&T{}``, ``new(T)``, calls, assertions, ranges, type
switches).  Interface dispatch resolves to every corpus type whose method set
has the interface's methods with compatible signatures.

:class:`TypeInference` is a mixin of :class:`annotate.resolve.resolver.Resolver`, whose
constructor owns the state it reads (packages, functions, memos).
"""

from __future__ import annotations

from functools import lru_cache

from annotate.resolve.model import (
    BUILTIN_TYPES,
    END,
    ERROR_IFACE,
    UNKNOWN,
    Func,
    Json,
    Type,
    TypeDecl,
    compatible,
    is_test_helper,
    lookup_local,
)
from annotate.resolve.state import ResolverState


class TypeInference(ResolverState):
    # -- types --------------------------------------------------------------

    def rtype(self, t: Json, pkg: str, imports: dict[str, str]) -> Type:
        """Resolve an encoded type in a file's scope to a hashable tuple."""
        if not t:
            return UNKNOWN
        tag = t[0]
        if tag == "T":
            name = t[1]
            p = self.pkgs.get(pkg)
            if p is not None and name in p.types:
                return ("N", pkg, name)
            if name == "error":
                return ERROR_IFACE
            if name in BUILTIN_TYPES:
                return ("B", name)
            return ("U", name)
        if tag == "Q":
            path = imports.get(t[1])
            return ("N", path, t[2]) if path else ("U", f"{t[1]}.{t[2]}")
        if tag in ("ptr", "slice", "chan"):
            return ({"ptr": "P", "slice": "S", "chan": "C"}[tag], self.rtype(t[1], pkg, imports))
        if tag == "map":
            return ("M", self.rtype(t[1], pkg, imports), self.rtype(t[2], pkg, imports))
        if tag == "func":
            params = tuple(self.rtype(p, pkg, imports) for p in t[1])
            results = tuple(self.rtype(r, pkg, imports) for r in t[2])
            return ("F", params, results, bool(t[3]))
        if tag == "struct":
            return ("ST", tuple((n, self.rtype(ft, pkg, imports), emb) for n, ft, emb in t[1]))
        if tag == "iface":
            methods = tuple((n, self.rtype(ft, pkg, imports)) for n, ft in t[1])
            embeds = tuple(self.rtype(e, pkg, imports) for e in t[2])
            return ("I", methods, embeds)
        return UNKNOWN

    def decl(self, t: Type) -> TypeDecl | None:
        if t[0] == "N" and t[1] in self.pkgs:
            return self.pkgs[t[1]].types.get(t[2])
        return None

    def underlying(self, t: Type, depth: int = 0) -> Type:
        d = self.decl(t)
        if d is None or depth > 10:
            return t
        # Memoized per declaration: big structs were re-resolved on every field access.
        u = d.resolved
        if u is None:
            u = d.resolved = self.rtype(d.texpr, d.pkg, d.imports)
        return self.underlying(u, depth + 1) if u[0] == "N" else u

    def iface_methods(self, t: Type, depth: int = 0) -> dict[str, Type] | None:
        """Method set of an interface type (with embedded interfaces), or None."""
        u = self.underlying(t) if t[0] == "N" else t
        if u[0] != "I" or depth > 10:
            return None
        out = dict(u[1])
        for emb in u[2]:
            sub = self.iface_methods(emb, depth + 1)
            if sub:
                out.update(sub)
        return out

    def method_set(self, t: Type, depth: int = 0) -> dict[str, tuple]:
        """name -> ("m", Func) or ("i", iface type) for a named type, pointer receivers
        included, with methods promoted through embedded fields (shallowest wins)."""
        key = (t, depth)
        if key in self._mset_memo:
            return self._mset_memo[key]
        self._mset_memo[key] = {}
        out: dict[str, tuple] = {}
        base = t[1] if t[0] == "P" else t
        d = self.decl(base)
        u = self.underlying(base)
        if u[0] == "I":
            out = {name: ("i", base) for name in self.iface_methods(base) or {}}
        elif u[0] == "ST" and depth < 6:
            for _name, ftype, emb in u[1]:
                if emb:
                    for name, val in self.method_set(ftype, depth + 1).items():
                        out.setdefault(name, val)
        if d is not None:
            out.update({name: ("m", fn) for name, fn in d.methods.items()})
        self._mset_memo[key] = out
        return out

    def member(self, t: Type, name: str) -> tuple | None:
        """("field", type, owner) | ("m", Func) | ("i", iface type) | None."""
        base = t[1] if t[0] == "P" else t
        ms = self.method_set(base) if base[0] == "N" else {}
        if name in ms:
            return ms[name]
        is_iface = base[0] == "I" or (base[0] == "N" and self.underlying(base)[0] == "I")
        if is_iface and name in (self.iface_methods(base) or {}):
            return ("i", base)
        return self._field(base, name, 0)

    def _field(self, t: Type, name: str, depth: int) -> tuple | None:
        u = self.underlying(t) if t[0] == "N" else t
        if u[0] == "P":
            u = self.underlying(u[1]) if u[1][0] == "N" else u[1]
        if u[0] != "ST" or depth > 6:
            return None
        owner = t if t[0] == "N" else (t[1] if t[0] == "P" else ("anon",))
        for fname, ftype, _emb in u[1]:
            if fname == name:
                return ("field", ftype, owner)
        for _fname, ftype, emb in u[1]:
            if emb:
                base = ftype[1] if ftype[0] == "P" else ftype
                found = self._field(base, name, depth + 1)
                if found:
                    return found
        return None

    def implementations(self, iface: Type, method: str, helpers: bool = False) -> list[Func]:
        """Every corpus method named ``method`` on a type whose method set satisfies ``iface``.

        Types in test-helper packages (``.../testing``, ``.../fake``) count only when
        ``helpers``: production code never links them (callgraph's CHA, run on the
        kubelet program, never dispatches to them), and in a reader's graph every
        interface call would otherwise fan out to the mocks.
        """
        key = (iface, method, helpers)
        if key in self._impl_memo:
            return self._impl_memo[key]
        self._impl_memo[key] = []  # guards recursion through embedded interfaces
        out: list[Func] = []
        for ms in self._satisfying(iface, helpers):
            target = ms.get(method)
            if target and target[0] == "m":
                out.append(target[1])
            elif target and target[0] == "i" and target[1] != iface:
                # promoted from an embedded interface field: whatever implements that
                out.extend(self.implementations(target[1], method, helpers))
        self._impl_memo[key] = out
        return out

    def _satisfying(self, iface: Type, helpers: bool) -> list[dict[str, tuple]]:
        """Method sets of the corpus types that satisfy ``iface`` -- computed once per
        interface, not once per method called on it."""
        key = (iface, helpers)
        found = self._satisfy_memo.get(key)
        if found is not None:
            return found
        wanted = self.iface_methods(iface) or {}
        out: list[dict[str, tuple]] = []
        if wanted:
            names = wanted.keys()
            rarest = min(wanted, key=lambda n: len(self._methods_by_name.get(n, ())))
            having: set[tuple[str, str]] | None = None  # None: every type with `rarest`
            if not _has_wildcard(wanted[rarest]):
                # only a method with exactly that signature (or one we could not fully
                # resolve) can match: most listers' Get/List differ in their types, and
                # checking each candidate's signatures took a fifth of call resolution
                exact, loose = self._by_signature(rarest)
                having = exact.get(wanted[rarest], set()) | loose
            for decl in self._methods_by_name.get(rarest, ()):
                if having is not None and (decl.pkg, decl.name) not in having:
                    continue
                t = ("N", decl.pkg, decl.name)
                if self.underlying(t)[0] == "I" or (not helpers and is_test_helper(decl.pkg)):
                    continue
                ms = self.method_set(t)
                # names first (one set operation), signatures only for the survivors
                if ms.keys() >= names and all(
                    self._sig_ok(ms[n], sig) for n, sig in wanted.items()
                ):
                    out.append(ms)
        self._satisfy_memo[key] = out
        return out

    def _by_signature(
        self, name: str
    ) -> tuple[dict[Type, set[tuple[str, str]]], set[tuple[str, str]]]:
        """The types with a method ``name``, by that method's signature; and those
        whose signature has unknown parts (or whose method is an interface's), which
        may match any."""
        found = self._sig_index.get(name)
        if found is None:
            exact: dict[Type, set[tuple[str, str]]] = {}
            loose: set[tuple[str, str]] = set()
            for decl in self._methods_by_name.get(name, ()):
                key = (decl.pkg, decl.name)
                entry = self.method_set(("N", decl.pkg, decl.name)).get(name)
                sig = self.func_type(entry[1]) if entry and entry[0] == "m" else None
                if sig is None or _has_wildcard(sig):
                    loose.add(key)
                else:
                    exact.setdefault(sig, set()).add(key)
            found = self._sig_index[name] = (exact, loose)
        return found

    def _sig_ok(self, entry: tuple, sig: Type) -> bool:
        if entry[0] != "m":
            return True
        return compatible(self.func_type(entry[1]), sig)

    def func_type(self, fn: Func) -> Type:
        if fn.ftype is None:
            rec = fn.rec
            params = tuple(self.rtype(p[1], fn.pkg, fn.imports) for p in rec["params"])
            results = tuple(self.rtype(r[1], fn.pkg, fn.imports) for r in rec["results"])
            fn.ftype = ("F", params, results, bool(rec["variadic"]))
        return fn.ftype

    # -- expression types ---------------------------------------------------

    def types_of(self, e: Json, fn: Func, line: int) -> tuple[Type, ...]:
        """All result types of an expression (several for multi-value calls)."""
        if isinstance(e, (list, tuple)) and e and e[0] == "call":
            target = self.callee_type(e, fn, line)
            if target[0] == "F":
                return target[2] or (UNKNOWN,)
        if isinstance(e, (list, tuple)) and e and e[0] == "index":
            return (self.type_of(e, fn, line), ("B", "bool"))
        if isinstance(e, (list, tuple)) and e and e[0] in ("assert", "recv"):
            return (self.type_of(e, fn, line), ("B", "bool"))
        return (self.type_of(e, fn, line),)

    def type_of(self, e: Json, fn: Func, line: int) -> Type:
        """Type of an expression.  Not memoized (locals are, in local_type): a memo
        keyed by expression and position cost ~100 MB on the full tree for little
        speed.  Recursion ends: sub-expressions are finite, and the ways back to an
        expression being typed -- through a local's or a package variable's
        initializer -- are guarded in local_type and value_type."""
        if not isinstance(e, (list, tuple)) or not e:
            return UNKNOWN
        tag = e[0]
        if tag == "id":
            return self.name_type(e[1], fn, line)
        if tag == "sel":
            x = e[1]
            if x[0] == "id" and self._is_package(x[1], fn, line):
                return self.pkg_member_type(fn.imports[x[1]], e[2])
            m = self.member(self.type_of(x, fn, line), e[2])
            if m is None:
                return UNKNOWN
            if m[0] == "field":
                return m[1]
            if m[0] == "m":
                return self.func_type(m[1])
            # an interface method: its declared signature (so `pods, err := c.GetPods()`
            # types pods even though the call is dynamic)
            sig = (self.iface_methods(m[1]) or {}).get(e[2])
            return sig if sig is not None else ("F", (), (UNKNOWN,), False)
        if tag == "call":
            ct = self.callee_type(e, fn, line)
            if ct[0] == "F":
                return ct[2][0] if ct[2] else UNKNOWN
            return ct
        if tag == "comp":
            return self.rtype(e[1], fn.pkg, fn.imports) if e[1] else UNKNOWN
        if tag == "addr":
            return ("P", self.type_of(e[1], fn, line))
        if tag in ("deref", "recv", "index"):
            inner = self.type_of(e[1], fn, line)
            u = self.underlying(inner) if inner[0] == "N" else inner
            if tag == "index" and u[0] == "M":
                return u[2]
            if u[0] in ("P", "S", "C"):
                return u[1]
            if u == ("B", "string"):
                return ("B", "byte")
            return UNKNOWN
        if tag == "assert":
            return self.rtype(e[2], fn.pkg, fn.imports)
        if tag == "conv":
            return self.rtype(e[1], fn.pkg, fn.imports)
        if tag in ("slice", "bin", "un"):
            return self.type_of(e[1], fn, line)
        if tag == "lit":
            f = self._closure(fn, e[1])
            return self.func_type(f) if f else UNKNOWN
        if tag == "basic":
            return ("B", e[1])
        if tag == "type":
            return ("TYPE", self.rtype(e[1], fn.pkg, fn.imports))
        return UNKNOWN

    def _closure(self, fn: Func, local_idx: int) -> Func | None:
        funcs = self.local_funcs.get(fn.file, [])
        return funcs[local_idx] if local_idx < len(funcs) else None

    def _is_package(self, name: str, fn: Func, line: int) -> bool:
        return name in fn.imports and lookup_local(fn, name, line) is None

    def callee_type(self, call: Json, fn: Func, line: int) -> Type:
        """Type of the thing called: a func type, or the target type of a conversion."""
        f, args = call[1], call[2]
        if f[0] == "id" and lookup_local(fn, f[1], line) is None:
            name = f[1]
            pkg = self.pkgs[fn.pkg]
            if name not in pkg.funcs and name not in pkg.values and name not in pkg.types:
                if name == "new" and args and args[0][0] == "type":
                    return ("P", self.rtype(args[0][1], fn.pkg, fn.imports))
                if name == "make" and args and args[0][0] == "type":
                    return self.rtype(args[0][1], fn.pkg, fn.imports)
                if name == "append" and args:
                    return self.type_of(args[0], fn, line)
                if name in ("len", "cap", "copy"):
                    return ("B", "int")
                if name in BUILTIN_TYPES:
                    return ("B", name)
        t = self.type_of(f, fn, line)
        if t[0] == "TYPE":
            return t[1]
        if t[0] == "N":
            u = self.underlying(t)
            return u if u[0] == "F" else UNKNOWN
        return t

    def name_type(self, name: str, fn: Func, line: int) -> Type:
        found = lookup_local(fn, name, line)
        if found is not None:
            owner, entry = found
            return self.local_type(owner, entry)
        pkg = self.pkgs[fn.pkg]
        if name in pkg.funcs:
            return self.func_type(pkg.funcs[name])
        if name in pkg.values:
            return self.value_type(pkg.path, name)
        if name in pkg.types:
            return ("TYPE", ("N", pkg.path, name))
        if name in BUILTIN_TYPES:
            return ("TYPE", ERROR_IFACE if name == "error" else ("B", name))
        return UNKNOWN

    def local_type(self, owner: Func, entry: list[Json]) -> Type:
        key = (owner.idx, entry[1], entry[2], id(entry))
        memo = self._type_memo.get(key)
        if memo is not None:
            return memo
        self._type_memo[key] = UNKNOWN
        if entry[0] == "range":
            over = self.type_of(entry[3], owner, entry[5])
            u = self.underlying(over) if over[0] == "N" else over
            if u[0] == "P":
                u = self.underlying(u[1]) if u[1][0] == "N" else u[1]
            if u[0] == "M":
                t = u[1] if entry[4] == 0 else u[2]
            elif u[0] == "C":
                t = u[1]
            elif u[0] == "S":
                t = ("B", "int") if entry[4] == 0 else u[1]
            else:
                t = ("B", "int") if entry[4] == 0 else UNKNOWN
        elif entry[3] is not None:
            t = self.rtype(entry[3], owner.pkg, owner.imports)
        elif entry[4] is not None:
            types = self.types_of(entry[4], owner, entry[6])
            t = types[entry[5]] if entry[5] < len(types) else UNKNOWN
        else:
            t = UNKNOWN
        self._type_memo[key] = t
        return t

    def value_type(self, pkg_path: str, name: str) -> Type:
        rec, path, imports = self.pkgs[pkg_path].values[name]
        if rec["type"]:
            return self.rtype(rec["type"], pkg_path, imports)
        if rec["value"] is None:
            return UNKNOWN
        key = (pkg_path, name)
        if key in self._value_busy:
            return UNKNOWN  # an initializer that refers to itself (var a = b; var b = a)
        self._value_busy.add(key)
        try:
            return self._value_type(pkg_path, name, rec, path, imports)
        finally:
            self._value_busy.discard(key)

    def _value_type(
        self, pkg_path: str, name: str, rec: dict, path: str, imports: dict[str, str]
    ) -> Type:
        init = self.by_sym.get(f"{pkg_path}.init")
        holder = init or next(iter(self.pkgs[pkg_path].funcs.values()), None)
        if holder is None or holder.file != path:
            holder = self._file_holder(pkg_path, path, imports)
        types = self.types_of(rec["value"], holder, END)
        return types[rec["index"]] if rec["index"] < len(types) else UNKNOWN

    def _file_holder(self, pkg_path: str, path: str, imports: dict[str, str]) -> Func:
        """A scope-less function standing for package-level code of one file."""
        key = f"{pkg_path}#{path}"
        fn = self.by_sym.get(key)
        if fn is None:
            fn = Func(
                -1 - len(self.by_sym),
                key,
                pkg_path,
                path,
                {"params": [], "results": [], "variadic": False},
                None,
                imports,
                kind="holder",
            )
            self.by_sym[key] = fn
        return fn

    def pkg_member_type(self, path: str, name: str) -> Type:
        pkg = self.pkgs.get(path)
        if pkg is None:
            return ("X", path, name)  # external: unknown
        if name in pkg.funcs:
            return self.func_type(pkg.funcs[name])
        if name in pkg.values:
            return self.value_type(path, name)
        if name in pkg.types:
            return ("TYPE", ("N", path, name))
        return UNKNOWN

    def _may_hold_func(self, t: Type, depth: int = 0) -> bool:
        tag = t[0]
        if tag in ("F", "?", "U", "X") or depth > 4:
            return True
        if tag == "N":
            u = self.underlying(t)
            # an external named type may be a func type (http.HandlerFunc)
            return u[0] == "N" or (u[0] != "N" and self._may_hold_func(u, depth + 1))
        if tag in ("S", "C"):
            return self._may_hold_func(t[1], depth + 1)
        if tag == "M":
            return self._may_hold_func(t[2], depth + 1)
        if tag == "I":  # interface{} may carry a func, asserted back later
            return not t[1] and not t[2]
        return False  # basic, pointer, struct, interface with methods


@lru_cache(maxsize=1 << 16)  # signatures repeat across types; the walk is recursive
def _has_wildcard(t: object) -> bool:
    """Whether a resolved type has parts ``compatible`` lets match anything."""
    if not isinstance(t, tuple):
        return False
    if t and isinstance(t[0], str):
        if t[0] in ("?", "U", "X"):
            return True
        return any(_has_wildcard(x) for x in t[1:])
    return any(_has_wildcard(x) for x in t)
