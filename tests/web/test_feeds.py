"""Feed routes: stored bytes served with ETag, Last-Modified, Cache-Control, 304, HEAD
and gzip (SPEC §4, FEEDS.md H1–H4); ``test_server.py`` checks the same over a real
socket."""

from __future__ import annotations

import time
from datetime import timedelta
from email.utils import format_datetime, parsedate_to_datetime

import pytest
from httpx import Client
from sqlalchemy import text

from syndicator.feeds import content_type
from syndicator.web.feeds import gzip_etag

from .conftest import MAX_AGE, Site

IDENTITY = {"accept-encoding": "identity"}


PATHS = ["feeds/zgkjcx/kjyw", "feeds/zgkjcx/kjrw", "feeds/zgkjcx", "feeds/all"]


@pytest.mark.parametrize("fmt", ["atom", "rss", "json"])
@pytest.mark.parametrize("path", PATHS)
def test_every_feed_is_served_from_the_store(
    site: Site, client: Client, path: str, fmt: str
) -> None:
    stored = site.app.store.feeds.get(path, fmt)
    assert stored is not None
    r = client.get(f"/{path}.{fmt}", headers=IDENTITY)
    assert r.status_code == 200
    assert r.content == stored.body
    assert r.headers["content-type"] == content_type(fmt)
    assert r.headers["etag"] == stored.etag
    assert r.headers["cache-control"] == f"public, max-age={MAX_AGE}"
    assert r.headers["vary"] == "Accept-Encoding"
    assert r.headers["content-length"] == str(len(stored.body))
    assert "content-encoding" not in r.headers
    assert "link" not in r.headers
    modified = parsedate_to_datetime(r.headers["last-modified"])
    assert modified == stored.last_modified.replace(microsecond=0)


def test_json_feed_content_type(client: Client) -> None:
    r = client.get("/feeds/all.json")
    assert r.headers["content-type"] == "application/feed+json; charset=utf-8"
    assert r.json()["version"] == "https://jsonfeed.org/version/1.1"


@pytest.mark.parametrize(
    "if_none_match",
    [
        "{tag}",
        "W/{tag}",
        '"other", {tag}',
        '"a",W/{tag} , "b"',
        "*",
        "{gz}",
        "W/{gz}",
    ],
)
def test_if_none_match_answers_304(site: Site, client: Client, if_none_match: str) -> None:
    first = client.get("/feeds/zgkjcx/kjyw.atom", headers=IDENTITY)
    tag = first.headers["etag"]
    header = if_none_match.format(tag=tag, gz=gzip_etag(tag))
    r = client.get("/feeds/zgkjcx/kjyw.atom", headers={**IDENTITY, "if-none-match": header})
    assert r.status_code == 304
    assert r.content == b""
    assert r.headers["etag"] == tag
    assert r.headers["cache-control"] == f"public, max-age={MAX_AGE}"
    assert r.headers["last-modified"] == first.headers["last-modified"]
    assert "content-type" not in r.headers


@pytest.mark.parametrize("if_none_match", ['"nope"', 'W/"nope", "other"', "garbage", ""])
def test_other_etags_get_the_feed(client: Client, if_none_match: str) -> None:
    r = client.get("/feeds/zgkjcx/kjyw.atom", headers={"if-none-match": if_none_match})
    assert r.status_code == 200
    assert r.content.startswith(b"<?xml")


def test_if_modified_since(client: Client) -> None:
    first = client.get("/feeds/all.rss")
    modified = parsedate_to_datetime(first.headers["last-modified"])
    later = format_datetime(modified + timedelta(hours=1), usegmt=True)
    earlier = format_datetime(modified - timedelta(seconds=1), usegmt=True)
    assert (
        client.get(
            "/feeds/all.rss", headers={"if-modified-since": first.headers["last-modified"]}
        ).status_code
        == 304
    )
    assert client.get("/feeds/all.rss", headers={"if-modified-since": later}).status_code == 304
    assert client.get("/feeds/all.rss", headers={"if-modified-since": earlier}).status_code == 200
    assert (
        client.get("/feeds/all.rss", headers={"if-modified-since": "yesterday"}).status_code == 200
    )
    # If-None-Match wins: a stale tag means 200 even when the date says unchanged.
    assert (
        client.get(
            "/feeds/all.rss", headers={"if-modified-since": later, "if-none-match": '"stale"'}
        ).status_code
        == 200
    )


