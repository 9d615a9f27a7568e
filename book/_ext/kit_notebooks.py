"""The notebooks in the book: copied in at build time, keyed for the execution cache, with
download / JupyterLab / Binder links, and a progress line per notebook.

Why a copy and not the old ``book/notebooks -> ../notebooks`` symlink: a symlink in the source
tree is followed or not depending on the platform, the archive and the tool (git on Windows,
sdists, rsync), and Sphinx saw the notebooks under a second path.  The copy lives in
book/generated/notebooks (gitignored) and is rewritten only when its content changes, so an
unchanged rebuild re-reads nothing.

What the copy adds (the notebooks in notebooks/ are not touched):
  * a first Markdown cell: download the .ipynb, open it in a local JupyterLab, and -- when the
    project metadata names a repository (``[project.urls]`` in pyproject.toml) -- Binder;
  * a last code cell tagged ``remove-cell`` holding only a comment: a hash of the code and data
    the notebook reads (annotate/ with its data: notes and the lock, examples/, the reference_impl
    subpackages it imports, and which corpora are in the cache).  MyST-NB's jupyter-cache keys
    a notebook on its code cells, so a change to the mirror a notebook imports re-executes that
    notebook, and only it.
"""

from __future__ import annotations

import re
import time
import tomllib
from pathlib import Path

import nbformat
from kit_common import GENERATED, REPO, prune, tree_hash, write_if_changed
from sphinx.application import Sphinx
from sphinx.util import logging

LOG = logging.getLogger(__name__)
SOURCE = REPO / "notebooks"
TARGET = GENERATED / "notebooks"
DOC_PREFIX = "generated/notebooks/"
# annotate/ holds the lock and the notes too (annotate/data/)
SHARED_INPUTS = ["annotate", "examples"]
_IMPORT = re.compile(r"^\s*(?:from|import)\s+reference_impl\.(\w+)", re.MULTILINE)
_STARTED: dict[str, float] = {}
_BUILD_START = time.time()


def repository_url(pyproject: Path = REPO / "pyproject.toml") -> str | None:
    """The GitHub repository named in ``[project.urls]`` of pyproject.toml, if any (no
    address, no Binder link -- and no error)."""
    try:
        meta = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return None
    urls = meta.get("project", {}).get("urls", {})
    for key in ("Repository", "repository", "Source", "source", "Homepage", "homepage"):
        url = urls.get(key)
        if isinstance(url, str) and url.startswith("https://github.com/"):
            return url.rstrip("/").removesuffix(".git")
    return None


def binder_url(repo: str, stem: str) -> str:
    owner_name = repo.removeprefix("https://github.com/")
    return f"https://mybinder.org/v2/gh/{owner_name}/HEAD?urlpath=lab/tree/notebooks/{stem}.ipynb"


def _corpora_state() -> str:
    from annotate.reading import pairing

    return ",".join(f"{c}={pairing.available(c)}" for c in ("kubernetes", "etcd-operator"))


def _inputs_hash(code: str, corpora: str) -> str:
    subpackages = sorted(set(_IMPORT.findall(code)))
    paths = [REPO / p for p in SHARED_INPUTS]
    for name in subpackages:  # a subpackage (directory) or a module of reference_impl
        package, module = REPO / "reference_impl" / name, REPO / "reference_impl" / f"{name}.py"
        paths.append(package if package.is_dir() else module)
    paths += [REPO / "reference_impl" / "mirrors.py"]
    return f"{tree_hash([p for p in paths if p.exists()])[:16]} corpora {corpora}"


def _launch_cell(stem: str, repo: str | None) -> str:
    binder = (
        f" · [open on Binder]({binder_url(repo, stem)}) (the sources are fetched there with "
        "`annotate fetch`)"
        if repo
        else ""
    )
    return (
        "```{admonition} Run this notebook\n:class: tip kit-launch\n\n"
        f"{{download}}`Download {stem}.ipynb <{stem}.ipynb>`{binder}\n\n"
        "In a local checkout: `make book` once (it sets up `.venv` and fetches the sources), "
        f"then `.venv/bin/jupyter lab notebooks/{stem}.ipynb`.\n```"
    )


