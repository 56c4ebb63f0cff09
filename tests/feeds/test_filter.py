"""Filtered feeds (feeds/filter.py): the built feed less some entries, with its self
link moved to the filtered URL and no hub, still valid in every format."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser  # type: ignore[import-untyped]
import pytest

from syndicator.feeds import build_feed
from syndicator.feeds.filter import EntryField, EntryFilter, Rule, filter_feed, html_text
from syndicator.feeds.patterns import compile_pattern
from syndicator.models import Article
from tests.support.articles import HUB, TRICKY_TITLE, article, meta, sample
from tests.support.readers import jing, xpath

SELF = "http://localhost:8080/feeds/zgkjcx/kjyw.{fmt}?filter=%E8%8A%AF%E7%89%87"
BOTH = frozenset(EntryField)
TITLE = frozenset({EntryField.TITLE})
DESCRIPTION = frozenset({EntryField.DESCRIPTION})
BYLINE = article("2607", title="第四篇", source="新华社", published=article().published)


def rule(pattern: str, fields: frozenset[EntryField] = BOTH) -> Rule:
    return Rule(compile_pattern("filter", pattern), fields)


def articles() -> list[Article]:
    return [*sample(), BYLINE]


def ids(fmt: str, data: bytes) -> list[str]:
    if fmt == "json":
        return [item["id"].rsplit("/", 1)[1] for item in json.loads(data)["items"]]
    path = "/a:feed/a:entry/a:id/text()" if fmt == "atom" else "//item/guid/text()"
    return [i.rsplit("/", 1)[1] for i in xpath(data, path)]


# (filter, keys kept, newest first): the feed holds 2605 (TRICKY_TITLE), 2607 (新华社
# byline), 2603 and 2601 (both with the 全省科技系统 body).
CASES = [
    (EntryFilter(), ["2605", "2607", "2603", "2601"]),
    (EntryFilter(include=(rule("芯片"),)), ["2605"]),
    (EntryFilter(include=(rule("at&t", TITLE),)), ["2605"]),
    (EntryFilter(include=(rule("<研发>", TITLE),)), ["2605"]),
    (EntryFilter(include=(rule("新华社", DESCRIPTION),)), ["2607"]),
    (EntryFilter(include=(rule("新华社", TITLE),)), []),
    (EntryFilter(include=(rule("全省科技系统", DESCRIPTION),)), ["2605", "2607", "2603", "2601"]),
    (EntryFilter(include=(rule("第一篇|第四篇", TITLE),)), ["2607", "2601"]),
    (EntryFilter(exclude=(rule("第一篇|第四篇", TITLE),)), ["2605", "2603"]),
    (EntryFilter(exclude=(rule("阅读原文", DESCRIPTION),)), []),
    (EntryFilter(limit=2), ["2605", "2607"]),
    (EntryFilter(exclude=(rule("芯片"),), limit=2), ["2607", "2603"]),
    (
        EntryFilter(include=(rule("全省", DESCRIPTION), rule("篇", TITLE)), limit=1),
        ["2607"],
    ),
]


@pytest.mark.parametrize("fmt", ["atom", "rss", "json"])
@pytest.mark.parametrize(("spec", "kept"), CASES)
def test_entries_kept(fmt: str, spec: EntryFilter, kept: list[str]) -> None:
    source = build_feed(fmt, meta(hubs=(HUB,)), articles())
    assert ids(fmt, filter_feed(fmt, source, spec, SELF.format(fmt=fmt))) == kept


@pytest.mark.parametrize("fmt", ["atom", "rss", "json"])
def test_only_the_entries_self_link_and_hubs_change(fmt: str) -> None:
    """Filtering everything in keeps the feed as built but for its links."""
    url = SELF.format(fmt=fmt)
    source = build_feed(fmt, meta(hubs=(HUB,)), articles())
    unhubbed = build_feed(fmt, meta(), articles())
    expected = unhubbed.replace(
        f"http://localhost:8080/feeds/zgkjcx/kjyw.{fmt}".encode(),
        url.replace("&", "&amp;").encode() if fmt != "json" else url.encode(),
    )
    assert filter_feed(fmt, source, EntryFilter(), url) == expected


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_xml_self_link_and_no_hub(fmt: str) -> None:
    url = "http://h/feeds/zgkjcx/kjyw.x?filter=a&limit=1"
    data = filter_feed(fmt, build_feed(fmt, meta(hubs=(HUB,)), articles()), EntryFilter(), url)
    links = "/a:feed/a:link" if fmt == "atom" else "/rss/channel/a:link"
    assert xpath(data, f"{links}[@rel='self']/@href") == [url]
    assert xpath(data, f"{links}[@rel='hub']") == []
    assert b"filter=a&amp;limit=1" in data


def test_json_feed_url_and_no_hubs() -> None:
    data = filter_feed(
        "json", build_feed("json", meta(hubs=(HUB,)), articles()), EntryFilter(), "u"
    )
    feed = json.loads(data)
    assert feed["feed_url"] == "u"
    assert "hubs" not in feed
    keys = ["version", "title", "home_page_url", "feed_url", "description", "language"]
    assert list(feed) == [*keys, "authors", "items"]


@pytest.mark.parametrize("fmt", ["atom", "rss"])
@pytest.mark.parametrize("spec", [EntryFilter(include=(rule("芯片"),)), EntryFilter(limit=2)])
def test_filtered_xml_feeds_read_cleanly(fmt: str, spec: EntryFilter) -> None:
    data = filter_feed(fmt, build_feed(fmt, meta(hubs=(HUB,)), articles()), spec, "http://h/x")
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.entries
    assert parsed.entries[0].title == TRICKY_TITLE


@pytest.mark.slow  # starts a process
def test_jing_accepts_filtered_atom_feeds(tmp_path: Path) -> None:
    source = build_feed("atom", meta(hubs=(HUB,)), articles())
    files = []
    for name, spec in {
        "some": EntryFilter(include=(rule("芯片"),)),
        "none": EntryFilter(include=(rule("无此词"),)),
        "first": EntryFilter(limit=1),
    }.items():
        files.append(tmp_path / f"{name}.atom")
        files[-1].write_bytes(filter_feed("atom", source, spec, "http://h/f.atom?limit=1"))
    result = jing(*files)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ("<p>来源：新华社</p><p>正文 <b>芯</b>片</p>", "来源：新华社正文 芯片"),
        ("AT&amp;T &lt;研发&gt;", "AT&T <研发>"),
        ("", ""),
        ("   ", ""),
        ("plain", "plain"),
    ],
)
def test_html_text(markup: str, text: str) -> None:
    assert html_text(markup) == text
