"""Which bytes the replica answers for a request target; no sockets here.

IIS matches paths and ASP reads query parameters case-insensitively, so both are folded
before matching. Generated ``.html`` files and uploads are static (the server adds
validators); ``.asp`` answers are dynamic and carry none, as on the real host.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qsl, unquote, urlsplit

from syndicator.demo.portal_catalog import (
    CATEGORIES,
    WINDOW_START,
    Catalog,
    Category,
    Entry,
    category_by_class,
)
from syndicator.demo.portal_pages import article_page, home_page, list_page, page_count

ROBOTS = "User-agent: *\r\nDisallow: /Admin/\r\n"
# A 1x1 transparent GIF stands in for every uploaded picture.
PIXEL = bytes.fromhex(
    "47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b"
)

_STATIC_LIST = re.compile(r"^/article/([a-z]+)/(index|list_(\d+))\.html$")
_STATIC_ARTICLE = re.compile(r"^/article/([a-z]+)/(\d{6})/(\d+)(?:_(\d+))?\.html$")
_UPLOAD = re.compile(r"^/article/uploadfiles(?:_7788)?/\d{6}/\w+\.(?:jpg|gif)$")


@dataclass(frozen=True, slots=True)
class Resource:
    body: bytes
    content_type: str = "text/html"
    static: bool = False
    modified: datetime = WINDOW_START  # when the file was written, for Last-Modified


def encode_page(text: str) -> bytes:
    """CODEPAGE=936: GBK bytes, numeric references for what GBK cannot hold."""
    return text.encode("gbk", errors="xmlcharrefreplace")


def resolve(catalog: Catalog, target: str, page_size: int) -> Resource | None:
    parts = urlsplit(target)
    path = unquote(parts.path).lower()
    query = {k.lower(): v for k, v in parse_qsl(parts.query, keep_blank_values=True)}
    with catalog.lock:
        if path.endswith(".asp"):
            return _dynamic(catalog, path, query, page_size)
        return _static(catalog, path, page_size)


def _static(catalog: Catalog, path: str, page_size: int) -> Resource | None:
    if path in ("/", "/index.html", "/article/index.html"):
        text = home_page(catalog, channel=path.startswith("/article"))
        return Resource(encode_page(text), static=True, modified=_newest(catalog, None))
    if path == "/robots.txt":
        return Resource(ROBOTS.encode("ascii"), "text/plain", static=True)
    if _UPLOAD.match(path):
        return Resource(PIXEL, "image/gif", static=True)
    if match := _STATIC_LIST.match(path):
        return _static_list(catalog, match, page_size)
    if match := _STATIC_ARTICLE.match(path):
        return _static_article(catalog, match)
    return None


def _customised(slug: str) -> Category | None:
    cat = next((c for c in CATEGORIES if c.slug == slug), None)
    return cat if cat is not None and cat.customised else None


def _static_list(catalog: Catalog, match: re.Match[str], page_size: int) -> Resource | None:
    cat = _customised(match.group(1))
    if cat is None:
        return None
    page = 1
    if match.group(3) is not None:
        pages = page_count(len(catalog.listed(cat.slug)), page_size)
        page = pages - int(match.group(3)) + 1
        if page < 2:
            return None
    text = list_page(catalog, cat, page, page_size, static=True)
    if text is None:
        return None
    return Resource(encode_page(text), static=True, modified=_newest(catalog, cat.slug))


def _static_article(catalog: Catalog, match: re.Match[str]) -> Resource | None:
    cat = _customised(match.group(1))
    entry = catalog.get(int(match.group(3)))
    if cat is None or entry is None or entry.slug != cat.slug:
        return None
    if f"{entry.published:%Y%m}" != match.group(2):
        return None
    part = int(match.group(4) or 1)
    if not 1 <= part <= len(entry.part_starts) or match.group(4) == "1":
        return None
    text = article_page(catalog, entry, part, static=True)
    return Resource(encode_page(text), static=True, modified=_written(catalog, entry))


def _dynamic(catalog: Catalog, path: str, query: dict[str, str], page_size: int) -> Resource | None:
    if path == "/article/showclass.asp":
        cat = category_by_class(_int(query.get("classid"), 0))
        if cat is None:
            return None
        pages = page_count(len(catalog.listed(cat.slug)), page_size)
        page = min(max(_int(query.get("page"), 1), 1), pages)  # ASP clamps, never 404s
        text = list_page(catalog, cat, page, page_size, static=False)
        return None if text is None else Resource(encode_page(text))
    entry = catalog.get(_int(query.get("articleid"), 0))
    if entry is None:
        return None
    if path == "/article/showarticle.asp":
        part = min(max(_int(query.get("page"), 1), 1), len(entry.part_starts))
        return Resource(encode_page(article_page(catalog, entry, part, static=False)))
    if path == "/article/gethits.asp":
        return Resource(f"document.write('{entry.hits}');".encode("ascii"))
    return None


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _newest(catalog: Catalog, slug: str | None) -> datetime:
    entries: list[Entry] = catalog.listed(slug) if slug else catalog.all_entries()
    return max((e.modified for e in entries), default=WINDOW_START)


def _written(catalog: Catalog, entry: Entry) -> datetime:
    """A generated page is rewritten when it is edited or gains a 下一篇 neighbour."""
    _, newer = catalog.neighbours(entry)
    return max(entry.modified, newer.published) if newer else entry.modified
