"""Every note under annotations/operator resolves against etcd-operator v0.9.4 with zero drift.

A note names a Go symbol (go/ssa form) and anchors its sections to one-line fragments of code
inside that symbol; this test resolves each anchor to exactly one line at the pinned commit.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from annotate import api
from annotate.errors import UserError
from annotate.notes.annotations import Location, check_note, load_notes
from annotate.reading.pairing import mirrors_of

NOTES_DIR = Path(__file__).parents[2] / "annotate" / "data" / "annotations" / "operator"
NOTES = load_notes(NOTES_DIR)


def test_there_are_operator_notes() -> None:
    assert len(NOTES) >= 12
    assert {n.corpus for n in NOTES} == {"etcd-operator"}


@pytest.mark.parametrize("note", NOTES, ids=lambda n: n.path.name)
def test_note_quotes_no_upstream_code_beyond_its_anchors(note) -> None:
    """Upstream code enters a note only as one-line anchor fragments, never as a code block."""
    text = note.path.read_text(encoding="utf-8")
    assert "```" not in text and "\n    " not in "\n".join(s.text for s in note.sections)


@pytest.mark.parametrize("note", NOTES, ids=lambda n: n.path.name)
def test_note_symbol_has_a_python_mirror(note) -> None:
    """Every annotated Go symbol is mirrored, so the notebooks can show both side by side."""
    assert [m.go_symbol for m in mirrors_of(note.symbol)] != [], note.symbol


@pytest.mark.corpus
@pytest.mark.parametrize("note", NOTES, ids=lambda n: n.path.name)
def test_note_resolves_without_drift(note, etcd_operator_corpus) -> None:
    _, directory = etcd_operator_corpus
    view = api.load("etcd-operator")

    def locate(symbol: str) -> Location | None:
        try:
            sym = view.index.resolve(symbol)
        except UserError:  # not found, or ambiguous
            return None
        if sym.sym != symbol or sym.file is None or sym.start is None:
            return None  # notes name symbols in full, never by suffix
        return Location(sym.file, sym.start, sym.end or sym.start)

    def read_lines(path: str) -> list[str]:
        return (directory / path).read_text(encoding="utf-8").splitlines()

    def permalink(path: str, line: int) -> str:
        return view.target.permalink(path, line) or ""

    checked = check_note(note, locate, read_lines, permalink)
    assert checked.drift == [], "\n".join(d.describe() for d in checked.drift)
    assert len(checked.sections) == len(note.sections)
    prefix = "https://github.com/coreos/etcd-operator/blob/"
    assert all(s.permalink.startswith(prefix) for s in checked.sections)


# Sections the part II notebooks show by number (``note(...).step(n)``): renumbering a note must
# not silently show the reader a different line.
STEPS_SHOWN = {
    ("cluster-run.md", 5): "if len(pending) > 0 {",
    ("cluster-run.md", 7): "if rerr != nil || c.members == nil {",
    ("reconcile-members.md", 4): "if L.Size() < c.members.Size()/2+1 {",
    ("backup-handle-backup.md", 4): 'logrus.Fatalf("unknown StorageType: %v", spec.StorageType)',
    ("start-seed-member.md", 1): "ms := etcdutil.NewMemberSet(m)",
    ("remove-member.md", 2): "case rpctypes.ErrMemberNotFound:",
}


@pytest.mark.parametrize(("name", "number"), sorted(STEPS_SHOWN))
def test_steps_shown_by_number_are_the_intended_anchors(name: str, number: int) -> None:
    note = next(n for n in NOTES if n.path.name == name)
    assert note.sections[number].fragment == STEPS_SHOWN[(name, number)]
