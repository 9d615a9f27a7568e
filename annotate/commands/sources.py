"""``annotate fetch``, ``annotate sources`` and ``annotate lock``: the source corpus."""

from __future__ import annotations

import argparse
import dataclasses
import subprocess
import sys
import tempfile
from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from annotate.errors import UserError
from annotate.sources import fetch as fetching
from annotate.sources.cache import cache_root
from annotate.sources.lock import (
    Corpus,
    LockError,
    load_lock,
    render_lock,
    repo_root,
    with_profile,
)

console = Console(stderr=True, width=None if sys.stderr.isatty() else 200)


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "fetch",
        help="fetch a locked corpus into the cache and verify every file",
        description="Download the pinned commit's archive (default), or read it --from a local "
        "git repository, checkout directory or .tar.gz; verify every file against sources.toml; "
        "install it in the cache only when complete.",
    )
    p.add_argument("corpora", nargs="*", metavar="CORPUS", help="corpus names (default: all)")
    p.add_argument("--from", dest="source", metavar="PATH", help="git repo, directory or archive")
    p.add_argument("--url", help="archive URL to download instead of GitHub's")
    p.add_argument("--profile", default="reading", help="reading (default) or full (whole tree)")
    p.add_argument("--force", action="store_true", help="fetch again even if installed")
    p.add_argument(
        "--if-missing", action="store_true", help="skip installed corpora without a word"
    )
    p.add_argument(
        "--check", action="store_true", help="re-verify installed corpora, fetch nothing"
    )
    p.set_defaults(handler=cmd_fetch)

    s = subparsers.add_parser("sources", help="list each corpus, its state and its cache path")
    s.add_argument("--profile", default=None, help="only this profile (default: all profiles)")
    s.set_defaults(handler=cmd_sources)

    lk = subparsers.add_parser(
        "lock",
        help="(maintainers) recompute a corpus's hashes from a trusted git repository",
    )
    lk.add_argument("corpus", metavar="CORPUS")
    lk.add_argument("--from", dest="source", metavar="REPO", required=True)
    lk.add_argument("--profile", default="reading")
    lk.set_defaults(handler=cmd_lock)


def _lock_path(args: argparse.Namespace) -> Path | None:
    return Path(args.lock) if args.lock else None


def _selected(args: argparse.Namespace, names: list[str], profile: str) -> list[Corpus]:
    corpora = load_lock(_lock_path(args))
    unknown = [n for n in names if n not in corpora]
    if unknown:
        raise LockError(f"unknown corpus {unknown[0]!r}; the lock has: {', '.join(corpora)}")
    lock_dir = _lock_path(args).parent if args.lock else None
    return [with_profile(corpora[n], profile, lock_dir) for n in (names or list(corpora))]


class _Bar:
    """A rich progress bar fed by the fetcher's (what, done, total) callbacks."""

    def __init__(self, label: str) -> None:
        self.progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self.label = label
        self.tasks: dict[str, TaskID] = {}

    def __call__(self, what: str, done: int, total: int | None) -> None:
        if what not in self.tasks:
            self.tasks[what] = self.progress.add_task(f"{self.label} ({what})", total=total)
        self.progress.update(self.tasks[what], completed=done, total=total)

    def __enter__(self) -> _Bar:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()


def cmd_fetch(args: argparse.Namespace) -> int:
    cache = cache_root(args.cache)
    corpora = _selected(args, args.corpora, args.profile)
    if args.check:
        return _report_check(corpora, cache)
    failed = 0
    for corpus in corpora:
        if args.if_missing and fetching.check(corpus, cache).state == "verified":
            console.print(
                f"{corpus.label}: already verified in {fetching.corpus_dir(corpus, cache)}"
            )
            continue
        try:
            with _Bar(f"fetch {corpus.label}") as bar:
                result = fetching.fetch(
                    corpus, source=args.source, url=args.url, cache=cache, force=args.force,
                    progress=bar,
                )  # fmt: skip
        except UserError as exc:
            failed += 1
            console.print(f"[red]{corpus.label}: {exc}")
            continue
        mib = result.bytes / (1 << 20)
        console.print(
            f"[green]{corpus.label}[/]: {result.files} files verified ({mib:.1f} MiB) "
            f"in {result.seconds:.2f}s from {result.source}\n  -> {result.directory}"
        )
        if result.absent:
            console.print(
                f"[yellow]  {len(result.absent)} locked file(s) are absent from the source "
                "(recorded; see `annotate sources`): " + ", ".join(result.absent)
            )
        if result.ignored:
            console.print(
                f"  {result.ignored} file(s) in the directory are not in the lock; ignored"
            )
    if failed:
        console.print(
            "[bold]Offline?[/] Hand the fetcher a local clone holding the pinned commit: "
            "`annotate fetch CORPUS --from PATH` (see README, 'Sources offline')."
        )
    return 1 if failed else 0


