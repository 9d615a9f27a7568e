"""Run scenarios through the real release-1.10 eviction manager (Go).

The kubernetes tree is a GOPATH (``<gopath>/src/k8s.io/kubernetes``), found in this order:

1. an explicit ``gopath`` argument (``--gopath``);
2. ``$K8S_READING_KIT_GOPATH``;
3. the fetcher's "full" profile in the cache:
   ``<cache>/corpora/kubernetes-full@<commit>`` (cache root from ``annotate.cache``).

The tree is never modified. Our harness (``differential/harness/eviction_harness_test.go``)
joins package ``k8s.io/kubernetes/pkg/kubelet/eviction`` only at build time, through
``go test -overlay``. The test binary is built once (``go test -c``) into
``<cache>/differential/`` under a name that hashes the harness, the tree location and the
Go version, so later runs only execute it; the Go build cache makes even a rebuild cheap.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

GOPATH_ENV = "K8S_READING_KIT_GOPATH"
IMPORT_ROOT = "k8s.io/kubernetes"
PACKAGE = "pkg/kubelet/eviction"
COMMIT = "637c7e288581ee40ab4ca210618a89a555b6e7e9"
HARNESS = Path(__file__).resolve().parent / "harness" / "eviction_harness_test.go"
OVERLAY_NAME = "zz_differential_harness_test.go"


class GoUnavailable(RuntimeError):
    """Go or the kubernetes tree is missing; the message says which and how to get it."""


class GoRunError(RuntimeError):
    """The harness failed to build or run."""


def _cache_root() -> Path:
    try:
        from annotate.sources.cache import cache_root
    except ImportError:  # pragma: no cover - annotate is part of this repository
        return Path.home() / ".cache" / "k8s-reading-kit"
    return cache_root()


def _cached_gopath() -> Path:
    try:
        from annotate.sources.cache import corpus_dir
        from annotate.sources.lock import get_corpus, with_profile

        return corpus_dir(with_profile(get_corpus("kubernetes"), "full"))
    except Exception:  # the lock or profile may not exist yet; fall back to the layout
        return _cache_root() / "corpora" / f"kubernetes-full@{COMMIT}"


def _tree(gopath: Path) -> Path:
    return gopath / "src" / IMPORT_ROOT


def _has_tree(gopath: Path) -> bool:
    return (_tree(gopath) / PACKAGE / "eviction_manager.go").is_file()


def locate_gopath(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The GOPATH holding the kubernetes v1.10.11 tree, or raise GoUnavailable."""
    tried = []
    candidates: list[tuple[str, Path]] = []
    if explicit:
        candidates.append(("--gopath", Path(explicit).expanduser()))
    elif os.environ.get(GOPATH_ENV):
        candidates.append((f"${GOPATH_ENV}", Path(os.environ[GOPATH_ENV]).expanduser()))
    else:
        candidates.append(("the cache", _cached_gopath()))
    for label, path in candidates:
        if _has_tree(path):
            return path.resolve()
        tried.append(f"{label}: {path}")
    raise GoUnavailable(
        "the kubernetes v1.10.11 tree is not available (" + "; ".join(tried) + "); "
        "run `annotate fetch kubernetes --profile full` (add `--from CLONE` offline), or point "
        f"--gopath / ${GOPATH_ENV} at a GOPATH holding src/{IMPORT_ROOT}"
    )


def go_binary() -> str:
    go = shutil.which("go")
    if not go:
        raise GoUnavailable(
            "the Go toolchain (`go`) is not on PATH (Debian: apt install golang-go)"
        )
    return go


def _go_env(gopath: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"GOPATH": str(gopath), "GO111MODULE": "off", "GOFLAGS": "", "CGO_ENABLED": "0"})
    return env


def go_version(go: str) -> str:
    out = subprocess.run([go, "version"], capture_output=True, text=True, check=True)
    return out.stdout.strip()


