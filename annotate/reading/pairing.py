"""Go beside its Python mirror, and annotations with their anchors resolved: one call each.

The notebook views of part I and part II of the book::

    >>> from annotate.reading.pairing import beside, mirrors_of, note
    >>> beside("eviction.thresholdsMet")          # Go excerpt | Python mirror, two columns
    >>> mirrors_of("managerImpl.synchronize")     # [Mirror(...)]
    >>> sync = note("managerImpl.synchronize")     # the note, anchors -> lines + permalinks
    >>> sync.step(3)                               # one section with the Go lines it is about

Go text is read from the verified cache at display time (through :mod:`annotate.api`), so
nothing upstream is stored by this module.  Python text comes from ``inspect``.  Without the
corpus every view still renders: the Go side says how to fetch it, and notes show their prose
with anchors unchecked.  Drift -- an anchor that no longer matches the pinned source -- is
shown loudly, in red, at the top of the note.
"""

from __future__ import annotations

import html
import importlib
import inspect
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from annotate import data
from annotate.errors import UserError
from annotate.index.query import AmbiguousSymbol, SymbolNotFound, normalize
from annotate.notes.annotations import (
    CheckedNote,
    Location,
    Note,
    NoteError,
    check_note,
    load_notes,
    parse_note,
)
from annotate.reading import mirrors
from annotate.render.excerpt import FONT, code_html

# Where the annotate and reference_impl packages sit: a checkout's root, or site-packages.
# Python sources are shown with paths relative to it (reference_impl/eviction/...).
REPO = Path(__file__).resolve().parents[2]
ANNOTATIONS = data.annotations_dir()
# Two columns side by side; they stack when the page is too narrow for both.
ROW = (
    '<div style="display:flex; flex-wrap:wrap; gap:0.8em; align-items:flex-start; margin:0.5em 0">'
)


# --------------------------------------------------------------------------- corpora


@cache
def _corpus(name: str) -> Any:
    """The indexed corpus, or the UserError that says how to get it (cached per process)."""
    from annotate import api

    try:
        return api.load(name)
    except UserError as err:
        return err


def corpus_view(name: str = "kubernetes") -> Any | None:
    """``annotate.api.CorpusView`` of a fetched corpus, or None when it is not in the cache."""
    view = _corpus(name)
    return None if isinstance(view, Exception) else view


def fetch_hint(name: str = "kubernetes") -> str:
    """What to run to get a corpus that is not in the cache."""
    return (
        f"The {name} sources are not in the cache, so the Go side cannot be shown here.\n"
        f"Online:  annotate fetch {name}\n"
        f"Offline: annotate fetch {name} --from /path/to/a/clone/holding/the/pinned/commit"
    )


def available(name: str = "kubernetes") -> bool:
    return corpus_view(name) is not None


# --------------------------------------------------------------------------- mirrors


@cache
def _load_mirrors() -> None:
    """Register every ``@mirrors`` declaration; an optional dependency of one mirror
    must not hide the others in a notebook (``annotate mirrors`` is the strict check)."""
    mirrors.import_all(strict=False)


def _all_mirrors() -> list[mirrors.Mirror]:
    _load_mirrors()
    return mirrors.registry()


def _matches(full: str, query: str) -> bool:
    if full == query:
        return True
    norm, want = normalize(full), normalize(query)
    return norm == want or norm.endswith("/" + want) or norm.endswith("." + want)


def mirrors_of(go_symbol: str) -> list[mirrors.Mirror]:
    """Mirrors declared for ``go_symbol`` (full go/ssa name, or an unambiguous suffix).

    A suffix that matches several mirrored Go symbols raises :class:`AmbiguousSymbol`.
    """
    found = [m for m in _all_mirrors() if _matches(m.go_symbol, go_symbol)]
    symbols = sorted({m.go_symbol for m in found})
    if len(symbols) > 1:
        exact = [m for m in found if m.go_symbol == go_symbol]
        if exact:
            return exact
        raise AmbiguousSymbol(go_symbol, symbols)
    return found


