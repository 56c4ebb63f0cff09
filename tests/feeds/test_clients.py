"""Real validators and feed readers read our feeds back: jing, sfeed, newsboat, feedparser,
reader."""

from __future__ import annotations

import calendar
from datetime import UTC, datetime
from pathlib import Path

import feedparser  # type: ignore[import-untyped]
import pytest
from reader import make_reader

from syndicator.feeds import FeedMeta, build_feed, write_feeds
from syndicator.models import Article, Attachment
from tests.support.articles import HUB, TRICKY_TITLE, article, meta, sample
from tests.support.readers import jing, newsboat_items, serve, sfeed_rows

# (id, title, UTC instant of `published`) newest first, as every client must see them.
EXPECTED = [
    ("tag:syndicator,2024:zgkjcx/2605", TRICKY_TITLE, datetime(2023, 3, 2, 0, 30, tzinfo=UTC)),
    (
        "tag:syndicator,2024:zgkjcx/2603",
        "浙江：全省科技系统“创新深化 实干争先”动员部署会召开",
        datetime(2023, 3, 1, 6, 47, tzinfo=UTC),
    ),
    ("tag:syndicator,2024:zgkjcx/2601", "第一篇", datetime(2023, 3, 1, 1, 5, tzinfo=UTC)),
]
LINK = "http://www.zgkjcx.com/Article/ShowArticle.asp?ArticleID={}"
DIRTY = article(
    "2700",
    title="控制\x0b符",
    content_text="正文\x0b",
    content_html="<p>正\x0b文</p>",
    editor="编\x0b辑",
)

ATTACHED = article(
    "2701",
    attachments=(
        Attachment("http://www.zgkjcx.com/a.pdf", "指南.pdf", "application/pdf", 1024),
        Attachment("http://www.zgkjcx.com/down.asp?id=3"),
    ),
)


@pytest.mark.slow  # starts a process
def test_jing_accepts_atom_feeds(tmp_path: Path) -> None:
    variants = {
        "full": build_feed("atom", meta(hubs=(HUB,)), sample()),
        "summary": build_feed("atom", meta(full_content=False, author=None), sample()),
        "empty": build_feed("atom", meta(), []),
        "control": build_feed("atom", meta(), [DIRTY]),
        "enclosures": build_feed("atom", meta(), [ATTACHED]),
    }
    files = []
    for name, data in variants.items():
        files.append(tmp_path / f"{name}.atom")
        files[-1].write_bytes(data)
    result = jing(*files)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow  # starts a process
def test_jing_rejects_an_invalid_atom_feed(tmp_path: Path) -> None:
    """Proves the schema check can fail: an entry without its id."""
    data = build_feed("atom", meta(), sample()).replace(
        b"<id>tag:syndicator,2024:zgkjcx/2603</id>", b""
    )
    broken = tmp_path / "broken.atom"
    broken.write_bytes(data)
    assert jing(broken).returncode != 0


@pytest.mark.slow  # starts a process
@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_sfeed_reads_titles_links_ids_and_utc_instants(fmt: str) -> None:
    rows = sfeed_rows(build_feed(fmt, meta(hubs=(HUB,)), sample()))
    assert [(r["id"], r["title"], int(r["timestamp"])) for r in rows] == [
        (ident, title, int(when.timestamp())) for ident, title, when in EXPECTED
    ]
    assert rows[1]["timestamp"] == "1677653220"  # 14:47 +08:00 is 06:47Z
    assert [r["link"] for r in rows] == [LINK.format(n) for n in ("2605", "2603", "2601")]
    assert [r["author"] for r in rows] == ["张三 & 李四", "浙江省科技厅", ""]
    assert "全省科技系统" in rows[1]["content"] and rows[1]["content_type"] == "html"


@pytest.mark.slow  # starts a process
@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_sfeed_reads_feed_with_control_characters(fmt: str) -> None:
    rows = sfeed_rows(build_feed(fmt, meta(), [DIRTY]))
    assert [(r["title"], r["id"]) for r in rows] == [("控制符", "tag:syndicator,2024:zgkjcx/2700")]


