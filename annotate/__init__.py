"""annotate: a source-reading engine for pinned Go corpora.

Data flow (see docs/design.md): ``lock`` (sources.toml) → ``fetch`` into the
``cache`` → parse → resolve → index → graph / excerpts / annotations.
"""

__version__ = "0.1.0"
