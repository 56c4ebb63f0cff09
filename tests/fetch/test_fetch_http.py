"""Plain GETs against a real loopback server: bytes, validators, redirects, limits."""

from __future__ import annotations

import gzip
import socket
import time
from collections.abc import Callable

import pytest
from fetch_testserver import AGENT, FakeClock, LocalServer, Reply, Seen

from syndicator.errors import FetchError, HTTPStatusError, RobotsDenied, TooLarge
from syndicator.fetch import Fetcher, FetchResult

GB_PAGE = "<html><head><meta charset=gb2312></head><body>科技要闻 镕</body></html>".encode(
    "gb18030"
)


def test_returns_bytes_untouched_with_content_type(
    server: LocalServer, make_fetcher: Callable[..., Fetcher]
) -> None:
    server.route("/a.asp", Reply(200, GB_PAGE, (("Content-Type", "text/html"),)))
    result = make_fetcher().get(server.url("/a.asp"))
    assert result.body == GB_PAGE
    assert result.status == 200 and not result.not_modified
    assert result.content_type == "text/html"
    assert result.url == server.url("/a.asp")
    assert result.bytes_received > len(GB_PAGE)


def test_user_agent_and_encodings_reach_the_server(
    server: LocalServer, make_fetcher: Callable[..., Fetcher]
) -> None:
    server.route("/a", Reply(200, b"ok"))
    make_fetcher().get(server.url("/a"))
    for seen in server.seen:  # robots.txt and the page alike
        assert seen.headers["user-agent"] == AGENT
    assert [seen.path for seen in server.seen] == ["/robots.txt", "/a"]
    accepted = server.hits("/a")[0].headers["accept-encoding"]
    assert "gzip" in accepted and "deflate" in accepted


def etag_script(seen: Seen) -> Reply:
    validators = (("ETag", '"v1"'), ("Last-Modified", "Wed, 01 Mar 2023 06:47:00 GMT"))
    if seen.headers.get("if-none-match") == '"v1"':
        return Reply(304, b"", (("ETag", '"v1"'),))
    return Reply(200, b"page one", validators)


def test_conditional_get_gives_304_with_empty_body(
    server: LocalServer, make_fetcher: Callable[..., Fetcher]
) -> None:
    server.script("/list", etag_script)
    fetcher = make_fetcher()
    first = fetcher.get(server.url("/list"))
    assert (first.status, first.etag) == (200, '"v1"')
    second = fetcher.get(server.url("/list"), etag=first.etag, last_modified=first.last_modified)
    assert second.not_modified and second.status == 304 and second.body == b""
    assert second.etag == '"v1"'
    assert second.last_modified == first.last_modified  # kept although not re-sent
    sent = server.hits("/list")[1].headers
    assert sent["if-none-match"] == '"v1"'
    assert sent["if-modified-since"] == "Wed, 01 Mar 2023 06:47:00 GMT"
    assert "if-none-match" not in server.hits("/list")[0].headers
    assert fetcher.stats.not_modified == 1


def test_gzip_is_decompressed_and_counted_compressed(
    server: LocalServer, make_fetcher: Callable[..., Fetcher]
) -> None:
    page = "<p>科技创新</p>".encode("gb18030") * 2000
    packed = gzip.compress(page)
    server.route("/z", Reply(200, packed, (("Content-Encoding", "gzip"),)))
    fetcher = make_fetcher(robots_txt=False)
    result = fetcher.get(server.url("/z"))
    assert result.body == page
    assert len(packed) < result.bytes_received < len(packed) + 1000
    assert fetcher.stats.bytes_received == result.bytes_received


def test_redirect_is_followed_and_final_url_reported(
    server: LocalServer, make_fetcher: Callable[..., Fetcher]
) -> None:
    server.route("/old", Reply(301, b"", (("Location", "/new?x=1"),)))
    server.route("/new?x=1", Reply(200, b"moved here"))
    result = make_fetcher().get(server.url("/old"))
    assert result.url == server.url("/new?x=1")
    assert result.body == b"moved here"


def test_redirect_loop_stops_after_five_hops(
    server: LocalServer, make_fetcher: Callable[..., Fetcher]
) -> None:
    for hop in range(10):
        server.route(f"/r{hop}", Reply(302, b"", (("Location", f"/r{hop + 1}"),)))
    with pytest.raises(FetchError, match="more than 5 redirects"):
        make_fetcher(robots_txt=False).get(server.url("/r0"))
    assert len(server.seen) == 6


def test_redirect_into_a_disallowed_path_is_denied(
    server: LocalServer, make_fetcher: Callable[..., Fetcher]
) -> None:
    server.route("/robots.txt", Reply(200, b"User-agent: *\nDisallow: /private/\n"))
    server.route("/open", Reply(302, b"", (("Location", "/private/x"),)))
    with pytest.raises(RobotsDenied):
        make_fetcher().get(server.url("/open"))
    assert server.hits("/private/x") == []


