"""Filtered feeds (``?filter=…&limit=…``) over a real socket: each parameter, their
combinations, 400s, ETag/304/gzip per variant, and valid feeds (web/filtered.py)."""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from email.message import Message
from typing import NamedTuple
from urllib.parse import quote

import feedparser  # type: ignore[import-untyped]
import lxml.html
import pytest

from syndicator.feeds import content_type
from syndicator.web.app import create_web_app
from syndicator.web.feeds import gzip_etag
from syndicator.web.filtered import Lru
from syndicator.web.server import ServerThread
from tests.support.readers import xpath

from .conftest import Site, web_context
from .test_server import exchange, request, responses

HUB = "https://hub.example.org/"
PUBLIC = "http://feeds.example.test"
PATHS = ["feeds/zgkjcx/kjyw", "feeds/zgkjcx/kjrw", "feeds/zgkjcx", "feeds/all"]
FORMATS = ["atom", "rss", "json"]
IDENTITY = {"Accept-Encoding": "identity"}


def fetch(url: str, method: str = "GET", **headers: str) -> tuple[int, Message, bytes]:
    request = urllib.request.Request(url, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.fixture(scope="module")
def server(shared_site: Site) -> Iterator[str]:
    """One server for the module: its clock never moves, so its feeds never change."""
    ctx = dataclasses.replace(web_context(shared_site.app, shared_site.web_clock), hubs=(HUB,))
    with ServerThread(create_web_app(ctx), "127.0.0.1", 0) as thread:
        yield thread.base_url


class Entry(NamedTuple):
    id: str
    title: str
    description: str  # the text of the entry's HTML content


def entries(fmt: str, data: bytes) -> list[Entry]:
    """Read with feedparser (JSON Feed by hand: feedparser does not read it)."""

    def text(markup: str) -> str:
        return " ".join(lxml.html.fromstring(f"<div>{markup}</div>").text_content().split())

    if fmt == "json":
        items = json.loads(data)["items"]
        return [Entry(i["id"], i["title"], text(i["content_html"])) for i in items]
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return [Entry(e.id, e.title, text(e.content[0].value)) for e in parsed.entries]


def expected(everything: list[Entry], query: dict[str, str]) -> list[str]:
    """The ids a query keeps, decided here independently of the service."""

    def hit(param: str, entry: Entry) -> bool:
        field = param.partition("_")[2]
        texts = {"title": [entry.title], "description": [entry.description]}.get(
            field, [entry.title, entry.description]
        )
        return any(re.search(query[param], t, re.IGNORECASE) for t in texts)

    kept = [
        e.id
        for e in everything
        if all(hit(p, e) for p in query if p.startswith("filter_") or p == "filter")
        and not any(hit(p, e) for p in query if p.startswith("filterout"))
    ]
    return kept[: int(query["limit"])] if "limit" in query else kept


def url_of(base: str, path: str, fmt: str, query: dict[str, str]) -> str:
    encoded = "&".join(f"{k}={quote(v, safe='')}" for k, v in query.items())
    return f"{base}/{path}.{fmt}" + (f"?{encoded}" if encoded else "")


QUERIES = [
    {"filter": "芯片"},
    {"filter": "芯片|量子"},
    {"filter_title": "芯片"},
    {"filter_description": "量子"},
    {"filterout": "芯片"},
    {"filterout_title": "芯片|访"},
    {"filterout_description": "量子"},
    {"limit": "3"},
    {"limit": "1000"},
    {"filter_title": "r&d"},  # ignores case: the title says R&D
    {"filter_title": "浙江", "filter_description": "科技"},
    {"filter": "芯片", "filterout_title": "李晓燕", "limit": "2"},
    {"filterout": "创新", "limit": "1"},
    {"filter_title": "无此标题"},
]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("query", QUERIES, ids=lambda q: "&".join(f"{k}={v}" for k, v in q.items()))
def test_each_parameter_and_combination_keeps_what_it_says(
    shared_site: Site, server: str, fmt: str, query: dict[str, str]
) -> None:
    stored = shared_site.app.store.feeds.get("feeds/all", fmt)
    assert stored is not None
    everything = entries(fmt, stored.body)
    status, headers, body = fetch(url_of(server, "feeds/all", fmt, query), **IDENTITY)
    assert status == 200, body
    assert [e.id for e in entries(fmt, body)] == expected(everything, query)
    assert headers["Content-Type"] == content_type(fmt)


def test_the_queries_are_not_trivial(shared_site: Site) -> None:
    """On this data each query keeps some entries and drops others, but ``limit=1000``
    (keeps all) and the last (keeps none), so the test above can tell them apart."""
    stored = shared_site.app.store.feeds.get("feeds/all", "atom")
    assert stored is not None
    everything = entries("atom", stored.body)
    counts = [len(expected(everything, q)) for q in QUERIES]
    assert counts[8] == len(everything) and counts[-1] == 0
    others = counts[:8] + counts[9:-1]
    assert all(0 < n < len(everything) for n in others), counts


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("path", PATHS)
def test_every_feed_url_takes_filters(server: str, path: str, fmt: str) -> None:
    query = {"filterout_title": "芯片", "limit": "2"}
    status, _, body = fetch(url_of(server, path, fmt, query), **IDENTITY)
    assert status == 200
    got = entries(fmt, body)
    assert 0 < len(got) <= 2
    assert all("芯片" not in e.title for e in got)
    self_url = f"{PUBLIC}/{path}.{fmt}?filterout_title=%E8%8A%AF%E7%89%87&limit=2"
    if fmt == "json":
        assert json.loads(body)["feed_url"] == self_url
        assert "hubs" not in json.loads(body)
    else:
        links = "/a:feed/a:link" if fmt == "atom" else "/rss/channel/a:link"
        assert xpath(body, f"{links}[@rel='self']/@href") == [self_url]
        assert xpath(body, f"{links}[@rel='hub']") == []


def test_headers_etag_304_and_head_per_variant(shared_site: Site, server: str) -> None:
    stored = shared_site.app.store.feeds.get("feeds/zgkjcx/kjyw", "atom")
    assert stored is not None
    url = f"{server}/feeds/zgkjcx/kjyw.atom?filter=%E8%8A%AF%E7%89%87&limit=3"
    status, headers, body = fetch(url, **IDENTITY)
    assert status == 200
    tag = headers["ETag"]
    assert tag == '"' + hashlib.sha256(body).hexdigest()[:32] + '"'  # strong, from the bytes
    assert tag != stored.etag
    assert headers["Content-Length"] == str(len(body))
    assert headers["Vary"] == "Accept-Encoding"
    assert headers["Cache-Control"].startswith("public, max-age=")
    assert headers["Last-Modified"] == fetch(url.partition("?")[0])[1]["Last-Modified"]
    assert headers.get_all("Link") is None  # no hub for a filtered feed

    status, again, empty = fetch(url, **IDENTITY, **{"If-None-Match": tag})
    assert (status, empty, again["ETag"]) == (304, b"", tag)
    # The unfiltered feed's tag is another resource's: the filtered feed is sent.
    assert fetch(url, **IDENTITY, **{"If-None-Match": stored.etag})[0] == 200
    assert fetch(url.partition("?")[0], **IDENTITY, **{"If-None-Match": tag})[0] == 200

    status, head, nothing = fetch(url, "HEAD", **IDENTITY)
    assert (status, nothing, head["ETag"]) == (200, b"", tag)
    assert head["Content-Length"] == str(len(body))


def test_gzip_like_the_unfiltered_feed(server: str) -> None:
    url = f"{server}/feeds/all.rss?filter_description=%E9%87%8F%E5%AD%90"
    _, plain_headers, plain = fetch(url, **IDENTITY)
    status, headers, packed = fetch(url, **{"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert headers["Vary"] == "Accept-Encoding"
    assert gzip.decompress(packed) == plain
    assert headers["ETag"] == gzip_etag(plain_headers["ETag"])
    assert headers["Content-Length"] == str(len(packed)) and len(packed) < len(plain)
    for tag in (headers["ETag"], plain_headers["ETag"]):
        assert fetch(url, **{"Accept-Encoding": "gzip", "If-None-Match": tag})[0] == 304


def test_variants_never_share_an_etag_and_equal_filters_share_one(
    shared_site: Site, server: str
) -> None:
    base = f"{server}/feeds/all.atom"
    queries = ["", "?limit=1", "?limit=2", "?filter=芯片", "?filter_title=芯片", "?filterout=芯片"]
    tags = [fetch(base + quote(q, safe="?=&"), **IDENTITY)[1]["ETag"] for q in queries]
    assert len(set(tags)) == len(tags)
    # Order, the case of percent-escapes and ignored parameters make no other variant.
    first = fetch(f"{base}?limit=2&filter=%E8%8A%AF%E7%89%87", **IDENTITY)
    second = fetch(f"{base}?utm_source=x&filter=%e8%8a%af%e7%89%87&limit=2", **IDENTITY)
    assert first[0] == second[0] == 200
    assert first[1]["ETag"] == second[1]["ETag"]
    assert first[2] == second[2]


@pytest.mark.parametrize("query", ["?utm_source=rss", "?filter=", "?limit=&x=1", "?", "?&&"])
def test_other_queries_get_the_unfiltered_feed_as_before(
    shared_site: Site, server: str, query: str
) -> None:
    stored = shared_site.app.store.feeds.get("feeds/zgkjcx", "json")
    assert stored is not None
    status, headers, body = fetch(f"{server}/feeds/zgkjcx.json{query}", **IDENTITY)
    assert (status, body, headers["ETag"]) == (200, stored.body, stored.etag)


# (query, the parameter named, what the line says)
BAD = [
    ("filter=(", "filter", "not a valid regular expression"),
    ("filter_title=%5B%E8%8A%AF%E7%89%87", "filter_title", "not a valid regular expression"),
    ("filter_description=a{2,1}", "filter_description", "not a valid regular expression"),
    ("filterout=*", "filterout", "not a valid regular expression"),
    ("filterout_title=%5C", "filterout_title", "not a valid regular expression"),
    ("filterout_description=(%0A", "filterout_description", "not a valid regular expression"),
    ("filter=" + "a" * 257, "filter", "longer than 256 characters"),
    ("limit=0", "limit", "at least 1"),
    ("limit=-3", "limit", "whole number"),
    ("limit=abc", "limit", "whole number"),
    ("limit=1.5", "limit", "whole number"),
    ("limit=%2B5", "limit", "whole number"),
    ("limit=%EF%BC%95", "limit", "whole number"),  # a full-width ５
    ("limit=1234567890", "limit", "whole number"),
    ("limit=1&limit=2", "limit", "more than once"),
    ("filter=a&filter=b", "filter", "more than once"),
]


@pytest.mark.parametrize(("query", "param", "reason"), BAD)
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_bad_parameters_are_400_in_one_line(
    server: str, query: str, param: str, reason: str, method: str
) -> None:
    status, headers, body = fetch(f"{server}/feeds/zgkjcx/kjyw.atom?{query}", method)
    assert status == 400
    assert headers["Content-Type"] == "text/plain; charset=utf-8"
    if method == "HEAD":
        return
    line = body.decode()
    assert line.endswith("\n") and line.count("\n") == 1, line
    assert line.startswith(f"{param}: ") and reason in line, line
    assert line[:-1].isprintable()


def test_a_filter_that_takes_too_long_is_400_in_one_line(
    server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from syndicator.feeds import patterns

    monkeypatch.setattr(patterns, "MATCH_SECONDS", 0.0)
    status, _headers, body = fetch(f"{server}/feeds/zgkjcx/kjyw.atom?filterout_title=%E8%8A%AF")
    assert status == 400
    line = body.decode()
    assert line.startswith("filterout_title: takes too long") and line.count("\n") == 1


def test_chinese_text_filters_on_every_format(server: str) -> None:
    for fmt in FORMATS:
        status, _, body = fetch(f"{server}/feeds/all.{fmt}?filter={quote('芯片|量子')}")
        assert status == 200
        got = entries(fmt, body)
        assert got and all(re.search("芯片|量子", e.title + e.description) for e in got)


@pytest.mark.slow  # starts a process
def test_filtered_atom_is_valid_for_jing(server: str, tmp_path: object) -> None:
    from pathlib import Path

    from tests.support.readers import jing

    assert isinstance(tmp_path, Path)
    files = []
    for name, query in {"some": "filter=%E8%8A%AF%E7%89%87", "none": "filter=zzzz"}.items():
        status, _, body = fetch(f"{server}/feeds/all.atom?{query}&limit=5", **IDENTITY)
        assert status == 200
        files.append(tmp_path / f"{name}.atom")
        files[-1].write_bytes(body)
    result = jing(*files)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_rebuilt_feed_gets_new_filtered_variants(fresh_site: Site) -> None:
    site = fresh_site
    app = create_web_app(web_context(site.app, site.web_clock))
    with ServerThread(app, "127.0.0.1", 0) as thread:
        url = f"{thread.base_url}/feeds/zgkjcx/kjyw.atom?filter_title=%E6%96%B0%E8%8A%AF"
        status, before, body = fetch(url, **IDENTITY)
        assert status == 200 and entries("atom", body) == []
        site.portal.publish("kjyw", "新芯片研制成功")
        site.clock.advance(minutes=10)
        site.poll("zgkjcx/kjyw")
        app.feed_cache.refresh()  # what a worker in the same process does after a poll
        status, after, body = fetch(url, **IDENTITY, **{"If-None-Match": before["ETag"]})
        assert status == 200
        assert [e.title for e in entries("atom", body)] == ["新芯片研制成功"]
        assert after["ETag"] != before["ETag"]


def test_the_cache_is_bounded_by_count_and_bytes() -> None:
    lru: Lru[str, bytes] = Lru(len, max_entries=3, max_bytes=10)
    for key in "abc":
        lru.put(key, b"xx")
    assert lru.get("a") == b"xx"  # now the most recently used
    lru.put("d", b"xx")
    assert (lru.get("b"), len(lru)) == (None, 3)
    lru.put("e", b"x" * 9)  # over the byte bound: the oldest go until it fits
    assert [lru.get(k) for k in "acde"] == [None, None, None, b"x" * 9]
    lru.put("f", b"x" * 11)  # larger than the whole cache: not kept
    assert lru.get("f") is None and lru.get("e") is not None


def test_pipelined_filtered_and_unfiltered_requests_get_their_own_bytes(
    shared_site: Site, server: str
) -> None:
    """The feed path answered before Starlette's routing never hands the unfiltered bytes
    to a URL asking for a filter."""
    stored = shared_site.app.store.feeds.get("feeds/all", "atom")
    assert stored is not None
    raw = b"".join(
        [
            request("/feeds/all.atom", "GET", "Accept-Encoding: identity"),
            request("/feeds/all.atom?limit=1", "GET", "Accept-Encoding: identity"),
            # The server closes after this one, so the read ends at once.
            request("/feeds/all.atom?x=1", "GET", "Accept-Encoding: identity", "Connection: close"),
        ]
    )
    (s1, _, full), (s2, _, one), (s3, _, same) = responses(exchange(server, raw), ["GET"] * 3)
    assert (s1, s2, s3) == (200, 200, 200)
    assert full == same == stored.body
    assert one != stored.body and len(entries("atom", one)) == 1
