"""Function values: which functions a called value may hold.

A flow-insensitive analysis over "slots" -- locals, parameters, results, struct
fields and package variables -- where map and slice elements share their
container's slot.  Bindings come from assignments, declarations, composite
literals, return statements and call arguments; a slot's values are the union of
what its bindings evaluate to (function names, method values, closures, the
results of calls).  Cycles (state machines whose states return the next state)
are resolved by rounds: a slot being computed answers with what the previous
round found, and :meth:`annotate.resolve.resolver.Resolver.resolve_calls` repeats rounds
until no slot grows.

:class:`ValueFlow` is a mixin of :class:`annotate.resolve.resolver.Resolver`.
"""

from __future__ import annotations

from annotate.parse.syntax import POS
from annotate.resolve.model import END, UNKNOWN, Func, Json, Type, is_test_helper, lookup_local
from annotate.resolve.types import TypeInference

# The expression forms :meth:`ValueFlow.values_of` can find a function in; binding
# anything else (constants, nil, arithmetic, ...) to a slot could never add a value.
VALUE_TAGS = frozenset(
    ("lit", "id", "sel", "call", "comp", "index", "deref", "addr", "assert", "slice", "conv")
)


def strip_pointers(t: Type) -> Type:
    """``**T`` -> ``T``: a pointer result can carry what its target holds (a
    ``*[256]func`` table, say)."""
    while t[0] == "P":
        t = t[1]
    return t


