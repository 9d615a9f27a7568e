"""Streaming HTTP(S) download with progress, and errors that name the URL.

The response is wrapped as a file-like object and handed straight to the tar
reader, so the archive is never stored whole.  A body shorter than its
Content-Length, a connection that drops, or an HTTP error each raise
:class:`DownloadError` with the URL and what happened.
"""

from __future__ import annotations

import http.client
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Self

from annotate import __version__
from annotate.errors import UserError

TIMEOUT_SECONDS = 60


class DownloadError(UserError):
    """The download failed: network, HTTP status, truncated or dropped body."""


class ResponseStream:
    """A readable wrapper over an HTTP response that reports progress and checks length."""

    def __init__(self, url: str, on_progress: Callable[[int, int | None], None] | None = None):
        self.url = url
        self.on_progress = on_progress
        self.received = 0
        request = urllib.request.Request(url, headers={"User-Agent": f"annotate/{__version__}"})
        try:
            self._response = urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS)
        except urllib.error.HTTPError as exc:
            raise DownloadError(f"{url}: HTTP {exc.code} {exc.reason}") from exc
        except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
            reason = getattr(exc, "reason", exc)
            raise DownloadError(f"{url}: cannot connect ({reason})") from exc
        length = self._response.headers.get("Content-Length")
        self.total = int(length) if length and length.isdigit() else None

    def read(self, size: int = -1) -> bytes:
        try:
            data = self._response.read(size)
        except http.client.IncompleteRead as exc:
            raise DownloadError(
                f"{self.url}: connection closed after {self.received + len(exc.partial)} bytes"
                + (f" of {self.total}" if self.total else "")
            ) from exc
        except (OSError, http.client.HTTPException) as exc:  # TimeoutError is an OSError
            raise DownloadError(
                f"{self.url}: connection dropped after {self.received} bytes ({exc})"
            ) from exc
        self.received += len(data)
        if not data and size != 0 and self.total is not None and self.received < self.total:
            raise DownloadError(
                f"{self.url}: truncated download: got {self.received} of {self.total} bytes"
            )
        if self.on_progress:
            self.on_progress(self.received, self.total)
        return data

    def close(self) -> None:
        self._response.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
