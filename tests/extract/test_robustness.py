"""Arbitrary input never raises anything but ExtractError subclasses."""

from __future__ import annotations

import contextlib
from datetime import datetime
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from syndicator.errors import ExtractError
from syndicator.extract import decode_html, extract_article, extract_list, parse_date

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=TZ)
URL = "http://www.zgkjcx.com/Article/kjyw/202303/2603.html"

FRAGMENTS = st.sampled_from(
    [
        "<html>",
        "<head>",
        "<title>",
        "</title>",
        "<body>",
        "<p>",
        "</p>",
        "<td>",
        "</td>",
        "<table>",
        "<tr>",
        "<div id=fontzoom>",
        "</div>",
        "<a href='2603_2.html'>",
        "</a>",
        "<a href='ShowArticle.asp?ArticleID=7' title='文章标题：甲&#13;&#10;更新时间：2023-3-1'>",
        "下一页",
        "[2]",
        "日期:",
        "来源：",
        "作者：",
        "责任编辑：",
        "2023年03月01日 14:47",
        "03-01",
        "，",
        "。",
        "“",
        "标题",
        "<script>location.href='http://x/'</script>",
        "<!--",
        "-->",
        "<meta http-equiv=refresh content='0;url=javascript:x'>",
        "<base href='::'>",
        "&#0;",
        "<img src='\x00'>",
        "\ud800",
        "<?xml version='1.0' encoding='gbk'?>",
        "<li>",
        "</li>",
        "您现在的位置：",
        "&gt;",
        "正文",
        "<a href='javascript:'>",
        "<br>",
        "\x0c",
        "镕",
    ]
)
PAGES = st.lists(st.one_of(FRAGMENTS, st.text(max_size=8)), max_size=40).map("".join)


def _extract_both(text: str) -> None:
    for extract in (extract_article, extract_list):
        with contextlib.suppress(ExtractError):
            extract(text, URL, tz=TZ, now=NOW)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    body=st.binary(max_size=600),
    header=st.sampled_from(
        [None, "text/html", "text/html; charset=utf-8", "text/html; charset=bogus"]
    ),
)
def test_arbitrary_bytes(body: bytes, header: str | None) -> None:
    text, encoding = decode_html(body, header)
    assert isinstance(text, str) and encoding
    _extract_both(text)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=PAGES)
def test_html_like_text(text: str) -> None:
    _extract_both(text)
    parse_date(text, TZ, NOW)
