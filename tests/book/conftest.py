"""The built book in a real browser: Debian's chromium driven by Playwright (never a
downloaded browser).

The session builds the book once, incrementally, into book/_build/html (a warm rebuild takes
seconds; a cold one executes the notebooks), unless ``K8S_READING_KIT_BOOK_HTML`` names an
already built book.  Without chromium or Playwright the browser tests skip, saying which.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BOOK = REPO / "book"
CHROMIUM = os.environ.get("K8S_READING_KIT_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = BOOK / "_build" / "screenshots"
COUNTS: dict[str, int] = {}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)) == Path(__file__).parent / "test_browser.py":
            item.add_marker(pytest.mark.browser)


def pytest_terminal_summary(terminalreporter) -> None:
    if COUNTS:
        terminalreporter.write_sep("-", "book in the browser")
        terminalreporter.write_line(", ".join(f"{k}: {v}" for k, v in sorted(COUNTS.items())))
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        (SCREENSHOTS / "counts.json").write_text(json.dumps(COUNTS, indent=1), encoding="utf-8")


@pytest.fixture(scope="session")
def book_html() -> Path:
    """The built book's HTML directory (built here, once per session, when needed)."""
    given = os.environ.get("K8S_READING_KIT_BOOK_HTML")
    if given:
        out = Path(given)
        if not (out / "index.html").exists():
            pytest.fail(f"K8S_READING_KIT_BOOK_HTML={given}: no index.html there")
        return out
    out = BOOK / "_build" / "html"
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-q", str(BOOK), str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=1500,
    )
    if proc.returncode != 0:
        pytest.fail(f"the book does not build:\n{(proc.stdout + proc.stderr)[-4000:]}")
    return out


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.skip(f"no chromium at {CHROMIUM} (Debian package chromium; scripts/bootstrap.sh)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Playwright for Python is not installed (pip install -e '.[dev]')")
    executable = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield b
        b.close()


def open_page(browser, width: int = 1280, dark: bool = False):
    """A fresh page; ``dark`` selects the theme's dark mode before any script runs."""
    context = browser.new_context(
        viewport={"width": width, "height": 900}, color_scheme="dark" if dark else "light"
    )
    mode = "dark" if dark else "light"
    context.add_init_script(f"localStorage.setItem('mode', '{mode}');")
    return context.new_page()
