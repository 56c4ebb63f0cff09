"""Shared helpers over lxml trees: parsing a ``str``, visible text, placeholders."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TypeAlias

import lxml.html
from lxml import etree
from lxml.html import HtmlElement

from syndicator.extract.sanitize import strip_control
from syndicator.extract.urls import absolutize

Element: TypeAlias = HtmlElement

_SPACES = re.compile(r"[\s\u00a0\u2002-\u200b\u3000\ufeff]+")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>", re.I)
_EDGE_JUNK = " |｜/\\·•:：,，;；-—_【】[]（）()"
# How templates mark a title cut short.
ELLIPSIS = ("…", "...", "..", "⋯")
PLACEHOLDERS = frozenset(
    {"佚名", "未知", "没有了", "本站原创", "不详", "无", "本站", "本网", "本网站", "管理员"}
)
NOISE_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "embed")
BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "td",
        "th",
        "tr",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "figure",
        "figcaption",
        "section",
        "article",
        "main",
        "header",
        "footer",
        "aside",
        "nav",
        "center",
        "form",
        "br",
        "hr",
        "caption",
        "address",
    }
)


def norm(text: str) -> str:
    """Collapse every kind of space (nbsp, U+3000, zero-width) into one ASCII space."""
    return _SPACES.sub(" ", text).strip()


def clean_value(text: str | None) -> str | None:
    """A label's value with edge separators gone; None for placeholders such as 佚名."""
    if text is None:
        return None
    value = norm(text).strip(_EDGE_JUNK).strip()
    return None if not value or value in PLACEHOLDERS else value


def parse(html: str) -> Element | None:
    """An lxml document from text, or None when there is nothing to parse."""
    html = _XML_DECL.sub("", strip_control(html))
    if not html.strip():
        return None
    try:
        root = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return None
    _adopt_strays(root)
    return root


def _adopt_strays(root: Element) -> None:
    """Move what the parser parked after the root back into <head> and <body>.

    Server-side includes often close the document early (a header include ending in
    ``</html>``); libxml2 then puts everything after it, the article included, into a
    second top-level ``<html>`` that walking the root never reaches. Browsers show
    that content as part of the body, so the tree is made to say the same.
    """
    for stray in [sib for sib in root.itersiblings() if isinstance(sib.tag, str)]:
        body = root.find("body")
        if body is None:
            body = etree.SubElement(root, "body")
        _append_text(body, stray.text)
        stray.text = None
        for child in list(stray):
            if child.tag in ("head", "body"):
                target = root.find("head") if child.tag == "head" else body
                target = body if target is None else target
                _append_text(target, child.text)
                target.extend(list(child))
                _append_text(target, child.tail)
                stray.remove(child)
            else:
                body.append(child)


def _append_text(el: Element, text: str | None) -> None:
    if not text:
        return
    if len(el):
        el[-1].tail = (el[-1].tail or "") + text
    else:
        el.text = (el.text or "") + text


def drop_noise(root: Element) -> None:
    """Remove scripts, styles and comments; their text is never content."""
    etree.strip_elements(root, *NOISE_TAGS, etree.Comment, etree.PI, with_tail=False)


def elements(root: Element) -> Iterator[Element]:
    """Every element, skipping comments and processing instructions."""
    # lxml filters to elements in C: no comments or processing instructions.
    yield from root.iter(etree.Element)


def text_floor(root: Element) -> dict[Element, int]:
    """For every element, a lower bound of ``len(text_of(el))``, in one pass: callers
    that only want short texts skip the long ones without building them."""
    floor: dict[Element, int] = {}
    for el in reversed(list(root.iter())):
        total = _piece(el.text) if isinstance(el.tag, str) else 0
        for child in el:
            total += floor.get(child, 0) + _piece(child.tail)
        floor[el] = total
    return floor


_INVISIBLE = frozenset("\u200b\ufeff")


def _piece(text: str | None) -> int:
    """At most the text's length once spaces collapse: its non-space characters."""
    if not text:
        return 0
    if _INVISIBLE.isdisjoint(text):
        return len("".join(text.split()))
    return len(norm(text))


def text_of(el: Element) -> str:
    return norm(el.text_content())


def link_text(link: Element) -> str:
    """What a link says: its text, else its image's alt, else its title attribute."""
    text = text_of(link)
    if text:
        return text
    img = link.find(".//img")
    if img is not None and norm(img.get("alt") or ""):
        return norm(img.get("alt") or "")
    return norm(link.get("title") or "")


def page_title(root: Element) -> str:
    """The text of the page's <title>, or "" when it has none."""
    found = root.find(".//title")
    return norm(found.text_content()) if found is not None else ""


def base_url(root: Element, url: str) -> str:
    """The page URL, or the document's <base href> resolved against it."""
    for base in root.iter("base"):
        href = base.get("href")
        if href:
            resolved = absolutize(href, url)
            if resolved:
                return resolved
    return url


def block_text(el: Element) -> str:
    """Plain text with one line per block, leading indents and blank lines dropped."""
    parts: list[str] = []
    _walk_text(el, parts)
    lines = (norm(line) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _walk_text(el: Element, parts: list[str]) -> None:
    block = isinstance(el.tag, str) and el.tag in BLOCK_TAGS
    if block:
        parts.append("\n")
    if isinstance(el.tag, str) and el.text:
        parts.append(el.text.replace("\n", " "))
    for child in el:
        _walk_text(child, parts)
    if block:
        parts.append("\n")
    if el.tail:
        parts.append(el.tail.replace("\n", " "))