def test_head_has_the_headers_and_no_body(client: Client) -> None:
    got = client.get("/feeds/zgkjcx.json", headers=IDENTITY)
    head = client.head("/feeds/zgkjcx.json", headers=IDENTITY)
    assert head.status_code == 200
    assert head.content == b""
    for name in (
        "etag",
        "last-modified",
        "cache-control",
        "content-type",
        "content-length",
        "vary",
    ):
        assert head.headers[name] == got.headers[name], name
    head_304 = client.head(
        "/feeds/zgkjcx.json", headers={**IDENTITY, "if-none-match": got.headers["etag"]}
    )
    assert head_304.status_code == 304


def test_gzip_is_the_same_bytes(site: Site, client: Client) -> None:
    stored = site.app.store.feeds.get("feeds/all", "atom")
    assert stored is not None
    r = client.get("/feeds/all.atom", headers={"accept-encoding": "br;q=1, gzip;q=0.8"})
    assert r.headers["content-encoding"] == "gzip"
    assert r.headers["etag"] == gzip_etag(stored.etag) != stored.etag
    assert r.headers["vary"] == "Accept-Encoding"
    assert r.content == stored.body  # httpx decoded it
    raw = client.get("/feeds/all.atom", headers={"accept-encoding": "gzip"})
    assert int(raw.headers["content-length"]) < len(stored.body) / 2
    again = client.get(
        "/feeds/all.atom", headers={"accept-encoding": "gzip", "if-none-match": raw.headers["etag"]}
    )
    assert again.status_code == 304
    assert again.headers["etag"] == raw.headers["etag"]


@pytest.mark.parametrize(
    ("header", "gzipped"),
    [
        ("gzip", True),
        ("gzip, deflate", True),
        ("GZIP", True),
        ("x-gzip", True),
        ("*", True),
        ("deflate, *;q=0.1", True),
        ("gzip;q=0", False),
        ("*;q=0", False),
        ("identity", False),
        ("", False),
        ("br", False),
        ("gzip;q=0, *", False),
        ("gzip;q=zero", False),
    ],
)
def test_accept_encoding(client: Client, header: str, gzipped: bool) -> None:
    r = client.get("/feeds/all.atom", headers={"accept-encoding": header})
    assert ("content-encoding" in r.headers) is gzipped


def test_websub_links_when_hubs_are_configured(site: Site) -> None:
    hubs = ("https://hub.example.org/", "https://pubsubhubbub.appspot.com/")
    with site.client(hubs=hubs) as client:
        r = client.get("/feeds/zgkjcx/kjyw.rss")
        links = r.headers.get_list("link")
        assert links == [
            '<https://hub.example.org/>; rel="hub"',
            '<https://pubsubhubbub.appspot.com/>; rel="hub"',
            '<http://feeds.example.test/feeds/zgkjcx/kjyw.rss>; rel="self"',
        ]
        cached = client.get("/feeds/zgkjcx/kjyw.rss", headers={"if-none-match": r.headers["etag"]})
        assert cached.status_code == 304
        assert cached.headers.get_list("link") == links


@pytest.mark.parametrize(
    "url",
    [
        "/feeds/zgkjcx/nope.atom",
        "/feeds/zgkjcx/kjyw.xml",
        "/feeds/zgkjcx/kjyw",
        "/feeds/other.rss",
        "/feeds/all",
        "/feeds/",
        "/feeds/all.atom.atom",
        "/feeds/zgkjcx/kjyw.atom/x",
        "/nothing",
    ],
)
def test_unknown_feeds_are_404(client: Client, url: str) -> None:
    assert client.get(url).status_code == 404


def test_post_to_a_feed_is_405(client: Client) -> None:
    r = client.post("/feeds/all.atom")
    assert r.status_code == 405
    assert r.headers["allow"] == "GET, HEAD"


