"""annotate.reading.pairing: Go beside its Python mirror, and notes with resolved anchors."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotate.index.query import AmbiguousSymbol, SymbolNotFound
from annotate.notes.annotations import Location, check_note, parse_note
from annotate.reading import pairing

SYNC = "(*k8s.io/kubernetes/pkg/kubelet/eviction.managerImpl).synchronize"
MET = "k8s.io/kubernetes/pkg/kubelet/eviction.thresholdsMet"


@pytest.fixture
def no_corpus(monkeypatch):
    """Behave as if no corpus were in the cache."""
    monkeypatch.setattr(pairing, "corpus_view", lambda name="kubernetes": None)


# --------------------------------------------------------------------------- mirrors_of


def test_mirrors_of_full_name_and_suffix():
    full = pairing.mirrors_of(MET)
    assert [m.python_name for m in full] == ["reference_impl.eviction.helpers.thresholds_met"]
    assert pairing.mirrors_of("eviction.thresholdsMet") == full
    assert pairing.mirrors_of("thresholdsMet") == full
    sync = pairing.mirrors_of("managerImpl.synchronize")
    assert [m.go_symbol for m in sync] == [SYNC]
    assert sync[0].python_name.endswith("eviction_manager.Manager.synchronize")


def test_mirrors_of_closure_and_operator_mirrors():
    loop = pairing.mirrors_of("managerImpl.Start$1")
    assert loop and loop[0].python_name.endswith("MonitorLoop.step")


def test_mirrors_of_ambiguous_suffix_names_candidates():
    with pytest.raises(AmbiguousSymbol) as err:
        pairing.mirrors_of("Start")
    assert "managerImpl).Start" in str(err.value)
    assert "memcgThresholdNotifier).Start" in str(err.value)


def test_mirrors_of_unknown_is_empty():
    assert pairing.mirrors_of("eviction.noSuchFunction") == []


# --------------------------------------------------------------------------- beside, offline


def test_beside_without_corpus_shows_python_and_fetch_hint(no_corpus):
    pair = pairing.beside("eviction.thresholdsMet")
    assert pair.go_symbol == MET
    assert pair.excerpt is None
    assert "annotate fetch kubernetes" in (pair.go_problem or "")
    (src,) = pair.python
    assert src.path == "reference_impl/eviction/helpers.py"
    assert any("def thresholds_met(" in line for line in src.lines)
    assert not src.lines[0].startswith(" ")  # dedented
    text = str(pair)
    assert "Python: reference_impl.eviction.helpers.thresholds_met" in text
    assert "annotate fetch kubernetes" in text
    page = pair._repr_html_()
    assert page.count("flex:1 1 0") == 2  # two columns
    assert "<b>Go</b>" in page and "<b>Python</b>" in page
    assert "reference_impl.eviction.helpers.thresholds_met" in page


def test_beside_without_corpus_and_without_mirror_says_how_to_fetch(no_corpus):
    with pytest.raises(SymbolNotFound, match="annotate fetch kubernetes"):
        pairing.beside("Kubelet.initializeRuntimeDependentModules")


# --------------------------------------------------------------------------- notes, offline

NOTE = """---
corpus: demo
symbol: example.com/demo.Target
title: Target
---
Doubles.

@@ x := n * 2
The doubling.

@@ gone := 1
This anchor drifted.
"""
GO = ["package demo", "", "func Target(n int) int {", "\tx := n * 2", "\treturn x", "}"]


def test_note_view_shows_drift_loudly():
    note = parse_note(NOTE, Path("notes/target.md"))
    checked = check_note(
        note,
        locate=lambda s: Location("demo.go", 3, 6),
        read_lines=lambda p: GO,
        permalink=lambda p, line: f"https://example.com/{p}#L{line}",
    )
    view = pairing.NoteView(note, checked)
    assert not view.ok
    assert len(view.drift) == 1 and "gone := 1" in view.drift[0]
    page = view._repr_html_()
    assert "DRIFT: 1 anchor(s)" in page and "#cf222e" in page
    assert "https://example.com/demo.go#L4" in page  # the anchor that did resolve
    assert "DRIFT" in str(view) and "L4 https://example.com/demo.go#L4" in str(view)


def test_find_note_by_symbol_by_suffix_and_by_path():
    by_symbol = pairing.find_note(SYNC)
    assert by_symbol.path.name == "synchronize.md"
    assert pairing.find_note("managerImpl.synchronize").path == by_symbol.path
    assert pairing.find_note("eviction/synchronize.md").path.name == "synchronize.md"
    assert pairing.find_note("annotations/eviction/synchronize.md").title
    with pytest.raises(LookupError):
        pairing.find_note("eviction.noSuchFunction")
    with pytest.raises(FileNotFoundError):
        pairing.find_note("eviction/no-such-note.md")


def test_note_without_corpus_shows_prose_unchecked(no_corpus):
    view = pairing.note("managerImpl.synchronize")
    assert view.checked is None and not view.ok
    page = view._repr_html_()
    assert "Anchors not checked" in page and "annotate fetch kubernetes" in page
    assert "Min-reclaim" in page  # the prose is there
    assert "unchecked" in page and "unresolved" not in page  # not fetched is not drift
    step = view.step(3)
    assert "annotate fetch kubernetes" in (step.problem or "")
    assert "activePods := podFunc()" in step.title
    assert "<b>Go</b>" in step._repr_html_()


# --------------------------------------------------------------------------- with the corpus


@pytest.mark.corpus
def test_beside_with_corpus(kubernetes_corpus):
    corpus, _ = kubernetes_corpus
    pair = pairing.beside("managerImpl.synchronize")
    assert pair.go_symbol == SYNC
    assert pair.excerpt is not None
    assert pair.excerpt.excerpt.path == "pkg/kubelet/eviction/eviction_manager.go"
    assert pair.permalink.startswith(
        f"https://github.com/kubernetes/kubernetes/blob/{corpus.commit}/pkg/kubelet/eviction/"
    )
    lines = pair.excerpt.excerpt.lines
    assert any(line.startswith("func (m *managerImpl) synchronize(") for line in lines[:4])
    assert lines[-1] == "}"
    page = pair._repr_html_()
    assert pair.permalink in page and "Manager.synchronize" in page
    assert str(pair).startswith(f"Go: {SYNC}\nhttps://github.com/")


@pytest.mark.corpus
def test_beside_symbol_without_mirror_and_outside_reading_set(kubernetes_corpus):
    pair = pairing.beside("Kubelet.initializeRuntimeDependentModules")
    assert pair.excerpt is not None and pair.python == []
    assert "No Python mirror" in pair._repr_html_()
    vendored = pairing.beside("resource.Quantity).Cmp")
    assert vendored.excerpt is None and "not in the reading set" in (vendored.go_problem or "")
    assert vendored.python[0].python_name == "reference_impl.quantity.Quantity.cmp"


@pytest.mark.corpus
def test_note_with_corpus_resolves_steps(kubernetes_corpus):
    view = pairing.note("managerImpl.synchronize")
    assert view.ok, view.drift
    assert "no drift" in view._repr_html_()
    for number in range(1, len(view)):
        step = view.step(number)
        assert step.lines, step.problem
        fragment = " ".join(view.note.sections[number].fragment.split())
        assert fragment in " ".join(step.lines[0].split())
        assert step.permalink and step.permalink.endswith(f"#L{step.start}")
        assert len(step.lines) <= 24
    intro = view.step(0)
    assert intro.lines[0].startswith("func (m *managerImpl) synchronize(")
