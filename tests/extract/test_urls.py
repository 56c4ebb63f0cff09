"""Absolute links, canonical URLs and article keys that survive scheme and query changes."""

from __future__ import annotations

import pytest

from syndicator.extract import article_key, canonical_url
from syndicator.extract.urls import absolutize, looks_like_article

PAGE = "http://www.zgkjcx.com/Article/kjyw/202303/2603.html"


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("2603_2.html", "http://www.zgkjcx.com/Article/kjyw/202303/2603_2.html"),
        (
            "../../UploadFiles_7788/202303/a.jpg",
            "http://www.zgkjcx.com/Article/UploadFiles_7788/202303/a.jpg",
        ),
        ("/Article/UploadFiles/a.jpg", "http://www.zgkjcx.com/Article/UploadFiles/a.jpg"),
        ("  \n/Article/a\tb.html \n", "http://www.zgkjcx.com/Article/ab.html"),
        ("//cdn.example.org/x.png", "http://cdn.example.org/x.png"),
        ("HTTPS://Example.org/a b.pdf", "https://Example.org/a%20b.pdf"),
        (
            "/ShowCopyFrom.asp?ChannelID=1&SourceName=浙江省科技厅",
            "http://www.zgkjcx.com/ShowCopyFrom.asp?ChannelID=1&SourceName="
            "%E6%B5%99%E6%B1%9F%E7%9C%81%E7%A7%91%E6%8A%80%E5%8E%85",
        ),
        ("/a%20b.html", "http://www.zgkjcx.com/a%20b.html"),
        ("\\Article\\x.html", "http://www.zgkjcx.com/Article/x.html"),
    ],
)
def test_absolutize(href: str, expected: str) -> None:
    assert absolutize(href, PAGE) == expected


@pytest.mark.parametrize(
    "href",
    [
        "javascript:void(0)",
        " JavaScript:alert(1)",
        "mailto:a@b.cn",
        "tel:123",
        "data:image/png;base64,AAAA",
        "#top",
        "",
        "   ",
        "vbscript:x",
        "ftp://example.org/a",
    ],
)
def test_absolutize_drops_non_web_links(href: str) -> None:
    assert absolutize(href, PAGE) is None


def test_canonical_url() -> None:
    assert (
        canonical_url("HTTP://WWW.Example.ORG:80/a/b?z=1&utm_source=x&a=2&spm=9#frag")
        == "http://www.example.org/a/b?a=2&z=1"
    )
    assert canonical_url("https://example.org:443") == "https://example.org/"
    assert canonical_url("https://example.org:8443/x?from=timeline") == "https://example.org:8443/x"


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("http://www.zgkjcx.com/Article/ShowArticle.asp?ArticleID=2603", "2603"),
        ("http://www.zgkjcx.com/Article/ShowArticle.asp?articleid=2603&Page=2", "2603"),
        ("http://www.zgkjcx.com/Article/kjyw/202303/2603.html", "2603"),
        ("https://www.zgkjcx.com/Article/kjyw/202303/2603_2.html", "2603"),
        ("http://kjt.zj.gov.cn/art/2023/3/1/art_1229_5889.html", "5889"),
        ("http://www.most.gov.cn/xxgk/202303/t20230301_185000.html", "185000"),
        ("http://example.org/Item/77.aspx", "77"),
        ("http://example.org/plus/view.php?aid=123", "123"),
        ("http://example.org/a/kjyw/2023/0301/123_3.html", "123"),
        ("http://example.org/kjyw/20230301144701_55.html", "55"),
        ("http://example.org/kjyw/20230301144701.html", "20230301144701"),
        ("http://example.org/HTML/456.shtml", "456"),
    ],
)
def test_article_key_uses_the_portal_id(url: str, key: str) -> None:
    assert article_key(url) == key


def test_article_key_without_id_ignores_scheme_order_and_tracking() -> None:
    a = article_key("http://Example.org/news/view?b=2&a=1&utm_medium=rss#top")
    b = article_key("https://example.org:443/news/view?a=1&b=2")
    assert a == b == "//example.org/news/view?a=1&b=2"


def test_list_pages_have_no_id() -> None:
    assert not article_key("http://www.zgkjcx.com/Article/kjyw/List_61.html").isdigit()
    assert not article_key("http://www.zgkjcx.com/Article/ShowClass.asp?ClassID=5&page=2").isdigit()


def test_query_in_a_gb_page_is_encoded_in_gbk() -> None:
    from syndicator.extract.urls import absolutize

    base = "http://www.zgkjcx.com/Article/kjyw/202303/2603.html"
    href = "/ShowCopyFrom.asp?ChannelID=1&SourceName=浙江省科技厅"
    assert absolutize(href, base, "gb18030") == (
        "http://www.zgkjcx.com/ShowCopyFrom.asp?ChannelID=1&SourceName="
        "%D5%E3%BD%AD%CA%A1%BF%C6%BC%BC%CC%FC"
    )
    assert absolutize(href, base).endswith(
        "SourceName=%E6%B5%99%E6%B1%9F%E7%9C%81%E7%A7%91%E6%8A%80%E5%8E%85"
    )


@pytest.mark.parametrize(
    ("url", "article"),
    [
        ("https://www.example.com/dfaets/contents/2020/7/2-b51327b18dff4d8aa16377.html", True),
        ("http://www.example.cn/news/2023-3-1/abc.html", True),
        ("http://www.example.cn/a/2023/0301/xyz.html", True),
        ("http://www.example.cn/news/2020/7/", False),
        ("http://www.example.cn/news/about.html", False),
        ("http://www.example.cn/2020/1234.html", True),  # the id, not the date
        ("http://www.example.cn/2020/ab12.html", False),
    ],
)
def test_looks_like_article(url: str, article: bool) -> None:
    assert looks_like_article(url) is article