@pytest.mark.parametrize("declare_length", [True, False])
def test_huge_body_raises_too_large_without_reading_it_all(
    server: LocalServer, make_fetcher: Callable[..., Fetcher], declare_length: bool
) -> None:
    server.route("/huge", Reply(200, stream_size=50_000_000, declare_length=declare_length))
    fetcher = make_fetcher(robots_txt=False, max_bytes=200_000)
    with pytest.raises(TooLarge) as caught:
        fetcher.get(server.url("/huge"))
    assert caught.value.limit == 200_000
    assert fetcher.stats.bytes_received < 200_000 + 2 * 65536 + 1000


def test_body_exactly_at_the_limit_is_accepted(
    server: LocalServer, make_fetcher: Callable[..., Fetcher]
) -> None:
    server.route("/edge", Reply(200, stream_size=200_000, declare_length=False))
    result = make_fetcher(robots_txt=False, max_bytes=200_000).get(server.url("/edge"))
    assert len(result.body) == 200_000


def test_not_found_is_not_retried(
    server: LocalServer, make_fetcher: Callable[..., Fetcher], clock: FakeClock
) -> None:
    fetcher = make_fetcher(robots_txt=False)
    with pytest.raises(HTTPStatusError) as caught:
        fetcher.get(server.url("/missing"))
    assert caught.value.status == 404
    assert caught.value.retry_after is None
    assert len(server.hits("/missing")) == 1
    assert fetcher.stats.retries == 0


def test_slow_answer_times_out_with_a_readable_reason(
    server: LocalServer, make_fetcher: Callable[..., Fetcher]
) -> None:
    server.route("/slow", Reply(200, b"late", stall=30))
    with pytest.raises(FetchError) as caught:
        make_fetcher(robots_txt=False, timeout=0.2, retries=0).get(server.url("/slow"))
    assert caught.value.reason == "timed out after 0.2s"
    assert str(caught.value) == f"{server.url('/slow')}: timed out after 0.2s"
    assert caught.value.__cause__ is None


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_refused_connection_is_retried_then_reported(
    make_fetcher: Callable[..., Fetcher], clock: FakeClock
) -> None:
    url = f"http://127.0.0.1:{closed_port()}/x"
    fetcher = make_fetcher(retries=2)
    with pytest.raises(FetchError) as caught:
        fetcher.get(url)
    assert caught.value.reason == "connection refused"
    assert caught.value.url == url
    assert clock.sleeps == [1.0, 2.0]
    assert fetcher.stats.retries == 2
    assert fetcher.stats.robots_requests == 1  # unreachable robots.txt let us try


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.org/a",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "/relative",
        "",
        "http://",
        "http://[::1/x",
    ],
)
def test_only_http_urls_are_fetched(make_fetcher: Callable[..., Fetcher], url: str) -> None:
    fetcher = make_fetcher()
    with pytest.raises(FetchError, match="only http and https"):
        fetcher.get(url)
    assert fetcher.stats.requests == 0


def test_result_is_frozen() -> None:
    result = FetchResult("http://a/", 304, b"", None, None, None, 10)
    assert result.not_modified
    with pytest.raises(AttributeError):
        result.status = 200  # type: ignore[misc]


def test_a_body_trickled_a_byte_at_a_time_is_cut_at_the_timeout(
    server: LocalServer, make_fetcher: Callable[..., Fetcher]
) -> None:
    """Every byte arrives well within the per-read timeout; the whole body does not."""
    server.route("/trickle", Reply(200, b"<html>" + b"x" * 40 + b"</html>", trickle=0.1))
    fetcher = make_fetcher(timeout=1.0, retries=0)
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"the body took longer than 1s"):
        fetcher.get(server.url("/trickle"))
    assert time.monotonic() - started < 3


def test_a_slow_but_steady_body_within_the_timeout_arrives_whole(
    server: LocalServer, make_fetcher: Callable[..., Fetcher]
) -> None:
    server.route("/steady", Reply(200, b"abcdefghij", trickle=0.02))
    assert make_fetcher(timeout=5.0).get(server.url("/steady")).body == b"abcdefghij"


def test_endless_empty_deflate_blocks_are_cut_at_the_timeout(
    server: LocalServer, make_fetcher: Callable[..., Fetcher]
) -> None:
    """Blocks that decode to nothing: a decoding read would wait for output for ever."""
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"
    body = header + b"\x00\x00\x00\xff\xff" * 400
    server.route(
        "/empty-blocks",
        Reply(200, body, headers=(("Content-Encoding", "gzip"),), trickle=0.002),
    )
    fetcher = make_fetcher(timeout=0.5, retries=0)
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"took longer than 0\.5s"):
        fetcher.get(server.url("/empty-blocks"))
    assert time.monotonic() - started < 2