def _report_check(corpora: list[Corpus], cache: Path) -> int:
    bad = 0
    for corpus in corpora:
        status = fetching.check(corpus, cache)
        if status.state == "verified":
            files = len(corpus.files) - len(status.absent)
            console.print(f"[green]{corpus.label}: verified[/] ({files} files) {status.directory}")
        elif status.state == "missing":
            bad += 1
            console.print(
                f"[red]{corpus.label}: not in the cache[/] ({status.directory}); "
                f"run `annotate fetch {corpus.name}`"
            )
        else:
            bad += 1
            console.print(
                f"[red]{corpus.label}: corrupt[/] ({len(status.problems)} problem(s)) "
                f"in {status.directory}"
            )
            for problem in status.problems[:50]:
                console.print(f"  {problem.describe()}", highlight=False)
            console.print(f"  repair with `annotate fetch {corpus.name} --force`")
    return 1 if bad else 0


def cmd_sources(args: argparse.Namespace) -> int:
    cache = cache_root(args.cache)
    base = load_lock(_lock_path(args))
    table = Table(title=f"Corpora (cache: {cache})")
    for column in ("corpus", "profile", "tag", "commit", "state", "files", "path"):
        table.add_column(column, no_wrap=column != "state")
    for corpus in base.values():
        profiles = ["reading", *sorted(corpus.profiles)]
        for profile in profiles if args.profile is None else [args.profile]:
            variant = with_profile(corpus, profile, _lock_path(args).parent if args.lock else None)
            status = fetching.check(variant, cache)
            colour = {"verified": "green", "missing": "yellow", "corrupt": "red"}[status.state]
            state = f"[{colour}]{status.state}[/]"
            if status.absent:
                state += f" ({len(status.absent)} absent from source)"
            files = len(variant.files) - len(status.absent)
            if status.state == "corrupt":
                files = f"{files} ({len(status.problems)} bad)"
            table.add_row(
                corpus.name, profile, corpus.tag, corpus.commit[:12], state, str(files),
                str(status.directory),
            )  # fmt: skip
    wide = None if sys.stdout.isatty() else 200  # pipes and CI logs: do not fold paths
    Console(width=wide).print(table)
    return 0


def cmd_lock(args: argparse.Namespace) -> int:
    lock_file = _lock_path(args) or repo_root() / "sources.toml"
    corpora = load_lock(lock_file)
    if args.corpus not in corpora:
        raise LockError(f"unknown corpus {args.corpus!r}")
    corpus = corpora[args.corpus]
    repo = Path(args.source)
    if not fetching.is_git_repository(repo):
        raise UserError(f"{repo} is not a git repository; `annotate lock` reads git objects only")
    if args.profile == "reading":
        unlocked = dataclasses.replace(corpus, files={})
        with tempfile.TemporaryDirectory() as tmp:
            collected = fetching._from_git(unlocked, repo, Path(tmp), None)
        if collected.absent:
            raise UserError(f"{repo} lacks locked blobs: {', '.join(collected.absent)}")
        corpora[corpus.name] = dataclasses.replace(corpus, files=collected.digests)
        console.print(f"{corpus.name}: {len(collected.digests)} files hashed (sha256)")
    else:
        listing = subprocess.run(
            ["git", "-C", str(repo), "ls-tree", "-r", corpus.commit],
            capture_output=True, check=True, text=True,
        ).stdout  # fmt: skip
        tree = subprocess.run(
            ["git", "-C", str(repo), "rev-parse", f"{corpus.commit}^{{tree}}"],
            capture_output=True, check=True, text=True,
        ).stdout.strip()  # fmt: skip
        manifest = f"locks/{corpus.name}-{args.profile}.tree"
        path = lock_file.parent / manifest
        path.parent.mkdir(parents=True, exist_ok=True)
        header = (
            f"# {corpus.name} {corpus.tag} ({corpus.commit}): every file of the tree, as "
            "`git ls-tree -r` prints it.\n# Paths and git blob ids only; checked against the "
            f"root tree {tree} by annotate.sources.lock.with_profile.\n"
        )
        path.write_text(header + listing, encoding="utf-8")
        profiles = dict(corpus.profiles)
        spec = dict(profiles.get(args.profile, {}))
        spec.update(manifest=manifest, tree=tree)
        spec.setdefault("layout", "gopath")
        profiles[args.profile] = spec
        corpora[corpus.name] = dataclasses.replace(corpus, profiles=profiles)
        console.print(f"{corpus.name}: {listing.count(chr(10))} entries -> {manifest}")
    lock_file.write_text(render_lock(corpora), encoding="utf-8")
    return 0
