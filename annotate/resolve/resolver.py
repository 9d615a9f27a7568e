"""Resolve per-file facts into go/ssa symbols and call edges.

Input: the facts of every file of a corpus (from :mod:`annotate.parse.facts`) with
their package import paths.  Output: symbols, edges and unresolved calls, named
the way ``callgraph`` prints go/ssa functions (``pkg.F``, ``(*pkg.T).M``,
``pkg.F$1``).

The work is split by question: :mod:`annotate.resolve.types` answers "what type is
this?", :mod:`annotate.resolve.flow` "which functions may this value be?", and this
module declares the symbols, resolves every call site with both, and emits the
results.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator

from annotate.parse.syntax import POS
from annotate.resolve.flow import ValueFlow
from annotate.resolve.model import (
    BUILTIN_FUNCS,
    BUILTIN_TYPES,
    Edge,
    FileInput,
    Func,
    Json,
    Outcome,
    Package,
    Result,
    SettledSite,
    SymbolRow,
    Type,
    TypeDecl,
    Unresolved,
    is_test_helper,
    lookup_local,
    render,
    show_type,
)

__all__ = ["Edge", "FileInput", "Result", "SettledSite", "SymbolRow", "Unresolved", "resolve"]


class Resolver(ValueFlow):
    """Declarations, call resolution and output; types and values come from the mixins."""

    def __init__(self, files: list[FileInput]) -> None:
        self.files = sorted(files, key=lambda f: f.path)
        self.pkgs: dict[str, Package] = {}
        self.funcs: list[Func] = []
        self.by_sym: dict[str, Func] = {}
        self.slots: dict[tuple, list[tuple[Json, Func, int]]] = defaultdict(list)
        self._type_memo: dict[tuple, Type] = {}
        self._local_busy: set[tuple] = set()
        self._slot_busy: set[tuple] = set()
        self._slot_memo: dict[tuple, frozenset[str]] = {}
        self._slot_prev: dict[tuple, frozenset[str]] = {}
        self._slots_grew = False
        # Read tracking from the second round on (see resolve_calls): what each slot
        # and call site read; None while not tracking (the hot path stays lean).
        self._reads: list[list] | None = None
        self._deps: dict[tuple, list] = {}  # reads recorded since the last invalidate
        self._readers: dict[tuple, set] = {}  # the reverse: who read a slot
        self._dirty: set[tuple] = set()
        self._used_dynamic = False
        self._single: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {}
        self._single_rows: dict[tuple[str, str], tuple[tuple[str, str, str], ...]] = {}
        self._value_busy: set[tuple[str, str]] = set()  # package variables being typed
        self._impl_memo: dict[tuple, list[Func]] = {}
        # with a `settled` callback: the unresolved sites known final after round one
        self._settled_unresolved: list[Unresolved] = []
        self._satisfy_memo: dict[tuple, list[dict[str, tuple]]] = {}
        self._sig_index: dict[str, tuple[dict, set]] = {}  # see _by_signature
        self._func_holders: dict[str, tuple[str | None, ...]] = {}  # see _holder_params
        self._mset_memo: dict[tuple, dict[str, tuple]] = {}
        self._methods_by_name: dict[str, list[TypeDecl]] = defaultdict(list)
        self.local_funcs: dict[str, list[Func]] = {}
        self.vendored: dict[str, str] = {}
        self.rounds: list[tuple[int, float]] = []  # (sites, seconds) per call round

    # -- declarations -------------------------------------------------------

    def declare(self) -> None:
        # Package name per path: the most common one (a stray `package main`
        # file excluded by build tags should not rename the package).
        names: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for f in self.files:
            if f.facts.get("package"):
                names[f.pkg_path][f.facts["package"]] += 1
        for path, counts in names.items():
            self.pkgs[path] = Package(path, max(counts, key=lambda n: counts[n]))
        self.vendored = {p.split("/vendor/", 1)[1]: p for p in self.pkgs if "/vendor/" in p}
        init_counter: dict[str, int] = defaultdict(int)
        init_closures: dict[str, int] = defaultdict(int)
        for f in self.files:
            pkg = self.pkgs.get(f.pkg_path)
            if pkg is None or f.facts.get("package") != pkg.name:
                continue
            imports = self._imports(f)
            local: list[Func] = []
            for i, rec in enumerate(f.facts["funcs"]):
                parent = local[rec["parent"]] if rec["parent"] is not None else None
                if rec.get("synthetic"):
                    sym, kind = f"{pkg.path}.init", "init"
                elif parent is not None:
                    num = rec["name"]
                    if parent.kind == "init":
                        # package-level closures are numbered across the package's files
                        init_closures[pkg.path] += 1
                        num = f"${init_closures[pkg.path]}"
                    sym, kind = parent.sym + num, "closure"
                elif rec["recv"] is not None:
                    star = "*" if rec["ptr"] else ""
                    sym, kind = f"({star}{pkg.path}.{rec['recv']}).{rec['name']}", "method"
                elif rec["name"] == "init":
                    init_counter[pkg.path] += 1
                    sym, kind = f"{pkg.path}.init#{init_counter[pkg.path]}", "func"
                else:
                    sym, kind = f"{pkg.path}.{rec['name']}", "func"
                fn = Func(len(self.funcs), sym, pkg.path, f.path, rec, parent, imports, kind=kind)
                assert i == len(local)
                local.append(fn)
                if kind == "init" and sym in self.by_sym:
                    fn = self.by_sym[sym]  # one `init` per package, shared by its files
                    local[-1] = fn
                    continue
                for entry in rec["locals"]:
                    fn.locals.setdefault(entry[1], []).append(entry)
                self.funcs.append(fn)
                self.by_sym[sym] = fn
                if kind == "func" and not rec["name"].startswith("init"):
                    pkg.funcs[rec["name"]] = fn
            f.facts["_funcs"] = local
            self.local_funcs[f.path] = local
            for trec in f.facts["types"]:
                pkg.types[trec["name"]] = TypeDecl(
                    pkg.path, trec["name"], trec["type"], f.path, imports, trec
                )
            for vrec in f.facts["values"]:
                pkg.values[vrec["name"]] = (vrec, f.path, imports)
        for fn in self.funcs:
            if fn.kind == "method":
                decl = self.pkgs[fn.pkg].types.get(fn.rec["recv"])
                if decl is not None:
                    decl.methods[fn.rec["name"]] = fn
        for pkg in self.pkgs.values():
            for decl in pkg.types.values():
                for name in self.method_set(("N", pkg.path, decl.name)):
                    self._methods_by_name[name].append(decl)

    def _imports(self, f: FileInput) -> dict[str, str]:
        out: dict[str, str] = {}
        for alias, path in f.facts["imports"]:
            if alias in ("_", "."):
                continue
            if path not in self.pkgs and path in self.vendored:
                path = self.vendored[path]  # GOPATH-mode vendoring: <root>/vendor/<path>
            if alias is None:
                target = self.pkgs.get(path)
                alias = target.name if target else path.rsplit("/", 1)[-1]
                # gopkg.in/yaml.v2 and friends: the package name drops the version
                if target is None and "." in alias and path.startswith("gopkg.in/"):
                    alias = alias.split(".")[0]
                alias = alias.replace("-", "_") if target is None else alias
            out[alias] = path
        return out

    # -- calls --------------------------------------------------------------

    def call_targets(self, f: Json, fn: Func, line: int) -> list[tuple[str, str]]:
        """(callee sym, how) for a callee expression; how is static|interface|funcvalue."""
        out, _ = self._targets(f, fn, line)
        return out

    def _targets(self, f: Json, fn: Func, line: int) -> tuple[list[tuple[str, str]], str | None]:
        """Targets plus, when there are none, why (None: not a call, e.g. a conversion)."""
        tag = f[0]
        if tag == "lit":
            c = self._closure(fn, f[1])
            return ([(c.sym, "closure")], "") if c else ([], "closure not found")
        if tag == "type" or tag == "conv":
            return [], None
        if tag == "id":
            name = f[1]
            found = lookup_local(fn, name, line)
            if found is None:
                pkg = self.pkgs[fn.pkg]
                if name in pkg.funcs:
                    return [(pkg.funcs[name].sym, "static")], ""
                if name in pkg.types or name in BUILTIN_TYPES or name in BUILTIN_FUNCS:
                    return [], None  # conversion or builtin: not a call edge
                if name not in pkg.values:
                    return [], f"unknown identifier {name}"
            return self._dynamic(f, fn, line)
        if tag == "sel":
            x, name = f[1], f[2]
            if x[0] == "id" and self._is_package(x[1], fn, line):
                path = fn.imports[x[1]]
                imported = self.pkgs.get(path)
                if imported is None:
                    return [(f"{path}.{name}", "external")], ""
                if name in imported.funcs:
                    return [(imported.funcs[name].sym, "static")], ""
                if name in imported.types:
                    return [], None
                if name in imported.values:
                    return self._dynamic(f, fn, line)
                return [], f"{path}.{name} not declared in the corpus (build constraints?)"
            xt = self.type_of(x, fn, line)
            if xt[0] == "TYPE":  # method expression T.M / (*T).M
                m = self.member(xt[1], name)
                return (
                    ([(m[1].sym, "static")], "") if m and m[0] == "m" else ([], "method expression")
                )
            m = self.member(xt, name)
            if m is None:
                return self._unknown_member(xt, name)
            if m[0] == "m":
                return [(m[1].sym, "static")], ""
            if m[0] == "i":
                impls = self.implementations(m[1], name, helpers=is_test_helper(fn.pkg))
                if impls:
                    return [(g.sym, "interface") for g in impls], ""
                iname = m[1][1] + "." + m[1][2] if m[1][0] == "N" else "interface"
                return [], f"no implementation of {iname}.{name} in the corpus"
            return self._dynamic(f, fn, line)
        if tag in ("call", "index", "deref", "assert"):
            return self._dynamic(f, fn, line)
        return [], f"unsupported callee form {tag}"

    def _unknown_member(self, xt: Type, name: str) -> tuple[list[tuple[str, str]], str]:
        base = xt[1] if xt[0] == "P" else xt
        if base[0] == "N" and base[1] in self.pkgs:
            ext = self._external_embedded(base)
            if ext is not None:  # promoted from an external embedded type (sync.Mutex.Lock)
                return [(f"({ext}).{name}", "external")], ""
        if base[0] == "N" and base[1] not in self.pkgs:
            star = "*" if xt[0] == "P" else ""
            return [(f"({star}{base[1]}.{base[2]}).{name}", "external")], ""
        if base[0] == "X":
            return [], f"receiver of external type {base[1]}.{base[2]}"
        if base[0] == "?":
            return [], "unknown type of receiver"
        if base[0] == "U":
            return [], f"unknown type {base[1]}"
        return [], f"no member {name} on {show_type(xt)}"

    def _external_embedded(self, t: Type) -> str | None:
        u = self.underlying(t)
        if u[0] != "ST":
            return None
        for _n, ftype, emb in u[1]:
            base = ftype[1] if ftype[0] == "P" else ftype
            if emb and base[0] == "N" and base[1] not in self.pkgs:
                return f"*{base[1]}.{base[2]}"
        return None

    def _dynamic(self, f: Json, fn: Func, line: int) -> tuple[list[tuple[str, str]], str]:
        self._used_dynamic = True
        vals = self.values_of(f, fn, line)
        if vals:
            return [(v, "funcvalue") for v in sorted(vals)], ""
        return [], f"function value {render(f)} with no binding in the corpus"

    def resolve_calls(
        self, settled: Callable[[list[SettledSite], bool], None] | None = None
    ) -> tuple[Iterator[Edge], list[Unresolved]]:
        """Resolve every call site.

        Function values flow through parameters (bound from call arguments) and
        through calls of other function values, so resolution iterates.  The first
        round resolves every site.  The second re-resolves, from scratch, the sites
        that went through a function value, and records what each site and each slot
        read.  Later rounds redo only what a changed slot (a new binding, or growth
        around a cycle) reaches through those reads, until no slot changes -- on the
        full kubernetes tree that is a few hundred sites instead of ~1.5e4 per round.
        """
        started = time.perf_counter()
        results, everywhere, changed = self._first_round(settled)
        self.rounds = [(len(results), time.perf_counter() - started)]
        site_reads: dict[int, list] = {}
        dynamic = everywhere
        # From the second round on, record what every slot and site reads, so that
        # later rounds redo only what a changed slot reaches.
        self._slot_memo.clear()
        self._reads, self._deps, self._dirty, self._readers = [], {}, set(), {}
        reads = self._reads
        holders = self._func_holders
        while changed and dynamic and len(self.rounds) < 12:
            started = time.perf_counter()
            for site in dynamic:
                i, f, (fidx, callee, args, line, col, _mode) = site
                fn = f.facts["_funcs"][fidx]
                pos = line * POS + col
                reads.append([])
                try:
                    targets, why = self._targets(callee, fn, pos)
                finally:
                    site_reads[i] = reads.pop()
                before = results[i]
                results[i] = self._outcome(targets, why)
                old = before if isinstance(before, tuple) else ()
                for sym, how in targets:
                    # arguments flow into a callee's parameters once per (site, callee)
                    if how != "external" and (sym, how) not in old and holders.get(sym, True):
                        self._bind_args(sym, args, fn, pos)
            self.rounds.append((len(dynamic), time.perf_counter() - started))
            changed = bool(self._dirty)
            if changed:
                again = self.invalidate(self._dirty, site_reads)
                self._dirty = set()
                dynamic = [site for site in everywhere if site[0] in again]
        self._reads = None
        self._readers = {}
        # with `settled`, only the function-value sites are left to give
        return self._emit(results, everywhere if settled is not None else None)

    def _first_round(
        self, settled: Callable[[list[SettledSite], bool], None] | None
    ) -> tuple[list[Outcome], list[tuple[int, FileInput, list[Json]]], bool]:
        """Resolve every call site once, in file order.  Returns one outcome per site
        (its targets, or why it has none), the sites that went through a function
        value, and whether another round could change anything."""
        results: list[Outcome] = []  # flat: the full kubernetes tree has ~5e5 sites
        dynamic: list[tuple[int, FileInput, list[Json]]] = []
        holders, bind_args = self._func_holders, self._bind_args
        targets_of, outcome = self._targets, self._outcome
        self._slot_memo.clear()
        self._slots_grew = False
        bound = False
        batch: list[SettledSite] = []
        in_batch = 0  # edges
        unresolved = self._settled_unresolved
        single_rows, target_rows = self._single_rows, self._target_rows
        for f in self.files:
            local = f.facts.get("_funcs")
            if not local:
                continue
            for call in f.facts["calls"]:
                fidx, callee, args, line, col, mode = call
                fn = local[fidx]
                pos = line * POS + col
                self._used_dynamic = False
                targets, why = targets_of(callee, fn, pos)
                found = outcome(targets, why)
                if self._used_dynamic:
                    dynamic.append((len(results), f, call))
                elif settled is not None:
                    # final already (later rounds redo only function-value sites):
                    # delivered now, so the caller can store it while we go on
                    if isinstance(found, tuple):  # targets found (see _outcome)
                        if len(targets) == 1:  # most sites: one callee, its rows shared
                            rows = single_rows.get(targets[0])
                            if rows is None:
                                rows = single_rows[targets[0]] = target_rows(found)
                        else:
                            rows = target_rows(found)
                        batch.append((fn.sym, rows, mode, f.path, line, col))
                        in_batch += len(rows)
                        if in_batch >= 50_000:
                            settled(batch, False)
                            batch, in_batch = [], 0
                    elif found is not None:  # why there is none
                        unresolved.append(
                            Unresolved(fn.sym, render(callee), found, f.path, line, col)
                        )
                results.append(found)
                for sym, how in targets:
                    if how != "external":
                        bound = True
                        if holders.get(sym, True):  # () -- nothing to bind -- is common
                            bind_args(sym, args, fn, pos)
        if settled is not None:
            settled(batch, True)
        return results, dynamic, bound or self._slots_grew

    def _outcome(self, targets: list[tuple[str, str]], why: str | None) -> Outcome:
        if not targets:
            return why or None
        if len(targets) == 1:
            shared = self._single.get(targets[0])
            if shared is None:
                shared = self._single[targets[0]] = (targets[0],)
            return shared
        return tuple(dict.fromkeys(targets))  # a type can satisfy an interface twice

    def _sites(self) -> Iterator[tuple[FileInput, list[Json]]]:
        for f in self.files:
            if f.facts.get("_funcs"):
                for call in f.facts["calls"]:
                    yield f, call

    def _emit(
        self, results: list[Outcome], only: list[tuple[int, FileInput, list[Json]]] | None
    ) -> tuple[Iterator[Edge], list[Unresolved]]:
        """Edges and unresolved calls of the sites in ``only`` (None: of every site),
        plus the unresolved calls the first round already settled."""
        if only is None:
            sites: Iterable[tuple[int, FileInput, list[Json]]] = (
                (i, f, call) for i, (f, call) in enumerate(self._sites())
            )
        else:
            sites = only  # in site order, as the first round listed them
        unresolved = self._settled_unresolved
        self._settled_unresolved = []
        with_edges: list[tuple[tuple, FileInput, list[Json]]] = []
        for i, f, call in sites:
            outcome = results[i]
            if isinstance(outcome, tuple):
                with_edges.append((outcome, f, call))
            elif isinstance(outcome, str):
                fidx, callee, _args, line, col, _mode = call
                fn = f.facts["_funcs"][fidx]
                unresolved.append(Unresolved(fn.sym, render(callee), outcome, f.path, line, col))

        def edges() -> Iterator[Edge]:
            for outcome, f, (fidx, _callee, _args, line, col, mode) in with_edges:
                caller = f.facts["_funcs"][fidx].sym
                yield from self._edges_of(caller, outcome, mode, f.path, line, col)

        return edges(), unresolved

    def _edges_of(
        self, caller: str, outcome: tuple, mode: str, path: str, line: int, col: int
    ) -> Iterator[Edge]:
        for sym, dispatch, via in self._target_rows(outcome):
            yield (caller, sym, dispatch, via, mode, path, line, col)

    def _target_rows(self, outcome: tuple) -> tuple[tuple[str, str, str], ...]:
        """(callee, dispatch, via) per target of a site (via is call for a callee
        outside the corpus)."""
        by_sym = self.by_sym
        return tuple(
            (sym, *_DISPATCH_VIA[how]) if sym in by_sym else (sym, _DISPATCH_VIA[how][0], "call")
            for sym, how in outcome
        )

    def release_memos(self) -> None:
        """Drop the inference caches before the (large) output is built."""
        self._type_memo.clear()
        self._slot_memo.clear()
        self._slot_prev.clear()
        self.slots.clear()

    # -- output -------------------------------------------------------------

    def symbol_records(self) -> Iterator[SymbolRow]:
        for fn in self.funcs:
            rec = fn.rec
            if fn.kind == "init":
                continue
            name = rec["name"] if fn.kind != "closure" else fn.sym.rsplit(".", 1)[-1]
            yield (
                fn.sym,
                fn.kind,
                fn.pkg,
                name,
                rec.get("recv"),
                fn.file,
                rec["start"],
                rec["end"],
                rec.get("doc", ""),
            )
        kinds = {"struct": "struct", "iface": "interface", "func": "functype"}
        for pkg in self.pkgs.values():
            for decl in pkg.types.values():
                t = decl.texpr or ["?"]
                yield (
                    f"{pkg.path}.{decl.name}",
                    kinds.get(t[0], "type"),
                    pkg.path,
                    decl.name,
                    None,
                    decl.file,
                    decl.rec["start"],
                    decl.rec["end"],
                    decl.rec.get("doc", ""),
                )
            for name, (rec, path, _imports) in pkg.values.items():
                yield (
                    f"{pkg.path}.{name}",
                    rec["kind"],
                    pkg.path,
                    name,
                    None,
                    path,
                    rec["line"],
                    rec["line"],
                    rec.get("doc", ""),
                )


def resolve(
    files: Iterable[FileInput],
    declared: Callable[[Iterator[SymbolRow]], None] | None = None,
    settled: Callable[[list[SettledSite], bool], None] | None = None,
) -> Result:
    """Resolve a corpus.

    Both callbacks let a caller store results while resolution goes on: ``declared``
    receives the symbol rows as soon as they are declared (the result's ``symbols``
    is then empty), ``settled`` batches of the call sites whose edges are final after
    the first round (one record per site, see SettledSite), with a flag set on the
    last batch (the result's ``edges`` then holds only the others)."""
    r = Resolver(list(files))
    r.declare()
    symbols: Iterator[SymbolRow] = r.symbol_records()
    if declared is not None:
        declared(symbols)
        symbols = iter(())
    r.collect_bindings()
    for f in r.files:  # bound into slots now; the containers are no longer needed
        for key in ("assigns", "returns", "comps"):
            f.facts[key] = []
    edges, unresolved = r.resolve_calls(settled)
    if settled is None:  # the edges left to build are then many: make room first
        r.release_memos()
    return Result(symbols, edges, unresolved, r)


# (dispatch, via) per kind of target; an edge to an external callee is a plain call
_DISPATCH_VIA = {
    "static": ("static", "static"),
    "closure": ("static", "closure"),
    "interface": ("dynamic", "interface"),
    "funcvalue": ("dynamic", "funcvalue"),
    "external": ("static", "call"),
}
