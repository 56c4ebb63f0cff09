"""Hanweb (大汉) JCMS lists: XML records instead of rows, a pager instead of links.

A column page carries its first group of records as ``<record><![CDATA[<li>…]]>`` in a
``<script type="text/xml"><datastore>``, and no link to page 2 (a static ``index_1.html``
does not exist). Its jpage script asks ``dataproxy.jsp`` for the following records by
number: ``startrecord``..``endrecord`` (one group of ``groupSize`` pages of ``perPage``
records), naming the column with the parameters of the ``<nextgroup>`` link, and the
proxy answers with the same ``<datastore>`` XML and a ``<totalrecord>`` count. The next
page is that request, written as a GET, so the fetcher can follow it like any link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from syndicator.extract.text import Element, parse
from syndicator.extract.urls import absolutize

_XML_SCRIPT = re.compile(
    r"<script\b[^>]*type\s*=\s*[\"']?text/xml[^>]*>(.*?)</script\s*>", re.I | re.S
)
_DATASTORE = re.compile(r"<datastore\b[^>]*>(.*?)</datastore\s*>", re.I | re.S)
_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S)
_NEXTGROUP = re.compile(r"<nextgroup>\s*<!\[CDATA\[(.*?)\]\]>\s*</nextgroup>", re.I | re.S)
_TOTAL = re.compile(r"<totalrecord>\s*(\d+)\s*</totalrecord>", re.I)
# The window of records a request asks for; the pager's own ``page`` is not one of them.
_WINDOW = frozenset({"startrecord", "endrecord", "perpage", "page"})


@dataclass(frozen=True, slots=True)
class _Window:
    """Records ``start``..``end`` (1-based, inclusive), shown ``perpage`` at a time."""

    start: int
    end: int
    perpage: int

    @property
    def size(self) -> int:
        return self.end - self.start + 1

    def following(self) -> _Window:
        return _Window(self.end + 1, self.end + self.size, self.perpage)


def inline_records(html: str) -> str:
    """The records as plain rows in a ``<div>``, where the list detector finds them: in a
    column page's XML script, or as the whole of a dataproxy.jsp answer."""
    if "<record" not in html:
        return html

    def rows(match: re.Match[str]) -> str:
        return "<div>" + "".join(_RECORD.findall(match.group(1))) + "</div>"

    html = _XML_SCRIPT.sub(rows, html)
    return _DATASTORE.sub(rows, html)


def next_group(html: str, url: str, base: str, encoding: str = "utf-8") -> str | None:
    """The dataproxy.jsp request for the records after this page's; None after the last
    record, or when the page does not say how many records there are."""
    stores = [m.group(1) for m in _DATASTORE.finditer(html)]
    if not stores:
        return None
    # A column page may hold more than one jpage box: the list is the longest.
    store = max(stores, key=lambda s: len(_RECORD.findall(s)))
    total = _total(store, html)
    current = _window_of(url)
    if current is not None:
        # A proxy answer: ask the same proxy for the next window of the same size.
        return _request(url, current.following()) if current.end < total else None
    proxy = _nextgroup_url(store, base, encoding)
    if proxy is None:
        return None
    per_page, group = _option(html, "perPage"), _option(html, "groupSize")
    # The page was served with the first group; without the script's numbers its record
    # count is the group's size.
    size = per_page * group if per_page and group else len(_RECORD.findall(store))
    if size < 1 or size >= total:
        return None
    return _request(proxy, _Window(size + 1, 2 * size, per_page or size))


def _total(store: str, html: str) -> int:
    found = _TOTAL.search(store)
    if found:
        return int(found.group(1))
    return _option(html, "totalRecord") or 0


def _option(html: str, name: str) -> int | None:
    """A number from the jpage call (``$('#id').jpage({perPage:15,…})``)."""
    found = re.search(rf"\b{name}\s*:\s*[\"']?(\d+)", html)
    return int(found.group(1)) if found else None


def _nextgroup_url(store: str, base: str, encoding: str) -> str | None:
    """The proxy named by ``<nextgroup>``; its link is HTML, so a parser reads the href
    (a regex would miss entities and quoting)."""
    cdata = _NEXTGROUP.search(store)
    root = parse(cdata.group(1)) if cdata else None
    link = root.find(".//a[@href]") if root is not None else None
    if link is None:
        return None
    target = absolutize(link.get("href") or "", base, encoding)
    return target if target and "dataproxy" in urlsplit(target).path.lower() else None


def _window_of(url: str) -> _Window | None:
    values = dict(_pair_name(pair) for pair in urlsplit(url).query.split("&") if pair)
    try:
        start, end = int(values["startrecord"]), int(values["endrecord"])
    except (KeyError, ValueError):
        return None
    if start < 1 or end < start:
        return None
    per = values.get("perpage", "")
    return _Window(start, end, int(per) if per.isdigit() and int(per) > 0 else end - start + 1)


def _pair_name(pair: str) -> tuple[str, str]:
    name, _, value = pair.partition("=")
    return name.lower(), value


def _request(proxy: str, window: _Window) -> str:
    """The proxy URL asking for ``window``: the window first, as the pager sends it, then
    the column's parameters once each, still encoded as the page wrote them."""
    parts = urlsplit(proxy)
    kept: list[str] = []
    for pair in parts.query.split("&"):
        if pair and _pair_name(pair)[0] not in _WINDOW and pair not in kept:
            kept.append(pair)
    head = [f"startrecord={window.start}", f"endrecord={window.end}", f"perpage={window.perpage}"]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "&".join(head + kept), ""))


class Hanweb:
    name = "hanweb"

    def prepare(self, html: str) -> str:
        return inline_records(html)

    def next_page(self, html: str, root: Element, url: str, base: str, encoding: str) -> str | None:
        return next_group(html, url, base, encoding)


HANWEB = Hanweb()
