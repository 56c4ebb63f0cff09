"""Page-level clues: the title confirmed against the page, the category from the crumb
or from the link to the article's own column folder."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from syndicator.extract import extract_article
from syndicator.extract.text import parse

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=TZ)
URL = "http://www.example.cn/news/kpdt/12.html"
PAGE = """<html><head><meta charset="utf-8"><title>{title}</title></head><body>
<div class="top">{crumb}</div>
<div class="main"><h2>青少年科技节开幕</h2><div class="text">
<p>本届科技节为期三天，全市四十余所中小学的学生参加了科技制作比赛。</p>
<p>活动现场还设置了机器人、航模等体验区，吸引了众多家长和学生。</p></div></div>
<div class="footer">{footer}</div></body></html>"""


def _category(crumb: str, footer: str = "", url: str = URL) -> str | None:
    html = PAGE.format(title="青少年科技节开幕_某科普网", crumb=crumb, footer=footer)
    return extract_article(html, url, tz=TZ, now=NOW).category


@pytest.mark.parametrize(
    ("crumb", "category"),
    [
        # A crumb printed as text, no links.
        ("<h3>首页 - 科普活动</h3>", "科普活动"),
        ("<h3>首页 &gt; 科普活动 &gt; 正文</h3>", "科普活动"),
        # Separators drawn by CSS: from the home link to 正文 is enough.
        (
            '<ol class="breadcrumb"><li><a href="/">首页</a></li>'
            '<li><a href="/kp/">科普活动</a></li><li>文章正文</li></ol>',
            "科普活动",
        ),
        # 正文 followed by the article's title.
        (
            '<span><a href="/">本站</a>&nbsp;&gt;&gt;&nbsp;<a href="/kp/">科普活动</a>'
            "&nbsp;&gt;&gt;&nbsp;正文 &nbsp;　&nbsp;青少年科技节开幕</span>",
            "科普活动",
        ),
        # From the home link with separators, whatever follows the crumb (print, share).
        (
            '<div><a href="/">首页</a>&nbsp;&gt;&nbsp;<a href="/gb/">公报</a>&nbsp;&gt;&nbsp;'
            '<a href="/gb/2024/">2024年第3期</a><div>字号：大 中 小 | 打印</div></div>',
            "2024年第3期",
        ),
        # A nav bar is no crumb: nothing leads from home with separators or ends at 正文.
        (
            '<ul><li><a href="/">首页</a></li><li><a href="/about/">关于我们</a></li>'
            '<li><a href="/kp/">科普活动</a></li></ul>',
            None,
        ),
        ("<h3>首页 科普活动</h3>", None),
    ],
)
def test_breadcrumb_forms(crumb: str, category: str | None) -> None:
    assert _category(crumb) == category


@pytest.mark.parametrize(
    ("footer", "url", "category"),
    [
        ('<a href="/news/kpdt/">科普动态</a>', URL, "科普动态"),
        ('<a href="/news/kpdt/index.html">科普动态</a>', URL, "科普动态"),
        ('<a href="../kpdt/Index.html">科普动态</a>', URL, "科普动态"),
        # Generic link words and the home page never name a column.
        ('<a href="/news/kpdt/">更多</a><a href="/news/kpdt/">返回列表</a>', URL, None),
        ('<a href="/">网站首页</a>', "http://www.example.cn/12.html", None),
        # A dynamic page's folder says nothing about its column.
        ('<a href="/news/">新闻</a>', "http://www.example.cn/news/show.aspx?id=12", None),
        # Another column's folder is not this one.
        ('<a href="/news/tzgg/">通知公告</a>', URL, None),
        # Articles filed by date inside their column's folder.
        (
            '<a href="/news/kpdt/">科普动态</a>',
            "http://www.example.cn/news/kpdt/2015/0206/12.html",
            "科普动态",
        ),
        (
            '<a href="/news/kpdt/">科普动态</a>',
            "http://www.example.cn/news/kpdt/2012-09-05/12.html",
            "科普动态",
        ),
        (
            '<a href="/news/kpdt/">科普动态</a>',
            "http://www.example.cn/news/kpdt/202303/12.html",
            "科普动态",
        ),
        # A folder named like a year is a column, not a date.
        ('<a href="/news/">新闻</a>', "http://www.example.cn/news/2015/12.html", None),
    ],
)
def test_column_from_the_link_to_the_article_folder(
    footer: str, url: str, category: str | None
) -> None:
    assert _category("", footer, url) == category


def test_breadcrumb_wins_over_the_folder_link() -> None:
    crumb = "<h3>首页 - 科普活动</h3>"
    assert _category(crumb, '<a href="/news/kpdt/">科普动态</a>') == "科普活动"


def _title(head: str, shown: str) -> str:
    html = PAGE.format(title=head, crumb="", footer="").replace("<h2>青少年科技节开幕</h2>", shown)
    return extract_article(html, URL, tz=TZ, now=NOW).title


@pytest.mark.parametrize(
    ("head", "shown", "title"),
    [
        # A topic after a plain space in <title>, only the part before it shown.
        ("青少年科技节开幕 科普专题_某科普网", "<h2>青少年科技节开幕</h2>", "青少年科技节开幕"),
        # A real space the page shows too stays.
        (
            "青少年科技节开幕 三千学生参加_某科普网",
            "<h2>青少年科技节开幕 三千学生参加</h2>",
            "青少年科技节开幕 三千学生参加",
        ),
        # Broken by <br> in the heading, padded with U+3000 in <title>: no space kept.
        (
            "全市青少年　科技节开幕_某科普网",
            "<h2>全市青少年科技节<br>开幕</h2>",
            "全市青少年科技节开幕",
        ),
        # The site name shown in the footer never beats the title read without spaces.
        (
            "全市青少年　科技节开幕_某科普网",
            "<h2>全市青少年科技节<br>开幕</h2><p>某科普网</p>",
            "全市青少年科技节开幕",
        ),
    ],
)
def test_title_confirmed_against_the_page(head: str, shown: str, title: str) -> None:
    assert _title(head, shown) == title


@pytest.mark.parametrize(
    ("html", "body_text"),
    [
        ("<html><body><p>甲</p></body></html><div>乙</div>", "甲乙"),
        (
            "<html><head><title>t</title></head><body><p>甲</p></html><body><div>乙</div></body>",
            "甲乙",
        ),
        ("<html><body><p>甲</p></html>散文<div>乙</div>", "甲散文乙"),
    ],
)
def test_content_after_an_early_html_close_is_moved_into_the_body(
    html: str, body_text: str
) -> None:
    root = parse(html)
    assert root is not None
    body = root.find("body")
    assert body is not None and body.text_content() == body_text
    assert not [sib for sib in root.itersiblings() if len(sib) or (sib.text or "").strip()]