def sync_notebooks() -> list[str]:
    """Copy every notebook into book/generated/notebooks; return the doc names."""
    repo = repository_url()
    corpora = _corpora_state()
    keep: set[Path] = set()
    docs = []
    for src in sorted(SOURCE.glob("*.ipynb")):
        nb = nbformat.read(src, as_version=4)
        code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
        launch = nbformat.v4.new_markdown_cell(_launch_cell(src.stem, repo))
        launch.metadata["tags"] = ["kit-launch"]
        # the launch cell goes after the title so the page still opens with the heading
        first = 1 if nb.cells and nb.cells[0].cell_type == "markdown" else 0
        nb.cells.insert(first, launch)
        key = nbformat.v4.new_code_cell(f"# build inputs: {_inputs_hash(code, corpora)}")
        key.metadata["tags"] = ["remove-cell"]
        nb.cells.append(key)
        # fixed ids: nbformat would draw random ones, and a copy that differs every build
        # would make Sphinx re-read every notebook
        launch["id"], key["id"] = "kit-launch", "kit-inputs"
        for n, cell in enumerate(nb.cells):
            cell.setdefault("id", f"kit-cell-{n}")
        out = TARGET / src.name
        write_if_changed(out, nbformat.writes(nb) + "\n")
        keep.add(out)
        docs.append(DOC_PREFIX + src.stem)
    prune(TARGET, keep, "*.ipynb")
    return docs


KERNEL_CONFIG = """\
# Written by book/_ext/kit_notebooks.py for the book's notebook kernels.
c.InlineBackend.figure_formats = {"svg"}
c.InlineBackend.rc = {"svg.fonttype": "none", "font.size": 10}
"""


def _config_inited(app: Sphinx, _config: object) -> None:
    (GENERATED / "_static").mkdir(parents=True, exist_ok=True)
    write_if_changed(
        GENERATED / "ipython" / "profile_default" / "ipython_kernel_config.py", KERNEL_CONFIG
    )
    app.kit_notebooks = sync_notebooks()  # type: ignore[attr-defined]


def _before_read(app: Sphinx, _env: object, docnames: list[str]) -> None:
    notebooks = [d for d in app.kit_notebooks if d in docnames]  # type: ignore[attr-defined]
    unchanged = [d for d in app.kit_notebooks if d not in docnames]  # type: ignore[attr-defined]
    for doc in unchanged:
        LOG.info(f"[book] notebook {doc.rsplit('/', 1)[-1]}: unchanged, not re-read")
    if notebooks:
        LOG.info(f"[book] {len(notebooks)} notebook(s) to read (executed or taken from the cache)")


def _source_read(app: Sphinx, docname: str, _source: list[str]) -> None:
    if docname.startswith(DOC_PREFIX):
        _STARTED[docname] = time.perf_counter()


def _doctree_read(app: Sphinx, doctree: object) -> None:
    docname = app.env.docname
    if not docname.startswith(DOC_PREFIX):
        return
    from myst_nb.sphinx_ import NbMetadataCollector

    data = NbMetadataCollector.get_exec_data(app.env, docname) or {}
    took = time.perf_counter() - _STARTED.pop(docname, time.perf_counter())
    # jupyter-cache reports a hit with the record's creation time, a run with "now"
    fresh = (data.get("mtime") or 0) >= _BUILD_START
    runtime = data.get("runtime") or 0.0
    how = f"executed in {runtime:.1f} s" if fresh else "outputs from the execution cache"
    if data.get("succeeded") is False:
        how = "FAILED to execute"
    LOG.info(f"[book] notebook {docname.rsplit('/', 1)[-1]}: {how}, read in {took:.1f} s")


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _config_inited)
    app.connect("env-before-read-docs", _before_read)
    app.connect("source-read", _source_read)
    app.connect("doctree-read", _doctree_read)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