def test_configured_feed_not_built_yet_is_503(site: Site) -> None:
    from syndicator.web.app import FeedRoute

    routes = [
        *site.ctx.routes,
        FeedRoute("feeds/zgkjcx/new", "atom", "新栏目", "zgkjcx", "new", 60),
    ]
    with site.client(routes=routes) as client:
        r = client.get("/feeds/zgkjcx/new.atom")
        assert r.status_code == 503
        assert int(r.headers["retry-after"]) > 0


def test_new_bytes_are_served_once_the_look_after_a_second_has_run(fresh_site: Site) -> None:
    site = fresh_site
    client = site.client()
    url = "/feeds/zgkjcx/kjyw.atom"
    before = client.get(url)
    site.portal.publish("kjyw", "新一代芯片研制成功")
    site.clock.advance(minutes=10)
    site.poll("zgkjcx/kjyw")
    stored = site.app.store.feeds.get("feeds/zgkjcx/kjyw", "atom")
    assert stored is not None and stored.etag != before.headers["etag"].replace("-gzip", "")
    # Within the second the cache was last checked, the copy in hand is served.
    site.web_clock.advance(seconds=0.5)
    assert client.get(url).content == before.content
    site.web_clock.advance(seconds=0.5)
    # That request starts the look on a thread and does not wait for it.
    client.get(url)
    deadline = time.monotonic() + 10
    while client.get(url).content == before.content and time.monotonic() < deadline:
        time.sleep(0.01)
    after = client.get(url, headers=IDENTITY)
    assert after.content == stored.body
    assert "新一代芯片研制成功".encode() in after.content
    assert after.headers["etag"] == stored.etag
    r = client.get(url, headers={**IDENTITY, "if-none-match": before.headers["etag"]})
    assert r.status_code == 200


def test_only_the_feeds_that_changed_are_read_again(fresh_site: Site) -> None:
    site = fresh_site
    client = site.client()
    client.get("/feeds/all.atom")
    client.get("/feeds/zgkjcx.atom")
    cache = client.app.state.feed_cache  # type: ignore[attr-defined]
    first = cache.hot.peek(("feeds/all", "atom"))
    assert first is not None
    site.clock.advance(seconds=1)
    site.app.store.feeds.put("feeds/zgkjcx", "atom", b"<feed/>", site.clock(), site.clock())
    assert cache.refresh()
    # The changed feed was read again by the look itself: the request finds it in hand.
    assert cache.hot.peek(("feeds/zgkjcx", "atom")).plain.body == b"<feed/>"
    assert client.get("/feeds/zgkjcx.atom", headers=IDENTITY).content == b"<feed/>"
    client.get("/feeds/all.atom")
    # The unchanged feed stays as it was held: not read, not zipped again.
    assert cache.hot.peek(("feeds/all", "atom")) is first


def test_memory_holds_only_the_feeds_in_demand(fresh_site: Site) -> None:
    client = fresh_site.client()
    cache = client.app.state.feed_cache  # type: ignore[attr-defined]
    assert len(cache.hot) == 0
    client.get("/feeds/all.atom")
    assert len(cache.hot) == 1
    cache.hot.max_entries = 2
    for path in ("/feeds/all.rss", "/feeds/all.json", "/feeds/zgkjcx.atom"):
        assert client.get(path).status_code == 200
    assert len(cache.hot) == 2  # the least recently used went
    assert client.get("/feeds/all.atom").status_code == 200  # read again on demand


def test_the_store_keeps_feeds_gzipped_and_serves_those_bytes(fresh_site: Site) -> None:
    import gzip

    client = fresh_site.client()
    stored = fresh_site.app.store.feeds.get("feeds/all", "atom")
    assert stored is not None and stored.gzipped is not None
    assert gzip.decompress(stored.gzipped) == stored.body
    zipped = client.get("/feeds/all.atom", headers={"accept-encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.content == stored.body  # the client undid the very bytes stored


def test_a_store_error_keeps_the_copy_in_hand(fresh_site: Site) -> None:
    client = fresh_site.client()
    before = client.get("/feeds/all.atom")
    with fresh_site.app.store.engine.begin() as conn:
        conn.execute(text("DROP TABLE feeds"))
    fresh_site.web_clock.advance(seconds=2)
    after = client.get("/feeds/all.atom")
    assert after.status_code == 200
    assert after.content == before.content
