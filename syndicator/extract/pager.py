"""The next page of a list, from what its pager says.

In order of how plainly a page says it: ``rel="next"``; a link worded 下一页/下页/后页/
Next (as text, title or an image's alt); what a CMS family's pager script computes
(``cms``); a run of page numbers, where the next page is the number after the current
one; last, a lone arrow (›, », >). The answer is never the page itself, so following
next pages cannot loop on one page.
"""

from __future__ import annotations

import re

from syndicator.extract.text import Element, link_text, norm, text_of
from syndicator.extract.urls import absolutize

_NEXT_WORDS = re.compile(
    r"^[\[【(（<«]?\s*(?:下\s*一?\s*页|后\s*一?\s*页|next(?:\s*page)?)\s*[>»›]*\s*[\]】)）]?$", re.I
)
_ONCLICK = re.compile(r"location(?:\.href)?\s*=\s*(?:encodeURI\(\s*)?[\"']([^\"']+)[\"']", re.I)
_ARROWS = re.compile(r"^(?:[>»›＞]|>>|››)$")
_NUMBER = re.compile(r"^[\[【(（]?\s*(\d{1,5})\s*[\]】)）]?$")
_CURRENT = re.compile(
    r"\b(?:current|curr|cur|active|on|sel|selected|this|now|thisclass|page-cur)\b", re.I
)
_PLAIN_NUMBER_TAGS = ("span", "b", "strong", "font", "em")


def next_page(root: Element, base: str, url: str, codec: str, scripted: str | None) -> str | None:
    """The next page's URL, or None on the last page (``scripted``: what a pager script
    computes, used when no link says it)."""
    own = _strip(url)
    for found in (
        _rel_next(root, base, codec),
        _worded(root, base, codec),
        scripted,
        _numbered(root, base, url, codec),
        _arrow(root, base, codec),
    ):
        if found and _strip(found) != own:
            return found
    return None


def _strip(url: str) -> str:
    return url.split("#", 1)[0]


def _target(link: Element, base: str, codec: str) -> str | None:
    """Where a pager link goes: its href, or for ``href="#"`` the address its onclick
    sends the browser to (``location.href=encodeURI('index_2.jhtml')``)."""
    found = absolutize(link.get("href") or "", base, codec)
    if found and found.split("#", 1)[0] != base.split("#", 1)[0]:
        return found
    script = _ONCLICK.search(link.get("onclick") or "")
    return absolutize(script.group(1), base, codec) if script else found


def _rel_next(root: Element, base: str, codec: str) -> str | None:
    for el in root.iter("link", "a"):
        if "next" in (el.get("rel") or "").lower().split():
            found = _target(el, base, codec)
            if found:
                return found
    return None


def _worded(root: Element, base: str, codec: str) -> str | None:
    for link in root.iter("a"):
        if _NEXT_WORDS.match(link_text(link)):
            return _target(link, base, codec)
    return None


def _arrow(root: Element, base: str, codec: str) -> str | None:
    for link in root.iter("a"):
        if _ARROWS.match(text_of(link)):
            found = _target(link, base, codec)
            if found:
                return found
    return None


def _numbered(root: Element, base: str, url: str, codec: str) -> str | None:
    """In a run of page numbers, the link numbered one past the current page: the
    current page is the number printed without a link, marked current, or linking
    here; with none of those, page 1 is current when 1 is not linked."""
    runs: dict[Element, list[tuple[int, Element]]] = {}
    for link in root.iter("a"):
        match = _NUMBER.match(text_of(link))
        parent = link.getparent()
        if match and parent is not None:
            box = parent if parent.tag not in ("li", "span") else parent.getparent()
            if box is not None:
                runs.setdefault(box, []).append((int(match.group(1)), link))
    own = _strip(url)
    for box, numbered in runs.items():
        if len(numbered) < 2 and not _current_in(box):
            continue
        linked = {n: link for n, link in numbered}
        current = _current(box, numbered, base, own, codec)
        if current is None:
            current = 1 if 1 not in linked and min(linked) == 2 else None
        if current is None or current + 1 not in linked:
            continue
        found = _target(linked[current + 1], base, codec)
        if found:
            return found
    return None


def _current_in(box: Element) -> bool:
    return any(_NUMBER.match(text_of(el)) for el in box.iter() if _marked(el))


def _marked(el: Element) -> bool:
    if not isinstance(el.tag, str):
        return False
    marks = f"{el.get('class') or ''} {el.get('id') or ''}"
    return bool(_CURRENT.search(marks))


def _current(
    box: Element, numbered: list[tuple[int, Element]], base: str, own: str, codec: str
) -> int | None:
    links = {id(link) for _, link in numbered}
    for number, link in numbered:
        target = _target(link, base, codec)
        holder = link.getparent()
        marked = _marked(link) or (holder is not None and holder is not box and _marked(holder))
        if (target and _strip(target) == own) or marked:
            return number
    for el in box.iter():
        if not isinstance(el.tag, str) or id(el) in links or el.tag == "a":
            continue
        if el.find(".//a") is not None and el is not box:
            continue
        own_text = norm(el.text or "")
        match = _NUMBER.match(own_text) if own_text else None
        if match and (el is not box or _marked(el) or el.tag in _PLAIN_NUMBER_TAGS):
            return int(match.group(1))
    # A bare number between links (``<a>1</a> 2 <a>3</a>``) is the current page.
    for _, link in numbered:
        for text in (link.tail or "").split():
            match = _NUMBER.match(text)
            if match:
                return int(match.group(1))
    return None
