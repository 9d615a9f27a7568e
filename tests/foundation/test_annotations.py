"""Annotations: parsing notes, resolving anchors inside a symbol, reporting drift."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotate.notes.annotations import Location, NoteError, check_note, parse_note

GO = """package demo

func other() {
	x := 1
}

func Target(n int) int {
	x := n * 2
	if x > 10 {
		return x
	}
	return  x + 1
}
""".splitlines()

NOTE = """---
corpus: demo
symbol: example.com/demo.Target
title: Target, step by step
---
Doubles its argument.

@@ x := n * 2
The doubling.

@@ return x + 1
Whitespace inside the line may differ from the fragment.
"""


TARGET = Location("demo.go", 7, 13)


def _check(text: str, location: Location | None = TARGET):
    note = parse_note(text, Path("notes/target.md"))
    return check_note(
        note,
        locate=lambda sym: location,
        read_lines=lambda path: GO,
        permalink=lambda path, line: f"https://example.com/{path}#L{line}",
    )


def test_anchors_resolve_to_lines_and_permalinks():
    checked = _check(NOTE)
    assert checked.drift == []
    assert [(s.section.fragment, s.line) for s in checked.sections] == [
        (None, 7),
        ("x := n * 2", 8),
        ("return x + 1", 12),
    ]
    assert checked.sections[1].permalink == "https://example.com/demo.go#L8"
    assert checked.sections[1].section.text == "The doubling."
    assert checked.note.title == "Target, step by step"


def test_fragment_outside_the_symbol_is_drift():
    # "x := 1" exists in the file, but in other(), not in Target
    checked = _check(NOTE.replace("@@ x := n * 2", "@@ x := 1"))
    assert len(checked.drift) == 1
    assert "anchor 'x := 1' is not in example.com/demo.Target" in checked.drift[0].describe()
    assert checked.drift[0].note_line == 8


def test_ambiguous_fragment_is_drift():
    checked = _check(NOTE.replace("@@ x := n * 2", "@@ return x"))
    assert "matches 2 lines" in checked.drift[0].problem


def test_missing_symbol_is_drift():
    checked = _check(NOTE, location=None)
    assert "does not exist in corpus demo" in checked.drift[0].problem


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("no front matter\n", "starts with YAML front matter"),
        ("---\ncorpus: demo\n", "not closed"),
        ("---\ncorpus: demo\n---\n", "needs a 'symbol' string"),
        ("---\n[unclosed\n---\n", "not valid YAML"),
        ("---\ncorpus: d\nsymbol: s\n---\n@@   \n", "empty anchor fragment"),
    ],
)
def test_malformed_notes_are_named(text, message):
    with pytest.raises(NoteError, match=message):
        parse_note(text, Path("bad.md"))
