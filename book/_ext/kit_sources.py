"""Source pages of the book, generated at build time from the verified cache (never committed).

Which Go files get a page (decided here, listed on the index page):
  * every file holding a symbol of the reading path (notebooks/reading-path.toml),
  * every file of pkg/kubelet/eviction (recursively, tests included: the ported tests name them),
  * every file holding a symbol a note (annotations/**) or a Python mirror (@mirrors) is about --
    that is every etcd-operator file the notebooks show.
Every Python module that declares a mirror gets a page too, linking back to its Go symbols.

Pages are Markdown files under book/generated/source/ holding one raw HTML block (written by
annotate.render.sourcepage), rewritten only when their content changes.  Without a corpus in
the cache the index page says how to fetch it, and the build goes on.
"""

from __future__ import annotations

import html
import importlib
import importlib.util
import inspect
import json
from dataclasses import dataclass, field
from pathlib import Path

from kit_common import GENERATED, REPO, prune, reading_path, write_if_changed
from markdown_it import MarkdownIt
from sphinx.application import Sphinx
from sphinx.util import logging

from annotate.errors import UserError
from annotate.render import sourcepage as sp

LOG = logging.getLogger(__name__)
SOURCE = GENERATED / "source"
SOURCE_DOC = "generated/source"
PAGES_JSON = SOURCE / "pages.json"  # read by annotate.api in the notebooks' kernels
CORPORA = ("kubernetes", "etcd-operator")
EVICTION_DIR = "pkg/kubelet/eviction/"
PACKAGE_ROOTS = {
    "kubernetes": "https://github.com/kubernetes/kubernetes/tree/{commit}/{path}",
    "etcd-operator": "https://github.com/coreos/etcd-operator/tree/{commit}/{path}",
}
IMPORT_ROOTS = {
    "kubernetes": "k8s.io/kubernetes/",
    "etcd-operator": "github.com/coreos/etcd-operator/",
}


@dataclass
class Built:
    files: dict[str, list[str]] = field(default_factory=dict)  # corpus -> files with a page
    missing: dict[str, str] = field(default_factory=dict)  # corpus -> how to fetch it
    unplaced: list[str] = field(default_factory=list)  # wanted symbols not in any index
    stats: sp.LinkStats = field(default_factory=sp.LinkStats)
    python_pages: int = 0
    python_links: int = 0
    symbols: list[list[str]] = field(default_factory=list)  # [short, full, url from html root]
    mirror_urls: dict[str, str] = field(default_factory=dict)  # python name -> url from root


def _title(path: str) -> str:
    """A page title short enough for the navigation: the file and its directory."""
    return "/".join(path.split("/")[-2:])


def _go_page(corpus: str, file: str) -> str:
    return f"{corpus}/{file}"


def _py_page(path: str) -> str:
    return f"python/{path}"


def _views() -> tuple[dict, dict[str, str]]:
    from annotate.reading import pairing

    views, missing = {}, {}
    for corpus in CORPORA:
        view = pairing.corpus_view(corpus)
        if view is None:
            missing[corpus] = pairing.fetch_hint(corpus)
        else:
            views[corpus] = view
    return views, missing


def _mirrors() -> list:
    from annotate.reading import mirrors

    try:
        mirrors.import_all(strict=False)
        return mirrors.registry()
    except UserError as err:
        LOG.warning(f"[book] no Python mirrors on the source pages: {err}")
        return []


def _checked_notes(views: dict) -> list:
    from annotate.notes.annotations import load_notes
    from annotate.reading import pairing

    out = []
    for note in load_notes(pairing.ANNOTATIONS):
        if note.corpus in views:
            out.append(pairing.check_with_corpus(note, views[note.corpus]))
    return out


