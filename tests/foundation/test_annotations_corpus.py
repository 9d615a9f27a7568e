"""Every note under annotations/ resolves against the pinned corpus with zero drift."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotate.notes.annotations import load_notes
from annotate.reading.pairing import ANNOTATIONS, check_with_corpus, corpus_view

NOTES = load_notes(ANNOTATIONS)


def test_there_are_notes():
    assert NOTES, f"no notes under {ANNOTATIONS}"
    assert any(n.path.parent.name == "eviction" for n in NOTES)


@pytest.mark.corpus
@pytest.mark.parametrize("note", NOTES, ids=lambda n: str(Path(n.path).relative_to(ANNOTATIONS)))
def test_note_has_no_drift(note, request):
    fixture = {"kubernetes": "kubernetes_corpus", "etcd-operator": "etcd_operator_corpus"}
    assert note.corpus in fixture, f"{note.path}: unknown corpus {note.corpus!r}"
    request.getfixturevalue(fixture[note.corpus])  # skips without the corpus
    view = corpus_view(note.corpus)
    assert view is not None
    checked = check_with_corpus(note, view)
    assert checked.location is not None, f"{note.path}: {note.symbol} not in {note.corpus}"
    assert not checked.drift, "\n".join(d.describe() for d in checked.drift)
    assert len(checked.sections) == len(note.sections)
    # every anchor lies inside the symbol it annotates
    loc = checked.location
    assert all(loc.start <= s.line <= loc.end for s in checked.sections)
    assert all(s.permalink.startswith("https://github.com/") for s in checked.sections)


@pytest.mark.parametrize("note", NOTES, ids=lambda n: n.path.name)
def test_anchors_are_short_single_line_fragments(note):
    for section in note.sections[1:]:
        assert "\n" not in section.fragment
        assert len(section.fragment) <= 120, f"{note.path}:{section.note_line}: anchor too long"
