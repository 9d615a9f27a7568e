"""Pages generated from data at build time: the reading-path index (from
notebooks/reading-path.toml) and the fidelity page (ported tests, recorded replay, indexer
accuracy)."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from kit_common import GENERATED, REPO, reading_path, write_if_changed
from sphinx.application import Sphinx
from sphinx.util import logging

LOG = logging.getLogger(__name__)
PARTS = {
    "I": "Part I — the kubelet eviction manager (v1.10.11)",
    "II": "Part II — etcd-operator (v0.9.4)",
}


def _has_section(notebook: str, section: str) -> bool:
    """Whether the notebook defines the anchor (a MyST label ``(section)=`` or an HTML id);
    a link to an anchor the notebook does not have yet goes to the top of its page."""
    path = REPO / "notebooks" / f"{notebook}.ipynb"
    if not path.exists():
        return False
    text = path.read_text(encoding="utf-8")
    return f"({section})=" in text or f'id=\\"{section}\\"' in text or f"id='{section}'" in text


def _short(sym: str) -> str:
    local = sym.rsplit("/", 1)[-1].replace("(*", "").replace("(", "").replace(")", "")
    return local.split(".", 1)[-1]


def reading_path_page(built: object) -> str:
    steps = reading_path()
    symbols = {full: url for _short, full, url in getattr(built, "symbols", [])}
    mirrors = getattr(built, "mirror_urls", {})
    out = ['<div class="kit-path">']
    if not steps:
        out.append(
            "<p>The reading path (notebooks/reading-path.toml) is not written yet.</p></div>"
        )
        return "\n".join(out)
    part = None
    for n, step in enumerate(steps, 1):
        if step.get("part") != part:
            if part is not None:
                out.append("</ol>")
            part = step.get("part")
            out.append(f"<h3>{html.escape(PARTS.get(part, f'Part {part}'))}</h3>")
            out.append('<ol class="kit-steps">')
        go = step.get("go", "")
        go_url = symbols.get(go)
        go_html = (
            f'<a class="kit-go" href="{html.escape(go_url)}">'
            f"<code>{html.escape(_short(go))}</code></a>"
            if go_url
            else f"<code>{html.escape(_short(go))}</code> <span class=kit-muted>(source page "
            "needs the fetched sources)</span>"
        )
        nb = step.get("notebook", "")
        section = step.get("section", "")
        anchor = f"#{section}" if section and _has_section(nb, section) else ""
        nb_url = f"generated/notebooks/{nb}.html{anchor}"
        mirror = step.get("mirror", "")
        if mirror:
            m_url = mirrors.get(mirror)
            name = html.escape(mirror.rsplit(".", 1)[-1])
            mirror_html = (
                f'<a class="kit-mirror" href="{html.escape(m_url)}"><code>{name}</code></a>'
                if m_url
                else f"<code>{name}</code>"
            )
        else:
            mirror_html = (
                f'<span class="kit-muted">{html.escape(step.get("mirror_note", ""))}</span>'
            )
        nb_html = (
            f'<a class="kit-nb" href="{nb_url}">notebook {html.escape(nb[:2])}</a>'
            if (REPO / "notebooks" / f"{nb}.ipynb").exists()
            else f'<span class="kit-muted">notebook {html.escape(nb)} (not written yet)</span>'
        )
        out.append(
            f'<li id="step-{html.escape(step.get("id", str(n)))}"><span class="kit-step-title">'
            f"{html.escape(step.get('title', ''))}</span>"
            f'<span class="kit-step-links">Go {go_html} · {nb_html} · mirror {mirror_html}'
            "</span></li>"
        )
    out.append("</ol></div>")
    return "\n".join(out)


_GO_TEST = re.compile(r"^`?(Test\w+)`?$")
_PORT = re.compile(r"test_(Test\w+)")


def _mapping_counts(path: Path) -> tuple[int, int]:
    """(Go tests named in the mapping's tables, those with a Python test named after them)."""
    named, ported = set(), set()
    for row in path.read_text(encoding="utf-8").splitlines():
        if not row.startswith("|"):
            continue
        cells = [c.strip() for c in row.strip("|").split("|")]
        go = next((m.group(1) for c in cells if (m := _GO_TEST.match(c))), None)
        if go:
            named.add(go)
            if any(go in _PORT.findall(c) for c in cells):
                ported.add(go)
    return len(named), len(ported)


def fidelity_page() -> str:
    lines = [
        "# Why trust the mirrors\n",
        "Generated at build time from the project's data: the test mappings in `docs/`, the "
        "recorded replay in `benchmarks/results/` and the indexer-accuracy report.\n",
        "## Upstream tests, ported\n",
    ]
    for name, title in (
        ("eviction-test-mapping.md", "eviction (kubelet v1.10.11)"),
        ("operator-test-mapping.md", "etcd-operator v0.9.4"),
    ):
        path = REPO / "docs" / name
        if path.exists():
            rows, passing = _mapping_counts(path)
            lines.append(
                f"- **{title}**: {rows} upstream Go tests listed by their Go name, {passing} "
                f"with a Python test named `test_<GoName>` — [the table](#{name[:-3]})."
            )
    lines.append("")
    replays = sorted((REPO / "benchmarks" / "results").glob("replay-*.json"))
    if replays:
        lines.append("## The real kubelet's decisions, replayed\n")
        lines.append(
            "Eviction decisions recorded from the real v1.10.11 code (run once, elsewhere, "
            "never by this project) and replayed through the Python mirror:\n"
        )
        lines.append("| recording | scenarios | ticks compared | mismatches | mirror crashes |")
        lines.append("|---|---|---|---|---|")
        notes = []
        for path in replays:
            data = json.loads(path.read_text(encoding="utf-8"))
            lines.append(
                f"| `{path.stem}` | {data.get('scenarios')} | {data.get('ticks_compared')} | "
                f"{data.get('mismatches')} | {data.get('mirror_crashes')} |"
            )
            why = ", ".join(f"{k}: {v}" for k, v in (data.get("diverged_why") or {}).items())
            if data.get("diverged_scenarios"):
                notes.append(
                    f"- `{path.stem}`: {data['diverged_scenarios']} scenarios *diverged* ({why}): "
                    "where Go's map order or unstable sort lets 1.10 pick among equally valid "
                    "choices, the mirror's choice is accepted and the scenario is not compared "
                    "further "
                    "(`reference_impl/eviction/replay/README.md`)."
                )
        lines.append("")
        lines += notes
        lines.append("")
    for name, anchor in (
        ("eviction-test-mapping.md", "eviction-test-mapping"),
        ("operator-test-mapping.md", "operator-test-mapping"),
    ):
        if (REPO / "docs" / name).exists():
            lines.append(
                f"({anchor})=\n```{{include}} ../../docs/{name}\n:heading-offset: 1\n```\n"
            )
    acc = REPO / "benchmarks" / "results" / "indexer-accuracy.md"
    if acc.exists():
        lines.append("(indexer-accuracy)=\n## The indexer against x/tools `callgraph`\n")
        lines.append(
            "```{include} ../../benchmarks/results/indexer-accuracy.md\n:heading-offset: 2\n```\n"
        )
    return "\n".join(lines) + "\n"


def _generate(app: Sphinx) -> None:
    built = getattr(app.env, "kit_sources", None)
    write_if_changed(
        GENERATED / "reading-path.md", "```{raw} html\n" + reading_path_page(built) + "\n```\n"
    )
    write_if_changed(GENERATED / "fidelity.md", fidelity_page())


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", _generate, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
