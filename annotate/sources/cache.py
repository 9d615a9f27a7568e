"""Where fetched corpora live: a cache outside the repository.

Layout::

    <cache>/corpora/<corpus>@<commit>/           the verified files, repository-relative
    <cache>/corpora/<corpus>@<commit>/.corpus.json  written last: what was verified, and from where
    <cache>/corpora/.staging-*                    in-progress fetches (never read; swept)
    <cache>/index/<corpus>@<commit>.sqlite         the symbol index (annotate.index)

The cache root is, in order: an explicit argument, ``$K8S_READING_KIT_CACHE``,
``$XDG_CACHE_HOME/k8s-reading-kit``, ``~/.cache/k8s-reading-kit``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from annotate.sources.lock import Corpus

CACHE_ENV = "K8S_READING_KIT_CACHE"
MARKER = ".corpus.json"


def cache_root(override: str | os.PathLike[str] | None = None) -> Path:
    if override:
        return Path(override).expanduser().resolve()
    if env := os.environ.get(CACHE_ENV):
        return Path(env).expanduser().resolve()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return (base / "k8s-reading-kit").resolve()


def corpora_dir(root: Path | None = None) -> Path:
    return (root or cache_root()) / "corpora"


def corpus_dir(corpus: Corpus, root: Path | None = None) -> Path:
    """Where ``corpus`` lives once fetched (it may not exist yet)."""
    return corpora_dir(root) / corpus.key


def index_path(corpus: Corpus, root: Path | None = None) -> Path:
    return (root or cache_root()) / "index" / f"{corpus.key}.sqlite"


def read_marker(directory: Path) -> dict | None:
    try:
        return json.loads((directory / MARKER).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def installed_corpus_dir(corpus: Corpus, root: Path | None = None) -> Path | None:
    """The corpus directory if a completed fetch put it there, else None.

    Presence of the marker means a fetch completed and verified every file;
    use ``annotate.sources.fetch.check`` to re-verify the content on disk.
    """
    directory = corpus_dir(corpus, root)
    marker = read_marker(directory)
    if marker and marker.get("commit") == corpus.commit:
        return directory
    return None


def installed_gopath(corpus_name: str = "kubernetes", root: Path | None = None) -> Path | None:
    """GOPATH root of the verified full-tree profile (``<dir>/src/<import root>``), or None."""
    from annotate.sources.lock import get_corpus, with_profile  # avoid an import cycle at load time

    return installed_corpus_dir(with_profile(get_corpus(corpus_name), "full"), root)