def _python_object(python_name: str) -> Any:
    """``module.Qual.name`` -> the object, importing the longest importable module prefix."""
    parts = python_name.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            obj: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:]:
            obj = getattr(obj, attr)
        return obj
    raise LookupError(f"cannot import {python_name}")


@dataclass
class PythonSource:
    python_name: str
    path: str  # repository-relative when inside the repository
    start: int
    lines: list[str]

    @classmethod
    def of(cls, python_name: str) -> PythonSource:
        obj = inspect.unwrap(_python_object(python_name))
        lines, start = inspect.getsourcelines(obj)
        path = Path(inspect.getsourcefile(obj) or "?").resolve()
        try:
            rel = str(path.relative_to(REPO))
        except ValueError:
            rel = path.name
        text = [line.rstrip("\n") for line in lines]
        indent = min((len(t) - len(t.lstrip()) for t in text if t.strip()), default=0)
        return cls(python_name, rel, start, [t[indent:] for t in text])


# --------------------------------------------------------------------------- rendering


def _markdown(text: str) -> str:
    try:
        from markdown_it import MarkdownIt
    except ImportError:  # pragma: no cover - markdown-it comes with myst-nb
        return "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n\n") if p.strip())
    return MarkdownIt("commonmark").render(text)


def _box(body: str, colour: str = "#d0d7de", background: str = "#ffffff") -> str:
    return (
        f'<div style="border:1px solid {colour}; border-radius:6px; background:{background}; '
        f'padding:0.5em 0.7em; margin:0.4em 0">{body}</div>'
    )


def _hint_html(text: str) -> str:
    return _box(
        f'<pre style="margin:0; white-space:pre-wrap; {FONT}">{html.escape(text)}</pre>',
        "#d4a72c",
        "#fff8c5",
    )


def _column(header: str, body: str, grow: float = 1) -> str:
    return (
        f'<div style="flex:{grow:g} 1 0; min-width:min(100%, 26em); '
        'border:1px solid #d0d7de; border-radius:6px; overflow:hidden">'
        f'<div style="background:#f6f8fa; padding:0.35em 0.6em; border-bottom:1px solid #d0d7de; '
        f'font-size:0.85em">{header}</div>'
        f'<div style="overflow:auto; max-height:36em">{body}</div></div>'
    )


# --------------------------------------------------------------------------- beside


@dataclass
class Pair:
    """A Go symbol's excerpt and the Python that mirrors it, side by side."""

    go_symbol: str
    corpus: str
    excerpt: Any | None = None  # annotate.api.ExcerptView
    go_problem: str | None = None
    python: list[PythonSource] = field(default_factory=list)

    @property
    def permalink(self) -> str | None:
        return self.excerpt.excerpt.permalink if self.excerpt is not None else None

    def __str__(self) -> str:
        out = [f"Go: {self.go_symbol}"]
        if self.excerpt is not None:
            out += [self.permalink or "", "", self.excerpt.excerpt.numbered()]
        else:
            out.append(self.go_problem or "")
        if not self.python:
            out += ["", "Python: no mirror declares this Go symbol"]
        for src in self.python:
            width = len(str(src.start + len(src.lines)))
            out += ["", f"Python: {src.python_name} ({src.path}:{src.start})", ""]
            out += [f"{n:>{width}}  {line}" for n, line in enumerate(src.lines, src.start)]
        return "\n".join(out)

    def _repr_html_(self) -> str:
        symbol = f"<code>{html.escape(self.go_symbol)}</code>"
        if self.excerpt is not None:
            ex = self.excerpt.excerpt
            link = html.escape(self.permalink or "")
            where = f"{ex.path}:{ex.start}-{ex.end}"
            go_head = (
                f'<b>Go</b> {symbol}<br><a href="{link}" target="_blank">{html.escape(where)}'
                f" @ {html.escape(self.corpus)} (pinned)</a>"
            )
            go_body = code_html(list(ex.lines), ex.start, "go")
        else:
            go_head = f"<b>Go</b> {symbol}"
            go_body = _hint_html(self.go_problem or "")
        if self.python:
            py_head = "<br>".join(
                f"<b>Python</b> <code>{html.escape(s.python_name)}</code><br>"
                f"<span>{html.escape(s.path)}:{s.start}</span>"
                for s in self.python
            )
            py_body = "".join(code_html(s.lines, s.start, "python") for s in self.python)
        else:
            py_head = "<b>Python</b>"
            py_body = _hint_html("No Python mirror declares this Go symbol.")
        return f"{ROW}{_column(go_head, go_body)}{_column(py_head, py_body)}</div>"


