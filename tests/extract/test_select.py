"""YAML selectors through soupsieve: what cssselect could not say, on an lxml tree."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import lxml.html
import pytest

from syndicator.extract import extract_article, extract_list
from syndicator.extract.select import select
from syndicator.models import Selectors

LIST = """<html><body>
<table id="news">
<tr><td class="t"><a href="/a/1.html">第一篇</a></td><td><span>2023-03-18</span></td></tr>
<tr><td class="t"><a href="/a/2.html">第二篇</a><img src="/new.gif"></td>
    <td><span>2023-03-17</span></td></tr>
<tr><td class="t"><a href="/about.html">关于我们</a></td><td></td></tr>
</table></body></html>"""

ARTICLE = """<html><body>
<h1>标题</h1>
<table><tr><td>时间：2023-03-20 09:30</td><td>来源：市科技局</td></tr></table>
<div id="text"><p>正文第一段，足够长的内容。</p><p>第二段。</p></div>
<div class="box"><p>扫一扫</p></div>
</body></html>"""

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2023, 3, 20, 4, 0, tzinfo=UTC)


def tree(html: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(html)


@pytest.mark.parametrize(
    ("html", "css", "texts"),
    [
        # A row that has a date: CSS4 :has(), which cssselect refuses.
        (LIST, "tr:has(span) td.t a", ["第一篇", "第二篇"]),
        # A cell by the word it holds.
        (ARTICLE, 'td:-soup-contains("来源")', ["来源：市科技局"]),
        (LIST, "td.t a:not([href*=about])", ["第一篇", "第二篇"]),
        (LIST, "tr:nth-child(2 of tr) a", ["第二篇"]),
    ],
)
def test_css4_and_contains_select_elements_of_the_lxml_tree(
    html: str, css: str, texts: list[str]
) -> None:
    root = tree(html)
    found = select(root, css)
    assert [el.text_content().strip() for el in found] == texts
    assert all(el.getroottree().getroot() is root for el in found)  # the tree's own elements


def test_matching_leaves_no_mark_in_the_tree() -> None:
    root = tree(LIST)
    before = lxml.html.tostring(root)
    assert select(root, "a")
    assert lxml.html.tostring(root) == before


def test_a_row_rooted_subtree_keeps_its_own_tag() -> None:
    """A ``<td>`` outside its table is kept as written, so ``td > span`` still matches
    when the subtree searched is the cell itself."""
    cell = tree(LIST).xpath("//tr[1]/td[2]")[0]
    assert [el.text for el in select(cell, "td > span")] == ["2023-03-18"]


def test_a_bad_selector_matches_nothing() -> None:
    assert select(tree(LIST), "td[href*=") == []


def test_list_item_selector_with_has() -> None:
    page = extract_list(
        LIST,
        "http://portal.test/list.html",
        tz=TZ,
        now=NOW,
        selectors=Selectors(item="tr:has(span:-soup-contains('2023')) td.t a", date="span"),
    )
    assert [(i.title, i.published and i.published.date().isoformat()) for i in page.items] == [
        ("第一篇", "2023-03-18"),
        ("第二篇", "2023-03-17"),
    ]


def test_article_selectors_with_contains_and_exclude() -> None:
    data = extract_article(
        ARTICLE,
        "http://portal.test/a/1.html",
        tz=TZ,
        now=NOW,
        selectors=Selectors(
            body="#text", info='td:-soup-contains("来源")', exclude=("p:-soup-contains('第二段')",)
        ),
    )
    assert data.source == "市科技局"
    assert "第二段" not in data.content_text and "第一段" in data.content_text
