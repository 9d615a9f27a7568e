"""The lock (sources.toml): which upstream sources we teach from, and their hashes.

The lock names, for each corpus, its upstream repository, tag, full commit id,
Go import-path root, the path patterns of its reading set, and the SHA-256 of
every file in the reading set.  It holds hashes and paths, never source text.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from annotate import data
from annotate.errors import UserError

LOCK_FILENAME = "sources.toml"
_T = TypeVar("_T")
_COMMIT = re.compile(r"^[0-9a-f]{40}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class LockError(UserError):
    """sources.toml is missing, malformed, or does not name the corpus asked for."""


def default_lock_file() -> Path:
    """The lock shipped with the package (``annotate/data/sources.toml``)."""
    return data.lock_file()


def _glob_regex(pattern: str) -> re.Pattern[str]:
    """Translate a path pattern with ``**`` (any depth), ``*`` and ``?`` to a regex.

    fnmatch lets ``*`` cross ``/``; reading sets need ``pkg/kubelet/**`` to
    mean "everything below pkg/kubelet" and ``*.go`` to stay in one directory.
    """
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("^" + "".join(out) + "$")


@dataclass(frozen=True)
class Corpus:
    """One locked corpus: an upstream repository pinned at a commit."""

    name: str
    repository: str  # e.g. github.com/kubernetes/kubernetes
    tag: str
    commit: str
    import_root: str  # Go import path of the repository root
    reading_set: tuple[str, ...]  # path patterns, relative to the repository root
    files: dict[str, str] = field(hash=False, compare=False)  # path -> digest (see scheme)
    scheme: str = "sha256"  # how ``files`` digests are computed (annotate.sources.verify)
    profile: str = "reading"  # "reading" (the reading set) or "full" (the whole tree)
    subdir: str = ""  # where the tree sits inside the cache directory ("src/<import root>")
    profiles: dict[str, dict] = field(default_factory=dict, hash=False, compare=False)

    @property
    def key(self) -> str:
        """The cache directory name: ``<corpus>@<commit>`` (``<corpus>-full@...`` for full)."""
        suffix = "" if self.profile == "reading" else f"-{self.profile}"
        return f"{self.name}{suffix}@{self.commit}"

    @property
    def label(self) -> str:
        return self.name if self.profile == "reading" else f"{self.name} ({self.profile} tree)"

    @property
    def owner_repo(self) -> str:
        """``owner/name`` on GitHub."""
        host, _, rest = self.repository.partition("/")
        if host != "github.com" or rest.count("/") != 1:
            raise LockError(f"{self.name}: only github.com/<owner>/<repo> is supported")
        return rest

    def in_reading_set(self, path: str) -> bool:
        return any(rx.match(path) for rx in _compiled(self.reading_set))

    def archive_url(self) -> str:
        """The GitHub tarball of the pinned commit (a plain, cacheable HTTPS GET)."""
        return f"https://codeload.github.com/{self.owner_repo}/tar.gz/{self.commit}"

    def permalink(self, path: str, start: int | None = None, end: int | None = None) -> str:
        """A GitHub permalink at the pinned commit, with line anchors when given."""
        url = f"https://{self.repository}/blob/{self.commit}/{path}"
        if start is not None:
            url += f"#L{start}"
            if end is not None and end != start:
                url += f"-L{end}"
        return url

    def package_path(self, directory: str) -> str:
        """Go import path of a directory of this corpus (``pkg/kubelet/eviction``)."""
        return go_package_path(self.import_root, directory)


def go_package_path(import_root: str, directory: str) -> str:
    """Import path of a directory; vendored packages keep the GOPATH-mode vendor prefix
    (go/ssa names them ``<root>/vendor/<path>``, so callgraph does too)."""
    directory = directory.strip("/")
    if directory.startswith("staging/src/"):
        # kubernetes: vendor/k8s.io/<repo> are symlinks into staging/src/k8s.io/<repo>
        return f"{import_root}/vendor/{directory[len('staging/src/') :]}"
    return import_root if directory in ("", ".") else f"{import_root}/{directory}"


@cache
def _compiled(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(_glob_regex(p) for p in patterns)


def _require(table: dict[str, Any], key: str, where: str, kind: type[_T]) -> _T:
    if key not in table:
        raise LockError(f"{where}: missing key {key!r}")
    value = table[key]
    if not isinstance(value, kind):
        raise LockError(f"{where}.{key}: expected {kind.__name__}, got {type(value).__name__}")
    return value


def parse_lock(data: dict, source: str = LOCK_FILENAME) -> dict[str, Corpus]:
    corpora: dict[str, Corpus] = {}
    table = data.get("corpus")
    if not isinstance(table, dict) or not table:
        raise LockError(f"{source}: no [corpus.<name>] tables")
    for name, spec in table.items():
        where = f"{source}: corpus.{name}"
        if not isinstance(spec, dict):
            raise LockError(f"{where}: expected a table")
        commit = _require(spec, "commit", where, str)
        if not _COMMIT.match(commit):
            raise LockError(f"{where}.commit: not a full 40-hex commit id: {commit!r}")
        patterns = _require(spec, "reading_set", where, list)
        files = spec.get("files", {})
        if not isinstance(files, dict):
            raise LockError(f"{where}.files: expected a table of path = sha256")
        for path, digest in files.items():
            if not isinstance(digest, str) or not _SHA256.match(digest):
                raise LockError(f"{where}.files: {path!r} has no valid sha256 ({digest!r})")
        profiles = spec.get("profiles", {})
        if not isinstance(profiles, dict):
            raise LockError(f"{where}.profiles: expected a table")
        corpora[name] = Corpus(
            profiles=profiles,
            name=name,
            repository=_require(spec, "repository", where, str),
            tag=_require(spec, "tag", where, str),
            commit=commit,
            import_root=_require(spec, "import_root", where, str),
            reading_set=tuple(str(p) for p in patterns),
            files=dict(files),
        )
    return corpora


def load_lock(path: Path | None = None) -> dict[str, Corpus]:
    """Read and validate the lock; ``path`` defaults to the package's sources.toml.

    A process reads a given lock file once (it is ~3,700 lines of hashes, and parsing it is
    most of a query's own time): the parse is kept per (path, size, mtime), so an edited
    file is read again.  The dict returned is the caller's own (the Corpus values are
    frozen)."""
    path = path or default_lock_file()
    try:
        st = path.stat()
    except FileNotFoundError as exc:
        raise LockError(f"lock file not found: {path}") from exc
    return dict(_load_lock(str(path), st.st_size, st.st_mtime_ns))


@cache
def _load_lock(name: str, size: int, mtime_ns: int) -> dict[str, Corpus]:
    path = Path(name)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise LockError(f"lock file not found: {path}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise LockError(f"{path}: not valid TOML: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise LockError(f"{path}: not UTF-8 text (byte {exc.start})") from exc
    except RecursionError:  # tomllib recurses on nested inline arrays and tables
        raise LockError(f"{path}: nested too deeply to read") from None
    return parse_lock(data, str(path))


def get_corpus(name: str, path: Path | None = None) -> Corpus:
    corpora = load_lock(path)
    if name not in corpora:
        raise LockError(f"unknown corpus {name!r}; the lock has: {', '.join(sorted(corpora))}")
    return corpora[name]


def with_profile(corpus: Corpus, profile: str, lock_dir: Path | None = None) -> Corpus:
    """The same corpus under another profile ("reading" is the corpus itself).

    The full profile takes its file list from a manifest in ``git ls-tree -r``
    form (``<mode> blob <git blob id>\t<path>``), verified here against the
    commit's root tree id recorded in the lock -- so a tampered manifest is
    caught before any file is checked against it.
    """
    if profile == "reading":
        return corpus
    spec = corpus.profiles.get(profile)
    if spec is None:
        known = ", ".join(["reading", *sorted(corpus.profiles)])
        raise LockError(f"corpus {corpus.name!r} has no profile {profile!r} (profiles: {known})")
    where = f"corpus.{corpus.name}.profiles.{profile}"
    manifest = (lock_dir or data.lock_file().parent) / str(_require(spec, "manifest", where, str))
    tree = str(_require(spec, "tree", where, str))
    entries = read_tree_manifest(manifest)
    from annotate.sources.gittree import tree_id  # local import: only full profiles need it

    actual = tree_id(entries)
    if actual != tree:
        raise LockError(
            f"{manifest}: does not describe tree {tree} of commit {corpus.commit} "
            f"(it hashes to {actual}); regenerate it with `annotate lock {corpus.name} "
            f"--profile {profile} --from REPO`"
        )
    layout = spec.get("layout", "plain")
    subdir = f"src/{corpus.import_root}" if layout == "gopath" else ""
    return Corpus(
        name=corpus.name,
        repository=corpus.repository,
        tag=corpus.tag,
        commit=corpus.commit,
        import_root=corpus.import_root,
        reading_set=("**",),
        files={path: oid for path, (_mode, oid) in entries.items()},
        scheme="gitblob",
        profile=profile,
        subdir=subdir,
        profiles=corpus.profiles,
    )


def read_tree_manifest(path: Path) -> dict[str, tuple[str, str]]:
    """Parse a ``git ls-tree -r`` listing: path -> (mode, blob id)."""
    entries: dict[str, tuple[str, str]] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError as exc:
        raise LockError(f"tree manifest not found: {path}") from exc
    except UnicodeDecodeError as exc:
        raise LockError(f"{path}: not UTF-8 text (byte {exc.start})") from exc
    for number, line in enumerate(lines, 1):
        if not line or line.startswith("#"):
            continue
        meta, sep, file_path = line.partition("\t")
        fields = meta.split()
        if not sep or len(fields) != 3 or fields[1] not in ("blob", "commit"):
            raise LockError(f"{path}:{number}: not a `git ls-tree -r` line: {line!r}")
        entries[file_path] = (fields[0], fields[2])
    return entries


LOCK_HEADER = """\
# The lock: the upstream sources this toolkit teaches from.
#
# For each corpus: upstream repository, tag, full commit id, Go import-path root,
# the path patterns of its reading set, and the SHA-256 of every file in the
# reading set.  Hashes and paths only -- never source text.
#
# Regenerate a corpus's hashes from a trusted git repository holding the commit:
#   annotate lock <name> --from <repo>                  (reading set -> [corpus.<name>.files])
#   annotate lock <name> --profile full --from <repo>   (whole tree -> locks/<name>-full.tree)
# `annotate fetch` verifies every file it installs against these hashes.
"""


def _toml_str(value: str) -> str:
    # JSON string escapes are a subset of TOML basic-string escapes
    import json

    return json.dumps(value, ensure_ascii=False)


def render_lock(corpora: dict[str, Corpus]) -> str:
    """The lock file text for ``corpora`` (the inverse of :func:`parse_lock`)."""
    out = [LOCK_HEADER.rstrip("\n")]
    for corpus in corpora.values():
        out.append(f"\n[corpus.{corpus.name}]")
        out.append(f"repository = {_toml_str(corpus.repository)}")
        out.append(f"tag = {_toml_str(corpus.tag)}")
        out.append(f"commit = {_toml_str(corpus.commit)}")
        out.append(f"import_root = {_toml_str(corpus.import_root)}")
        patterns = ", ".join(_toml_str(p) for p in corpus.reading_set)
        out.append(f"reading_set = [{patterns}]")
        for profile, spec in sorted(corpus.profiles.items()):
            out.append(f"\n[corpus.{corpus.name}.profiles.{profile}]")
            out.extend(f"{key} = {_toml_str(str(value))}" for key, value in sorted(spec.items()))
        out.append(f"\n[corpus.{corpus.name}.files]  # {len(corpus.files)} files, sha256")
        out.extend(
            f"{_toml_str(path)} = {_toml_str(d)}" for path, d in sorted(corpus.files.items())
        )
    return "\n".join(out) + "\n"
