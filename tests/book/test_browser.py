"""The built book, checked the way a reader meets it: in chromium.

Every page loads without a console error; every internal link and anchor resolves; a click on
a call-graph node lands on that symbol's anchor on its source page; no page scrolls sideways
at 1280 or 1920 px and no output slides under the table of contents; notes, cards and
admonitions pass WCAG AA contrast in dark mode.  Screenshots of three key pages, light and
dark, go to book/_build/screenshots/ for review.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests.book.conftest import COUNTS, SCREENSHOTS, open_page

SKIP_DIRS = {"_static", "_sources", "_images", "_downloads"}
SOURCE_PAGE = "generated/source/kubernetes/pkg/kubelet/eviction/eviction_manager.go.html"


def html_pages(root: Path) -> list[Path]:
    return sorted(
        p
        for p in root.rglob("*.html")
        if not SKIP_DIRS & set(p.relative_to(root).parts) and p.name not in ("genindex.html",)
    )


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        for key in ("id", "name"):
            if found.get(key):
                self.ids.add(found[key] or "")
        if tag == "a":
            href = found.get("href") or found.get("xlink:href")
            if href:
                self.hrefs.append(href)


def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    return parser


def test_every_internal_link_and_anchor_resolves(book_html: Path) -> None:
    pages = html_pages(book_html)
    parsed = {p: _parse(p) for p in pages}
    broken: list[str] = []
    checked = anchors = 0
    for page, links in parsed.items():
        for href in links.hrefs:
            parts = urlsplit(href)
            if parts.scheme or href.startswith(("mailto:", "javascript:")) or parts.netloc:
                continue
            checked += 1
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if not target.exists():
                broken.append(f"{page.relative_to(book_html)}: {href} (no such file)")
                continue
            if parts.fragment and target.suffix == ".html":
                anchors += 1
                ids = parsed[target].ids if target in parsed else _parse(target).ids
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{page.relative_to(book_html)}: {href} (no such anchor)")
    COUNTS["pages with links checked"] = len(pages)
    COUNTS["internal links checked"] = checked
    COUNTS["anchors checked"] = anchors
    assert len(pages) > 10
    assert not broken, f"{len(broken)} broken of {checked}:\n" + "\n".join(broken[:40])


def test_every_page_loads_without_console_errors(book_html: Path, browser) -> None:
    page = open_page(browser)
    errors: list[str] = []
    current = {"url": ""}
    page.on(
        "console",
        lambda m: errors.append(f"{current['url']}: {m.text}") if m.type == "error" else None,
    )
    page.on("pageerror", lambda e: errors.append(f"{current['url']}: {e}"))
    pages = html_pages(book_html)
    for path in pages:
        current["url"] = str(path.relative_to(book_html))
        page.goto(path.as_uri(), wait_until="load")
    COUNTS["pages loaded in chromium"] = len(pages)
    page.context.close()
    assert not errors, "\n".join(errors[:30])


def _graph_page(book_html: Path) -> Path | None:
    for path in sorted((book_html / "generated" / "notebooks").glob("*.html")):
        if 'class="kit-graph"' in path.read_text(encoding="utf-8"):
            return path
    return None


def test_clicking_a_graph_node_lands_on_the_symbols_anchor(book_html: Path, browser) -> None:
    path = _graph_page(book_html)
    if path is None:
        pytest.skip("no call graph in the built book (the sources are not in the cache)")
    page = open_page(browser)
    page.goto(path.as_uri())
    nodes = page.locator(".kit-graph svg g.node a[*|href*='/source/']")
    count = nodes.count()
    assert count > 0, "graph nodes do not link to source pages"
    COUNTS["graph nodes linking to source pages (first graph)"] = count
    href = nodes.first.get_attribute("xlink:href") or nodes.first.get_attribute("href") or ""
    title = page.locator(".kit-graph svg g.node title").first.text_content() or ""
    assert re.search(r"\.go:\d+", title), f"node hover text lacks file:line: {title!r}"
    nodes.first.click()
    page.wait_for_load_state("load")
    anchor = unquote(urlsplit(page.url).fragment)
    assert anchor and anchor == href.split("#", 1)[1]
    assert "/generated/source/" in page.url
    box = page.evaluate(
        "id => { const e = document.getElementById(id); if (!e) return null;"
        " const r = e.getBoundingClientRect(); return [r.top, window.innerHeight]; }",
        anchor,
    )
    assert box is not None, f"no element with id {anchor!r} on {page.url}"
    assert 0 <= box[0] < box[1], f"anchor {anchor} is not scrolled into view ({box})"
    page.context.close()


_OVERFLOW_JS = """() => {
  const doc = document.documentElement;
  const article = document.querySelector('.bd-article-container');
  const toc = document.querySelector('.bd-sidebar-secondary');
  const bad = [];
  if (article && toc && toc.offsetParent !== null) {
    const edge = toc.getBoundingClientRect().left + 1;
    const wide = '.cell_output > *, pre, table, .kit-graph, img, svg';
    for (const e of article.querySelectorAll(wide)) {
      // what shows of it: clipped by any scrolling box around it
      let right = e.getBoundingClientRect().right;
      for (let a = e.parentElement; a && a !== article; a = a.parentElement) {
        if (getComputedStyle(a).overflowX !== 'visible')
          right = Math.min(right, a.getBoundingClientRect().right);
      }
      if (e.getBoundingClientRect().width > 0 && right > edge)
        bad.push(e.tagName + ' right=' + right);
    }
  }
  return [doc.scrollWidth, window.innerWidth, bad.slice(0, 5)];
}"""


@pytest.mark.parametrize("width", [1280, 1920])
def test_no_horizontal_overflow(book_html: Path, browser, width: int) -> None:
    targets = [book_html / "index.html", book_html / "generated" / "fidelity.html"]
    targets += sorted((book_html / "generated" / "notebooks").glob("*.html"))
    if (book_html / SOURCE_PAGE).exists():
        targets.append(book_html / SOURCE_PAGE)
    page = open_page(browser, width=width)
    problems = []
    for path in targets:
        page.goto(path.as_uri())
        scroll, inner, under_toc = page.evaluate(_OVERFLOW_JS)
        if scroll > inner:
            problems.append(f"{path.name}: page is {scroll} px wide at {inner} px")
        if under_toc:
            problems.append(f"{path.name}: under the table of contents: {under_toc}")
    COUNTS[f"pages checked for overflow at {width} px"] = len(targets)
    page.context.close()
    assert not problems, "\n".join(problems)


_CONTRAST_JS = """(selectors) => {
  function rgb(s) { const m = s.match(/[\\d.]+/g); return m ? m.map(Number) : [0, 0, 0, 0]; }
  function lum(c) { const v = c.slice(0, 3).map(x => { x /= 255;
    return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; }
  function background(e) {
    for (; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length < 4 || c[3] > 0.5) return c;
    }
    return [255, 255, 255];
  }
  const out = [];
  for (const e of document.querySelectorAll(selectors)) {
    if (!e.textContent.trim() || e.offsetParent === null) continue;
    const fg = lum(rgb(getComputedStyle(e).color)), bg = lum(background(e));
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    out.push([e.tagName + '.' + e.className, e.textContent.trim().slice(0, 40), ratio]);
  }
  return out;
}"""
NOTE_SELECTORS = (
    ".kit-note p, .kit-notes p, .admonition p, .admonition-title, .cell_output p, "
    ".cell_output li, .cell_output td, .cell_output caption, .kit-step-title"
)


def test_dark_mode_notes_pass_wcag_aa_contrast(book_html: Path, browser) -> None:
    targets = [book_html / "index.html"]
    targets += sorted((book_html / "generated" / "notebooks").glob("*.html"))
    if (book_html / SOURCE_PAGE).exists():
        targets.append(book_html / SOURCE_PAGE)
    page = open_page(browser, dark=True)
    failing, checked = [], 0
    for path in targets:
        page.goto(path.as_uri())
        assert page.evaluate("document.documentElement.dataset.theme") == "dark"
        for tag, text, ratio in page.evaluate(_CONTRAST_JS, NOTE_SELECTORS):
            checked += 1
            if ratio < 4.5:
                failing.append(f"{path.name}: {tag} {text!r}: {ratio:.2f}")
    COUNTS["dark-mode text elements checked for contrast"] = checked
    page.context.close()
    assert checked > 0
    assert not failing, f"{len(failing)} of {checked} below 4.5:1\n" + "\n".join(failing[:30])


def test_screenshots_of_the_key_pages(book_html: Path, browser) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shots = {"reading-path": "index.html#the-reading-path", "source-page": SOURCE_PAGE}
    graph = _graph_page(book_html)
    if graph is not None:
        shots["graph-chapter"] = graph.relative_to(book_html).as_posix()
    written = []
    for dark in (False, True):
        page = open_page(browser, dark=dark)
        for name, rel in shots.items():
            if not (book_html / rel.split("#")[0]).exists():
                continue
            page.goto(
                (book_html / rel.split("#")[0]).as_uri()
                + ("#" + rel.split("#")[1] if "#" in rel else "")
            )
            if name == "graph-chapter":
                page.locator(".kit-graph").first.scroll_into_view_if_needed()
            elif name == "source-page":
                page.evaluate(
                    "document.getElementById('eviction.managerImpl.synchronize')?.scrollIntoView()"
                )
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(300)  # the theme's scroll-spy fills the page's contents list
            out = SCREENSHOTS / f"{name}-{'dark' if dark else 'light'}.png"
            page.screenshot(path=str(out))
            written.append(out)
        page.context.close()
    COUNTS["screenshots"] = len(written)
    assert all(p.stat().st_size > 10_000 for p in written)
    assert len(written) >= 4


def test_long_code_panels_open_at_the_noted_lines(book_html: Path, browser) -> None:
    """The defaults panel (SetDefaults_KubeletConfiguration, lines 45-204) opens at the
    eviction defaults the notes are about, not at the function's first line."""
    path = book_html / "generated" / "notebooks" / "01-eviction-defaults-and-wiring.html"
    if not path.exists() or "v1beta1/defaults.go#L" not in path.read_text(encoding="utf-8"):
        pytest.skip("no defaults panel in the built book (the sources are not in the cache)")
    page = open_page(browser)
    page.goto(path.as_uri())
    opened = page.evaluate(
        """() => [...document.querySelectorAll('.cell_output div[data-kit-opened-at]')]
            .map(b => [b.previousElementSibling.querySelector('a').href, +b.dataset.kitOpenedAt,
                       b.scrollTop])"""
    )
    page.context.close()
    defaults = [o for o in opened if "v1beta1/defaults.go" in o[0]]
    assert defaults, f"no defaults panel was scrolled to a noted line: {opened}"
    href, line, top = defaults[0]
    assert 160 <= line <= 204 and top > 0, (href, line, top)


def test_plots_are_not_shrunk_below_their_drawn_size(book_html: Path, browser) -> None:
    """A plot shown smaller than drawn shrinks its text (the old operator timelines printed
    ~6 px text): every output image is shown at its natural size, a wide one scrolls in its
    box (an image the notebook gives an explicit width keeps it: the author chose that
    scale); the text of an SVG plot or call graph is at least 10 px high as rendered."""
    page = open_page(browser)
    shrunk, checked = [], 0
    for path in sorted((book_html / "generated" / "notebooks").glob("*.html")):
        page.goto(path.as_uri())
        for src, shown, natural in page.evaluate(
            """() => [...document.querySelectorAll('.cell_output img')]
                .filter(i => i.naturalWidth > 0 && !i.hasAttribute('width'))
                .map(i => [i.getAttribute('src'), i.getBoundingClientRect().width,
                           i.naturalWidth])"""
        ):
            checked += 1
            if shown < natural * 0.99:
                shrunk.append(f"{path.name}: {src} shown {shown:.0f} px of {natural} px")
        for size in page.evaluate(
            """() => [...document.querySelectorAll('.cell_output svg text')]
                .map(t => t.getBoundingClientRect().height)"""
        ):
            checked += 1
            if 0 < size < 10:
                shrunk.append(f"{path.name}: SVG text {size:.1f} px high")
    COUNTS["plot images and SVG texts checked for size"] = checked
    page.context.close()
    assert not shrunk, "\n".join(shrunk[:20])


def test_symbol_search_finds_a_symbol_and_links_to_its_anchor(book_html: Path, browser) -> None:
    index = book_html / "generated" / "source" / "index.html"
    if not (book_html / SOURCE_PAGE).exists():
        pytest.skip("no source pages in the built book (the sources are not in the cache)")
    page = open_page(browser)
    page.goto(index.as_uri())
    page.fill("#kit-search-input", "managerImpl).synchronize")
    hits = page.locator("#kit-search-results a")
    assert hits.count() >= 1
    titles = [hits.nth(i).get_attribute("title") for i in range(hits.count())]
    n = next(i for i, t in enumerate(titles) if t and t.endswith("managerImpl).synchronize"))
    hits.nth(n).click()
    page.wait_for_load_state("load")
    assert page.url.endswith(SOURCE_PAGE + "#eviction.managerImpl.synchronize")
    assert page.evaluate("!!document.getElementById('eviction.managerImpl.synchronize')")
    page.context.close()
