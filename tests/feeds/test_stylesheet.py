"""The stylesheet a browser shows Atom and RSS with: named right after the XML
declaration by a path from the site root, harmless to the feed, and itself valid XSLT
that turns both formats into a page."""

from __future__ import annotations

import dataclasses

import pytest
from lxml import etree

from syndicator.feeds import build_feed
from syndicator.feeds.stylesheet import add_stylesheet, stylesheet, stylesheet_href
from syndicator.models import Attachment
from tests.support.articles import TRICKY_TITLE, meta, sample

INSTRUCTION = b'<?xml-stylesheet type="text/xsl" href="/feeds/feed.xsl"?>'


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_the_instruction_follows_the_xml_declaration(fmt: str) -> None:
    data = build_feed(fmt, meta(), sample())
    declaration, instruction, _ = data.split(b"\n", 2)
    assert declaration == b"<?xml version='1.0' encoding='UTF-8'?>"
    assert instruction == INSTRUCTION
    assert data.count(b"<?xml-stylesheet") == 1
    # Readers see the same document: the instruction is no part of the root element.
    root = etree.fromstring(data)
    assert root.tag in ("{http://www.w3.org/2005/Atom}feed", "rss")
    assert build_feed(fmt, meta(), sample()) == data


def test_json_feed_has_no_instruction() -> None:
    assert b"xml-stylesheet" not in build_feed("json", meta(), sample())


@pytest.mark.parametrize(
    ("public_url", "href"),
    [
        ("http://localhost:8080", "/feeds/feed.xsl"),
        ("https://feeds.example.org/", "/feeds/feed.xsl"),
        ("https://example.org/news/", "/news/feeds/feed.xsl"),
        ('https://example.org/a b"c/', "/a%20b%22c/feeds/feed.xsl"),
    ],
)
def test_the_href_is_a_path_from_the_site_root(public_url: str, href: str) -> None:
    """Browsers apply a stylesheet only from the feed's own origin, so the host is left
    out and the service answers under any name it is reached by."""
    assert stylesheet_href(public_url) == href
    data = add_stylesheet(b"<?xml version='1.0'?>\n<rss/>", public_url)
    assert etree.fromstring(data).getroottree().getroot().getprevious().get("href") == href


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_the_stylesheet_turns_a_feed_into_a_page(fmt: str) -> None:
    files = (Attachment("http://www.zgkjcx.com/UploadFiles/a.pdf", "申报指南.pdf"),)
    articles = [dataclasses.replace(a, attachments=files) for a in sample()]
    articles.append(
        dataclasses.replace(sample()[0], key="9", url="javascript:alert(1)", title="坏链接")
    )
    transform = etree.XSLT(etree.fromstring(stylesheet()))
    page = transform(etree.fromstring(build_feed(fmt, meta(), articles)).getroottree())
    html = etree.tostring(page, encoding="unicode", method="html")
    root = page.getroot()
    assert root.tag == "html"
    titles = [h.xpath("string()") for h in root.iter("h3")]
    assert TRICKY_TITLE in titles and "第一篇" in titles and "坏链接" in titles
    assert root.xpath("//input/@value") == [f"http://localhost:8080/feeds/zgkjcx/kjyw.{fmt}"]
    assert "http://www.zgkjcx.com/UploadFiles/a.pdf" in root.xpath("//a/@href")
    assert not [h for h in root.xpath("//@href") if not h.startswith("http")]
    assert "<script" not in html and "&lt;研发&gt;" in html
