from __future__ import annotations

from annotate.parse.facts import parse_bytes

SRC = b"""package demo

import (
	"fmt"
	str "strings"
	_ "embed"
)

// Shape has an area.
type Shape interface {
	fmt.Stringer
	Area(scale int) (int, error)
}

// Box embeds a pointer and a value.
type Box struct {
	*Inner
	fmt.Stringer
	W, H int
	hook func(string) error
}

type Hook func(int) bool

// Limit is a typed package var.
var Limit int64 = 10

const name = "demo"

// Area is a method with a pointer receiver.
func (b *Box) Area(scale int) (int, error) {
	go b.refresh()
	defer func() {
		fmt.Println(str.ToUpper(name))
	}()
	f := func() { func() {}() }
	f()
	return b.W * b.H * scale, nil
}

func (b Box) String() string { return "box" }

func refresh() {}
"""


def _facts() -> dict:
    return parse_bytes(SRC)


def test_package_imports_and_aliases() -> None:
    f = _facts()
    assert f["package"] == "demo"
    assert f["imports"] == [(None, "fmt"), ("str", "strings"), ("_", "embed")]
    assert f["errors"] == []


def test_methods_receivers_and_doc_comments() -> None:
    funcs = {(fn["recv"], fn["name"]): fn for fn in _facts()["funcs"] if fn["parent"] is None}
    area = funcs[("Box", "Area")]
    assert area["ptr"] is True and funcs[("Box", "String")]["ptr"] is False
    assert area["doc"] == "// Area is a method with a pointer receiver."
    assert [p[0] for p in area["params"]] == ["scale"]
    assert [r[1] for r in area["results"]] == [("T", "int"), ("T", "error")]
    assert (None, "refresh") in funcs


def test_types_fields_embedding_and_interfaces() -> None:
    types = {t["name"]: t for t in _facts()["types"]}
    box = types["Box"]["type"]
    assert box[0] == "struct"
    fields = {f[0]: (f[1], f[2]) for f in box[1]}
    assert fields["Inner"] == (("ptr", ("T", "Inner")), True)
    assert fields["Stringer"] == (("Q", "fmt", "Stringer"), True)
    assert fields["W"] == (("T", "int"), False)
    assert fields["hook"][0][0] == "func"
    shape = types["Shape"]["type"]
    assert shape[0] == "iface"
    assert [m[0] for m in shape[1]] == ["Area"]
    assert shape[2] == [("Q", "fmt", "Stringer")]
    assert types["Hook"]["type"][0] == "func"
    assert types["Shape"]["doc"] == "// Shape has an area."


def test_package_values_with_declared_types() -> None:
    values = {v["name"]: v for v in _facts()["values"]}
    assert values["Limit"]["type"] == ("T", "int64") and values["Limit"]["kind"] == "var"
    assert values["name"]["kind"] == "const"


def test_closures_are_numbered_in_source_order_within_their_parent() -> None:
    funcs = _facts()["funcs"]
    area = next(i for i, fn in enumerate(funcs) if fn["name"] == "Area")
    direct = [fn for fn in funcs if fn["parent"] == area]
    assert [fn["name"] for fn in direct] == ["$1", "$2"]
    second = funcs.index(direct[1])
    assert [fn["name"] for fn in funcs if fn["parent"] == second] == ["$1"]


def test_call_sites_with_enclosing_function_and_go_defer() -> None:
    f = _facts()
    funcs = f["funcs"]
    calls = [(funcs[c[0]]["name"], c[1], c[3], c[5]) for c in f["calls"]]
    assert ("Area", ("sel", ("id", "b"), "refresh"), 32, "go") in calls
    assert any(c[0] == "Area" and c[3] == "defer" and c[1][0] == "lit" for c in calls)
    inner = [c for c in calls if c[1] == ("sel", ("id", "str"), "ToUpper")]
    assert inner and inner[0][0] == "$1" and inner[0][2] == 34
    line, col = next((c[3], c[4]) for c in f["calls"] if c[1] == ("id", "f"))
    assert (line, col) == (37, 2)


def test_malformed_inputs_do_not_crash() -> None:
    broken = parse_bytes(b"package p\nfunc A( {\n  B(\n}\nfunc C() { D() }\n")
    assert broken["package"] == "p"
    assert broken["errors"] and "syntax error" in broken["errors"][0]
    assert parse_bytes(b"")["errors"] == ["empty file"]
    assert parse_bytes(b"\x7fELF\x00\x00\x01")["errors"][0].startswith("binary file")
    latin = parse_bytes(b"package p\n// caf\xe9\nfunc A() {}\n")
    assert latin["errors"][0].startswith("not valid UTF-8")
    assert [fn["name"] for fn in latin["funcs"]] == ["A"]
