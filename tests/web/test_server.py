"""The app behind a real uvicorn on 127.0.0.1, read with a plain HTTP client."""

from __future__ import annotations

import dataclasses
import gzip
import socket
import urllib.error
import urllib.request
from collections.abc import Iterator
from email.message import Message

import pytest

from syndicator.publish.server import ServerThread
from syndicator.publish.web import create_web_app

from .conftest import Site

HUB = "https://hub.example.org/"


@pytest.fixture
def server(site: Site) -> Iterator[str]:
    ctx_app = create_web_app(dataclasses.replace(site.ctx, hubs=(HUB,)))
    thread = ServerThread(ctx_app, "127.0.0.1", 0)
    base = thread.start()
    try:
        yield base
    finally:
        thread.stop()


def fetch(url: str, method: str = "GET", **headers: str) -> tuple[int, Message, bytes]:
    """Status, headers (names case-insensitive, as on the wire) and the raw body."""
    request = urllib.request.Request(url, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_real_server_serves_feeds(site: Site, server: str) -> None:
    stored = site.app.store.get_feed("feeds/zgkjcx/kjyw", "atom")
    assert stored is not None
    url = f"{server}/feeds/zgkjcx/kjyw.atom"
    status, headers, body = fetch(url)
    assert (status, body) == (200, stored.body)
    assert headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert headers["ETag"] == stored.etag
    assert "Server" not in headers
    assert headers.get_all("Link") == [
        f'<{HUB}>; rel="hub"', '<http://feeds.example.test/feeds/zgkjcx/kjyw.atom>; rel="self"']

    status, headers, body = fetch(url, **{"If-None-Match": stored.etag})
    assert (status, body) == (304, b"")
    assert headers["ETag"] == stored.etag

    status, head_headers, body = fetch(url, "HEAD")
    assert (status, body) == (200, b"")
    assert head_headers["Content-Length"] == str(len(stored.body))

    status, headers, body = fetch(url, **{"Accept-Encoding": "gzip"})
    assert headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == stored.body

    for fmt, mime in (("rss", "application/rss+xml"), ("json", "application/feed+json")):
        status, headers, _ = fetch(f"{server}/feeds/all.{fmt}")
        assert headers["Content-Type"] == f"{mime}; charset=utf-8"

    assert fetch(f"{server}/feeds/zgkjcx/none.atom")[0] == 404
    assert fetch(f"{server}/healthz")[0] == 200
    assert fetch(f"{server}/")[0] == 200


def test_stop_closes_the_port(site: Site) -> None:
    thread = ServerThread(create_web_app(site.ctx), "127.0.0.1", 0)
    base = thread.start()
    assert fetch(f"{base}/healthz")[0] == 200
    thread.stop()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", thread.port), timeout=2).close()
    thread.stop()  # a second stop is harmless


def test_port_in_use_fails_at_start(site: Site) -> None:
    with ServerThread(create_web_app(site.ctx), "127.0.0.1", 0) as first:
        second = ServerThread(create_web_app(site.ctx), "127.0.0.1", first.port)
        with pytest.raises(OSError):
            second.start()
