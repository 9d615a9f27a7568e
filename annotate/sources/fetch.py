"""Bring a locked corpus into the cache, verified, all or nothing.

Sources, in the order a user meets them:

* the GitHub archive of the pinned commit (online, the default), streamed and
  extracted selectively (``annotate.sources.archive``);
* ``--from PATH`` where PATH is a git repository, bare or not, holding the
  pinned commit: content is read from git's objects at that commit, never from
  the work tree;
* ``--from PATH`` where PATH is a plain directory (an existing checkout);
* ``--from FILE.tar.gz``: an archive downloaded by other means.

Every file is written into a staging directory next to the cache entry,
hashed as it is written, compared with the lock, and only then is the staging
directory renamed into place.  Any failure -- a hash mismatch, a truncated
download, Ctrl-C -- removes the staging directory, so the cache holds either
the previous state or a complete, verified corpus.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from annotate.errors import UserError
from annotate.sources import archive
from annotate.sources.cache import (
    MARKER,
    corpora_dir,
    corpus_dir,
    installed_corpus_dir,
    read_marker,
)
from annotate.sources.download import ResponseStream
from annotate.sources.lock import Corpus
from annotate.sources.verify import Problem, compare, hash_tree, summarize, write_hashed, write_link

ProgressFn = Callable[[str, int, int | None], None]  # (what, done, total)


__all__ = [
    "FetchError",
    "VerificationError",
    "check",
    "corpus_dir",
    "fetch",
    "installed_corpus_dir",
]


class FetchError(UserError):
    """A fetch failed; the cache is unchanged."""


class VerificationError(FetchError):
    """Files do not match the lock."""

    def __init__(self, message: str, problems: list[Problem]):
        super().__init__(message)
        self.problems = problems


@dataclass
class Collected:
    """What a source delivered into the staging directory."""

    digests: dict[str, str]
    description: str
    absent: list[str] = field(default_factory=list)  # locked paths the source lacks (git only)
    ignored: int = 0  # files present in a plain directory but not in the lock (untracked)


@dataclass
class FetchResult:
    corpus: Corpus
    directory: Path
    files: int
    bytes: int
    seconds: float
    source: str
    absent: list[str]
    ignored: int


# --------------------------------------------------------------------------- sources


def _git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=check)
    except FileNotFoundError as exc:
        raise FetchError("git is not installed; --from a git repository needs it") from exc
    except subprocess.CalledProcessError as exc:
        message = exc.stderr.decode(errors="replace").strip()
        raise FetchError(f"git {' '.join(args)} failed in {repo}: {message}") from exc


def is_git_repository(path: Path) -> bool:
    """True for a bare repository or the top level of a work tree."""
    if not path.is_dir() or shutil.which("git") is None:
        return False
    bare = _git(path, "rev-parse", "--is-bare-repository", check=False)
    if bare.returncode != 0:
        return False
    if bare.stdout.strip() == b"true":
        return True
    top = _git(path, "rev-parse", "--show-toplevel", check=False)
    return top.returncode == 0 and Path(top.stdout.decode().strip()).resolve() == path.resolve()


def _from_git(corpus: Corpus, repo: Path, stage: Path, progress: ProgressFn | None) -> Collected:
    if _git(repo, "cat-file", "-e", f"{corpus.commit}^{{commit}}", check=False).returncode != 0:
        raise FetchError(
            f"commit {corpus.commit} ({corpus.name} {corpus.tag}) is not in the git repository "
            f"{repo}; fetch it there first, e.g. `git -C {repo} fetch "
            f"https://{corpus.repository} tag {corpus.tag}`"
        )
    listing = _git(repo, "ls-tree", "-r", "-z", "--full-tree", corpus.commit).stdout
    entries = []  # (mode, oid, path)
    for raw in listing.split(b"\0"):
        if not raw:
            continue
        meta, _, path_bytes = raw.partition(b"\t")
        mode, kind, oid = meta.decode().split()
        path = path_bytes.decode("utf-8", errors="surrogateescape")
        if kind == "blob" and corpus.in_reading_set(path):
            entries.append((mode, oid, path))

    digests: dict[str, str] = {}
    absent: list[str] = []
    proc = subprocess.Popen(
        ["git", "-C", str(repo), "cat-file", "--batch"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert proc.stdin is not None and proc.stdout is not None
    stdin = proc.stdin

    def feed() -> None:  # a writer thread: git answers while we still ask, no pipe deadlock
        try:
            for _, oid, _ in entries:
                stdin.write(oid.encode() + b"\n")
            stdin.close()
        except BrokenPipeError:
            pass

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    try:
        for done, (mode, _oid, path) in enumerate(entries, 1):
            header = proc.stdout.readline().decode().split()
            if len(header) == 2 and header[1] == "missing":
                absent.append(path)
                continue
            if len(header) != 3:
                raise FetchError(f"unexpected reply from git cat-file for {path}: {header!r}")
            size = int(header[2])
            target = stage / path
            target.parent.mkdir(parents=True, exist_ok=True)
            if mode == "120000":
                link = os.fsdecode(proc.stdout.read(size))
                archive.check_link_target(path, link, f"{path} in {repo}")
                digests[path] = write_link(target, link, corpus.scheme)
            else:
                try:
                    digests[path] = write_hashed(target, proc.stdout.read, size, corpus.scheme)
                except EOFError as exc:
                    raise FetchError(f"git cat-file ended early while reading {path}") from exc
                if mode == "100755":
                    target.chmod(0o755)
            proc.stdout.read(1)  # the newline after each object
            if progress:
                progress("files", done, len(entries))
    finally:
        proc.kill()
        proc.wait()
        writer.join(timeout=5)
    return Collected(digests, f"git repository {repo} at {corpus.commit}", absent=absent)


def _from_directory(
    corpus: Corpus, root: Path, stage: Path, progress: ProgressFn | None
) -> Collected:
    digests: dict[str, str] = {}
    ignored = 0
    candidates = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d != ".git")
        here = Path(dirpath)
        for name in filenames + [d for d in dirnames if (here / d).is_symlink()]:
            rel = (here / name).relative_to(root).as_posix()
            if corpus.in_reading_set(rel):
                candidates.append(rel)
    for done, rel in enumerate(candidates, 1):
        if rel not in corpus.files:
            ignored += 1  # a checkout may hold build output or untracked files; not ours
            continue
        source, target = root / rel, stage / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            link = os.readlink(source)
            archive.check_link_target(rel, link, f"{source}")
            digests[rel] = write_link(target, link, corpus.scheme)
        else:
            with source.open("rb") as inp:
                try:
                    size = os.fstat(inp.fileno()).st_size
                    digests[rel] = write_hashed(target, inp.read, size, corpus.scheme)
                except EOFError as exc:
                    raise FetchError(f"{source} changed while it was being read") from exc
            shutil.copymode(source, target)
        if progress:
            progress("files", done, len(candidates))
    return Collected(digests, f"directory {root}", ignored=ignored)


def _from_archive_stream(
    corpus: Corpus, stream, description: str, stage: Path, progress: ProgressFn | None
) -> Collected:
    digests, pax = archive.extract_stream(
        stream, stage, corpus.scheme, corpus.in_reading_set, strip_top=True
    )
    comment = pax.get("comment")
    if comment and comment != corpus.commit:  # GitHub stamps the commit id into the archive
        raise FetchError(f"{description} is the archive of commit {comment}, not {corpus.commit}")
    return Collected(digests, description)


def _from_url(corpus: Corpus, url: str, stage: Path, progress: ProgressFn | None) -> Collected:
    def report(received: int, total: int | None) -> None:
        if progress:
            progress("bytes", received, total)

    with ResponseStream(url, report) as stream:
        return _from_archive_stream(corpus, stream, url, stage, progress)


def _from_archive_file(
    corpus: Corpus, path: Path, stage: Path, progress: ProgressFn | None
) -> Collected:
    with path.open("rb") as stream:
        return _from_archive_stream(corpus, stream, f"archive {path}", stage, progress)


# --------------------------------------------------------------------------- install


@contextlib.contextmanager
def _exclusive(root: Path, corpus: Corpus) -> Iterator[None]:
    """One fetch per corpus at a time (a second waits), across processes.

    The kernel drops the lock when its holder dies, whatever killed it; a live holder
    is waited for with one message on stderr, up to ``ANNOTATE_LOCK_TIMEOUT`` seconds.
    """
    root.mkdir(parents=True, exist_ok=True)
    with (root / f".lock-{corpus.key}").open("w") as handle:
        deadline = None
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if deadline is None:
                    timeout = _lock_timeout()
                    deadline = time.monotonic() + timeout
                    print(
                        f"annotate: waiting for another fetch of {corpus.label} to finish",
                        file=sys.stderr,
                    )
                if time.monotonic() >= deadline:
                    raise FetchError(
                        f"another fetch of {corpus.label} held the cache lock for more than "
                        f"{timeout:g} s (ANNOTATE_LOCK_TIMEOUT); the cache is unchanged"
                    ) from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _lock_timeout() -> float:
    try:
        return max(0.0, float(os.environ.get("ANNOTATE_LOCK_TIMEOUT", "600")))
    except ValueError:
        return 600.0


def sweep_stale_staging(root: Path) -> None:
    """Remove staging directories left by a fetch that was killed outright (SIGKILL, power)."""
    if not root.is_dir():
        return
    for entry in root.glob(".staging-*"):
        try:
            pid = int(entry.name.split("-")[-2])
            os.kill(pid, 0)
        except ProcessLookupError:
            shutil.rmtree(entry, ignore_errors=True)
        except (ValueError, IndexError, PermissionError):
            continue


def fetch(
    corpus: Corpus,
    *,
    source: str | os.PathLike[str] | None = None,
    url: str | None = None,
    cache: Path | None = None,
    force: bool = False,
    progress: ProgressFn | None = None,
) -> FetchResult:
    """Fetch ``corpus`` into the cache; return what was installed.  Raises FetchError."""
    started = time.monotonic()
    if source is not None and not Path(source).expanduser().exists():
        raise FetchError(f"--from {source}: no such file or directory")
    root = corpora_dir(cache)
    final = corpus_dir(corpus, cache)
    with _exclusive(root, corpus):
        sweep_stale_staging(root)
        marker = read_marker(final)
        if marker and marker.get("commit") == corpus.commit and not force:
            raise FetchError(
                f"{corpus.label} is already in the cache at {final}; "
                "check it with `annotate fetch --check`, or pass --force to fetch again"
            )
        stage = Path(tempfile.mkdtemp(prefix=f".staging-{corpus.key}-{os.getpid()}-", dir=root))
        # mkdtemp makes it 0700; the installed corpus is read by others (a shared cache).
        stage.chmod(0o755)
        try:
            tree = stage / corpus.subdir if corpus.subdir else stage
            tree.mkdir(parents=True, exist_ok=True)
            collected = _collect(corpus, source, url, tree, progress)
            _verify_collected(corpus, collected)
            total_bytes = sum(
                (tree / p).lstat().st_size for p in collected.digests if (tree / p).exists()
            )
            now = datetime.now(UTC).isoformat(timespec="seconds")
            record = {
                "corpus": corpus.name,
                "profile": corpus.profile,
                "tag": corpus.tag,
                "commit": corpus.commit,
                "files": len(collected.digests),
                "bytes": total_bytes,
                "absent": collected.absent,
                "source": collected.description,
                "fetched_at": now,
            }
            # the marker is written last: its presence means "complete and verified"
            (stage / MARKER).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
            _install(stage, final)
        except BaseException:
            shutil.rmtree(stage, ignore_errors=True)
            raise
    return FetchResult(
        corpus,
        final,
        len(collected.digests),
        total_bytes,
        time.monotonic() - started,
        collected.description,
        collected.absent,
        collected.ignored,
    )


def _collect(
    corpus: Corpus, source, url: str | None, tree: Path, progress: ProgressFn | None
) -> Collected:
    if source is None:
        return _from_url(corpus, url or corpus.archive_url(), tree, progress)
    path = Path(source).expanduser()
    if not path.exists():
        raise FetchError(f"--from {path}: no such file or directory")
    if path.is_file():
        return _from_archive_file(corpus, path, tree, progress)
    if is_git_repository(path):
        return _from_git(corpus, path, tree, progress)
    return _from_directory(corpus, path, tree, progress)


def _verify_collected(corpus: Corpus, collected: Collected) -> None:
    problems = compare(corpus.files, collected.digests)
    if collected.absent:
        # a repository snapshot may lack large blobs; only the full tree tolerates that,
        # and the absent paths are recorded and reported, never silently dropped
        absent = set(collected.absent)
        if corpus.profile == "reading":
            raise FetchError(
                f"{collected.description} lacks the content of {len(absent)} locked file(s): "
                + ", ".join(sorted(absent)[:10])
            )
        problems = [p for p in problems if not (p.kind == "missing" and p.path in absent)]
    if not corpus.files:
        raise FetchError(f"the lock has no file hashes for {corpus.name}; run `annotate lock`")
    if problems:
        raise VerificationError(
            f"{collected.description} does not match the lock for {corpus.label} "
            f"({len(problems)} problem(s)); the cache is unchanged:\n  {summarize(problems)}",
            problems,
        )


def _install(stage: Path, final: Path) -> None:
    """Swap the verified staging directory into place (rename is atomic on one filesystem)."""
    if final.exists():
        trash = final.with_name(f".staging-old-{final.name}-{os.getpid()}-x")
        final.rename(trash)
        stage.rename(final)
        shutil.rmtree(trash, ignore_errors=True)
    else:
        stage.rename(final)


# --------------------------------------------------------------------------- check


@dataclass
class Status:
    corpus: Corpus
    directory: Path
    state: str  # "missing" | "verified" | "corrupt"
    problems: list[Problem]
    marker: dict | None

    @property
    def absent(self) -> list[str]:
        return list((self.marker or {}).get("absent", []))


def check(corpus: Corpus, cache: Path | None = None) -> Status:
    """Re-hash an installed corpus and compare it with the lock."""
    directory = corpus_dir(corpus, cache)
    marker = read_marker(directory)
    if marker is None or marker.get("commit") != corpus.commit:
        return Status(corpus, directory, "missing", [], marker)
    tree = directory / corpus.subdir if corpus.subdir else directory
    found = hash_tree(tree, corpus.scheme, skip_top=() if corpus.subdir else (MARKER,))
    absent = set(marker.get("absent", []))
    problems = [
        p for p in compare(corpus.files, found) if not (p.kind == "missing" and p.path in absent)
    ]
    return Status(corpus, directory, "corrupt" if problems else "verified", problems, marker)
