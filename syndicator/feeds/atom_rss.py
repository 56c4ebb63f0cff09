"""Atom 1.0 and RSS 2.0 through feedgen, with its known traps worked around.

feedgen 1.0.0 prepends entries unless told to append, stamps `updated` with now() unless
given one, makes the RSS channel link the *last* link added, and silently drops hub links
from RSS. Each of those is handled here and checked by the tests.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from feedgen.feed import FeedGenerator
from lxml import etree

from syndicator.feeds.meta import (
    FeedMeta,
    entry_author,
    entry_html,
    entry_id,
    feed_updated,
    local_time,
    select_articles,
    summary,
    xml_safe,
)
from syndicator.models import Article

ATOM_NS = "http://www.w3.org/2005/Atom"
_GENERATOR = "syndicator"


def build_atom(meta: FeedMeta, articles: Sequence[Article]) -> bytes:
    selected = select_articles(meta, articles)
    fg = _generator(meta, selected, "atom")
    fg.language(meta.language)
    data: bytes = fg.atom_str(pretty=True, encoding="UTF-8", xml_declaration=True)
    return data


def build_rss(meta: FeedMeta, articles: Sequence[Article]) -> bytes:
    selected = select_articles(meta, articles)
    fg = _generator(meta, selected, "rss")
    # The RSS profile wants the lower-case form; Atom's xml:lang keeps the BCP 47 case.
    fg.language(meta.language.lower())
    if meta.ttl_minutes is not None and meta.ttl_minutes > 0:
        fg.ttl(meta.ttl_minutes)
    data: bytes = fg.rss_str(pretty=True, encoding="UTF-8", xml_declaration=True)
    return _add_rss_hubs(data, meta.hubs)


def _generator(meta: FeedMeta, selected: Sequence[Article], fmt: str) -> FeedGenerator:
    fg = FeedGenerator()
    fg.load_extension("dc", atom=False, rss=True)
    fg.id(meta.feed_id)
    fg.title(xml_safe(meta.title))
    fg.subtitle(xml_safe(meta.description or meta.title))
    fg.author(name=xml_safe(meta.author_name))
    fg.generator(_GENERATOR)
    fg.updated(local_time(meta, feed_updated(selected)))
    media_type = "application/atom+xml" if fmt == "atom" else "application/rss+xml"
    fg.link(href=meta.url(fmt), rel="self", type=media_type)
    for hub in meta.hubs:
        fg.link(href=hub, rel="hub")
    # Added last on purpose: feedgen makes the last link the RSS <channel><link>.
    fg.link(href=meta.home_page_url, rel="alternate", type="text/html")
    for article in selected:
        _add_entry(fg, meta, article, fmt)
    return fg


def _add_entry(fg: FeedGenerator, meta: FeedMeta, article: Article, fmt: str) -> None:
    fe = fg.add_entry(order="append")
    fe.id(entry_id(article))
    fe.guid(entry_id(article), permalink=False)
    fe.title(article.title)
    fe.link(href=article.url, rel="alternate", type="text/html")
    fe.published(local_time(meta, article.published))
    fe.updated(local_time(meta, article.updated))
    text = summary(article) or article.title
    # RSS readers render <description> as HTML: plain text goes in escaped, or a portal's
    # "&lt;img onerror=…&gt;" (text, once decoded) would become live markup. Atom's
    # <summary> is typed text and needs no such step.
    fe.summary(html.escape(text, quote=False) if fmt == "rss" else text)
    fe.content(entry_html(meta, article), type="html")
    if article.category_name:
        fe.category(term=article.category_name)
    author = entry_author(article)
    if author:
        fe.author(name=author)
        fe.dc.dc_creator(author)


def _add_rss_hubs(data: bytes, hubs: Sequence[str]) -> bytes:
    """Put back the `atom:link rel="hub"` elements feedgen leaves out of RSS."""
    if not hubs:
        return data
    root = etree.fromstring(data)
    channel = root.find("channel")
    self_link = channel.find(f"{{{ATOM_NS}}}link[@rel='self']") if channel is not None else None
    if channel is None or self_link is None:
        return data
    position = list(channel).index(self_link) + 1
    for offset, hub in enumerate(hubs):
        link = etree.Element(f"{{{ATOM_NS}}}link", href=hub, rel="hub")
        link.tail = self_link.tail
        channel.insert(position + offset, link)
    result: bytes = etree.tostring(root, encoding="UTF-8", xml_declaration=True, pretty_print=True)
    return result