def _resolve_go(symbol: str, corpus: str) -> tuple[str, Any | None, str | None]:
    """Full go/ssa name, excerpt view (or None) and the problem when there is no excerpt."""
    found = mirrors_of(symbol)
    full = found[0].go_symbol if found else None
    view = corpus_view(corpus)
    if view is None:
        if full is None:
            raise SymbolNotFound(
                f"no mirror matches {symbol!r}, and the {corpus} corpus is not fetched to look "
                f"it up there\n{fetch_hint(corpus)}"
            )
        return full, None, fetch_hint(corpus)
    try:
        sym = view.symbol(full or symbol)
    except SymbolNotFound:
        if full is None:
            raise
        return full, None, f"{full} is not in the reading set of corpus {corpus}."
    try:
        try:
            excerpt = view.show(sym.sym, doc=True)  # with its doc comment, like the docstring
        except TypeError:  # an annotate.api without the doc option
            excerpt = view.show(sym.sym)
        return sym.sym, excerpt, None
    except ValueError as err:  # external symbol: declared elsewhere, no source here
        return sym.sym, None, str(err)


def beside(symbol: str, corpus: str = "kubernetes") -> Pair:
    """The Go excerpt of ``symbol`` and its Python mirror(s), as a two-column view.

    ``symbol`` is a go/ssa name or an unambiguous suffix (``managerImpl.synchronize``,
    ``eviction.thresholdsMet``).  A suffix is matched against the declared mirrors first,
    then against the corpus index.
    """
    full, excerpt, problem = _resolve_go(symbol, corpus)
    sources = [PythonSource.of(m.python_name) for m in mirrors_of(full)]
    return Pair(full, corpus, excerpt, problem, sources)


# --------------------------------------------------------------------------- notes


def _note_path(path_or_symbol: str | Path) -> Path | None:
    text = str(path_or_symbol)
    if not text.endswith(".md"):
        return None
    for candidate in (Path(text), ANNOTATIONS.parent / text, ANNOTATIONS / text):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"no note at {text} (looked in . and {ANNOTATIONS})")


def find_note(path_or_symbol: str | Path, directory: Path = ANNOTATIONS) -> Note:
    """A note by file path (``eviction/synchronize.md``) or by the Go symbol it annotates."""
    path = _note_path(path_or_symbol)
    if path is not None:
        return parse_note(path.read_text(encoding="utf-8"), path)
    wanted = str(path_or_symbol)
    hits, broken = [], []
    for path in sorted(directory.rglob("*.md")):  # one malformed note must not hide the others
        try:
            parsed = parse_note(path.read_text(encoding="utf-8"), path)
        except NoteError as err:
            broken.append(str(err))
            continue
        if _matches(parsed.symbol, wanted):
            hits.append(parsed)
    if not hits:
        extra = "".join(f"\n  (unreadable: {b})" for b in broken)
        raise LookupError(f"no note under {directory.name}/ annotates {wanted!r}{extra}")
    if len(hits) > 1:
        exact = [n for n in hits if n.symbol == wanted]
        if len(exact) == 1:
            return exact[0]
        names = ", ".join(str(n.path.relative_to(directory)) for n in hits)
        raise LookupError(f"several notes match {wanted!r}: {names}")
    return hits[0]


