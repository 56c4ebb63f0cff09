"""Attachments as enclosures in every format, by each format's rules, read back by
feedparser."""

from __future__ import annotations

import json

import feedparser  # type: ignore[import-untyped]
import pytest

from syndicator.feeds import build_feed
from syndicator.models import Attachment
from tests.support.articles import article, meta
from tests.support.readers import xpath

PDF = Attachment(
    "http://www.zgkjcx.com/UploadFiles/指南.pdf", "申报指南.pdf", "application/pdf", 182_304
)
DOCX = Attachment(
    "http://www.zgkjcx.com/down.asp?id=7",
    "附件2：申报书模板.docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
)
UNKNOWN = Attachment("http://www.zgkjcx.com/down.asp?id=8")
FILES = article("2900", attachments=(PDF, DOCX, UNKNOWN))


def test_atom_carries_every_attachment_with_length_only_when_known() -> None:
    data = build_feed("atom", meta(), [FILES])
    links = xpath(data, "//*[local-name()='entry']/*[local-name()='link'][@rel='enclosure']")
    assert [dict(link.attrib) for link in links] == [
        {
            "href": "http://www.zgkjcx.com/UploadFiles/指南.pdf",
            "rel": "enclosure",
            "type": "application/pdf",
            "length": "182304",
            "title": "申报指南.pdf",
        },
        {"href": DOCX.url, "rel": "enclosure", "type": DOCX.mime_type, "title": DOCX.title},
        {"href": UNKNOWN.url, "rel": "enclosure", "type": "application/octet-stream"},
    ]


@pytest.mark.parametrize(
    ("files", "expect"),
    [
        ((PDF, DOCX), {"url": PDF.url, "length": "182304", "type": "application/pdf"}),
        ((DOCX,), {"url": DOCX.url, "length": "0", "type": DOCX.mime_type}),
        ((UNKNOWN,), {"url": UNKNOWN.url, "length": "0", "type": "application/octet-stream"}),
    ],
)
def test_rss_carries_one_enclosure_with_every_required_attribute(
    files: tuple[Attachment, ...], expect: dict[str, str]
) -> None:
    data = build_feed("rss", meta(), [article("2900", attachments=files)])
    [enclosure] = xpath(data, "//item/enclosure")
    assert dict(enclosure.attrib) == expect


def test_json_feed_lists_attachments_with_the_fields_it_knows() -> None:
    item = json.loads(build_feed("json", meta(), [FILES]))["items"][0]
    assert item["attachments"] == [
        {
            "url": PDF.url,
            "mime_type": "application/pdf",
            "title": "申报指南.pdf",
            "size_in_bytes": 182304,
        },
        {"url": DOCX.url, "mime_type": DOCX.mime_type, "title": DOCX.title},
        {"url": UNKNOWN.url, "mime_type": "application/octet-stream"},
    ]


def test_an_article_without_attachments_has_no_enclosure() -> None:
    plain = article("2901")
    assert xpath(build_feed("atom", meta(), [plain]), "//*[@rel='enclosure']") == []
    assert xpath(build_feed("rss", meta(), [plain]), "//enclosure") == []
    assert "attachments" not in json.loads(build_feed("json", meta(), [plain]))["items"][0]


def test_control_characters_in_an_attachment_name_do_not_break_the_feed() -> None:
    dirty = article("2902", attachments=(Attachment("http://x.cn/a.pdf", "附\x0b件.pdf"),))
    for fmt in ("atom", "rss"):
        parsed = feedparser.parse(build_feed(fmt, meta(), [dirty]))
        assert not parsed.bozo, parsed.get("bozo_exception")


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_feedparser_reads_the_enclosures(fmt: str) -> None:
    parsed = feedparser.parse(build_feed(fmt, meta(), [FILES]))
    assert not parsed.bozo, parsed.get("bozo_exception")
    got = [(e.href, e.type, e.get("length")) for e in parsed.entries[0].enclosures]
    first = (PDF.url, "application/pdf", "182304")
    if fmt == "rss":
        assert got == [first]
    else:
        assert got[0] == first and [g[0] for g in got] == [PDF.url, DOCX.url, UNKNOWN.url]
