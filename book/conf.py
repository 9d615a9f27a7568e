"""Sphinx configuration of the book (Sphinx + MyST-NB; builds offline).

Notebooks are executed at build time against the local cache, so every page shows what the
pinned sources and our mirrors say today -- and a notebook that breaks fails the build
instead of publishing stale output.  Execution results are cached (jupyter-cache, in
book/_build/.jupyter_cache) and keyed on each notebook's code *and* on the code and data it
reads (see _ext/kit_notebooks.py), so an unchanged rebuild executes nothing.

Generated at build time into book/generated/ (gitignored; never committed): the notebooks'
copies, the source pages, the reading-path index, the fidelity page, the symbol search data.
"""

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))
sys.path.insert(0, str(HERE.parent))

project = "Reading Kubernetes: eviction and operators"
author = "k8s-reading-kit contributors"
copyright = "2026, k8s-reading-kit contributors"

extensions = ["myst_nb", "kit_notebooks", "kit_sources", "kit_pages"]
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3
# generated/reading-path.md is included by index.md, not a page of its own
exclude_patterns = [
    "_build",
    "**/.ipynb_checkpoints",
    "generated/source/pages.json",
    "generated/reading-path.md",
]
suppress_warnings = ["myst.header"]

nb_execution_mode = "cache"
# No widget JavaScript from a CDN: the book is static and offline-capable (no kernel runs
# behind a widget there); a widget cell shows the figure it drew at its default values.
nb_ipywidgets_js: dict[str, dict[str, str]] = {}
nb_execution_timeout = 600
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_merge_streams = True
# Plots as SVG (line art stays sharp, text stays text): the kernels read the IPython profile
# kit_notebooks writes under generated/ipython (InlineBackend.figure_formats = svg).
os.environ["IPYTHONDIR"] = str(HERE / "generated" / "ipython")
os.environ["K8S_READING_KIT_BOOK_PAGES"] = str(HERE / "generated" / "source" / "pages.json")

html_theme = "sphinx_book_theme"
html_title = "Reading Kubernetes"
html_theme_options = {
    "show_toc_level": 2,
    "use_download_button": True,
    "use_sidenotes": False,
}
# an explicit default mode: the theme logs a console error for an empty one
html_context = {"default_mode": "auto"}
html_static_path = ["_static", "generated/_static"]
html_css_files = ["kit.css"]
html_js_files = ["kit.js"]
