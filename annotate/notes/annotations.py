"""Symbol-anchored annotations, checked against the pinned source so they never drift silently.

A note is a Markdown file with YAML front matter naming a corpus and a Go symbol (go/ssa
form); its body is prose, split into sections by anchor lines::

    ---
    corpus: kubernetes
    symbol: (*k8s.io/kubernetes/pkg/kubelet/eviction.managerImpl).synchronize
    title: synchronize, step by step
    ---
    Prose about the whole function.

    @@ thresholds := m.config.Thresholds
    Prose about the line holding that fragment.

An anchor is a one-line fragment of code inside the symbol, not a line number, so a note
survives edits elsewhere in the file.  Checking resolves every anchor to exactly one line
within the symbol's range at the pinned commit (whitespace runs compare equal); a fragment
that is gone, or that matches several lines, is reported with the note's file and line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from annotate.errors import UserError

ANCHOR_PREFIX = "@@ "


class NoteError(UserError):
    """A note file is malformed."""


@dataclass
class Section:
    fragment: str | None  # None: the note's introduction, about the whole symbol
    text: str
    note_line: int  # line in the note file, for error messages


@dataclass
class Note:
    path: Path
    corpus: str
    symbol: str
    title: str
    sections: list[Section]


@dataclass
class Location:
    """Where a symbol is defined: repository-relative file and 1-based inclusive lines."""

    file: str
    start: int
    end: int


@dataclass
class ResolvedSection:
    section: Section
    line: int  # line in the Go file
    permalink: str


@dataclass
class Drift:
    note: Path
    note_line: int
    problem: str

    def describe(self) -> str:
        return f"{self.note}:{self.note_line}: {self.problem}"


@dataclass
class CheckedNote:
    note: Note
    location: Location | None
    sections: list[ResolvedSection] = field(default_factory=list)
    drift: list[Drift] = field(default_factory=list)


def parse_note(text: str, path: Path) -> Note:
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise NoteError(f"{path}:1: a note starts with YAML front matter between '---' lines")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise NoteError(f"{path}: front matter is not closed by a '---' line") from None
    try:
        meta = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError as exc:
        raise NoteError(f"{path}: front matter is not valid YAML: {exc}") from exc
    if not isinstance(meta, dict):
        raise NoteError(f"{path}: front matter must be a mapping")
    for key in ("corpus", "symbol"):
        if not isinstance(meta.get(key), str) or not meta[key].strip():
            raise NoteError(f"{path}: front matter needs a '{key}' string")
    sections = [Section(None, "", end + 2)]
    for number, line in enumerate(lines[end + 1 :], end + 2):
        if line.startswith(ANCHOR_PREFIX):
            fragment = line[len(ANCHOR_PREFIX) :].strip()
            if not fragment:
                raise NoteError(f"{path}:{number}: empty anchor fragment")
            sections.append(Section(fragment, "", number))
        else:
            sections[-1].text += line + "\n"
    for section in sections:
        section.text = section.text.strip()
    return Note(
        path, meta["corpus"], meta["symbol"], str(meta.get("title", meta["symbol"])), sections
    )


def load_notes(directory: Path) -> list[Note]:
    return [parse_note(p.read_text(encoding="utf-8"), p) for p in sorted(directory.rglob("*.md"))]


_SPACE = re.compile(r"\s+")


def _squash(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def check_note(
    note: Note,
    locate: Callable[[str], Location | None],
    read_lines: Callable[[str], list[str]],
    permalink: Callable[[str, int], str],
) -> CheckedNote:
    """Resolve every anchor of ``note`` to one line inside its symbol, or report drift."""
    location = locate(note.symbol)
    checked = CheckedNote(note, location)
    if location is None:
        checked.drift.append(
            Drift(note.path, 2, f"symbol {note.symbol} does not exist in corpus {note.corpus}")
        )
        return checked
    source = read_lines(location.file)
    body = list(range(location.start, min(location.end, len(source)) + 1))
    for section in note.sections:
        if section.fragment is None:
            line = location.start
        else:
            wanted = _squash(section.fragment)
            hits = [n for n in body if wanted in _squash(source[n - 1])]
            if len(hits) != 1:
                problem = (
                    f"anchor {section.fragment!r} is not in {note.symbol} "
                    f"({location.file}:{location.start}-{location.end})"
                    if not hits
                    else f"anchor {section.fragment!r} matches {len(hits)} lines of {note.symbol} "
                    f"({', '.join(map(str, hits[:6]))}); quote more of the line"
                )
                checked.drift.append(Drift(note.path, section.note_line, problem))
                continue
            line = hits[0]
        checked.sections.append(ResolvedSection(section, line, permalink(location.file, line)))
    return checked
