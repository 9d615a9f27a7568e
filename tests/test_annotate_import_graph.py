"""annotate's import graph: the engine loads no mirror package, and its stages import each
other one way.

The static contracts (layers in data-flow order, no circles, annotate and reference_impl not
importing each other) are checked by ``lint-imports`` (pyproject.toml, run in .ci/run); what
these tests add is what a static check cannot see: what importing the engine actually loads.
"""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import annotate

ENGINE = sorted(
    info.name
    for info in pkgutil.walk_packages(annotate.__path__, "annotate.")
    if not info.name.endswith("__main__")
)


def _loaded_after_importing(modules: list[str]) -> list[str]:
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    ).stdout
    return json.loads(out)


def test_the_stage_packages_are_all_there():
    stages = {name for name in ENGINE if name.count(".") == 1}
    for stage in ("sources", "parse", "resolve", "index", "render", "notes", "reading"):
        assert f"annotate.{stage}" in stages


def test_importing_every_annotate_module_loads_no_mirror_package():
    loaded = _loaded_after_importing(ENGINE)
    assert "annotate.reading.pairing" in loaded  # the import really happened
    assert [m for m in loaded if m.split(".")[0] in ("reference_impl", "differential")] == []


def test_the_indexer_alone_loads_nothing_above_the_index():
    loaded = _loaded_after_importing(["annotate.index.build", "annotate.index.query"])
    above = ("render", "notes", "reading", "api", "cli", "commands")
    above = tuple(f"annotate.{name}" for name in above)
    assert [m for m in loaded if m.startswith(above)] == []