def _module_file(python_name: str) -> tuple[Path, object] | None:
    parts = python_name.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            module = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        obj: object = module
        try:
            for attr in parts[cut:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return None
        file = getattr(module, "__file__", None)
        return (Path(file).resolve(), obj) if file else None
    return None


# Import-path hosts whose repositories live on GitHub under another name.
GITHUB_HOSTS = {"k8s.io/": "kubernetes/", "golang.org/x/": "golang/"}


def _package_linker(corpus: str, commit: str, root: Path):
    """pkg -> a pinned link to a package outside the corpus, or None.

    kubernetes: its vendored and staged packages, found in the full-tree manifest
    (locks/kubernetes-full.tree) at the pinned commit.  etcd-operator (no vendor/ in git):
    the revision Gopkg.lock pins, for packages hosted on GitHub.  The standard library:
    its documentation."""
    if corpus == "kubernetes":
        dirs = _manifest_dirs()

        def in_tree(pkg: str) -> str | None:
            import_root = IMPORT_ROOTS[corpus]
            rel = pkg[len(import_root) :] if pkg.startswith(import_root) else f"vendor/{pkg}"
            candidates = [rel]
            if rel.startswith("vendor/"):  # vendor/k8s.io/<repo> links into staging/
                candidates.append("staging/src/" + rel.removeprefix("vendor/"))
            for path in candidates:
                if path in dirs:
                    return PACKAGE_ROOTS[corpus].format(commit=commit, path=path)
            return None

        lookup = in_tree
    else:
        pins = _gopkg_pins(root / "Gopkg.lock")

        def pinned(pkg: str) -> str | None:
            import_root = IMPORT_ROOTS[corpus]
            if pkg.startswith(import_root):
                return PACKAGE_ROOTS[corpus].format(commit=commit, path=pkg[len(import_root) :])
            for name, revision in pins.items():
                if pkg == name or pkg.startswith(name + "/"):
                    github = name
                    for host, owner in GITHUB_HOSTS.items():
                        if name.startswith(host):
                            github = "github.com/" + owner + name.removeprefix(host)
                    if not github.startswith("github.com/"):
                        return None
                    sub = pkg[len(name) :].lstrip("/")
                    return f"https://{github}/tree/{revision}/{sub}".rstrip("/")
            return None

        lookup = pinned

    def package_url(pkg: str) -> str | None:
        if "." not in pkg.split("/", 1)[0]:  # the standard library
            return f"https://pkg.go.dev/{pkg}"
        return lookup(pkg)

    return package_url


def _manifest_dirs() -> set[str]:
    manifest = REPO / "annotate" / "data" / "locks" / "kubernetes-full.tree"
    dirs: set[str] = set()
    if manifest.exists():
        for line in manifest.read_text(encoding="utf-8").splitlines():
            if line.startswith("#") or "\t" not in line:
                continue
            path = line.split("\t", 1)[1]
            dirs.add(path.rsplit("/", 1)[0] if "/" in path else "")
    return dirs


def _gopkg_pins(path: Path) -> dict[str, str]:
    import tomllib

    try:
        lock = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return {}
    pins = {p["name"]: p["revision"] for p in lock.get("projects", []) if p.get("revision")}
    return dict(sorted(pins.items(), key=lambda kv: -len(kv[0])))  # longest name first


def _locate(view, sym: str):
    try:
        found = view.index.resolve(sym)
    except UserError:
        return None
    return found if found.file else None


def generate(app: Sphinx) -> Built:
    built = Built()
    views, built.missing = _views()
    mirrors = _mirrors()
    notes = _checked_notes(views)
    wanted: dict[str, set[str]] = {c: set() for c in views}
    for corpus, view in views.items():
        for (path,) in view.index.conn.execute("SELECT path FROM files ORDER BY path"):
            if corpus == "kubernetes" and path.startswith(EVICTION_DIR) and path.endswith(".go"):
                wanted[corpus].add(path)
    symbol_wants = [(s.get("corpus", "kubernetes"), s["go"]) for s in reading_path() if s.get("go")]
    symbol_wants += [(c.note.corpus, c.note.symbol) for c in notes]
    symbol_wants += [(m.corpus or "", m.go_symbol) for m in mirrors]
    for corpus, sym in symbol_wants:
        if corpus not in views:
            continue
        found = _locate(views[corpus], sym)
        if found is None:
            built.unplaced.append(f"{corpus}: {sym}")
        else:
            wanted[corpus].add(found.file)
    pages = sp.PageMap(
        {(c, f): _go_page(c, f) + ".html" for c, files in wanted.items() for f in files}
    )
    # Python mirror modules: file -> {line: [(go symbol, anchor)]}
    python: dict[Path, dict[int, list[tuple[str, str]]]] = {}
    mirror_links: dict[str, list[tuple[str, str]]] = {}  # go symbol -> (python name, url)
    for m in mirrors:
        found = _module_file(m.python_name)
        if found is None or not found[0].is_relative_to(REPO):
            continue
        path, obj = found
        try:
            line = inspect.getsourcelines(obj)[1]
        except (OSError, TypeError):
            line = 1
        anchor = "py-" + m.python_name.replace(".", "-")
        python.setdefault(path, {}).setdefault(line, []).append((m.go_symbol, anchor))
        rel = path.relative_to(REPO).as_posix()
        mirror_links.setdefault(m.go_symbol, []).append(
            (m.python_name, f"{_py_page(rel)}.html#{anchor}")
        )
        built.mirror_urls[m.python_name] = f"{SOURCE_DOC}/{_py_page(rel)}.html#{anchor}"
    md = MarkdownIt("commonmark")
    keep: set[Path] = set()
    for corpus, files in wanted.items():
        view = views[corpus]
        commit = view.target.corpus.commit if view.target.corpus else ""
        notes_by_file: dict[str, list[sp.Note]] = {}
        for checked in notes:
            if checked.note.corpus != corpus or checked.location is None:
                continue
            for n, sec in enumerate(checked.sections):
                notes_by_file.setdefault(checked.location.file, []).append(
                    sp.Note(
                        sec.line, checked.note.title if n == 0 else "", md.render(sec.section.text)
                    )
                )
        for file in sorted(files):
            page = _go_page(corpus, file)
            depth = page.count("/")
            prefix = "../" * depth

            package_url = _package_linker(corpus, commit, view.target.root)

            link = sp.GoLinker(corpus, pages, view.target.permalink, package_url, prefix)
            text = (view.target.root / file).read_bytes().decode("utf-8", "replace")
            local_mirrors = {
                sym: [(name, prefix + url) for name, url in urls]
                for sym, urls in mirror_links.items()
            }
            rendered = sp.render_go(
                view.index,
                sp.GoFile(corpus, file, text, notes_by_file.get(file, []), local_mirrors),
                link,
            )
            built.stats.add(rendered.stats)
            built.files.setdefault(corpus, []).append(file)
            permalink = view.target.permalink(file) or ""
            for full, short, anchor in rendered.symbols:
                built.symbols.append([short, full, f"{SOURCE_DOC}/{page}.html#{anchor}"])
            st = rendered.stats
            body = (
                f"---\nhtml_theme.sidebar_secondary.remove: true\n---\n\n"
                f"# {_title(file)}\n\n"
                f"`{file}` · {corpus} at the pinned commit · [upstream]({permalink}) · "
                f"[all source pages]({prefix}index.md) · {st.linked} of {st.resolved} "
                f"resolved call sites linked\n\n"
                f"```{{raw}} html\n{rendered.html}\n```\n"
            )
            out = SOURCE / f"{page}.md"
            write_if_changed(out, body)
            keep.add(out)
    # Python pages
    for path, marks in sorted(python.items()):
        rel = path.relative_to(REPO).as_posix()
        page = _py_page(rel)
        prefix = "../" * page.count("/")
        resolved_marks: dict[int, list[tuple[str, str | None, str]]] = {}
        for line, items in marks.items():
            for go_sym, anchor in items:
                href = None
                corpus = next((c for c, r in IMPORT_ROOTS.items() if r in go_sym), None)
                view = views.get(corpus or "")
                if view is not None:
                    found = _locate(view, go_sym)
                    if found is not None:
                        href, _ = sp.GoLinker(
                            corpus, pages, view.target.permalink, lambda _p: None, prefix
                        )(found)
                resolved_marks.setdefault(line, []).append((go_sym, href, anchor))
                built.symbols.append(
                    [anchor.rsplit("-", 1)[-1], go_sym, f"{SOURCE_DOC}/{page}.html#{anchor}"]
                )
        code, made = sp.render_python(path.read_text(encoding="utf-8"), resolved_marks)
        built.python_pages += 1
        built.python_links += made
        body = (
            f"---\nhtml_theme.sidebar_secondary.remove: true\n---\n\n"
            f"# {_title(rel)}\n\n`{rel}` · Python mirror · [all source pages]({prefix}index.md)\n\n"
            f"```{{raw}} html\n{code}\n```\n"
        )
        out = SOURCE / f"{page}.md"
        write_if_changed(out, body)
        keep.add(out)
    keep.add(SOURCE / "index.md")
    prune(SOURCE, keep, "*.md")
    write_if_changed(SOURCE / "index.md", _index_page(built))
    write_if_changed(
        PAGES_JSON,
        json.dumps(
            {
                "pages": {
                    c: {f: _go_page(c, f) + ".html" for f in files} for c, files in wanted.items()
                }
            },
            sort_keys=True,
        ),
    )
    static = GENERATED / "_static"
    write_if_changed(
        static / "kit-symbols.js",
        "window.KIT_SYMBOLS = " + json.dumps(sorted(built.symbols), separators=(",", ":")) + ";\n",
    )
    s = built.stats
    LOG.info(
        f"[book] source pages: {sum(len(f) for f in built.files.values())} Go files, "
        f"{built.python_pages} Python mirror files; call sites linked {s.linked} of "
        f"{s.resolved} resolved by the index ({s.to_page} to source pages, {s.to_permalink} "
        f"to upstream lines, {s.to_package} to packages outside the corpus)"
    )
    write_if_changed(
        SOURCE / "stats.json",
        json.dumps(
            {
                "go_files": {c: sorted(f) for c, f in built.files.items()},
                "python_pages": built.python_pages,
                "python_links": built.python_links,
                "resolved": s.resolved,
                "located": s.located,
                "linked": s.linked,
                "to_page": s.to_page,
                "to_permalink": s.to_permalink,
                "to_package": s.to_package,
                "unplaced": built.unplaced,
            },
            indent=1,
        ),
    )
    return built


def _index_page(built: Built) -> str:
    lines = [
        "# Source pages\n",
        "Every Go file of the reading path, whole, with our notes beside the lines they are "
        "about; every call the indexer resolved links to its definition. Generated at build "
        "time from the verified cache; nothing here is stored in the repository.\n",
        '```{raw} html\n<div class="kit-search"><label>Find a symbol '
        '<input id="kit-search-input" type="search" placeholder="synchronize, reconcile, '
        'rankMemoryPressure…" autocomplete="off"></label><ul id="kit-search-results"></ul>'
        "</div>\n```\n",
    ]
    for corpus, hint in built.missing.items():
        lines.append(
            f"```{{admonition}} The {corpus} sources are not in the cache\n:class: warning\n\n"
            "Its source pages are not generated. Fetch them and build again:\n\n"
            + "\n".join(f"    {line}" for line in hint.splitlines()[1:])
            + "\n```\n"
        )
    s = built.stats
    if built.files:
        lines.append(
            f"{s.linked} of the {s.resolved} call sites the index resolved in these files are "
            f"links ({s.to_page} to these pages, {s.to_permalink} to upstream lines at the pinned "
            f"commit, {s.to_package} to a package outside the corpus).\n"
        )
    for corpus, files in built.files.items():
        lines.append(f"## {corpus}\n")
        lines += [f"- [`{f}`]({_go_page(corpus, f)}.md)" for f in sorted(files)]
        lines.append("")
    if built.python_pages:
        lines.append("## Python mirrors\n")
        for page in sorted(SOURCE.glob("python/**/*.py.md")):
            rel = page.relative_to(SOURCE / "python").as_posix()[: -len(".md")]
            lines.append(f"- [`{rel}`](python/{rel}.md)")
        lines.append("")
    if built.unplaced:
        lines.append("## Not found in the index\n")
        lines += [f"- `{html.escape(u)}`" for u in built.unplaced]
    lines.append(
        "```{toctree}\n:hidden:\n:glob:\n\nkubernetes/**\netcd-operator/**\npython/**\n```\n"
    )
    lines.append(
        '\n```{raw} html\n<script src="../../_static/kit-symbols.js"></script>\n'
        '<script src="../../_static/kit-search.js"></script>\n```\n'
    )
    return "\n".join(lines) + "\n"


def _generate(app: Sphinx) -> None:
    app.env.kit_sources = generate(app)  # type: ignore[attr-defined]


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", _generate)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
