"""annotate.index.rows: symbol ids and table rows made from the resolver's records."""

from __future__ import annotations

from annotate.index.rows import Rows


def _symbol(sym: str) -> tuple:
    return (sym, "func", "example.com/p", sym.rsplit(".", 1)[-1], None, "p/a.go", 1, 2, "")


def test_ids_follow_the_order_records_come_in_and_a_symbol_keeps_its_first_row() -> None:
    rows = Rows()
    first = rows.symbols([_symbol("example.com/p.A"), _symbol("example.com/p.B")])
    again = rows.symbols([_symbol("example.com/p.A"), _symbol("example.com/p.C")])
    assert [r[:2] for r in first] == [(1, "example.com/p.A"), (2, "example.com/p.B")]
    assert [r[:2] for r in again] == [(3, "example.com/p.C")]  # A is not repeated
    assert first[0][-1] == 0  # declared here: not external


def test_a_site_gives_one_edge_row_per_callee_and_new_names_become_symbols() -> None:
    rows = Rows()
    rows.symbols([_symbol("example.com/p.A"), _symbol("example.com/p.B")])
    shared = (("example.com/p.B", "static", "static"),)
    fanout = (
        ("example.com/p.B", "dynamic", "interface"),
        ("fmt.Println", "static", "call"),
    )
    edges = rows.sites(
        [
            ("example.com/p.A", shared, "call", "p/a.go", 3, 4),
            ("example.com/p.A", shared, "defer", "p/a.go", 5, 2),
            ("example.com/p.init", fanout, "go", "p/b.go", 7, 1),
        ]
    )
    assert edges == [
        (1, 2, "static", "static", "call", "p/a.go", 3, 4),
        (1, 2, "static", "static", "defer", "p/a.go", 5, 2),
        (3, 2, "dynamic", "interface", "go", "p/b.go", 7, 1),
        (3, 4, "static", "call", "go", "p/b.go", 7, 1),
    ]
    # names first met here get the next ids in the order met: the caller, then callees
    extra = {r[1]: r for r in rows.extra()}
    assert extra["fmt.Println"][2:5] == ("external", "fmt", "Println")
    assert extra["fmt.Println"][-1] == 1
    assert extra["example.com/p.init"][2] == "init" and extra["example.com/p.init"][-1] == 0
    assert rows.extra() == []  # given once


def test_edges_and_unresolved_calls_use_the_same_ids() -> None:
    rows = Rows()
    rows.symbols([_symbol("example.com/p.A")])
    edge = ("example.com/p.A", "(*example.com/p.T).M", "static", "static", "call", "p/a.go", 9, 1)
    assert rows.edges([edge]) == [(1, 2, "static", "static", "call", "p/a.go", 9, 1)]
    call = ("example.com/p.A", "f(...)", "unknown identifier f", "p/a.go", 10, 2)
    assert rows.unresolved([call]) == [(1, "f(...)", "unknown identifier f", "p/a.go", 10, 2)]
    (method,) = rows.extra()
    assert method[1:5] == ("(*example.com/p.T).M", "external", "example.com/p", "T.M")
