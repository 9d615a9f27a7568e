"""What an index command works on: a locked corpus from the cache, or any Go directory.

Both end up as a :class:`Target`: a source root, a Go import-path root, where
the index lives, and how to link a line to the web (a GitHub permalink at the
pinned commit for corpora, a file URI for plain directories).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from annotate.errors import UserError
from annotate.index import build as index
from annotate.parse import buildctx
from annotate.sources.cache import cache_root, installed_corpus_dir
from annotate.sources.cache import index_path as corpus_index_path
from annotate.sources.lock import Corpus, get_corpus


@dataclass(frozen=True)
class Target:
    root: Path
    import_root: str
    db_path: Path
    corpus: Corpus | None = None
    platform: buildctx.Platform = field(default_factory=buildctx.Platform)

    @property
    def label(self) -> str:
        return self.corpus.key if self.corpus else str(self.root)

    def permalink(
        self, path: str | None, start: int | None = None, end: int | None = None
    ) -> str | None:
        if path is None:
            return None
        if self.corpus is not None:
            return self.corpus.permalink(path, start, end)
        url = (self.root / path).resolve().as_uri()
        if start is None:
            return url
        return f"{url}#L{start}" + (f"-L{end}" if end is not None and end != start else "")

    def ensure_index(
        self, rebuild: bool = False, progress: Callable[[str], None] | None = None
    ) -> index.BuildStats:
        """Build the index if missing, or bring it up to date (one stat per file when warm).

        ``rebuild`` forces re-parsing every file.
        """
        # (rebuild: the old index stays in place, and readable, until the new one is done)
        return index.build(
            self.root,
            self.import_root,
            self.db_path,
            self.platform,
            progress=progress,
            rebuild=rebuild,
        )


def _suffix(platform: buildctx.Platform) -> str:
    if platform == buildctx.Platform():
        return ""
    return "." + hashlib.sha256(platform.key.encode()).hexdigest()[:10]


class NotInCache(UserError):
    """The corpus is locked but has not been fetched into this cache."""


def for_corpus(
    name: str,
    cache: str | None = None,
    lock: str | None = None,
    platform: buildctx.Platform | None = None,
) -> Target:
    platform = platform or buildctx.Platform()
    corpus = get_corpus(name, Path(lock) if lock else None)
    root = cache_root(cache)
    directory = installed_corpus_dir(corpus, root)
    if directory is None:
        raise NotInCache(
            f"corpus {name}@{corpus.tag} is not in the cache ({root}); run `annotate fetch {name}`"
        )
    db = corpus_index_path(corpus, root)
    db = db.with_name(db.stem + _suffix(platform) + db.suffix)
    return Target(directory, corpus.import_root, db, corpus, platform)


def for_directory(
    directory: str,
    import_root: str,
    cache: str | None = None,
    platform: buildctx.Platform | None = None,
) -> Target:
    platform = platform or buildctx.Platform()
    root = Path(directory).expanduser().resolve()
    if not root.is_dir():
        raise UserError(f"not a directory: {directory}")
    if not import_root:
        raise UserError("--dir needs --import-path (the Go import path of the directory)")
    digest = hashlib.sha256(f"{root}\0{import_root}".encode()).hexdigest()[:16]
    db = cache_root(cache) / "index" / f"dir-{root.name}-{digest}{_suffix(platform)}.sqlite"
    return Target(root, import_root, db, None, platform)
