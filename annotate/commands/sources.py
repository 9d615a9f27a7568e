"""``annotate fetch``, ``annotate sources`` and ``annotate lock``: the source corpus."""

from __future__ import annotations

import argparse
import dataclasses
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotate.commands import output
from annotate.errors import UserError

if TYPE_CHECKING:
    from annotate.sources.lock import Corpus

# rich and the fetcher are imported by the handlers: the query commands start without them.


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
    output.add_json(p, "fetch")
    p.set_defaults(handler=cmd_fetch)

    s = subparsers.add_parser("sources", help="list each corpus, its state and its cache path")
    s.add_argument("--profile", default=None, help="only this profile (default: all profiles)")
    output.add_json(s, "sources")
    s.set_defaults(handler=cmd_sources)

    lk = subparsers.add_parser(
        "lock",
        help="(maintainers) recompute a corpus's hashes from a trusted git repository",
    )
    lk.add_argument("corpus", metavar="CORPUS")
    lk.add_argument("--from", dest="source", metavar="PATH", required=True, help="a git repository")
    lk.add_argument("--profile", default="reading", help="reading (default) or full (whole tree)")
    lk.set_defaults(handler=cmd_lock)


def _lock_path(args: argparse.Namespace) -> Path | None:
    return Path(args.lock) if args.lock else None


def _selected(args: argparse.Namespace, names: list[str], profile: str) -> list[Corpus]:
    from annotate.sources.lock import LockError, load_lock, with_profile

    corpora = load_lock(_lock_path(args))
    unknown = [n for n in names if n not in corpora]
    if unknown:
        raise LockError(f"unknown corpus {unknown[0]!r}; the lock has: {', '.join(corpora)}")
    lock_dir = _lock_path(args).parent if args.lock else None  # type: ignore[union-attr]
    return [with_profile(corpora[n], profile, lock_dir) for n in (names or list(corpora))]


class _Bar:
    """Rich progress bars fed by the fetcher's (what, done, total) callbacks: one bar for
    the bytes downloaded, one for the files verified, each labelled with its unit.  Silent
    when stderr is not a terminal (logs and pipes get the summary lines only)."""

    def __init__(self, label: str) -> None:
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        self.progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[count]}"),
            TimeElapsedColumn(),
            console=output.console(stderr=True),
            transient=True,
            disable=not sys.stderr.isatty(),
        )
        self.label = label
        self.tasks: dict[str, Any] = {}

    @staticmethod
    def _count(what: str, done: int, total: int | None) -> str:
        if what == "bytes":
            mib = f"{done / (1 << 20):.1f}"
            return f"{mib}/{total / (1 << 20):.1f} MiB" if total else f"{mib} MiB"
        return f"{done}/{total} {what}" if total is not None else f"{done} {what}"

    def __call__(self, what: str, done: int, total: int | None) -> None:
        count = self._count(what, done, total)
        if what not in self.tasks:
            doing = "downloading" if what == "bytes" else "verifying"
            self.tasks[what] = self.progress.add_task(
                f"{self.label}: {doing}", total=total, count=count
            )
        self.progress.update(self.tasks[what], completed=done, total=total, count=count)

    def __enter__(self) -> _Bar:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()


def cmd_fetch(args: argparse.Namespace) -> int:
    from annotate.sources import fetch as fetching
    from annotate.sources.cache import cache_root

    console = output.console(stderr=True)
    cache = cache_root(args.cache)
    corpora = _selected(args, args.corpora, args.profile)
    if not corpora:
        raise UserError("the lock names no corpus: nothing to fetch")
    if args.check:
        return _report_check(corpora, cache, args.json)
    failed = 0
    results: list[dict[str, Any]] = []
    for corpus in corpora:
        if args.if_missing and fetching.check(corpus, cache).state == "verified":
            directory = fetching.corpus_dir(corpus, cache)
            results.append(
                {"corpus": corpus.label, "state": "verified", "directory": str(directory)}
            )
            if not args.json:
                console.print(f"{corpus.label}: already verified in {directory}")
            continue
        try:
            with _Bar(f"fetch {corpus.label}") as bar:
                result = fetching.fetch(
                    corpus, source=args.source, url=args.url, cache=cache, force=args.force,
                    progress=bar,
                )  # fmt: skip
        except UserError as exc:
            failed += 1
            results.append({"corpus": corpus.label, "state": "failed", "error": str(exc)})
            console.print(f"[red]{corpus.label}: {exc}", highlight=False)
            continue
        results.append(
            {
                "corpus": corpus.label,
                "state": "fetched",
                "directory": str(result.directory),
                "files": result.files,
                "bytes": result.bytes,
                "seconds": round(result.seconds, 3),
                "source": result.source,
                "absent": list(result.absent),
                "ignored": result.ignored,
            }
        )
        if args.json:
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
    if args.json:
        output.emit_json("fetch", {"cache": str(cache), "corpora": results})
    if failed:
        console.print(
            "[bold]Offline?[/] Hand the fetcher a local clone holding the pinned commit: "
            "`annotate fetch CORPUS --from PATH` (see README, 'Sources offline')."
        )
    return 1 if failed else 0