# newsboat 2.21 (Debian 12) reads Atom and RSS; JSON Feed it skips without a word.
@pytest.mark.slow  # starts a process
@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_newsboat_reads_titles_links_ids_and_utc_instants(tmp_path: Path, fmt: str) -> None:
    write_feeds(tmp_path / "www", _site_feeds(), ["atom", "rss"], b"<opml/>")
    with serve(tmp_path / "www") as base:
        url = f"{base}/feeds/zgkjcx/kjyw.{fmt}"
        items = newsboat_items([url], tmp_path)
    assert [(i["guid"], i["title"], i["pubDate"]) for i in reversed(items)] == [
        (ident, title, int(when.timestamp())) for ident, title, when in EXPECTED
    ]
    assert items[1]["pubDate"] == 1677653220  # 14:47 +08:00 is 06:47Z
    assert {i["feedurl"] for i in items} == {url}
    assert [i["url"] for i in reversed(items)] == [LINK.format(n) for n in ("2605", "2603", "2601")]
    assert [i["author"] for i in reversed(items)] == ["张三 & 李四", "浙江省科技厅", ""]
    assert "全省科技系统" in items[1]["content"]


# feedparser 6 does not read JSON Feed; the reader library covers that format below.
@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_feedparser_reads_exact_values(fmt: str) -> None:
    parsed = feedparser.parse(build_feed(fmt, meta(hubs=(HUB,)), sample()))
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.title == "中国科技创新网 · 科技要闻"
    got = [
        (e.id, e.title, datetime.fromtimestamp(calendar.timegm(e.published_parsed), UTC))
        for e in parsed.entries
    ]
    assert got == EXPECTED
    assert "全省科技系统" in parsed.entries[1].content[0].value
    assert parsed.feed.language.lower() == "zh-cn"


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_feedparser_survives_control_characters(fmt: str) -> None:
    parsed = feedparser.parse(build_feed(fmt, meta(), [DIRTY]))
    assert not parsed.bozo
    assert [e.title for e in parsed.entries] == ["控制符"]


def _site_feeds() -> list[tuple[FeedMeta, list[Article]]]:
    return [(meta(hubs=(HUB,)), sample())]


def test_reader_library_reads_every_format_over_http(tmp_path: Path) -> None:
    write_feeds(tmp_path, _site_feeds(), ["atom", "rss", "json"], b"<opml/>")
    reader = make_reader(":memory:")
    try:
        with serve(tmp_path) as base:
            urls = [f"{base}/feeds/zgkjcx/kjyw.{fmt}" for fmt in ("atom", "rss", "json")]
            for url in urls:
                reader.add_feed(url)
            reader.update_feeds()
            for url in urls:
                feed = reader.get_feed(url)
                assert feed.last_exception is None, (url, feed.last_exception)
                assert feed.title == "中国科技创新网 · 科技要闻"
                entries = sorted(
                    reader.get_entries(feed=url),
                    key=lambda e: e.published or datetime.min,
                    reverse=True,
                )
                got = [
                    (e.id, e.title, e.published.astimezone(UTC) if e.published else None)
                    for e in entries
                ]
                assert got == EXPECTED, url
                content = entries[1].get_content()
                assert content is not None and "全省科技系统" in content.value
    finally:
        reader.close()


def test_reader_library_reads_control_character_feed(tmp_path: Path) -> None:
    write_feeds(tmp_path, [(meta(), [DIRTY])], ["atom", "rss", "json"], b"<opml/>")
    reader = make_reader(":memory:")
    try:
        with serve(tmp_path) as base:
            for fmt in ("atom", "rss", "json"):
                reader.add_feed(f"{base}/feeds/zgkjcx/kjyw.{fmt}")
            reader.update_feeds()
            assert sorted(
                (e.feed_url.rsplit(".", 1)[1], e.title) for e in reader.get_entries()
            ) == [("atom", "控制符"), ("json", "控制符"), ("rss", "控制符")]
    finally:
        reader.close()
