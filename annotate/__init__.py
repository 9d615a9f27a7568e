"""annotate: a source-reading engine for pinned Go corpora.

One subpackage per stage of the data flow (docs/design.md), each importing only the
stages before it (checked by ``lint-imports``, see pyproject.toml)::

    sources  the lock (sources.toml), fetch and verify into the cache
    parse    per-file Go facts with tree-sitter-go, build constraints
    resolve  go/ssa symbols and call edges across all files
    index    the SQLite store and the queries over it
    render   call graphs, excerpts, overviews        notes  annotations, drift check
    api      the notebook API
    reading  Go beside its Python mirror (mirrors found through an entry point)
    commands, cli   the ``annotate`` program
"""

__version__ = "0.1.0"
