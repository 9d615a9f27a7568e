"""The widgets work with a real kernel: run a notebook's widget cell in a Jupyter kernel, move a
value from kernel code (as the front end would), and read what the live output now shows.

The widget cell is the one that assigns ``NAME = explore(``; the code cells before it run first
(they define the view).  Cells that only render views of the upstream sources, and the real-etcd
run, are skipped, so the test needs neither the cache nor etcd.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

jupyter_client = pytest.importorskip("jupyter_client")
pytest.importorskip("ipywidgets")

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
UPSTREAM_VIEW = re.compile(r"\bnote\(|\bbeside\(|\.graph\(|\.step\(|\bk8s\.|\bview\.")


def _run(client, code: str) -> str:
    """Execute ``code``; return its stdout, raising on an error."""
    out: list[str] = []

    def hook(msg):
        kind, content = msg["msg_type"], msg["content"]
        if kind == "stream" and content["name"] == "stdout":
            out.append(content["text"])
        elif kind == "error":
            out.append("ERROR " + content["ename"] + ": " + content["evalue"])

    reply = client.execute_interactive(code, timeout=300, output_hook=hook)
    text = "".join(out)
    assert reply["content"]["status"] == "ok", text[-2000:]
    return text


@pytest.fixture
def kernel():
    manager, client = jupyter_client.manager.start_new_kernel(
        kernel_name="python3", cwd=str(NOTEBOOKS)
    )
    try:
        yield client
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def _prefix_until_widget(path: Path, widget_var: str) -> str:
    cells = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
    code = []
    for cell in cells:
        if UPSTREAM_VIEW.search(cell.source) or "LocalEtcdWorld(" in cell.source:
            continue  # views of the cache, and the real-etcd run: not needed for the widget
        code.append(cell.source)
        if f"{widget_var} = explore(" in cell.source:
            return "\n\n".join(code)
    raise AssertionError(f"{path.name}: no `{widget_var} = explore(` cell")


READ_LIVE = """
for item in {var}.children[-1].outputs:
    if item.get("output_type") == "stream":
        print(item["text"], end="")
"""


@pytest.mark.notebook
def test_memory_pressure_widget_redraws_when_memory_moves(kernel):
    setup = _prefix_until_widget(NOTEBOOKS / "05-kill-node-status-scheduler.ipynb", "explorer")
    default = _run(kernel, setup)
    assert "memory.available: 250Mi" in default and "thresholds met: soft 300Mi" in default
    assert _run(kernel, READ_LIVE.format(var="explorer")) == ""  # nothing moved yet
    _run(kernel, "explorer.children[0].value = 50")  # available Mi: below the hard threshold
    moved = _run(kernel, READ_LIVE.format(var="explorer"))
    assert "memory.available: 50Mi" in moved
    assert "thresholds met: hard 100Mi, soft 300Mi" in moved
    assert "grace 0s" in moved and "BestEffort refused" in moved
    _run(kernel, "explorer.children[4].value = 120")  # max pod grace: a soft kill gets 120 s
    _run(kernel, "explorer.children[0].value = 200")
    moved = _run(kernel, READ_LIVE.format(var="explorer"))
    assert "thresholds met: soft 300Mi" in moved and "grace 120s (wait <= 180s)" in moved


@pytest.mark.notebook
def test_grace_period_widget_waits_for_the_soft_grace_period(kernel):
    setup = _prefix_until_widget(
        NOTEBOOKS / "02-synchronize-step-by-step.ipynb", "reading_explorer"
    )
    default = _run(kernel, setup)
    assert "met for their grace period: none" in default  # 250Mi, soft met for 30 s of 90 s
    _run(kernel, "reading_explorer.children[2].value = 90")  # met for the whole grace period
    moved = _run(kernel, READ_LIVE.format(var="reading_explorer"))
    assert "met for their grace period: soft 300Mi" in moved and "grace 60s" in moved
    _run(kernel, "reading_explorer.children[1].value = 300")  # a longer soft grace period
    moved = _run(kernel, READ_LIVE.format(var="reading_explorer"))
    assert "eviction: none" in moved and "MemoryPressure=True" in moved


@pytest.mark.notebook
def test_quorum_widget_redraws_when_pods_are_killed(kernel):
    setup = _prefix_until_widget(NOTEBOOKS / "11-failure-and-recovery.ipynb", "quorum_explorer")
    default = _run(kernel, setup)
    assert "size=5 killed=2 running=3 quorum=3: remove-dead-member" in default
    _run(kernel, "quorum_explorer.children[1].value = 3")
    moved = _run(kernel, READ_LIVE.format(var="quorum_explorer"))
    assert "size=5 killed=3 running=2 quorum=3: lost-quorum" in moved
