"""No import cycles in reference_impl/ (issue 14 item 3).

The graph is built from the source, not by importing it: every ``import``/``from ... import``
statement anywhere in a module -- at module level and inside functions and classes -- is an
edge, except those under ``if TYPE_CHECKING:`` (they never run; annotations only).  An edge
goes to the module the statement names: ``from a.b import c`` is an edge to ``a.b.c`` when
that is a module, else to ``a.b``.  The implicit import of a module's parent packages is not an
edge: Python initialises a package before its submodules whichever module asks first, so a
package ``__init__`` that re-exports its submodules' names creates no cycle.

The check fails listing each cycle as ``a -> b -> a``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, type_checking: bool = False) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement that can run: all nodes except the bodies of TYPE_CHECKING ifs
    (those too when ``type_checking``)."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
            continue
        if not type_checking and isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)  # the else branch runs
            continue
        stack.extend(ast.iter_child_nodes(node))


def import_graph(root: Path, type_checking: bool = False) -> dict[str, set[str]]:
    """Module -> the modules of the same top-level package that it imports.

    ``type_checking``: count imports under ``if TYPE_CHECKING:`` too (the type-level graph).
    """
    files = {_module_name(root, p): p for p in sorted(root.rglob("*.py"))}
    graph: dict[str, set[str]] = {m: set() for m in files}
    for mod, path in files.items():
        is_pkg = path.name == "__init__.py"
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in _imports(tree, type_checking):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                base = node.module or ""
                if node.level:
                    pkg = mod.split(".") if is_pkg else mod.split(".")[:-1]
                    pkg = pkg[: len(pkg) - (node.level - 1)]
                    base = ".".join([*pkg, base] if base else pkg)
                for alias in node.names:
                    sub = f"{base}.{alias.name}"
                    targets.append(sub if sub in files else base)
            for t in targets:
                # `import a.b.c` names a.b.c; keep the longest prefix that is one of ours.
                while t and t not in files:
                    t = t.rpartition(".")[0]
                if t and t != mod:  # a module naming itself gets itself back: no cycle
                    graph[mod].add(t)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle (``[a, b, ..., a]``) per strongly connected component that has one (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    sccs: list[list[str]] = []
    counter = 0

    def connect(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                sccs.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            connect(v)

    out = []
    for comp in sccs:
        members = set(comp)
        start = comp[0]
        # Shortest way back to start inside the component (breadth-first).
        prev: dict[str, str] = {}
        frontier = [start]
        found = None
        while frontier and found is None:
            nxt = []
            for v in frontier:
                for w in sorted(graph[v] & members):
                    if w == start:
                        found = v
                        break
                    if w not in prev:
                        prev[w] = v
                        nxt.append(w)
                if found is not None:
                    break
            frontier = nxt
        assert found is not None
        path = [found]
        while path[-1] != start:
            path.append(prev[path[-1]])
        out.append([*reversed(path), start])
    return out


def test_reference_impl_has_no_import_cycles() -> None:
    graph = import_graph(REPO / "reference_impl")
    assert "reference_impl.operator.cluster.cluster" in graph  # the walk found the package
    found = cycles(graph)
    assert not found, "import cycles:\n" + "\n".join(" -> ".join(c) for c in found)


def test_reference_impl_has_no_cycles_even_through_type_checking_imports() -> None:
    """The stricter, design-level check: no module needs another's names even for annotations
    in a circle.  On v0.9.4's first mirror (mixins annotated with the class they were mixed
    into) this found cluster.cluster -> cluster.member -> cluster.cluster and
    restore.http -> restore.sync -> restore.http, which the runtime graph could not see."""
    found = cycles(import_graph(REPO / "reference_impl", type_checking=True))
    assert not found, "import cycles:\n" + "\n".join(" -> ".join(c) for c in found)


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = root / "pkg" / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return root / "pkg"


def test_checker_finds_function_level_and_relative_cycles(tmp_path: Path) -> None:
    pkg = _write(
        tmp_path,
        {
            "__init__.py": "",
            "a.py": "from pkg import b\n",
            "b.py": "def f():\n    from .c import g\n",
            "c.py": "import pkg.a\n",
            "d.py": "from pkg.e import x\n",
            "e.py": "x = 1\n",
        },
    )
    assert cycles(import_graph(pkg)) == [["pkg.a", "pkg.b", "pkg.c", "pkg.a"]]


def test_checker_ignores_type_checking_imports_but_not_their_else(tmp_path: Path) -> None:
    pkg = _write(
        tmp_path,
        {
            "__init__.py": "",
            "a.py": "from pkg import b\n",
            "b.py": (
                "import typing\nif typing.TYPE_CHECKING:\n    from pkg.a import A\n"
                "else:\n    pass\n"
            ),
        },
    )
    assert cycles(import_graph(pkg)) == []
    assert cycles(import_graph(pkg, type_checking=True)) == [["pkg.a", "pkg.b", "pkg.a"]]
    (pkg / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    pass\nelse:\n    import pkg.a\n"
    )
    assert cycles(import_graph(pkg)) == [["pkg.a", "pkg.b", "pkg.a"]]
