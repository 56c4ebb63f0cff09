"""Fetch timing for ``/metrics``: a wrapper of the fetcher, so the fetch room itself
stays free of metrics."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlsplit

from syndicator import metrics
from syndicator.fetch import Fetcher, FetchResult, FetchStats


class TimedFetcher:
    """Records each fetch's latency and outcome per host."""

    def __init__(self, inner: Fetcher) -> None:
        self.inner = inner

    def get(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        return self._timed(url, lambda: self.inner.get(url, etag=etag, last_modified=last_modified))

    def head(self, url: str) -> FetchResult:
        return self._timed(url, lambda: self.inner.head(url))

    def _timed(self, url: str, call: Callable[[], FetchResult]) -> FetchResult:
        host = urlsplit(url).hostname or "?"
        started = time.perf_counter()
        outcome = "error"
        try:
            result = call()
            outcome = str(result.status)
            return result
        finally:
            metrics.record_fetch(host, outcome, time.perf_counter() - started)

    def close(self) -> None:
        self.inner.close()

    @property
    def stats(self) -> FetchStats:
        return self.inner.stats
