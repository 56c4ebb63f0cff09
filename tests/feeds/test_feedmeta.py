"""Entry identity, order, cut, entry text and escaping shared by every format."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest

from syndicator.feeds import FORMATS, build_feed, entry_id
from syndicator.feeds.meta import entry_html, select_articles, summary
from tests.support.articles import article, at, meta, sample
from tests.support.readers import xpath

CASES = json.loads((Path(__file__).parent / "data" / "entry_ids.json").read_text("utf-8"))
TAG_URI = re.compile(r"^tag:syndicator,2024:[A-Za-z0-9\-._~%!$&'()*+,;=:@/?]+$")


@pytest.mark.parametrize(("site", "key", "expected"), CASES["cases"])
def test_entry_id_is_a_stable_tag_uri(site: str, key: str, expected: str) -> None:
    ident = entry_id(article(key, site=site))
    assert ident == expected
    assert TAG_URI.match(ident)
    # Nothing but site and key goes in: URL scheme, title, dates may all change.
    moved = article(key, site=site, url="https://elsewhere.example/x", title="新", updated=at(9, 9))
    assert entry_id(moved) == expected


def test_newest_first_with_deterministic_ties() -> None:
    same = at(5, 10)
    articles = [
        article("b", published=same, first_seen=at(5, 11)),
        article("a", published=same, first_seen=at(5, 11)),
        article("c", published=same, first_seen=at(5, 12)),
        article("old", published=at(1, 8)),
        article("new", published=at(6, 8)),
    ]
    keys = [a.key for a in select_articles(meta(), articles)]
    assert keys == ["new", "c", "b", "a", "old"]
    assert [a.key for a in select_articles(meta(), list(reversed(articles)))] == keys


@pytest.mark.parametrize("fmt", FORMATS)
def test_cut_to_max_items_keeps_the_newest(fmt: str) -> None:
    many = [
        article(
            str(3000 + n),
            published=at(1, 0) + timedelta(minutes=n),
            updated=at(1, 0) + timedelta(minutes=n),
        )
        for n in range(60)
    ]
    data = build_feed(fmt, meta(max_items=5), many)
    for n in range(55, 60):
        assert f"zgkjcx/{3000 + n}".encode() in data
    assert b"zgkjcx/3054" not in data
    # The feed's updated is the newest kept article's, never a later build time.
    assert b"2023-03-01T00:59:00+08:00" in data or b"01 Mar 2023 00:59:00 +0800" in data


def test_byline_is_escaped_and_skips_missing_fields() -> None:
    hostile = article(source="<b>新华社</b>", author="A&B", editor=" ")
    html = entry_html(meta(), hostile)
    assert html.startswith("<p>来源：&lt;b&gt;新华社&lt;/b&gt;　作者：A&amp;B</p>")
    assert "责任编辑" not in html
    assert entry_html(meta(), article(source=None, editor=None)).startswith("<p>2月10日")


def test_summary_is_about_200_characters_of_text() -> None:
    long_text = "科技创新。" * 100
    cut = summary(article(content_text=long_text + "\n\n尾"))
    assert len(cut) == 201 and cut.endswith("…")
    assert summary(article(content_text=" 短\n文 ")) == "短 文"


def test_summary_only_feeds_leave_out_the_body() -> None:
    data = build_feed(
        "atom",
        meta(full_content=False),
        [article(content_html="<p>全文独有</p>", content_text="摘要文字")],
    )
    content = xpath(data, "//a:content/text()")[0]
    assert "全文独有" not in content and "<p>摘要文字</p>" in content
    assert "阅读原文" in content
    item = json.loads(build_feed("json", meta(full_content=False), [article()]))["items"][0]
    assert item["content_text"] == item["summary"]


def test_times_follow_the_feed_timezone() -> None:
    data = build_feed("atom", meta(timezone="UTC"), sample())
    assert xpath(data, "/a:feed/a:entry[2]/a:published/text()") == ["2023-03-01T06:47:00+00:00"]
