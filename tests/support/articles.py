"""Article fixtures shaped like what the store hands to publish for 中国科技创新网."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from syndicator.feeds import FeedMeta
from syndicator.models import Article

CST = timezone(timedelta(hours=8))
PUBLIC_URL = "http://localhost:8080"
HOME = "http://www.zgkjcx.com/Article/ShowClass.asp?ClassID=1"
HUB = "https://hub.example.org/"

TRICKY_TITLE = "AT&T <研发> 新进展：“芯片”突破！🚀"

BODY_HTML = (
    "<p>2月10日，全省科技系统“创新深化 实干争先”动员部署会召开。</p>"
    '<p><img src="http://www.zgkjcx.com/UploadFiles/a.jpg" alt=""></p>'
)
BODY_TEXT = "2月10日，全省科技系统“创新深化 实干争先”动员部署会召开。"


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2023, 3, day, hour, minute, tzinfo=CST)


def article(key: str = "2603", **changes: Any) -> Article:
    base = Article(
        site="zgkjcx",
        category="kjyw",
        key=key,
        url=f"http://www.zgkjcx.com/Article/ShowArticle.asp?ArticleID={key}",
        title="浙江：全省科技系统“创新深化 实干争先”动员部署会召开",
        published=at(1, 14, 47),
        date_only=False,
        first_seen=at(1, 15, 0),
        updated=at(1, 14, 47),
        source="浙江省科技厅",
        author=None,
        editor="zgkjcx",
        category_name="科技要闻",
        content_html=BODY_HTML,
        content_text=BODY_TEXT,
        images=("http://www.zgkjcx.com/UploadFiles/a.jpg",),
        attachments=(),
        content_hash=hashlib.sha256(key.encode()).hexdigest(),
    )
    return dataclasses.replace(base, **changes)


def sample() -> list[Article]:
    """Three articles given oldest first, one with a tricky title and an UTC timestamp."""
    return [
        article(
            "2601",
            title="第一篇",
            published=at(1, 9, 5),
            updated=at(1, 9, 5),
            first_seen=at(1, 9, 30),
            source=None,
            editor=None,
        ),
        article("2603"),
        article(
            "2605",
            title=TRICKY_TITLE,
            author="张三 & 李四",
            published=datetime(2023, 3, 2, 0, 30, tzinfo=UTC),
            updated=datetime(2023, 3, 2, 1, 0, tzinfo=UTC),
            first_seen=at(2, 9, 0),
        ),
    ]


def meta(**changes: Any) -> FeedMeta:
    base = FeedMeta(
        path="feeds/zgkjcx/kjyw",
        title="中国科技创新网 · 科技要闻",
        description="中国科技创新网“科技要闻”栏目",
        home_page_url=HOME,
        public_url=PUBLIC_URL,
        author="中国科技创新网",
    )
    return dataclasses.replace(base, **changes)


PLAN_NOW = datetime(2023, 3, 20, 1, 30, tzinfo=UTC)


def make_article(
    site: str = "zgkjcx",
    category: str = "kjyw",
    title: str = "标题",
    text: str = "正文",
    key: str = "1",
    baseline: bool = False,
) -> Article:
    return Article(
        site=site,
        category=category,
        key=key,
        url=f"http://p.test/{key}.html",
        title=title,
        published=PLAN_NOW,
        date_only=False,
        first_seen=PLAN_NOW,
        updated=PLAN_NOW,
        source=None,
        author=None,
        editor=None,
        category_name="科技要闻",
        content_html=f"<p>{text}</p>",
        content_text=text,
        images=(),
        attachments=(),
        content_hash=f"h{key}{text}",
        baseline=baseline,
    )
