"""A uvicorn HTTP protocol that answers cached feed requests itself.

Feed readers poll; nearly every request is a conditional GET of a feed already in
memory, answered 304. Through ASGI each one costs a task, a scope, a receive/send pair
and uvicorn's per-header checks, about 20 µs, which held the 304 rate to 45–51% of
nginx serving the same bytes (bench/serve.py). Here the request is answered from the
parser callbacks, with bytes prepared when the feed was cached, and no task.

Only the plain case is taken: GET or HEAD of a built feed, nothing else in flight on
the connection, the write buffer not full, the feed cache not due for its look at the
store. Everything else (unknown feeds, 503s, percent-encoded paths, pipelined requests
behind a slow one, upgrades, other routes) goes to uvicorn and the ASGI app unchanged,
so both ways give the same answers; tests/web runs the feed tests through both.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol
from uvicorn.server import ServerState

from syndicator import metrics
from syndicator.publish.web_feeds import FeedCache, choose

_STATUS_200 = STATUS_LINE[200]
_STATUS_304 = STATUS_LINE[304]
_CLOSE = b"connection: close\r\n"


class FeedProtocol(HttpToolsProtocol):
    def __init__(self, config: Config, server_state: ServerState, app_state: dict[str, Any],
                 _loop: asyncio.AbstractEventLoop | None = None) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.feed_cache: FeedCache | None = getattr(config.app, "feed_cache", None)
        self._answer: tuple[bytes, bytes] | None = None   # head, body
        self._close = False
        # uvicorn replaces its default headers (the Date line) once a second.
        self._defaults: list[tuple[bytes, bytes]] | None = None
        self._default_lines = b""

    def on_headers_complete(self) -> None:
        cycle = self.cycle
        if (self.feed_cache is not None and (cycle is None or cycle.response_complete)
                and not self.flow.write_paused and not self.config.access_log
                and not self.expect_100_continue):
            self._answer = self._from_cache(self.feed_cache)
            if self._answer is not None:
                return
        super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        if self._answer is None:
            super().on_body(body)

    def on_message_complete(self) -> None:
        answer = self._answer
        if answer is None:
            super().on_message_complete()
            return
        self._answer = None
        transport = self.transport
        if transport.is_closing():
            return
        head, body = answer
        # Two writes, as uvicorn does: joining would copy the body for every answer, and
        # writelines measured slower for 200s than this.
        transport.write(head)
        if body:
            transport.write(body)
        if self._close:
            transport.close()
        self.on_response_complete()

    def _from_cache(self, cache: FeedCache) -> tuple[bytes, bytes] | None:
        url: bytes = self.url
        if not url.startswith(b"/feeds/"):
            return None
        parser = self.parser
        if parser.should_upgrade():
            return None
        method = parser.get_method()
        if method != b"GET" and method != b"HEAD":
            return None
        raw_path = url.partition(b"?")[0]
        if b"%" in raw_path or not raw_path.isascii():
            return None
        stem, dot, fmt = raw_path[1:].decode("ascii").rpartition(".")
        feeds = cache.peek()
        if not dot or feeds is None:
            return None
        feed = feeds.get((stem, fmt))
        if feed is None:
            return None
        fresh, variant = choose(feed, self.headers)
        defaults = self.server_state.default_headers
        if defaults is not self._defaults:
            self._defaults = defaults
            self._default_lines = b"".join(b"%s: %s\r\n" % pair for pair in defaults)
        self._close = parser.get_http_version() == "1.0" or not parser.should_keep_alive()
        end = _CLOSE + b"\r\n" if self._close else b"\r\n"
        metrics.record_feed_request(fmt, 304 if fresh else 200)
        if fresh:
            return b"".join((_STATUS_304, self._default_lines, variant.wire_not_modified,
                             end)), b""
        head = b"".join((_STATUS_200, self._default_lines, variant.wire, end))
        return head, b"" if method == b"HEAD" else variant.body
