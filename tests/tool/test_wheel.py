"""The wheel works anywhere: built with ``python -m build``, installed into a fresh virtual
environment (no system site-packages, so a missing dependency shows) in a temporary
directory, and run from there -- outside the checkout -- on a cache of its own.

Needs the package index (or pip's cache) to install the dependencies, and the verified
corpora in the cache to hand to ``annotate fetch --from`` (a checkout directory is a source
fetch accepts); skips with the reason otherwise.  Takes a minute or two.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from annotate.sources.cache import installed_corpus_dir
from annotate.sources.lock import get_corpus

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.wheel


def _run(cmd: list[str], cwd: Path, env: dict[str, str], timeout: int = 900):
    ran = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    return ran


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from the checkout with ``python -m build``."""
    dist = tmp_path_factory.mktemp("dist")
    built = _run([sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(REPO)],
                 cwd=REPO, env=dict(os.environ))  # fmt: skip
    if built.returncode != 0 and "Could not find a version" in built.stdout + built.stderr:
        pytest.skip("no package index reachable to fetch the build backend")
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    (built_wheel,) = dist.glob("*.whl")
    return built_wheel


@pytest.fixture(scope="module")
def installed(
    wheel: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Path, dict[str, str]]:
    """(bin directory of the fresh venv, a working directory outside the checkout, env)."""
    sources = {n: installed_corpus_dir(get_corpus(n)) for n in ("kubernetes", "etcd-operator")}
    missing = [n for n, d in sources.items() if d is None]
    if missing:
        pytest.skip(f"corpora not in the cache: {', '.join(missing)} (annotate fetch NAME)")
    work = tmp_path_factory.mktemp("wheel")
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["K8S_READING_KIT_CACHE"] = str(work / "cache")
    env["PATH"] = f"{venv / 'bin'}:{env['PATH']}"
    pip = _run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)],
               cwd=work, env=env)  # fmt: skip
    if pip.returncode != 0 and "No matching distribution" in pip.stderr:
        pytest.skip(f"dependencies not installable here: {pip.stderr.strip().splitlines()[-1]}")
    assert pip.returncode == 0, pip.stderr[-3000:]
    cwd = work / "elsewhere"
    cwd.mkdir()
    for name, directory in sources.items():
        ran = _run(["annotate", "fetch", name, "--from", str(directory)], cwd, env)
        assert ran.returncode == 0, ran.stderr
    return venv / "bin", cwd, env


def test_the_wheel_ships_its_data(wheel: Path) -> None:
    """What the program reads at run time is in the wheel, and no upstream Go source."""
    names = zipfile.ZipFile(wheel).namelist()
    assert not [n for n in names if n.endswith(".go")]
    metadata = (
        zipfile.ZipFile(wheel)
        .read(next(n for n in names if n.endswith(".dist-info/METADATA")))
        .decode()
    )
    import annotate

    assert f"Version: {annotate.__version__}" in metadata
    assert "Provides-Extra: book" in metadata and "Provides-Extra: lab" in metadata
    for needed in (
        "annotate/data/sources.toml",
        "annotate/data/locks/kubernetes-full.tree",
        "annotate/data/annotations/eviction/synchronize.md",
        "annotate/data/schemas/calls.schema.json",
        "annotate/parse/queries/",
        "reference_impl/eviction/inputs/stats-summary.json",
        "annotate/py.typed",
    ):
        assert any(n.startswith(needed) for n in names), needed


@pytest.mark.corpus
def test_installed_annotate_runs_outside_the_checkout(installed) -> None:
    bindir, cwd, env = installed
    where = _run([str(bindir / "python"), "-c", "import annotate; print(annotate.__file__)"],
                 cwd, env)  # fmt: skip
    assert "site-packages" in where.stdout and str(REPO) not in where.stdout
    ran = _run(["annotate", "index", "kubernetes", "--json"], cwd, env)
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout)["targets"][0]["symbols"] > 1000
    ran = _run(["annotate", "callees", "managerImpl.synchronize"], cwd, env)
    assert ran.returncode == 0 and "rankMemoryPressure" not in ran.stderr, ran.stderr
    assert "eviction_manager.go" in ran.stdout
    out = cwd / ("g.svg" if shutil.which("dot") else "g.json")
    ran = _run(["annotate", "graph", "managerImpl.synchronize", "-o", str(out)], cwd, env)
    assert ran.returncode == 0 and out.stat().st_size > 1000, ran.stderr
    ran = _run(["annotate", "notes"], cwd, env)
    assert ran.returncode == 0 and " 0 drifted" in ran.stdout, ran.stdout + ran.stderr
    ran = _run(["annotate", "mirrors"], cwd, env)
    assert ran.returncode == 0 and " 0 missing" in ran.stdout, ran.stdout + ran.stderr


@pytest.mark.corpus
def test_installed_mirror_commands(installed) -> None:
    _bindir, cwd, env = installed
    ran = _run(["kubelet-eviction-1.10", "explain", "--example"], cwd, env)
    assert ran.returncode == 0 and "MemoryPressure" in ran.stdout, ran.stderr
    scenario = cwd / "scenario.yaml"
    shutil.copy(REPO / "examples" / "operator" / "lost-quorum.yaml", scenario)
    ran = _run(["etcd-operator-0.9.4", "simulate", str(scenario)], cwd, env)
    assert ran.returncode == 0 and "lost-quorum" in ran.stdout, ran.stderr
