"""A built feed narrowed to the entries a reader asked for (``?filter=…&limit=…``).

The filter works on the feed's bytes rather than on articles: a filtered feed is then
exactly its source feed less some entries, with every element the builders wrote
(enclosures, authors, dates) kept as written, and needs nothing but what is served.

Two things change besides the entries: the self link (``atom:link rel="self"``, JSON
Feed's ``feed_url``) becomes the filtered URL, since a feed's self link must be the URL
it was fetched from; and the WebSub hub links are dropped, because hubs are pinged for
the unfiltered feed only and a reader that subscribed at a hub for the filtered URL
would wait for pushes that never come, where without the hub it keeps polling.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import lxml.html
from lxml import etree

from syndicator.feeds.meta import check_format
from syndicator.feeds.patterns import MAX_TEXT, Bounded, Budget, search

ATOM_NS = "http://www.w3.org/2005/Atom"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
_A = f"{{{ATOM_NS}}}"


class EntryField(StrEnum):
    TITLE = "title"
    # The entry's HTML content as text (its summary where it has none).
    DESCRIPTION = "description"


@dataclass(frozen=True)
class Rule:
    pattern: Bounded
    fields: frozenset[EntryField]

    def matches(self, texts: dict[EntryField, str], budget: Budget) -> bool:
        return any(search(self.pattern, texts[f], budget) for f in self.fields)


@dataclass(frozen=True)
class EntryFilter:
    """Keep an entry when every ``include`` rule matches it and no ``exclude`` rule
    does; then keep the first ``limit`` (feeds list the newest first)."""

    include: tuple[Rule, ...] = ()
    exclude: tuple[Rule, ...] = ()
    limit: int | None = None

    def keeps(self, texts: dict[EntryField, str], budget: Budget) -> bool:
        return all(r.matches(texts, budget) for r in self.include) and not any(
            r.matches(texts, budget) for r in self.exclude
        )

    def select(self, entries: list[Any], texts: Callable[[Any], dict[EntryField, str]]) -> set[int]:
        """Positions of the entries kept; FilterError when the patterns take too long."""
        budget = Budget()
        kept: list[int] = []
        for position, entry in enumerate(entries):
            if self.limit is not None and len(kept) >= self.limit:
                break
            if (not self.include and not self.exclude) or self.keeps(texts(entry), budget):
                kept.append(position)
        return set(kept)


def filter_feed(fmt: str, body: bytes, spec: EntryFilter, self_url: str) -> bytes:
    """``body`` (a feed this project built, in ``fmt``) with only the entries ``spec``
    keeps, its self link set to ``self_url`` and no hub links."""
    check_format(fmt)
    if fmt == "json":
        return _filter_json(body, spec, self_url)
    return _filter_xml(fmt, body, spec, self_url)


def html_text(markup: str) -> str:
    """The text a reader sees of an HTML fragment, on one line."""
    if not markup.strip():
        return ""
    try:
        text = lxml.html.fragment_fromstring(markup, create_parent="div").text_content()
    except (etree.ParserError, ValueError):
        text = markup
    return _flat(text)


def _flat(text: str) -> str:
    return " ".join(text.split())[:MAX_TEXT]


# ------------------------------------------------------------------------ JSON Feed


def _filter_json(body: bytes, spec: EntryFilter, self_url: str) -> bytes:
    feed: dict[str, Any] = json.loads(body)
    items = list(feed.get("items", []))
    kept = spec.select(items, _json_texts)
    feed["feed_url"] = self_url
    feed.pop("hubs", None)
    feed["items"] = [item for position, item in enumerate(items) if position in kept]
    # The same layout as jsonfeed.build_json writes.
    return (json.dumps(feed, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _json_texts(item: dict[str, Any]) -> dict[EntryField, str]:
    content = item.get("content_html")
    description = (
        html_text(content)
        if isinstance(content, str) and content.strip()
        else _flat(str(item.get("summary") or item.get("content_text") or ""))
    )
    return {
        EntryField.TITLE: _flat(str(item.get("title") or "")),
        EntryField.DESCRIPTION: description,
    }


# ------------------------------------------------------------------------ Atom, RSS

_PROLOG = re.compile(rb"(?:\s*(?:<\?.*?\?>|<!--.*?-->))*\s*", re.DOTALL)
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)


def _filter_xml(fmt: str, body: bytes, spec: EntryFilter, self_url: str) -> bytes:
    root = etree.fromstring(body, _PARSER)
    texts: Callable[[Any], dict[EntryField, str]]
    if fmt == "atom":
        holder, entries, texts = root, root.findall(f"{_A}entry"), _atom_texts
        links = root.findall(f"{_A}link")
    else:
        holder = root.find("channel")
        if holder is None:
            raise ValueError("an RSS feed without a channel")
        entries, texts = holder.findall("item"), _rss_texts
        links = holder.findall(f"{_A}link")
    kept = spec.select(entries, texts)
    for position, entry in enumerate(entries):
        if position not in kept:
            _remove(entry)
    for link in links:
        rel = link.get("rel")
        if rel == "self":
            link.set("href", self_url)
        elif rel == "hub":
            _remove(link)
    # What comes before the root (declaration, stylesheet) is kept byte for byte.
    prolog = _PROLOG.match(body)
    data: bytes = etree.tostring(root, encoding="UTF-8", xml_declaration=False)
    return (prolog.group() if prolog else b"") + data + (b"\n" if body.endswith(b"\n") else b"")


def _remove(element: Any) -> None:
    """Take an element out and keep the indentation of what follows it."""
    previous = element.getprevious()
    parent = element.getparent()
    if previous is not None:
        previous.tail = element.tail
    elif parent is not None:
        parent.text = element.tail
    if parent is not None:
        parent.remove(element)


def _child_text(element: Any, *paths: str) -> Iterator[str]:
    for path in paths:
        found = element.find(path)
        if found is not None and found.text and found.text.strip():
            yield found.text


def _atom_texts(entry: Any) -> dict[EntryField, str]:
    title = next(_child_text(entry, f"{_A}title"), "")
    content = entry.find(f"{_A}content")
    if content is not None and content.text and content.text.strip():
        # Atom content without a type is plain text.
        description = html_text(content.text) if content.get("type") == "html" else content.text
    else:
        description = next(_child_text(entry, f"{_A}summary"), "")
    return {EntryField.TITLE: _flat(title), EntryField.DESCRIPTION: _flat(description)}


def _rss_texts(item: Any) -> dict[EntryField, str]:
    title = next(_child_text(item, "title"), "")
    # Both hold HTML: content:encoded the body, description the escaped summary.
    markup = next(_child_text(item, f"{{{CONTENT_NS}}}encoded", "description"), "")
    return {EntryField.TITLE: _flat(title), EntryField.DESCRIPTION: html_text(markup)}
