"""FEEDS.md Atom rules A1–A11, one test each."""

from __future__ import annotations

import re

from syndicator.feeds import build_feed
from tests.support.articles import HUB, TRICKY_TITLE, article, meta, sample
from tests.support.readers import xpath

RFC3339_WITH_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?[+-]\d\d:\d\d$")


def atom(**changes: object) -> bytes:
    return build_feed("atom", meta(**changes), sample())


def test_A1_feed_id_is_one_absolute_iri_that_never_changes() -> None:
    ids = xpath(atom(), "/a:feed/a:id/text()")
    moved = xpath(atom(public_url="https://feeds.example.org"), "/a:feed/a:id/text()")
    emptied = xpath(build_feed("atom", meta(), []), "/a:feed/a:id/text()")
    assert ids == ["tag:syndicator,2024:feeds/zgkjcx/kjyw"]
    assert moved == ids == emptied


def test_A2_exactly_one_title_and_updated() -> None:
    data = atom()
    assert xpath(data, "/a:feed/a:title/text()") == ["中国科技创新网 · 科技要闻"]
    assert len(xpath(data, "/a:feed/a:updated")) == 1
    # The newest article update (2023-03-02T01:00Z), never the build time.
    assert xpath(data, "/a:feed/a:updated/text()") == ["2023-03-02T09:00:00+08:00"]


def test_A3_dates_have_offset() -> None:
    dates = xpath(atom(), "//a:updated/text() | //a:published/text()")
    assert len(dates) == 1 + 2 * 3
    assert all(RFC3339_WITH_OFFSET.match(d) and d.endswith("+08:00") for d in dates), dates
    assert "2023-03-01T14:47:00+08:00" in dates
    assert "2023-03-02T08:30:00+08:00" in dates  # given as 00:30Z


def test_A4_author_name_on_feed_or_every_entry() -> None:
    data = atom()
    assert xpath(data, "/a:feed/a:author/a:name/text()") == ["中国科技创新网"]
    names = [xpath(data, f"/a:feed/a:entry[{i}]/a:author/a:name/text()") for i in (1, 2, 3)]
    assert names == [["张三 & 李四"], ["浙江省科技厅"], []]
    untitled = build_feed("atom", meta(author=None), sample())
    assert xpath(untitled, "/a:feed/a:author/a:name/text()") == ["中国科技创新网 · 科技要闻"]


def test_A5_one_self_link_equal_to_served_url() -> None:
    data = atom(hubs=(HUB,))
    assert xpath(data, "/a:feed/a:link[@rel='self']/@href") == [
        "http://localhost:8080/feeds/zgkjcx/kjyw.atom"
    ]
    assert xpath(data, "/a:feed/a:link[@rel='hub']/@href") == [HUB]
    assert meta().url("atom") == "http://localhost:8080/feeds/zgkjcx/kjyw.atom"
    assert meta(public_url="http://h/").url("json") == "http://h/feeds/zgkjcx/kjyw.json"


def test_A6_entries_have_one_id_title_updated_and_unique_ids() -> None:
    data = atom()
    entries = xpath(data, "/a:feed/a:entry")
    assert len(entries) == 3
    for entry in entries:
        for name in ("id", "title", "updated"):
            assert len(entry.findall(f"{{http://www.w3.org/2005/Atom}}{name}")) == 1
    ids = xpath(data, "/a:feed/a:entry/a:id/text()")
    assert ids == [
        "tag:syndicator,2024:zgkjcx/2605",
        "tag:syndicator,2024:zgkjcx/2603",
        "tag:syndicator,2024:zgkjcx/2601",
    ]
    edited = article("2603", title="改后的标题", updated=sample()[1].updated.replace(hour=20))
    twice = build_feed("atom", meta(), [*sample(), edited])
    assert xpath(twice, "/a:feed/a:entry/a:id/text()") == ids
    assert xpath(twice, "/a:feed/a:entry[2]/a:title/text()") == ["改后的标题"]


def test_A7_content_or_alternate_and_one_alternate_per_type() -> None:
    for entry in xpath(atom(full_content=False), "/a:feed/a:entry"):
        links = entry.xpath(
            "a:link[not(@rel) or @rel='alternate']", namespaces={"a": "http://www.w3.org/2005/Atom"}
        )
        assert len(links) == 1
        assert links[0].get("href").startswith("http://www.zgkjcx.com/Article/")
        assert len(entry.findall("{http://www.w3.org/2005/Atom}content")) == 1


def test_A8_html_content_escaped_once_never_cdata() -> None:
    data = atom()
    assert b"CDATA" not in data
    assert xpath(data, "//a:content/@type") == ["html"] * 3
    content = xpath(data, "/a:feed/a:entry[1]/a:content/text()")[0]
    assert content.startswith("<p>来源：浙江省科技厅　作者：张三 &amp; 李四　责任编辑：zgkjcx</p>")
    assert (
        '<a href="http://www.zgkjcx.com/Article/ShowArticle.asp?ArticleID=2605">阅读原文</a>'
        in content
    )
    assert "&amp;amp;" not in content


def test_A9_titles_are_plain_text() -> None:
    data = atom()
    titles = xpath(data, "/a:feed/a:entry/a:title")
    assert titles[0].text == TRICKY_TITLE
    assert all(t.get("type") in (None, "text") for t in titles)
    assert len(titles[0]) == 0  # no child markup
    assert b"AT&amp;T &lt;\xe7\xa0\x94\xe5\x8f\x91&gt;" in data


def test_A10_xml_lang_is_zh_CN() -> None:
    data = atom()
    assert xpath(data, "/a:feed/@xml:lang") == ["zh-CN"]
    assert b'xml:lang="zh-CN"' in data


def test_A11_utf8_without_c0_controls() -> None:
    dirty = article(
        "2700",
        title="标题\x0b带控制符\x00",
        content_text="正文\x0c内容",
        content_html="<p>正文\x1b内容</p>",
        source="来源\x08",
    )
    data = build_feed("atom", meta(), [dirty])
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    text = data.decode("utf-8")
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", text)
    assert xpath(data, "/a:feed/a:entry/a:title/text()") == ["标题带控制符"]
    assert "<p>正文内容</p>" in xpath(data, "//a:content/text()")[0]
