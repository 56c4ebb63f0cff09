"""OPML 2.0 subscription list, so a reader can import every feed in one step.

Feeds arrive already grouped (one group per site, plus whatever the caller wants, such
as "全部"); each group becomes a folder outline. No creation date is written: the list
changes only when the feeds do.
"""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree

from syndicator.feeds.meta import FeedMeta, check_format, xml_safe

OPML_DOCS = "http://opml.org/spec2.opml"
_VERSION_LABEL = {"atom": "ATOM", "rss": "RSS2", "json": "JSONFEED"}


def build_opml(
    groups: Sequence[tuple[str, Sequence[FeedMeta]]], title: str, public_url: str, fmt: str = "atom"
) -> bytes:
    """One folder outline per (group name, feeds) pair, one feed outline per feed."""
    check_format(fmt)
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = xml_safe(title)
    etree.SubElement(head, "ownerId").text = public_url.rstrip("/") + "/"
    etree.SubElement(head, "docs").text = OPML_DOCS
    body = etree.SubElement(root, "body")
    for name, feeds in groups:
        folder = etree.SubElement(body, "outline", text=xml_safe(name), title=xml_safe(name))
        for meta in feeds:
            _feed_outline(folder, meta, fmt)
    data: bytes = etree.tostring(root, encoding="UTF-8", xml_declaration=True, pretty_print=True)
    return data


def _feed_outline(parent: etree._Element, meta: FeedMeta, fmt: str) -> None:
    etree.SubElement(
        parent,
        "outline",
        type="rss",
        version=_VERSION_LABEL[fmt],
        text=xml_safe(meta.title),
        title=xml_safe(meta.title),
        description=xml_safe(meta.description),
        language=meta.language,
        xmlUrl=meta.url(fmt),
        htmlUrl=meta.home_page_url,
    )