def _report_check(corpora: list[Corpus], cache: Path, as_json: bool) -> int:
    from annotate.sources import fetch as fetching

    console = output.console(stderr=True)
    bad = 0
    results: list[dict[str, Any]] = []
    for corpus in corpora:
        status = fetching.check(corpus, cache)
        results.append(
            {
                "corpus": corpus.label,
                "state": status.state,
                "directory": str(status.directory),
                "problems": [problem.describe() for problem in status.problems],
            }
        )
        if status.state != "verified":
            bad += 1
        if as_json:
            continue
        if status.state == "verified":
            files = len(corpus.files) - len(status.absent)
            console.print(f"[green]{corpus.label}: verified[/] ({files} files) {status.directory}")
        elif status.state == "missing":
            console.print(
                f"[red]{corpus.label}: not in the cache[/] ({status.directory}); "
                f"run `annotate fetch {corpus.name}`"
            )
        else:
            console.print(
                f"[red]{corpus.label}: corrupt[/] ({len(status.problems)} problem(s)) "
                f"in {status.directory}"
            )
            for problem in status.problems[:50]:
                console.print(f"  {problem.describe()}", highlight=False)
            console.print(f"  repair with `annotate fetch {corpus.name} --force`")
    if as_json:
        output.emit_json("fetch", {"cache": str(cache), "corpora": results})
    return 1 if bad else 0


def cmd_sources(args: argparse.Namespace) -> int:
    from rich.table import Table

    from annotate.sources import fetch as fetching
    from annotate.sources.cache import cache_root
    from annotate.sources.lock import load_lock, with_profile

    cache = cache_root(args.cache)
    base = load_lock(_lock_path(args))
    if not base:
        raise UserError("the lock names no corpus")
    rows: list[dict[str, Any]] = []
    for corpus in base.values():
        profiles = ["reading", *sorted(corpus.profiles)]
        for profile in profiles if args.profile is None else [args.profile]:
            variant = with_profile(corpus, profile, _lock_path(args).parent if args.lock else None)  # type: ignore[union-attr]
            status = fetching.check(variant, cache)
            rows.append(
                {
                    "corpus": corpus.name,
                    "profile": profile,
                    "tag": corpus.tag,
                    "commit": corpus.commit,
                    "state": status.state,
                    "files": len(variant.files) - len(status.absent),
                    "absent": len(status.absent),
                    "problems": len(status.problems),
                    "directory": str(status.directory),
                }
            )
    if args.json:
        output.emit_json("sources", {"cache": str(cache), "corpora": rows})
        return 0
    # Narrow terminals: the state column never folds; the path goes below the table's rows
    # (it is the widest cell and the least read), so 80 columns show everything.
    table = Table(title=f"Corpora (cache: {cache})", title_justify="left")
    for column in ("corpus", "profile", "tag", "commit", "state", "files"):
        table.add_column(column, no_wrap=column != "files")
    colours = {"verified": "green", "missing": "yellow", "corrupt": "red"}
    for row in rows:
        state = f"[{colours[row['state']]}]{row['state']}[/]"
        files = str(row["files"])
        if row["absent"]:
            files += f" ({row['absent']} absent)"
        if row["state"] == "corrupt":
            files += f" ({row['problems']} bad)"
        table.add_row(row["corpus"], row["profile"], row["tag"], row["commit"][:12], state, files)
    console = output.console()
    console.print(table)
    for row in rows:
        console.print(
            f"{row['corpus']} ({row['profile']}): {row['directory']}",
            highlight=False,
            soft_wrap=True,
        )
    return 0


def cmd_lock(args: argparse.Namespace) -> int:
    from annotate.sources import fetch as fetching
    from annotate.sources.lock import LockError, default_lock_file, load_lock, render_lock

    console = output.console(stderr=True)
    lock_file = _lock_path(args) or default_lock_file()
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