@dataclass
class GoHarness:
    """A built harness binary, ready to run batches."""

    binary: Path
    gopath: Path
    go_version: str

    def run_batch(self, scenarios: list[dict[str, Any]], timeout: float = 600) -> list[dict]:
        """Results for ``scenarios``, in order (one harness process)."""
        with tempfile.TemporaryDirectory(prefix="differential-") as tmp:
            batch = Path(tmp) / "batch.json"
            out = Path(tmp) / "out.jsonl"
            batch.write_text(json.dumps({"scenarios": scenarios}), encoding="utf-8")
            env = dict(os.environ)
            env.update({"DIFFERENTIAL_BATCH": str(batch), "DIFFERENTIAL_OUT": str(out)})
            proc = subprocess.run(
                [
                    str(self.binary),
                    "-test.run",
                    "^TestHarness$",
                    "-test.count",
                    "1",
                    "-stderrthreshold",
                    "FATAL",
                ],
                cwd=str(_tree(self.gopath) / PACKAGE),
                env=env,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
            if proc.returncode != 0 or not out.exists():
                raise GoRunError(
                    f"harness exited {proc.returncode}:\n{proc.stdout[-4000:]}"
                    f"\n{proc.stderr[-4000:]}"
                )
            results = [
                json.loads(line)
                for line in out.read_text(encoding="utf-8").splitlines()
                if line.strip()
            ]
        if len(results) != len(scenarios):
            raise GoRunError(f"harness returned {len(results)} results for {len(scenarios)}")
        return results

    def run(
        self, scenarios: Iterable[dict[str, Any]], chunk: int = 500, workers: int = 1
    ) -> Iterator[dict]:
        """Results for many scenarios, in order, ``chunk`` scenarios per process."""
        items = list(scenarios)
        chunks = [items[i : i + chunk] for i in range(0, len(items), chunk)]
        if workers <= 1:
            for c in chunks:
                yield from self.run_batch(c)
            return
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for results in pool.map(self.run_batch, chunks):
                yield from results


def _prune(out_dir: Path, keep: int) -> None:
    """Remove all but the ``keep`` newest harness binaries (each is ~40 MB)."""
    binaries = sorted(
        out_dir.glob("eviction-harness-*.test"), key=lambda p: p.stat().st_mtime, reverse=True
    )
    for old in binaries[keep:]:
        key = old.name.removeprefix("eviction-harness-").removesuffix(".test")
        for path in (old, out_dir / f"overlay-{key}.json"):
            path.unlink(missing_ok=True)


def build_harness(
    gopath: str | os.PathLike[str] | None = None,
    build_dir: str | os.PathLike[str] | None = None,
    timeout: float = 1800,
) -> GoHarness:
    """Build (or reuse) the harness test binary. Raises GoUnavailable or GoRunError."""
    go = go_binary()
    root = locate_gopath(gopath)
    version = go_version(go)
    harness = HARNESS.read_bytes()
    key = hashlib.sha256(harness + str(root).encode() + version.encode()).hexdigest()[:16]
    out_dir = Path(build_dir) if build_dir else _cache_root() / "differential"
    out_dir.mkdir(parents=True, exist_ok=True)
    binary = out_dir / f"eviction-harness-{key}.test"
    if not binary.exists():
        pkg_dir = _tree(root) / PACKAGE
        overlay = out_dir / f"overlay-{key}.json"
        overlay.write_text(
            json.dumps({"Replace": {str(pkg_dir / OVERLAY_NAME): str(HARNESS)}}), encoding="utf-8"
        )
        tmp_binary = out_dir / f".eviction-harness-{key}.{os.getpid()}.tmp"
        proc = subprocess.run(
            [
                go,
                "test",
                "-c",
                "-vet=off",
                "-overlay",
                str(overlay),
                "-o",
                str(tmp_binary),
                f"./{PACKAGE}/",
            ],
            cwd=str(_tree(root)),
            env=_go_env(root),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if proc.returncode != 0 or not tmp_binary.exists():
            raise GoRunError(
                f"building the harness failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
            )
        tmp_binary.replace(binary)
        _prune(out_dir, keep=3)
    return GoHarness(binary=binary, gopath=root, go_version=version)


def unavailable_reason(gopath: str | os.PathLike[str] | None = None) -> str | None:
    """Why the Go side cannot run here (None when it can)."""
    try:
        go_binary()
        locate_gopath(gopath)
    except GoUnavailable as exc:
        return str(exc)
    return None
