"""FEEDS.md RSS 2.0 rules R1–R7, one test each."""

from __future__ import annotations

import re
from datetime import datetime
from email.utils import parsedate_to_datetime

import lxml.html
import pytest

from syndicator.feeds import build_feed
from tests.support.articles import HOME, HUB, article, meta, sample
from tests.support.readers import xpath

RFC822 = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|"
    r"Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d [+-]\d{4}$"
)


def rss(**changes: object) -> bytes:
    return build_feed("rss", meta(**changes), sample())


def test_R1_channel_title_home_page_link_and_description() -> None:
    data = rss(hubs=(HUB,))
    assert xpath(data, "/rss/@version") == ["2.0"]
    assert xpath(data, "/rss/channel/title/text()") == ["中国科技创新网 · 科技要闻"]
    # Neither the feed's own URL nor the hub, though both are links feedgen was given.
    assert xpath(data, "/rss/channel/link/text()") == [HOME]
    assert xpath(data, "/rss/channel/description/text()") == ["中国科技创新网“科技要闻”栏目"]
    no_description = build_feed("rss", meta(description=""), sample())
    assert xpath(no_description, "/rss/channel/description/text()") == ["中国科技创新网 · 科技要闻"]


def test_R2_items_have_title_or_description_and_guid() -> None:
    items = xpath(rss(), "/rss/channel/item")
    assert len(items) == 3
    for item in items:
        assert item.findtext("title") or item.findtext("description")
        assert item.findtext("guid")
    bare = build_feed("rss", meta(), [article("2800", content_text="", content_html="")])
    assert xpath(bare, "//item/description/text()") == [article().title]


def test_R3_guid_not_permalink_and_unique() -> None:
    data = rss()
    assert xpath(data, "//item/guid/@isPermaLink") == ["false"] * 3
    guids = xpath(data, "//item/guid/text()")
    assert guids == [
        "tag:syndicator,2024:zgkjcx/2605",
        "tag:syndicator,2024:zgkjcx/2603",
        "tag:syndicator,2024:zgkjcx/2601",
    ]
    assert len(set(guids)) == 3


def test_R4_rfc822_dates_with_weekday_and_plus0800() -> None:
    data = rss()
    dates = xpath(data, "//pubDate/text() | //lastBuildDate/text()")
    assert len(dates) == 4
    for text in dates:
        assert RFC822.match(text), text
        assert "CST" not in text and text.endswith("+0800")
        parsed = parsedate_to_datetime(text)
        assert text.startswith(parsed.strftime("%a"))  # weekday agrees with the date
    assert xpath(data, "/rss/channel/lastBuildDate/text()") == ["Thu, 02 Mar 2023 09:00:00 +0800"]
    assert xpath(data, "//item[2]/pubDate/text()") == ["Wed, 01 Mar 2023 14:47:00 +0800"]
    assert parsedate_to_datetime("Wed, 01 Mar 2023 14:47:00 +0800") == datetime.fromisoformat(
        "2023-03-01T06:47:00+00:00"
    )


def test_R5_self_link_typed_and_hub_links() -> None:
    data = rss(hubs=(HUB, "https://hub2.example.org/"))
    assert xpath(data, "/rss/channel/atom:link[@rel='self']/@href") == [
        "http://localhost:8080/feeds/zgkjcx/kjyw.rss"
    ]
    assert xpath(data, "/rss/channel/atom:link[@rel='self']/@type") == ["application/rss+xml"]
    assert xpath(data, "/rss/channel/atom:link[@rel='hub']/@href") == [
        HUB,
        "https://hub2.example.org/",
    ]
    assert xpath(rss(), "/rss/channel/atom:link[@rel='hub']") == []


def test_R6_language_zh_cn_and_positive_ttl() -> None:
    assert xpath(rss(), "/rss/channel/language/text()") == ["zh-cn"]
    assert xpath(rss(), "/rss/channel/ttl") == []
    assert xpath(rss(ttl_minutes=15), "/rss/channel/ttl/text()") == ["15"]
    assert xpath(rss(ttl_minutes=0), "/rss/channel/ttl") == []


def test_R7_absolute_links_description_before_content_no_script() -> None:
    data = rss()
    for item in xpath(data, "/rss/channel/item"):
        assert item.findtext("link").startswith("http://www.zgkjcx.com/")
        names = [child.tag for child in item]
        description = names.index("description")
        encoded = names.index("{http://purl.org/rss/1.0/modules/content/}encoded")
        assert description < encoded
    assert b"<script" not in data.lower() and b"&lt;script" not in data.lower()


@pytest.mark.parametrize(
    "text",
    [
        "<img src=x onerror=alert(1)>",
        "<script>alert(1)</script>",
        '<a href="javascript:alert(1)">点我</a>',
        "&lt;b&gt;已转义&lt;/b&gt; & 5 < 6",
    ],
)
@pytest.mark.parametrize("where", ["content_text", "title"])
def test_R8_plain_text_never_becomes_markup_in_description(text: str, where: str) -> None:
    """A portal's text that looks like markup stays text for readers that render the
    description as HTML (when there is no summary the title stands in for it)."""
    changes = (
        {"content_text": text} if where == "content_text" else {"title": text, "content_text": ""}
    )
    data = build_feed("rss", meta(), [article(**changes)])
    [description] = [d.text for d in xpath(data, "/rss/channel/item/description")]
    rendered = lxml.html.fragment_fromstring(description, create_parent="div")
    assert [el.tag for el in rendered.iter()] == ["div"]  # no element: nothing live
    assert rendered.text_content() == text


@pytest.mark.parametrize(
    ("title", "shown"),
    [
        ("标题<img src=x onerror=alert(1)><script>alert(2)</script>", "标题alert(2)"),
        ("AT&T <研发> 新进展", "AT&T <研发> 新进展"),
        ("a < b > c", "a < b > c"),
        ("注释<!-- x -->之后", "注释之后"),
    ],
)
def test_rss_titles_carry_no_tag_a_reader_could_render(title: str, shown: str) -> None:
    """A portal's title that reads as markup once decoded (it wrote &lt;img…&gt;)
    would be live HTML in readers that render RSS titles; tags go, text stays."""
    data = build_feed("rss", meta(), [article("2900", title=title)])
    assert xpath(data, "//item/title/text()") == [shown]
    # Atom and JSON titles are text by their specs and keep every character.
    assert xpath(
        build_feed("atom", meta(), [article("2900", title=title)]),
        "//*[local-name()='entry']/*[local-name()='title']/text()",
    ) == [title]
