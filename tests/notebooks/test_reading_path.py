"""The reading path (notebooks/reading-path.toml) has no holes.

Every step names a Go symbol that exists in its corpus's index (corpus test: skips without the
sources), a Python mirror that imports and declares ``@mirrors`` of exactly that symbol (or a
note saying why there is none), and a notebook section whose anchor exists.  The README's table
is the one the toml generates.
"""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path

import pytest

from annotate.reading import path as reading_path
from annotate.reading.pairing import ANNOTATIONS

REPO = Path(__file__).resolve().parents[2]
STEPS = reading_path.load()
NEW_MIRRORS = (
    "reference_impl.kubelet.",
    "reference_impl.scheduler.",
    "reference_impl.operator.cmd.",
)


def _python_object(dotted: str) -> object:
    parts = dotted.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            obj: object = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:]:
            obj = getattr(obj, attr)
        return obj
    raise ImportError(dotted)


def test_the_path_covers_both_parts_in_order():
    parts = [s.part for s in STEPS]
    assert parts == sorted(parts, key=["I", "II"].index), "Part I steps come before Part II"
    ids = {s.id for s in STEPS}
    # the holes issue 15 names: providers, killer, node status, scheduler; operator main, CRD
    for needed in (
        "summary-provider", "disk-info-provider", "active-pods", "kill-pod-now", "admit",
        "node-memory-pressure", "node-disk-pressure", "scheduler-memory-pressure",
        "scheduler-disk-pressure", "operator-main", "operator-crd", "controller", "run-loop",
        "backup-operator-main", "restore-operator-main",
    ):  # fmt: skip
        assert needed in ids


@pytest.mark.parametrize("step", STEPS, ids=lambda s: s.id)
def test_mirror_declares_the_step_symbol(step: reading_path.Step):
    if not step.mirror:
        assert len(step.mirror_note) > 20, f"{step.id}: no mirror and no real reason"
        return
    obj = inspect.unwrap(_python_object(step.mirror))
    declared = getattr(obj, "__mirrors__", ())
    assert step.go in declared, f"{step.mirror} declares {declared}, not {step.go}"
    assert obj.__doc__, f"{step.mirror}: no docstring"
    if step.mirror.startswith(NEW_MIRRORS):  # the mirrors written for the path's holes
        assert ">>>" in obj.__doc__, f"{step.mirror}: no docstring example"


@pytest.mark.parametrize("step", STEPS, ids=lambda s: s.id)
def test_section_anchor_exists(step: reading_path.Step):
    notebook = REPO / "notebooks" / f"{step.notebook}.ipynb"
    assert notebook.is_file(), f"{step.id}: no notebook {notebook.name}"
    anchors = reading_path.notebook_anchors(notebook)
    assert step.section in anchors, f"{step.id}: {notebook.name} has no anchor {step.section!r}"


@pytest.mark.corpus
@pytest.mark.parametrize("step", STEPS, ids=lambda s: s.id)
def test_go_symbol_is_in_the_index(
    step: reading_path.Step, kubernetes_corpus, etcd_operator_corpus
):
    where = reading_path.index_locator()(step)  # raises when the symbol is missing or differs
    assert where.line > 0 and where.permalink.endswith(f"#L{where.line}")


@pytest.mark.corpus
def test_readme_table_is_generated_from_the_toml(kubernetes_corpus, etcd_operator_corpus):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    expected = reading_path.table(STEPS, reading_path.index_locator())
    assert reading_path.readme_table(readme) == expected, (
        "README's reading-path table is stale: run `python -m annotate.reading.path --readme`"
    )


def test_malformed_path_names_the_step_and_field(tmp_path: Path):
    bad = tmp_path / "reading-path.toml"
    bad.write_text('[[step]]\npart = "I"\nid = "x"\ntitle = "t"\n', encoding="utf-8")
    with pytest.raises(reading_path.ReadingPathError, match=r"step 1 \(x\): field 'go'"):
        reading_path.load(bad)
    bad.write_text(
        "".join(
            f'[[step]]\npart = "I"\nid = "x{n}"\ntitle = "t"\ngo = "g"\ncorpus = "c"\n'
            f'notebook = "n"\nsection = "s"\nmirror = "{m}"\n'
            for n, m in enumerate(("a.b", ""))
        ),
        encoding="utf-8",
    )
    with pytest.raises(reading_path.ReadingPathError, match=r"step 2 \(x1\): no mirror and no"):
        reading_path.load(bad)


# --------------------------------------------------------------------------- no step named only


def _section_text(notebook: str, section: str) -> str:
    """The notebook's text form from the section's label to the next label (or the end)."""
    text = (REPO / "notebooks" / f"{notebook}.md").read_text(encoding="utf-8")
    start = text.index(f"({section})=")
    following = re.search(r"^\([\w.:-]+\)=\s*$", text[start + 1 :], re.M)
    return text[start : start + 1 + following.start()] if following else text[start:]


def _note_symbol(name: str) -> str:
    front = (ANNOTATIONS / name).read_text(encoding="utf-8").split("---")[1]
    return re.search(r"^symbol:\s*(\S+)", front, re.M).group(1)


def _names(query: str, go: str) -> bool:
    """Does a view's query (``"kubelet.killPodNow"``, ``"Cluster.run"``) name ``go``?"""
    if query.endswith(".md"):
        return _note_symbol(query) == go
    short = re.sub(r"[()*]", "", go)  # (*pkg.T).M -> pkg.T.M
    return short == query or short.endswith("." + query) or short.endswith("/" + query)


def _code(section: str) -> str:
    return "\n".join(re.findall(r"```\{code-cell\}[^\n]*\n(.*?)```", section, re.S))


@pytest.mark.parametrize("step", STEPS, ids=lambda s: s.id)
def test_no_step_is_named_only(step: reading_path.Step):
    """Its section shows the Go (a note or an excerpt of the step's symbol) and runs its mirror
    (beside it, or called in a code cell)."""
    section = _section_text(step.notebook, step.section)
    code = _code(section)
    views = re.findall(r"\b(note|beside)\(\s*\"([^\"]+)\"", code)
    shown = [kind for kind, query in views if _names(query, step.go)]
    assert shown, f"{step.id}: section {step.section} shows no note or excerpt of {step.go}"
    if step.mirror:
        called = step.mirror.rsplit(".", 1)[-1]
        assert "beside" in shown or re.search(rf"\b{re.escape(called)}\(", code), (
            f"{step.id}: section {step.section} neither shows {step.mirror} beside the Go "
            "nor runs it"
        )
