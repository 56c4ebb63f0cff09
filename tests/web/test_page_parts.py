"""The index page's parts: attachments in whatever shape they come, trouble in plain
words, one zone for every time; and the feeds' stylesheet with the type browsers need."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest
from lxml import html as lxml_html
from starlette.testclient import TestClient

from syndicator.feeds.stylesheet import stylesheet
from syndicator.models import Attachment, CategoryState, CategoryStatus, PollRecord
from syndicator.web.pages import AttachmentLink, TimeFace, attachment_link, plain_problem

from .conftest import Site

BROWSER_ACCEPT = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
)
PDF = "http://www.zgkjcx.com/UploadFiles/2023/%E6%8C%87%E5%8D%97.pdf"


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        (PDF, AttachmentLink("指南.pdf", PDF)),
        (Attachment(PDF, "申报指南"), AttachmentLink("申报指南", PDF)),
        (Attachment(PDF), AttachmentLink("指南.pdf", PDF)),
        ({"url": PDF, "name": "申报指南"}, AttachmentLink("申报指南", PDF)),
        ({"url": PDF, "title": " "}, AttachmentLink("指南.pdf", PDF)),
        ("javascript:alert(1)", AttachmentLink("alert(1)", None)),
        ({"title": "no address"}, None),
        ("", None),
        (None, None),
        (42, None),
    ],
)
def test_attachment_link_takes_any_shape(item: object, expected: AttachmentLink | None) -> None:
    assert attachment_link(item) == expected


@pytest.mark.parametrize(
    ("error", "words"),
    [
        ("http://portal.test/list.html: HTTP 502", "网站服务器出错"),
        ("http://portal.test/list.html: HTTP 404", "栏目页面不存在了"),
        ("http://portal.test/list.html: HTTP 429", "放慢"),
        ("http://portal.test/list.html: timed out after 20s", "超时"),
        ("http://portal.test/list.html: host name not found", "域名"),
        ("http://portal.test/list.html: disallowed by robots.txt", "robots.txt"),
        ("something nobody foresaw", "没有成功"),
        (None, "没有成功"),
    ],
)
def test_failures_are_told_in_plain_words(error: str | None, words: str) -> None:
    assert words in (plain_problem(CategoryStatus.FAILING, error) or "")


def test_healthy_and_pending_categories_need_no_words() -> None:
    assert plain_problem(CategoryStatus.OK, None) is None
    assert plain_problem("pending", None) is None
    assert "改版" in (plain_problem(CategoryStatus.BROKEN, None) or "")


def test_one_zone_for_the_page_and_the_offset_only_where_it_differs() -> None:
    face = TimeFace.at("America/New_York", datetime(2023, 1, 10, tzinfo=UTC))
    assert face.offset == "UTC-05:00"
    winter = face.show(datetime(2023, 1, 9, 17, 0, tzinfo=UTC))
    summer = face.show(datetime(2023, 7, 9, 17, 0, tzinfo=UTC))
    assert winter is not None and summer is not None
    assert (winter.text, winter.short) == ("2023-01-09 12:00", "01-09 12:00")
    assert summer.text == "2023-07-09 13:00 UTC-04:00"
    assert face.show(None) is None


def test_a_failing_category_shows_why_and_when_it_is_tried_again(fresh_site: Site) -> None:
    when = datetime(2023, 3, 20, 2, 0, tzinfo=UTC)
    state = CategoryState(
        "zgkjcx",
        "kjrw",
        last_poll=when,
        last_error="http://portal.test/ShowClass.asp?ClassID=5: HTTP 503",
        consecutive_failures=3,
        status=CategoryStatus.FAILING,
    )
    record = PollRecord("zgkjcx", "kjrw", when, when, ok=False, error=state.last_error)
    fresh_site.app.store.apply([], record, state)
    fresh_site.app.store.categories.set_next_due(
        "zgkjcx", "kjrw", datetime(2023, 3, 20, 2, 30, tzinfo=UTC)
    )
    page = lxml_html.fromstring(fresh_site.client().get("/").content)
    [row] = page.xpath("//li[@id='cat-zgkjcx-kjrw']")
    text = row.text_content()
    assert "网站服务器出错" in text and "连续失败 3 次" in text and "HTTP 503" in text
    assert "下次重试" in text and "03-20 10:30" in text
    assert row.xpath(".//time/@datetime")[0] == "2023-03-20T10:00:00+08:00"


def test_attachments_of_the_newest_articles_are_linked(site: Site) -> None:
    newest = site.app.store.articles.newest(limit=1)[0]
    files = (Attachment(PDF, "申报指南.pdf", "application/pdf", 1024),)

    class WithFiles:
        """The store, with the newest article carrying a file."""

        def __init__(self, inner: object) -> None:
            self.inner = inner

        def newest(self, **kwargs: object) -> list[object]:
            found = site.app.store.articles.newest(**kwargs)  # type: ignore[arg-type]
            return [dataclasses.replace(a, attachments=files) if a == newest else a for a in found]

        def __getattr__(self, name: str) -> object:
            return getattr(self.inner, name)

    class Store:
        def __getattr__(self, name: str) -> object:
            inner = getattr(site.app.store, name)
            return WithFiles(inner) if name == "articles" else inner

    page = lxml_html.fromstring(site.client(store=Store()).get("/").content)
    [first] = page.xpath("//section[@id='newest']//li[1]")
    assert first.xpath(".//p[contains(@class, 'files')]//a/@href") == [PDF]
    assert "申报指南.pdf" in first.text_content()


def test_the_stylesheet_is_served_cacheable(client: TestClient) -> None:
    r = client.get("/feeds/feed.xsl")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/xsl; charset=utf-8"
    assert r.content == stylesheet()
    assert r.headers["cache-control"] == "public, max-age=86400"
    again = client.get("/feeds/feed.xsl", headers={"if-none-match": r.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    assert client.head("/feeds/feed.xsl").status_code == 200
    assert client.post("/feeds/feed.xsl").status_code == 405


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_a_browser_gets_the_feed_as_xml_it_can_style(client: TestClient, fmt: str) -> None:
    """Chromium shows application/atom+xml and application/rss+xml as plain text and
    never runs their stylesheet; the same bytes typed application/xml become a page."""
    url = f"/feeds/zgkjcx/kjyw.{fmt}"
    reader = client.get(url)
    browser = client.get(url, headers={"accept": BROWSER_ACCEPT})
    assert browser.content == reader.content
    assert reader.headers["content-type"] == f"application/{fmt}+xml; charset=utf-8"
    assert browser.headers["content-type"] == "application/xml; charset=utf-8"
    assert browser.headers["vary"] == "Accept, Accept-Encoding"
    asks_for_it = f"application/{fmt}+xml, text/html;q=0.5"
    assert (
        client.get(url, headers={"accept": asks_for_it})
        .headers["content-type"]
        .startswith(f"application/{fmt}+xml")
    )
    refuses_html = "text/html;q=0, */*"
    assert (
        client.get(url, headers={"accept": refuses_html})
        .headers["content-type"]
        .startswith(f"application/{fmt}+xml")
    )
    json = client.get("/feeds/zgkjcx/kjyw.json", headers={"accept": BROWSER_ACCEPT})
    assert json.headers["content-type"] == "application/feed+json; charset=utf-8"
