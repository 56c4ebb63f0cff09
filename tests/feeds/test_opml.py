"""OPML 2.0: every feed listed once, in folders per site, with absolute URLs."""

from __future__ import annotations

import pytest

from syndicator.errors import ConfigError
from syndicator.feeds import build_opml
from tests.support.articles import HOME, meta
from tests.support.readers import xpath

SITE = meta(path="feeds/zgkjcx", title="中国科技创新网", home_page_url="http://www.zgkjcx.com/")
CATEGORY = meta()
OTHER = meta(
    path="feeds/zgkjcx/kjzc",
    title="中国科技创新网 · 科技政策 & <更新>",
    home_page_url="http://www.zgkjcx.com/Article/ShowClass.asp?ClassID=2",
)
ALL = meta(path="feeds/all", title="全部文章", home_page_url="http://localhost:8080/")
GROUPS = [("中国科技创新网", [SITE, CATEGORY, OTHER]), ("全部", [ALL])]


def test_opml_lists_every_feed_grouped_by_site() -> None:
    data = build_opml(GROUPS, "syndicator 订阅", "http://localhost:8080")
    assert xpath(data, "/opml/@version") == ["2.0"]
    assert xpath(data, "/opml/head/title/text()") == ["syndicator 订阅"]
    assert xpath(data, "/opml/body/outline/@text") == ["中国科技创新网", "全部"]
    assert xpath(data, "/opml/body/outline[1]/outline/@xmlUrl") == [
        "http://localhost:8080/feeds/zgkjcx.atom",
        "http://localhost:8080/feeds/zgkjcx/kjyw.atom",
        "http://localhost:8080/feeds/zgkjcx/kjzc.atom",
    ]
    assert xpath(data, "/opml/body/outline[1]/outline[2]/@htmlUrl") == [HOME]
    assert xpath(data, "/opml/body/outline[1]/outline[3]/@title") == [
        "中国科技创新网 · 科技政策 & <更新>"
    ]
    assert set(xpath(data, "//outline[@xmlUrl]/@type")) == {"rss"}
    assert xpath(data, "/opml/body/outline[2]/outline/@xmlUrl") == [
        "http://localhost:8080/feeds/all.atom"
    ]


def test_opml_format_choice_and_determinism() -> None:
    rss = build_opml(GROUPS, "订阅", "http://localhost:8080", fmt="rss")
    assert xpath(rss, "//outline[@text='全部文章']/@xmlUrl") == [
        "http://localhost:8080/feeds/all.rss"
    ]
    assert rss == build_opml(GROUPS, "订阅", "http://localhost:8080", fmt="rss")
    with pytest.raises(ConfigError):
        build_opml(GROUPS, "订阅", "http://localhost:8080", fmt="html")