class ValueFlow(TypeInference):
    # -- function values ----------------------------------------------------

    def slot_of(self, e: Json, fn: Func, line: int) -> tuple | None:
        """The slot an assignable expression denotes (element-insensitive)."""
        if not isinstance(e, (list, tuple)) or not e:
            return None
        tag = e[0]
        if tag == "id":
            found = lookup_local(fn, e[1], line)
            if found is not None:
                return ("L", found[0].sym, e[1])
            if e[1] in self.pkgs[fn.pkg].values:
                return ("G", fn.pkg, e[1])
            return None
        if tag == "sel":
            x = e[1]
            if x[0] == "id" and self._is_package(x[1], fn, line):
                return ("G", fn.imports[x[1]], e[2])
            m = self.member(self.type_of(x, fn, line), e[2])
            if m is not None and m[0] == "field":
                return ("F", m[2], e[2])
            return None
        if tag in ("index", "deref", "slice"):
            return self.slot_of(e[1], fn, line)
        return None

    def values_of(self, e: Json, fn: Func, line: int, depth: int = 0) -> frozenset[str]:
        """Functions (ssa names) an expression may evaluate to.

        Not memoised: an expression is met at one position, so a memo keyed by
        (expression, function, position) hardly ever hits, and on the full kubernetes
        tree it held ~10^6 entries.  Recursion ends anyway: sub-expressions are finite,
        and every other way round goes through :meth:`slot_values`, which is memoised
        and guards its cycles."""
        if depth > 40 or not isinstance(e, (list, tuple)) or not e:
            return frozenset()
        return self._values_of(e, fn, line, depth)

    def _values_of(self, e: Json, fn: Func, line: int, depth: int) -> frozenset[str]:
        tag = e[0]
        if tag == "lit":
            f = self._closure(fn, e[1])
            return frozenset([f.sym]) if f else frozenset()
        if tag == "id":
            if lookup_local(fn, e[1], line) is None and e[1] in self.pkgs[fn.pkg].funcs:
                return frozenset([self.pkgs[fn.pkg].funcs[e[1]].sym])
            slot = self.slot_of(e, fn, line)
            return self.slot_values(slot, depth) if slot else frozenset()
        if tag == "sel":
            x = e[1]
            if x[0] == "id" and self._is_package(x[1], fn, line):
                path = fn.imports[x[1]]
                pkg = self.pkgs.get(path)
                if pkg is None:  # an external function passed as a value (strings.ToUpper)
                    return frozenset([f"{path}.{e[2]}"])
                if e[2] in pkg.funcs:
                    return frozenset([pkg.funcs[e[2]].sym])
            else:
                m = self.member(self.type_of(x, fn, line), e[2])
                if m is not None and m[0] == "m":  # a method value
                    return frozenset([m[1].sym])
                if m is not None and m[0] == "i":
                    helpers = is_test_helper(fn.pkg)
                    return frozenset(f.sym for f in self.implementations(m[1], e[2], helpers))
            slot = self.slot_of(e, fn, line)
            return self.slot_values(slot, depth) if slot else frozenset()
        if tag == "call":
            callee = e[1]
            if (
                callee[0] == "id"
                and callee[1] == "append"
                and lookup_local(fn, "append", line) is None
            ):
                out_append: set[str] = set()
                for arg in e[2]:
                    out_append |= self.values_of(arg, fn, line, depth + 1)
                return frozenset(out_append)
            ct = self.type_of(e[1], fn, line)
            if ct[0] == "TYPE":  # a conversion such as KillPodFunc(f)
                return self.values_of(e[2][0], fn, line, depth + 1) if e[2] else frozenset()
            out: set[str] = set()
            for target, _how in self.call_targets(e[1], fn, line):
                out |= self.slot_values(("R", target), depth)
            return frozenset(out)
        if tag == "comp":
            out = set()
            for _k, v in e[2]:
                out |= self.values_of(v, fn, line, depth + 1)
            return frozenset(out)
        if tag in ("index", "deref", "addr", "assert", "slice"):
            return self.values_of(e[1], fn, line, depth + 1) | (
                self.slot_values(s, depth) if (s := self.slot_of(e, fn, line)) else frozenset()
            )
        if tag == "conv":
            return self.values_of(e[2], fn, line, depth + 1)
        return frozenset()

    def slot_values(self, slot: tuple, depth: int) -> frozenset[str]:
        """Values of a slot.  A slot already being computed (a cycle, as in a state
        machine whose states return the next state) answers with what the previous
        round found; rounds repeat until no slot grows."""
        reads = self._reads
        if reads is not None:
            reads[-1].append(slot)
        memo = self._slot_memo.get(slot)
        if memo is not None:
            return memo
        if slot in self._slot_busy:
            return self._slot_prev.get(slot, frozenset())
        self._slot_busy.add(slot)
        if reads is not None:
            reads.append([])
        try:
            out: set[str] = set(self._slot_prev.get(slot, ()))
            for expr, src_fn, line in self.slots.get(slot, ()):
                out |= self.values_of(expr, src_fn, line, depth + 1)
            result = frozenset(out)
        finally:
            self._slot_busy.discard(slot)
            if reads is not None:
                self._deps[slot] = reads.pop()
        if len(result) > len(self._slot_prev.get(slot, ())):
            self._slot_prev[slot] = result
            self._slots_grew = True
            if reads is not None:
                self._dirty.add(slot)
        self._slot_memo[slot] = result
        return result

    def bind(self, slot: tuple | None, expr: Json, fn: Func, line: int) -> None:
        if slot is not None:
            self.slots[slot].append((expr, fn, line))
            if self._reads is not None:
                self._dirty.add(slot)

    def invalidate(self, dirty: set[tuple], site_reads: dict[int, list]) -> set[int]:
        """Forget every slot memo that read a dirty slot, directly or through other
        slots, and return the call sites (keys of ``site_reads``) that did.

        The reverse graph is kept between rounds and only extended: reads recorded
        since the last call are added (stale reader entries only over-invalidate)."""
        readers = self._readers
        for node, deps in self._deps.items():
            for dep in deps:
                readers.setdefault(dep, set()).add(node)
        for site, deps in site_reads.items():
            for dep in deps:
                readers.setdefault(dep, set()).add(site)
        self._deps.clear()
        site_reads.clear()
        seen: set = set()
        todo = list(dirty)
        sites: set[int] = set()
        while todo:
            node = todo.pop()
            if node in seen:
                continue
            seen.add(node)
            if isinstance(node, int):
                sites.add(node)
                continue
            self._slot_memo.pop(node, None)
            todo.extend(readers.get(node, ()))
        return sites

    def collect_bindings(self) -> None:
        """Slots from assignments, struct literals and returns (call arguments come later)."""
        for f in self.files:
            local = f.facts.get("_funcs")
            if not local:
                continue
            for fidx, lhs, rhs, start, visible in f.facts["assigns"]:
                if rhs[0] in VALUE_TAGS:
                    fn = local[fidx]
                    self.bind(self.slot_of(lhs, fn, visible + 1), rhs, fn, start)
            may_return_func: dict[int, bool] = {}  # per function, not per return
            for fidx, values in f.facts["returns"]:
                fn = local[fidx]
                # Like parameters (see _holder_params): results that cannot hold a
                # function (errors, counts, structs) are not worth a binding.
                holds = may_return_func.get(fidx)
                if holds is None:
                    holds = may_return_func[fidx] = any(
                        self._may_hold_func(strip_pointers(t)) for t in self.func_type(fn)[2]
                    )
                if holds:
                    for v in values:
                        if v[0] in VALUE_TAGS:
                            self.bind(("R", fn.sym), v, fn, END)
            for fidx, texpr, elements in f.facts["comps"]:
                fn = local[fidx]
                t = self.rtype(texpr, fn.pkg, fn.imports) if texpr else UNKNOWN
                u = self.underlying(t) if t[0] == "N" else t
                if u[0] != "ST":
                    continue
                owner = t if t[0] == "N" else ("anon",)
                for pos, (key, value) in enumerate(elements):
                    if value[0] not in VALUE_TAGS:
                        continue
                    if key is not None and key[0] == "id":
                        self.bind(("F", owner, key[1]), value, fn, (fn.rec["end"] + 1) * POS)
                    elif key is None and pos < len(u[1]):
                        self.bind(("F", owner, u[1][pos][0]), value, fn, (fn.rec["end"] + 1) * POS)

    def _bind_args(self, sym: str, args: list[Json], fn: Func, line: int) -> None:
        holders = self._func_holders.get(sym)
        if holders is None:
            holders = self._func_holders[sym] = self._holder_params(sym)
        if not holders:  # most callees take pods, strings and errors: nothing to bind
            return
        last = len(holders) - 1
        for i, arg in enumerate(args):
            pname = holders[min(i, last)]
            if pname is not None:
                self.bind(("L", sym, pname), arg, fn, line)

    def _holder_params(self, sym: str) -> tuple[str | None, ...]:
        """Per parameter of ``sym``: its name if it can hold a function (so call
        arguments bound to it matter), else None; () when no parameter can.  Computed
        once per callee, which is bound from every one of its call sites."""
        target = self.by_sym.get(sym)
        if target is None or not target.rec["params"]:
            return ()
        ptypes = self.func_type(target)[1]
        names = tuple(
            pname if pname and pname != "_" and self._may_hold_func(ptypes[j]) else None
            for j, (pname, _t) in enumerate(target.rec["params"])
        )
        return names if any(n is not None for n in names) else ()