def check_with_corpus(note: Note, view: Any) -> CheckedNote:
    """``check_note`` with the corpus index for ``locate`` and the cache for the lines."""

    def locate(symbol: str) -> Location | None:
        try:
            sym = view.index.resolve(symbol)
        except (SymbolNotFound, AmbiguousSymbol):
            return None
        if sym.sym != symbol or sym.file is None or sym.start is None:
            return None  # a note names its symbol in full; a suffix match is not the same symbol
        return Location(sym.file, sym.start, sym.end or sym.start)

    def read_lines(path: str) -> list[str]:
        return _read_lines(view.target.root, path)

    def permalink(path: str, line: int) -> str:
        return view.target.permalink(path, line) or ""

    return check_note(note, locate, read_lines, permalink)


@cache
def _read_lines(root: Path, path: str) -> list[str]:
    return (root / path).read_bytes().decode("utf-8", "replace").splitlines()


def check_all(
    directory: Path = ANNOTATIONS, cache: str | None = None, lock: str | None = None
) -> list[CheckedNote]:
    """Every note under ``directory`` checked against its corpus (which must be fetched),
    from the cache and lock given (default: the environment's cache, the package's lock)."""
    from annotate import api

    out = []
    views: dict[str, Any] = {}
    for n in load_notes(directory):
        if n.corpus not in views:
            try:
                views[n.corpus] = api.load(n.corpus, cache, lock)
            except UserError as err:
                raise UserError(f"{err} (needed by {n.path})") from err
        out.append(check_with_corpus(n, views[n.corpus]))
    return out


@dataclass
class Step:
    """One section of a note with the Go lines it is about (anchor line to next anchor)."""

    title: str
    text: str
    fragment: str | None
    path: str | None = None
    start: int | None = None
    lines: list[str] = field(default_factory=list)
    permalink: str | None = None
    problem: str | None = None

    def __str__(self) -> str:
        head = f"{self.title}\n{self.permalink or self.problem or ''}\n"
        code = "\n".join(f"{n:>5}  {line}" for n, line in enumerate(self.lines, self.start or 1))
        return f"{head}\n{code}\n\n{self.text}".rstrip() + "\n"

    def _repr_html_(self) -> str:
        if self.lines and self.start is not None:
            where = f"{self.path}:{self.start}"
            head = f'<a href="{html.escape(self.permalink or "")}" target="_blank">{where}</a>'
            code = code_html(self.lines, self.start, "go", {self.start})
            go = _column(f"<b>Go</b> {head}", code, 1.5)
        else:
            go = _column("<b>Go</b>", _hint_html(self.problem or ""), 1.5)
        prose = _column(f"<b>{html.escape(self.title)}</b>", _box(_markdown(self.text), "#ffffff"))
        return f"{ROW}{go}{prose}</div>"


