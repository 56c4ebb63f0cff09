"""The app behind a real uvicorn on 127.0.0.1, read with a plain HTTP client."""

from __future__ import annotations

import asyncio
import dataclasses
import gzip
import re
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from email.message import Message
from pathlib import Path

import pytest

from syndicator.web.app import create_web_app
from syndicator.web.server import ServerThread
from tests.support.readers import newsboat_items

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
    stored = site.app.store.feeds.get("feeds/zgkjcx/kjyw", "atom")
    assert stored is not None
    url = f"{server}/feeds/zgkjcx/kjyw.atom"
    status, headers, body = fetch(url)
    assert (status, body) == (200, stored.body)
    assert headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert headers["ETag"] == stored.etag
    assert "Server" not in headers
    assert headers.get_all("Link") == [
        f'<{HUB}>; rel="hub"',
        '<http://feeds.example.test/feeds/zgkjcx/kjyw.atom>; rel="self"',
    ]

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


# ------------------------------------------------------------ HTTP/1.1 on the wire

KJYW = "/feeds/zgkjcx/kjyw.atom"


@pytest.fixture
def warm(site: Site) -> Iterator[tuple[str, Site]]:
    """A server whose feed cache is already loaded."""
    app = create_web_app(site.ctx)
    asyncio.run(app.feed_cache.get(("feeds/zgkjcx/kjyw", "atom")))
    with ServerThread(app, "127.0.0.1", 0) as thread:
        yield thread.base_url, site


