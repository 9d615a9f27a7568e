"""Fetching through the real download path from a local HTTP server on 127.0.0.1."""

from __future__ import annotations

import http.server
import socket
import struct
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotate.sources import fetch as fetching
from annotate.sources.download import DownloadError
from tests.foundation.helpers import COMMIT, FILES, cache_is_clean, make_corpus, tar_gz

ARCHIVE = tar_gz(FILES)


class Handler(http.server.BaseHTTPRequestHandler):
    """Serves the test archive in several ways, picked by the request path."""

    body = ARCHIVE

    def log_message(self, *args: object) -> None:  # keep pytest output clean
        pass

    def do_GET(self) -> None:
        body = type(self).body
        if self.path == "/ok.tar.gz":
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif self.path == "/truncated.tar.gz":  # promises the whole body, sends half
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
        elif self.path == "/drop.tar.gz":  # no length; the peer resets the connection mid-body
            self.send_response(200)
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
        else:
            self.send_error(404, "no such archive")


@pytest.fixture
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        Handler.body = ARCHIVE


def test_download_extracts_only_the_reading_set(tmp_path: Path, server: str):
    corpus = make_corpus()
    seen: list[tuple[str, int, int | None]] = []
    result = fetching.fetch(
        corpus,
        url=f"{server}/ok.tar.gz",
        cache=tmp_path,
        progress=lambda what, done, total: seen.append((what, done, total)),
    )
    assert result.files == 4
    assert not (result.directory / "docs").exists()  # outside the reading set
    assert (result.directory / "pkg/a/b/b.go").read_bytes() == FILES["pkg/a/b/b.go"]
    # progress was reported in bytes against the Content-Length
    assert seen and seen[-1] == ("bytes", len(ARCHIVE), len(ARCHIVE))


def test_truncated_download_is_an_error_and_cache_unchanged(tmp_path: Path, server: str):
    corpus = make_corpus()
    url = f"{server}/truncated.tar.gz"
    # http.client reports the short body either as IncompleteRead or as a clean EOF
    pattern = (
        rf"{url}: (truncated download: got \d+ of {len(ARCHIVE)} bytes|connection closed after)"
    )
    with pytest.raises(DownloadError, match=pattern):
        fetching.fetch(corpus, url=url, cache=tmp_path)
    assert cache_is_clean(tmp_path, corpus)


def test_dropped_connection_is_an_error_and_cache_unchanged(tmp_path: Path, server: str):
    corpus = make_corpus()
    with pytest.raises(fetching.UserError) as info:
        fetching.fetch(corpus, url=f"{server}/drop.tar.gz", cache=tmp_path)
    # either the socket error (with the URL) or the broken gzip stream is named
    assert "drop.tar.gz" in str(info.value) or "could not be read to the end" in str(info.value)
    assert cache_is_clean(tmp_path, corpus)


def test_http_error_names_url_and_status(tmp_path: Path, server: str):
    corpus = make_corpus()
    with pytest.raises(DownloadError, match=r"/missing\.tar\.gz: HTTP 404"):
        fetching.fetch(corpus, url=f"{server}/missing.tar.gz", cache=tmp_path)
    assert cache_is_clean(tmp_path, corpus)


def test_unreachable_host_names_url(tmp_path: Path):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/x.tar.gz"
    with pytest.raises(DownloadError, match=rf"{url}: cannot connect"):
        fetching.fetch(make_corpus(), url=url, cache=tmp_path)


def test_tampered_file_in_archive_fails_verification(tmp_path: Path, server: str):
    Handler.body = tar_gz({**FILES, "pkg/a/a.go": b"package a\n\nfunc A() int { return 2 }\n"})
    corpus = make_corpus()
    with pytest.raises(fetching.VerificationError, match=r"pkg/a/a\.go: hash mismatch"):
        fetching.fetch(corpus, url=f"{server}/ok.tar.gz", cache=tmp_path)
    assert cache_is_clean(tmp_path, corpus)


def test_archive_of_another_commit_is_refused(tmp_path: Path, server: str):
    Handler.body = tar_gz(FILES, commit_comment="b" * 40)
    corpus = make_corpus()
    with pytest.raises(fetching.FetchError, match=f"archive of commit {'b' * 40}, not {COMMIT}"):
        fetching.fetch(corpus, url=f"{server}/ok.tar.gz", cache=tmp_path)
    assert cache_is_clean(tmp_path, corpus)


def test_local_archive_file_is_accepted(tmp_path: Path):
    archive = tmp_path / "proj.tar.gz"
    archive.write_bytes(ARCHIVE)
    result = fetching.fetch(make_corpus(), source=archive, cache=tmp_path / "cache")
    assert result.files == 4