@dataclass
class NoteView:
    """A note rendered with its anchors resolved to lines and permalinks (or its drift)."""

    note: Note
    checked: CheckedNote | None  # None: the corpus is not fetched, anchors unchecked
    view: Any | None = None
    hint: str | None = None

    @property
    def drift(self) -> list[str]:
        return [d.describe() for d in self.checked.drift] if self.checked else []

    @property
    def ok(self) -> bool:
        return self.checked is not None and not self.checked.drift

    def _resolved(self) -> dict[int, Any]:
        if self.checked is None:
            return {}
        return {id(s.section): s for s in self.checked.sections}

    def __len__(self) -> int:
        return len(self.note.sections)

    def step(self, number: int, max_lines: int = 24) -> Step:
        """Section ``number`` (0 is the introduction) with the Go lines up to the next anchor."""
        sections = self.note.sections
        section = sections[number]
        title = f"{number}. {section.fragment}" if section.fragment else self.note.title
        step = Step(title, section.text, section.fragment)
        resolved = self._resolved()
        here = resolved.get(id(section))
        if self.checked is None or self.view is None:
            step.problem = (
                f"The {self.note.corpus} sources are not fetched: "
                f"run `annotate fetch {self.note.corpus}` to see these lines."
            )
            return step
        if here is None:
            step.problem = "DRIFT: " + "; ".join(
                d.problem for d in self.checked.drift if d.note_line == section.note_line
            )
            return step
        loc = self.checked.location
        assert loc is not None
        later = [
            resolved[id(s)].line
            for s in sections[number + 1 :]
            if id(s) in resolved and resolved[id(s)].line > here.line
        ]
        end = min(later) - 1 if later else loc.end
        end = max(here.line, min(end, here.line + max_lines - 1))
        lines = _read_lines(self.view.target.root, loc.file)
        step.path, step.start, step.permalink = loc.file, here.line, here.permalink
        step.lines = lines[here.line - 1 : end]
        return step

    def __str__(self) -> str:
        out = [f"{self.note.title}  [{self.note.symbol}]"]
        if self.checked is None:
            out.append(f"(anchors not checked: {self.hint})")
        for problem in self.drift:
            out.append(f"DRIFT {problem}")
        resolved = self._resolved()
        for section in self.note.sections:
            r = resolved.get(id(section))
            if section.fragment is not None:
                where = f"L{r.line} {r.permalink}" if r else "unresolved"
                if self.checked is None:
                    where = "unchecked"
                out.append(f"\n@@ {section.fragment}   -> {where}")
            out.append(section.text)
        return "\n".join(out)

    def _repr_html_(self) -> str:
        parts = []
        title = html.escape(self.note.title)
        symbol = html.escape(self.note.symbol)
        if self.checked is not None and self.checked.sections:
            link = html.escape(self.checked.sections[0].permalink)
            loc = self.checked.location
            where = f"{loc.file}:{loc.start}-{loc.end}" if loc else ""
            parts.append(
                f'<div style="font-size:1.05em"><b>{title}</b></div>'
                f'<div><a href="{link}" target="_blank"><code>{symbol}</code></a> '
                f'<span style="color:#57606a">{html.escape(where)}</span></div>'
            )
        else:
            parts.append(f"<div><b>{title}</b></div><div><code>{symbol}</code></div>")
        if self.checked is None:
            parts.append(_hint_html(f"Anchors not checked.\n{self.hint or ''}"))
        elif self.checked.drift:
            items = "".join(f"<li>{html.escape(d)}</li>" for d in self.drift)
            parts.append(
                _box(
                    f'<b style="color:#cf222e">DRIFT: {len(self.checked.drift)} anchor(s) no '
                    f"longer match the pinned source</b><ul>{items}</ul>",
                    "#cf222e",
                    "#ffebe9",
                )
            )
        else:
            n = len(self.checked.sections) - 1
            parts.append(
                f'<div style="color:#1a7f37; font-size:0.85em">✓ {n} anchors checked against '
                "the pinned source, no drift</div>"
            )
        resolved = self._resolved()
        for section in self.note.sections:
            r = resolved.get(id(section))
            if section.fragment is not None:
                frag = f"<code>{html.escape(section.fragment)}</code>"
                if r is not None:
                    head = (
                        f'<a href="{html.escape(r.permalink)}" target="_blank">L{r.line}</a> '
                        f"&nbsp;{frag}"
                    )
                elif self.checked is None:
                    head = f'<span style="color:#57606a">unchecked</span> &nbsp;{frag}'
                else:
                    head = f'<span style="color:#cf222e">unresolved</span> &nbsp;{frag}'
                parts.append(
                    '<div style="margin-top:0.6em; padding:0.2em 0.5em; background:#f6f8fa; '
                    f'border-left:3px solid #326ce5; {FONT}">{head}</div>'
                )
            if section.text:
                parts.append(_markdown(section.text))
        return _box("".join(parts))


def note(path_or_symbol: str | Path) -> NoteView:
    """An annotation, by path or by Go symbol, with anchors resolved against the corpus."""
    n = find_note(path_or_symbol)
    view = corpus_view(n.corpus)
    if view is None:
        return NoteView(n, None, None, fetch_hint(n.corpus))
    return NoteView(n, check_with_corpus(n, view), view)


__all__ = [
    "Pair",
    "PythonSource",
    "available",
    "beside",
    "check_all",
    "corpus_view",
    "fetch_hint",
    "find_note",
    "mirrors_of",
    "note",
]
