"""Sphinx configuration of the book (Sphinx + MyST-NB; builds offline).

Notebooks are executed at build time against the local cache, so every page
shows what the pinned sources and our mirrors say today -- and a notebook that
breaks fails the build instead of publishing stale output.
"""

project = "Reading Kubernetes: eviction and operators"
author = "k8s-reading-kit contributors"
copyright = "2026, k8s-reading-kit contributors"

extensions = ["myst_nb"]
myst_enable_extensions = ["colon_fence", "deflist"]
# notebooks/*.md are the jupytext text forms of the .ipynb (jupytext.toml): one page each
exclude_patterns = ["_build", "**/.ipynb_checkpoints", "notebooks/*.md"]

nb_execution_mode = "force"
nb_execution_timeout = 600
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_merge_streams = True

html_theme = "sphinx_book_theme"
html_title = "Reading Kubernetes"
html_theme_options = {
    "show_toc_level": 2,
    "use_download_button": True,
}
html_static_path: list[str] = []
