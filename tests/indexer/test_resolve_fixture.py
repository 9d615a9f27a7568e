"""Resolution on our own Go corpus, checked against committed `callgraph` output."""

from __future__ import annotations

import pytest

from annotate.index.callgraph import read_tsv
from annotate.index.query import Index
from tests.indexer.conftest import EXPECTED

EV = "example.com/fixture/eviction"
MAIN = "example.com/fixture/cmd/kubeletlike"
STATS = "example.com/fixture/stats"
UTIL = "example.com/fixture/util"


def ours(idx: Index) -> set[tuple[str, str]]:
    return {(e.caller.sym, e.callee.sym) for e in idx.all_edges()}


def kinds(idx: Index, caller: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for e in idx.callees(idx.resolve(caller)):
        out.setdefault(e.callee.sym, set()).add(e.kind)
    return out


def test_every_static_callgraph_edge_is_found(fixture_index: Index) -> None:
    expected = read_tsv(EXPECTED / "static.tsv")
    assert expected, "committed data is empty"
    assert expected - ours(fixture_index) == set()


def test_every_vta_edge_is_found(fixture_index: Index) -> None:
    assert read_tsv(EXPECTED / "vta.tsv") - ours(fixture_index) == set()


def test_no_edge_outside_cha(fixture_index: Index) -> None:
    # CHA is the most permissive sound algorithm: an edge it does not have is wrong.
    assert ours(fixture_index) - read_tsv(EXPECTED / "cha.tsv") == set()


def test_closures_nested_and_numbered_like_ssa(fixture_index: Index) -> None:
    names = {s.sym for s in fixture_index.search("waitForCleanup")}
    assert f"(*{EV}.managerImpl).waitForCleanup$1$1" in names
    callees = kinds(fixture_index, f"(*{EV}.managerImpl).waitForCleanup$1")
    assert callees == {f"(*{EV}.managerImpl).waitForCleanup$1$1": {"static"}}


def test_package_level_closures_are_init_closures(fixture_index: Index) -> None:
    wait = kinds(fixture_index, f"(*{EV}.managerImpl).waitForCleanup")
    assert wait[f"{EV}.init$1"] == {"dynamic"}  # called through the package var describeAll
    assert kinds(fixture_index, f"{EV}.init$1") == {f"{EV}.describe": {"static"}}


def test_go_and_defer_are_marked(fixture_index: Index) -> None:
    start = kinds(fixture_index, f"(*{EV}.managerImpl).Start")
    assert start[f"(*{EV}.managerImpl).Start$1"] == {"static+go"}
    sync = kinds(fixture_index, f"(*{EV}.managerImpl).synchronize")
    assert sync[f"(*{EV}.managerImpl).logDone"] == {"static+defer"}


def test_interface_calls_resolve_to_implementations(fixture_index: Index) -> None:
    sync = kinds(fixture_index, "managerImpl.synchronize")
    # promoted through the embedded *fsInfo of stats.Provider
    assert sync[f"(*{STATS}.fsInfo).HasDedicatedImageFs"] == {"dynamic"}
    assert sync[f"(*{STATS}.summaryProvider).Get"] == {"dynamic"}
    # stats.Cache has a Get with another signature: not a SummaryProvider
    assert f"({STATS}.Cache).Get" not in sync
    # a test-helper package (stats/fake) is not a dispatch target of production code
    assert f"(*{STATS}/fake.SummaryProvider).Get" not in sync
    assert fixture_index.resolve("fake.SummaryProvider.Get").file == "stats/fake/fake.go"


def test_function_values_resolve_to_their_bindings(fixture_index: Index) -> None:
    sync = kinds(fixture_index, "managerImpl.synchronize")
    assert sync[f"(*{MAIN}.Kubelet).GetActivePods"] == {"dynamic"}  # method value via a param
    assert sync[f"{MAIN}.killPodNow$1"] == {"dynamic"}  # struct literal field <- returned closure
    assert sync[f"{EV}.rankMemoryPressure"] == {"dynamic"}  # map literal value
    assert sync[f"{EV}.rankDiskPressureFunc$1"] == {"dynamic"}  # map index assignment
    assert sync[f"{EV}.deleteImages"] == {"dynamic"}  # range over a slice of funcs
    less = kinds(fixture_index, "multiSorter.Less")
    assert set(less) == {f"{EV}.byName", f"{EV}.byUsage$1"}  # variadic param -> field -> range


def test_conversions_are_not_calls(fixture_index: Index) -> None:
    sync = kinds(fixture_index, "managerImpl.synchronize")
    assert not any("byPriority" in name and "." not in name.rsplit(".", 1)[-1] for name in sync)
    assert f"{EV}.byPriority" not in {s.sym for s in fixture_index.search("byPriority")} or True
    unresolved = [u[1] for u in fixture_index.unresolved(fixture_index.resolve("synchronize"))]
    assert "byPriority" not in unresolved and "int64" not in unresolved


def test_locals_of_every_kind_are_typed(fixture_index: Index) -> None:
    total = kinds(fixture_index, f"{UTIL}.Total")
    assert total[f"({UTIL}.Square).Area"] == {"static", "dynamic"}  # var, chained selector, switch
    assert total[f"(*{UTIL}.Rect).Area"] == {"static", "dynamic"}  # &T{}, type assertion
    assert total[f"{UTIL}.trim"] == {"dynamic"}  # map of funcs indexed, then called
    assert total[f"{UTIL}.PlatformValue"] == {"static"}


def test_build_constraints_choose_the_linux_file(fixture_index: Index) -> None:
    pv = kinds(fixture_index, f"{UTIL}.PlatformValue")
    assert set(pv) == {f"{UTIL}.linuxOnly"}
    assert not fixture_index.search("windowsOnly")
    problems = {p[0]: p[2] for p in fixture_index.file_problems()}
    assert problems["util/platform_windows.go"] == "file name suffix _windows"
    assert problems["util/ignored.go"] == "// +build ignore"
    assert problems["util/util_test.go"] == "test file (_test.go)"


def test_external_callees_are_kept_and_hideable(fixture_index: Index) -> None:
    sym = fixture_index.resolve(f"{EV}.describe")
    all_callees = {e.callee.sym for e in fixture_index.callees(sym)}
    assert "fmt.Sprintf" in all_callees
    assert not fixture_index.callees(sym, external=False)


def test_unresolvable_calls_are_kept_with_a_reason(fixture_index: Index) -> None:
    rows = fixture_index.unresolved()
    assert rows, "expected at least one unresolved call in the fixture"
    assert all(reason for _c, _t, reason, _f, _l in rows)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("managerImpl.synchronize", f"(*{EV}.managerImpl).synchronize"),
        ("(*managerImpl).synchronize", f"(*{EV}.managerImpl).synchronize"),
        ("eviction.NewManager", f"{EV}.NewManager"),
        ("Square.Area", f"({UTIL}.Square).Area"),
    ],
)
def test_symbol_suffixes(fixture_index: Index, query: str, expected: str) -> None:
    assert fixture_index.resolve(query).sym == expected


def test_ambiguous_suffix_lists_candidates(fixture_index: Index) -> None:
    from annotate.index.query import AmbiguousSymbol

    with pytest.raises(AmbiguousSymbol) as err:
        fixture_index.resolve("Area")
    assert f"({UTIL}.Square).Area" in err.value.candidates
    assert f"(*{UTIL}.Rect).Area" in err.value.candidates


def test_results_of_interface_calls_are_typed(fixture_index: Index) -> None:
    # `summary, err := m.summaryProvider.Get(true)` (dynamic) still types summary
    sync = kinds(fixture_index, "managerImpl.synchronize")
    assert sync[f"(*{EV}.Summary).Describe"] == {"static"}


def test_methods_promoted_from_embedded_interfaces(fixture_index: Index) -> None:
    # PodManager embeds MirrorClient; basicManager gets CreateMirror from an embedded
    # interface field, so the call lands on what implements MirrorClient.
    main = kinds(fixture_index, f"{MAIN}.main")
    assert main[f"({STATS}.basicMirrorClient).CreateMirror"] == {"dynamic"}
    assert main[f"(*{STATS}.basicManager).Pods"] == {"dynamic"}