def exchange(base: str, raw: bytes) -> bytes:
    """Send raw request bytes at once and read until the server closes or goes quiet."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(raw)
        sock.settimeout(1.0)
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except TimeoutError:
            pass
    return b"".join(chunks)


def responses(data: bytes, methods: list[str]) -> list[tuple[int, dict[bytes, bytes], bytes]]:
    """Split a stream of HTTP/1.1 answers (Content-Length framed) into status, headers
    and body."""
    out = []
    for method in methods:
        head, _, data = data.partition(b"\r\n\r\n")
        status_line, *lines = head.split(b"\r\n")
        headers = dict(line.lower().split(b": ", 1) for line in lines)
        length = 0 if method == "HEAD" else int(headers.get(b"content-length", b"0"))
        out.append((int(status_line.split()[1]), headers, data[:length]))
        data = data[length:]
    assert data == b""
    return out


def request(path: str, method: str = "GET", *extra: str) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", *extra]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def test_pipelined_requests_are_answered_in_order(warm: tuple[str, Site]) -> None:
    base, site = warm
    kjyw = site.app.store.feeds.get("feeds/zgkjcx/kjyw", "atom")
    everything = site.app.store.feeds.get("feeds/all", "rss")
    assert kjyw is not None and everything is not None
    raw = b"".join(
        [
            request(KJYW, "GET", "Accept-Encoding: identity"),
            request("/healthz"),  # through the app
            request("/feeds/all.rss", "GET", "Accept-Encoding: identity"),
            request(KJYW, "GET", f"If-None-Match: {kjyw.etag}"),
            request("/feeds/zgkjcx/none.atom"),  # through the app
            request(KJYW, "HEAD", "Accept-Encoding: identity"),
        ]
    )
    answers = responses(exchange(base, raw), ["GET"] * 5 + ["HEAD"])
    assert [status for status, _, _ in answers] == [200, 200, 200, 304, 404, 200]
    assert answers[0][2] == kjyw.body
    assert b'"status"' in answers[1][2]
    assert answers[2][2] == everything.body
    assert answers[3][2] == b"" and answers[3][1][b"etag"] == kjyw.etag.encode()
    assert answers[5][1][b"content-length"] == str(len(kjyw.body)).encode()


@pytest.mark.parametrize(
    "raw",
    [
        b"GET /feeds/all.atom HTTP/1.0\r\n\r\n",
        b"GET /feeds/all.atom HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    ],
)
def test_a_closing_request_closes_after_the_answer(warm: tuple[str, Site], raw: bytes) -> None:
    base, site = warm
    stored = site.app.store.feeds.get("feeds/all", "atom")
    assert stored is not None
    data = exchange(base, raw + request(KJYW))  # the second request must go unanswered
    [(status, headers, body)] = responses(data, ["GET"])
    assert (status, body) == (200, stored.body)
    assert headers[b"connection"] == b"close"


def answered(base: str, status: int) -> float:
    """Atom feed requests the server says it answered with ``status``."""
    found = re.search(
        rf'syndicator_feed_requests_total\{{format="atom",status="{status}"\}} '
        r"(\S+)",
        fetch(f"{base}/metrics")[2].decode(),
    )
    return float(found.group(1)) if found else 0.0


def test_answers_are_counted(warm: tuple[str, Site]) -> None:
    base, _ = warm
    tag = fetch(f"{base}{KJYW}")[1]["ETag"]
    before = answered(base, 304)
    for _ in range(3):
        assert fetch(f"{base}{KJYW}", **{"If-None-Match": tag})[0] == 304
    assert answered(base, 304) == before + 3


@pytest.mark.slow  # starts a process
def test_newsboat_reloads_conditionally(warm: tuple[str, Site], tmp_path: Path) -> None:
    """A real reader polling the real server gets 304s and keeps its items. newsboat 2.21
    keeps the validators of a new feed only from its second reload on (the feed's row
    does not exist yet when the first answer's headers arrive), so the third asks
    conditionally."""
    base, site = warm
    stored = site.app.store.feeds.get("feeds/zgkjcx/kjyw", "atom")
    assert stored is not None
    ids = re.findall(rb"<entry>\s*<id>([^<]+)</id>", stored.body)
    ok, not_modified = answered(base, 200), answered(base, 304)
    first = newsboat_items([f"{base}{KJYW}"], tmp_path)
    assert sorted(item["guid"] for item in first) == sorted(i.decode() for i in ids)
    assert newsboat_items([f"{base}{KJYW}"], tmp_path) == first
    assert (answered(base, 200), answered(base, 304)) == (ok + 2, not_modified)
    assert newsboat_items([f"{base}{KJYW}"], tmp_path) == first
    assert (answered(base, 200), answered(base, 304)) == (ok + 2, not_modified + 1)


def test_past_max_connections_new_requests_get_503_not_silence(site: Site) -> None:
    app = create_web_app(site.ctx)
    with ServerThread(app, "127.0.0.1", 0, max_connections=3) as thread:
        host, port = thread.base_url.removeprefix("http://").split(":")
        idle = [socket.create_connection((host, int(port)), timeout=5) for _ in range(3)]
        try:
            time.sleep(0.2)
            status = fetch(f"{thread.base_url}/healthz")[0]
            assert status == 503
        finally:
            for sock in idle:
                sock.close()
        deadline = time.monotonic() + 5
        while fetch(f"{thread.base_url}/healthz")[0] == 503 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert fetch(f"{thread.base_url}/healthz")[0] == 200


def _closed_within(sock: socket.socket, seconds: float) -> bool:
    """Whether the server closed ``sock`` (EOF or reset) within ``seconds``."""
    sock.settimeout(seconds)
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


@pytest.mark.parametrize("send", [b"", b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: "])
def test_silent_and_trickling_clients_are_dropped_and_the_cap_frees(
    site: Site, monkeypatch: pytest.MonkeyPatch, send: bytes
) -> None:
    """Clients that send nothing, or a head that never ends, hold a connection only
    until the head deadline: past the cap the service answers again by itself."""
    from syndicator.web.server import GuardedProtocol

    monkeypatch.setattr(GuardedProtocol, "head_timeout", 0.5)
    app = create_web_app(site.ctx)
    with ServerThread(app, "127.0.0.1", 0, max_connections=3) as thread:
        host, port = thread.base_url.removeprefix("http://").split(":")
        hogs = [socket.create_connection((host, int(port)), timeout=5) for _ in range(3)]
        try:
            for hog in hogs:
                hog.sendall(send)
            time.sleep(0.1)
            assert fetch(f"{thread.base_url}/healthz")[0] == 503
            assert all(_closed_within(hog, 3) for hog in hogs)
            assert fetch(f"{thread.base_url}/healthz")[0] == 200
        finally:
            for hog in hogs:
                hog.close()


def test_a_slow_but_whole_head_and_kept_alive_requests_are_served(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    from syndicator.web.server import GuardedProtocol

    monkeypatch.setattr(GuardedProtocol, "head_timeout", 1.0)
    app = create_web_app(site.ctx)
    with ServerThread(app, "127.0.0.1", 0) as thread:
        host, port = thread.base_url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=5) as sock:
            for _ in range(3):  # each head within the deadline, on one connection
                for piece in (b"GET /healthz HTTP/1.1\r\n", b"Host: x\r\n", b"\r\n"):
                    sock.sendall(piece)
                    time.sleep(0.2)
                answer = sock.recv(65536)
                assert answer.startswith(b"HTTP/1.1 200")
            # Idle past the head deadline between requests is the keep-alive's business.
            time.sleep(1.5)
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            assert sock.recv(65536).startswith(b"HTTP/1.1 200")
