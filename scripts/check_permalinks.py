"""Check the external permalinks of a built book (run by .github/workflows/pages.yml only).

Usage::

    python scripts/check_permalinks.py book/_build/html [--limit N]

Collects every ``https://github.com/<owner>/<repo>/(blob|tree)/<commit>/...`` link in the
built HTML, drops line fragments (one request per file, not per line), and asks GitHub for
each once (HEAD, a few at a time).  Exits 1 naming every link that does not answer 200 --
a permalink that points at a path missing at its commit is a bug in the index or the
page generator.  Never part of the offline test run: it needs the network.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

PERMALINK = re.compile(
    r'https://github\.com/[\w.-]+/[\w.-]+/(?:blob|tree)/[0-9a-f]{40}(?:/[^"\'#<>\s]*)?'
)


def collect(root: Path) -> set[str]:
    found: set[str] = set()
    for page in root.rglob("*.html"):
        found.update(PERMALINK.findall(page.read_text(encoding="utf-8", errors="replace")))
    return found


def status(url: str) -> tuple[str, int | str]:
    request = urllib.request.Request(url, method="HEAD", headers={"User-Agent": "permalinks"})
    for attempt in range(3):
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return url, response.status
        except urllib.error.HTTPError as err:
            if err.code == 429 and attempt < 2:
                time.sleep(10 * (attempt + 1))
                continue
            return url, err.code
        except OSError as err:
            return url, str(err)
    return url, "gave up"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("html", type=Path, help="the built book's HTML directory")
    parser.add_argument("--limit", type=int, default=0, help="check at most N links (0: all)")
    args = parser.parse_args()
    if not (args.html / "index.html").exists():
        print(
            f"check_permalinks: {args.html}: no built book there (no index.html)", file=sys.stderr
        )
        return 2
    urls = sorted(collect(args.html))
    if args.limit:
        urls = urls[: args.limit]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(status, urls))
    bad = [(u, s) for u, s in results if s != 200]
    print(f"check_permalinks: {len(urls)} distinct permalinks, {len(bad)} broken")
    for url, code in bad:
        print(f"  {code}  {url}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
