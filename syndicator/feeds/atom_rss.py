"""Atom 1.0 and RSS 2.0 through feedgen, with its known traps worked around.

feedgen 1.0.0 prepends entries unless told to append, stamps `updated` with now() unless
given one, makes the RSS channel link the *last* link added, and silently drops hub links
from RSS. Each of those is handled here and checked by the tests.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from feedgen.entry import FeedEntry
from feedgen.feed import FeedGenerator
from lxml import etree

from syndicator.feeds.meta import (
    FeedMeta,
    enclosure_type,
    entry_author,
    entry_html,
    entry_id,
    feed_updated,
    local_time,
    select_articles,
    summary,
    xml_safe,
)
from syndicator.feeds.stylesheet import add_stylesheet
from syndicator.models import Article

ATOM_NS = "http://www.w3.org/2005/Atom"
# What an HTML parser would take for a tag or a comment.
_TAG = re.compile(r"</?[A-Za-z][^<>]*>|<!--.*?-->|<![A-Za-z][^<>]*>", re.DOTALL)
_GENERATOR = "syndicator"


def build_atom(meta: FeedMeta, articles: Sequence[Article]) -> bytes:
    selected = select_articles(meta, articles)
    fg = _generator(meta, selected, "atom")
    fg.language(meta.language)
    data: bytes = fg.atom_str(pretty=True, encoding="UTF-8", xml_declaration=True)
    return add_stylesheet(_add_atom_enclosures(data, selected), meta.public_url)


def build_rss(meta: FeedMeta, articles: Sequence[Article]) -> bytes:
    selected = select_articles(meta, articles)
    fg = _generator(meta, selected, "rss")
    # The RSS profile wants the lower-case form; Atom's xml:lang keeps the BCP 47 case.
    fg.language(meta.language.lower())
    if meta.ttl_minutes is not None and meta.ttl_minutes > 0:
        fg.ttl(meta.ttl_minutes)
    data: bytes = fg.rss_str(pretty=True, encoding="UTF-8", xml_declaration=True)
    return add_stylesheet(_add_rss_hubs(data, meta.hubs), meta.public_url)


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
    # An RSS title is text to the readers tested (feedparser, newsboat, sfeed,
    # reader), so it is not escaped twice as a description is; but some readers render
    # it as HTML, so a title the portal wrote as "&lt;img onerror=…&gt;" loses that
    # tag. "<研发>" or "a < b" are no tags and stay.
    fe.title(_TAG.sub("", article.title) if fmt == "rss" else article.title)
    fe.link(href=article.url, rel="alternate", type="text/html")
    fe.published(local_time(meta, article.published))
    fe.updated(local_time(meta, article.updated))
    text = summary(article) or article.title
    # RSS readers render <description> as HTML: plain text goes in escaped, or a portal's
    # "&lt;img onerror=…&gt;" (text, once decoded) would become live markup. Atom's
    # <summary> is typed text and needs no such step.
    fe.summary(html.escape(text, quote=False) if fmt == "rss" else text)
    fe.content(entry_html(meta, article), type="html")
    _add_enclosures(fe, article, fmt)
    if article.category_name:
        fe.category(term=article.category_name)
    author = entry_author(article)
    if author:
        fe.author(name=author)
        fe.dc.dc_creator(author)


def _add_enclosures(fe: FeedEntry, article: Article, fmt: str) -> None:
    """RSS: the first attachment only, since an item may carry one enclosure and readers
    differ on more, with length 0 when unknown as the RSS Best Practices Profile asks
    (url, length and type are all required). Atom's come after the build
    (``_add_atom_enclosures``): feedgen 1.0.0 writes an entry's links with their href
    alone, so rel="enclosure" would be lost."""
    if fmt == "rss" and article.attachments:
        first = article.attachments[0]
        fe.enclosure(url=first.url, length=str(first.length or 0), type=enclosure_type(first))


def _add_atom_enclosures(data: bytes, selected: Sequence[Article]) -> bytes:
    """Every attachment as a link rel="enclosure" after the entry's own link, with its
    length only when known (optional in Atom) and its name as the title."""
    wanted = {entry_id(a): a.attachments for a in selected if a.attachments}
    if not wanted:
        return data
    tree = etree.ElementTree(etree.fromstring(data, etree.XMLParser(remove_blank_text=True)))
    for entry in tree.getroot().iterfind(f"{{{ATOM_NS}}}entry"):
        files = wanted.get(entry.findtext(f"{{{ATOM_NS}}}id") or "", ())
        own = entry.find(f"{{{ATOM_NS}}}link")
        position = list(entry).index(own) + 1 if own is not None else len(entry)
        for offset, file in enumerate(files):
            link = etree.Element(f"{{{ATOM_NS}}}link", href=file.url, rel="enclosure")
            link.set("type", enclosure_type(file))
            if file.length is not None:
                link.set("length", str(file.length))
            if file.title:
                link.set("title", file.title)
            entry.insert(position + offset, link)
    result: bytes = etree.tostring(tree, encoding="UTF-8", xml_declaration=True, pretty_print=True)
    return result


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