def test_a_gzip_body_decodes(server: LocalServer, make_fetcher: Callable[..., Fetcher]) -> None:
    page = "<html><body>科技要闻</body></html>".encode() * 50
    server.route("/gz", Reply(200, gzip.compress(page), headers=(("Content-Encoding", "gzip"),)))
    assert make_fetcher().get(server.url("/gz")).body == page


def test_a_trickled_robots_txt_is_cut_and_counts_as_unreachable(
    server: LocalServer, make_fetcher: Callable[..., Fetcher]
) -> None:
    server.route("/robots.txt", Reply(200, b"User-agent: *\nDisallow:\n" * 10, trickle=0.05))
    server.route("/page.html", Reply(200, b"<html>ok</html>"))
    fetcher = make_fetcher(timeout=0.5, retries=0)
    started = time.monotonic()
    assert fetcher.get(server.url("/page.html")).body == b"<html>ok</html>"
    assert time.monotonic() - started < 3


def test_head_gives_type_and_length_without_the_body(
    server: LocalServer, make_fetcher: Callable[..., Fetcher]
) -> None:
    server.route("/old.pdf", Reply(302, b"", (("Location", "/files/a.pdf"),)))
    server.route("/files/a.pdf", Reply(200, b"%PDF" * 1000, (("Content-Type", "application/pdf"),)))
    fetcher = make_fetcher(robots_txt=False)
    result = fetcher.head(server.url("/old.pdf"))
    assert (result.status, result.content_type, result.content_length) == (
        200,
        "application/pdf",
        4000,
    )
    assert result.body == b"" and result.url == server.url("/files/a.pdf")
    assert [seen.method for seen in server.seen] == ["HEAD", "HEAD"]


@pytest.mark.parametrize("status", [405, 501])
def test_a_server_refusing_head_is_asked_once(
    server: LocalServer, make_fetcher: Callable[..., Fetcher], status: int
) -> None:
    server.route("/f.doc", Reply(status, b""))
    fetcher = make_fetcher(robots_txt=False)
    with pytest.raises(HTTPStatusError) as caught:
        fetcher.head(server.url("/f.doc"))
    assert caught.value.status == status
    assert len(server.hits("/f.doc")) == 1 and fetcher.stats.retries == 0


@pytest.mark.parametrize("declared", ["-1", "1e9", "9" * 40, "abc", ""])
def test_a_nonsense_content_length_is_no_length(
    server: LocalServer, make_fetcher: Callable[..., Fetcher], declared: str
) -> None:
    server.route("/f.pdf", Reply(200, b"", (("Content-Length", declared),), declare_length=False))
    result = make_fetcher(robots_txt=False).head(server.url("/f.pdf"))
    assert result.content_length is None


def test_head_obeys_robots_txt(server: LocalServer, make_fetcher: Callable[..., Fetcher]) -> None:
    server.route("/robots.txt", Reply(200, b"User-agent: *\nDisallow: /private/\n"))
    with pytest.raises(RobotsDenied):
        make_fetcher().head(server.url("/private/a.pdf"))
    assert server.hits("/private/a.pdf") == []


@pytest.mark.parametrize("method", ["get", "head"])
def test_headers_trickled_a_byte_at_a_time_are_cut_at_the_timeout(
    server: LocalServer, make_fetcher: Callable[..., Fetcher], method: str
) -> None:
    """Each byte comes well within the socket timeout, so only a deadline on the whole
    exchange stops it; a server that trickles once will again, so it is not retried."""
    server.route("/slow-head", Reply(200, b"<html>x</html>", trickle_head=0.05))
    fetcher = make_fetcher(robots_txt=False, timeout=0.6, retries=3)
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"past the 0\.6s timeout"):
        getattr(fetcher, method)(server.url("/slow-head"))
    assert time.monotonic() - started < 3
    assert len(server.hits("/slow-head")) == 1


def test_a_kept_alive_connection_is_watched_too(
    server: LocalServer, make_fetcher: Callable[..., Fetcher]
) -> None:
    server.route("/fast", Reply(200, b"ok"))
    server.route("/slow-head", Reply(200, b"late", trickle_head=0.05))
    fetcher = make_fetcher(robots_txt=False, timeout=0.6)
    assert fetcher.get(server.url("/fast")).body == b"ok"
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"past the 0\.6s timeout"):
        fetcher.get(server.url("/slow-head"))
    assert time.monotonic() - started < 3
    # The connection it broke is not reused: the next request is answered.
    assert fetcher.get(server.url("/fast")).body == b"ok"


def test_an_answer_within_the_deadline_is_untouched(
    server: LocalServer, make_fetcher: Callable[..., Fetcher]
) -> None:
    server.route("/ok-head", Reply(200, b"fine", trickle_head=0.001))
    assert make_fetcher(robots_txt=False, timeout=5).get(server.url("/ok-head")).body == b"fine"
