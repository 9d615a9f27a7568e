"""Run golang.org/x/tools/cmd/callgraph and read its edges, for comparison with ours.

``callgraph`` works on go/ssa, which adds functions that are not in the source
(``init`` of every package, method wrappers ``$bound``/``$thunk``, pointer
wrappers of value methods).  :func:`source_edges` keeps only edges whose two
ends are functions written in the analysed code, which is what our indexer
produces and what a reader cares about.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

ALGORITHMS = ("static", "cha", "vta")
EDGE_FORMAT = "{{.Caller}}\t{{.Callee}}\t{{.Dynamic}}"
# Wrappers and package initialisers; closures inside initialisers (init$1) are real code.
_SYNTHETIC = re.compile(r"\$(bound|thunk)|\.init(#\d+)?$")


def available() -> bool:
    return shutil.which("go") is not None and shutil.which("callgraph") is not None


def run(
    directory: Path,
    algo: str,
    patterns: Iterable[str] = ("./...",),
    timeout: int = 900,
    env: dict[str, str] | None = None,
) -> str:
    """Raw ``caller<TAB>callee<TAB>dynamic`` lines from callgraph: module mode, unless
    ``env`` says otherwise (GO111MODULE=off and a GOPATH, for vendored trees)."""
    full_env = dict(os.environ, GOFLAGS="-mod=mod", GO111MODULE="on", GOPROXY="off")
    full_env.update(env or {})
    proc = subprocess.run(
        ["callgraph", f"-algo={algo}", "-format", EDGE_FORMAT, *patterns],
        cwd=directory,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"callgraph -algo={algo} failed in {directory}:\n{proc.stderr[-2000:]}")
    return proc.stdout


def _in_code(sym: str, prefix: str) -> bool:
    core = sym.lstrip("(*")
    return core.startswith(prefix + "/") or core.startswith(prefix + ".")


def source_edges(raw: str, module: str, defined: set[str] | None = None) -> set[tuple[str, str]]:
    """Distinct (caller, callee) pairs between functions written in ``module``.

    ``defined``, when given, is the set of function names declared in the source
    (from our own index); ssa-synthesised wrappers of value methods share a
    declared method's name with a ``*`` added and are dropped by this filter.
    """
    out: set[tuple[str, str]] = set()
    for line in raw.splitlines():
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        caller, callee = parts[0], parts[1]
        if not (_in_code(caller, module) and _in_code(callee, module)):
            continue
        if _SYNTHETIC.search(caller) or _SYNTHETIC.search(callee):
            continue
        if defined is not None and (caller not in defined or callee not in defined):
            continue
        out.add((caller, callee))
    return out


def read_tsv(path: Path) -> set[tuple[str, str]]:
    edges = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            caller, callee = line.split("\t")[:2]
            edges.add((caller, callee))
    return edges


def write_tsv(path: Path, edges: set[tuple[str, str]], header: str) -> None:
    lines = [f"# {header}"] + [f"{a}\t{b}" for a, b in sorted(edges)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
