"""A category's list page to ``ListPage``: the main list only, in page order.

The main list is the best region of repeated records (``regions``); the next page is
what the pager says (``pager``). What a CMS family adds (hidden rows, script pagers)
comes from the plug-ins in ``cms``: they add to the general answer, never replace it.
A row's date is the one it prints; a date printed without a year takes the year from
the link's path when it carries one ("03-18" beside ``/2023-3/18/…``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from urllib.parse import urlsplit

from syndicator.errors import NotAList
from syndicator.extract import cms
from syndicator.extract.dates import find_dates, parse_date
from syndicator.extract.decode import declared_encoding
from syndicator.extract.labels import split_labels
from syndicator.extract.meta import parse_meta_date
from syndicator.extract.pager import next_page
from syndicator.extract.regions import (
    beside,
    box_heading,
    find_main_list,
    names_the_page,
)
from syndicator.extract.select import select
from syndicator.extract.text import (
    ELLIPSIS,
    Element,
    base_url,
    drop_noise,
    link_text,
    norm,
    page_title,
    parse,
    text_of,
)
from syndicator.extract.urls import absolutize, looks_like_article
from syndicator.models import ListItem, ListPage, Selectors

_SIDEBAR = re.compile(r"热门|推荐|排行|热点|相关|精彩|专题|公告|友情链接|图片")
# A configured item's row: table cells and spans are parts of a row, never rows.
_ROW_TAGS = ("tr", "li", "dd", "dt", "div", "p")
# A date printed for a row stands nearly alone: "2023-11-20", "发布时间：2023-11-20 14:30".
_MAX_DATE_PIECE = 40
# The year a link's path is filed under: /2023-3/18/, /202303/, /2023/0318/, /2023/03/.
_PATH_YEAR = re.compile(
    r"/((?:19|20)\d{2})(?:[-/_]?(0[1-9]|1[0-2]|[1-9](?=[-/_])))?(?=[-/_]|\d{2}[/_])"
)


@dataclass(frozen=True, slots=True)
class _Row:
    row: Element
    link: Element
    url: str
    text: str
    beside: tuple[str, ...]


def extract_list(
    html: str,
    url: str,
    *,
    tz: tzinfo,
    now: datetime,
    selectors: Selectors | None = None,
    encoding: str | None = None,
) -> ListPage:
    """Read a list page; raise NotAList when it holds no list of article links."""
    sel = selectors or Selectors()
    codec = encoding or declared_encoding(html)
    root = parse(cms.prepare(html))
    if root is None:
        raise NotAList(url, "empty page")
    base = base_url(root, url)
    # Pager scripts are read before noise (scripts included) is dropped.
    pager_script = cms.next_page(html, root, url, base, codec)
    drop_noise(root)
    for pattern in sel.exclude:
        for el in select(root, pattern):
            el.drop_tree()
    rows = (
        _selected_rows(root, sel.item, base, codec)
        if sel.item
        else _detect_rows(root, base, url, codec, tz, now)
    )
    if not rows:
        raise NotAList(url, "no list of article links found")
    items: dict[str, ListItem] = {}
    for row in rows:
        if row.url not in items:
            items[row.url] = _item(row, sel, tz, now)
    following = next_page(root, base, url, codec, pager_script)
    return ListPage(url=url, items=tuple(items.values()), next_page=following)


def _selected_rows(root: Element, css: str, base: str, codec: str) -> list[_Row]:
    rows = []
    for link in select(root, css):
        target = absolutize(link.get("href") or "", base, codec)
        if target:
            row = _row_of(link)
            text = link_text(link)
            rest = text_of(row).replace(text_of(link), " ", 1) if row is not link else ""
            rows.append(_Row(row, link, target, text, (rest,)))
    return rows


def _row_of(link: Element) -> Element:
    for anc in link.iterancestors():
        if anc.tag in _ROW_TAGS:
            return anc
    return link


def _detect_rows(
    root: Element, base: str, page_url: str, codec: str, tz: tzinfo, now: datetime
) -> list[_Row]:
    """The records of the page's main list (``regions``), or a lone dated row."""
    region = find_main_list(root, base, page_url, codec)
    if region is not None:
        rows = frozenset(r.row for r in region.records)
        return [_Row(r.row, r.link, r.url, r.title, beside(r, rows)) for r in region.records]
    return _single_row(root, base, codec, tz, now)


def _single_row(root: Element, base: str, codec: str, tz: tzinfo, now: datetime) -> list[_Row]:
    """A last page may hold one article: accept a lone dated row in a list element
    (li, tr, dd) with an article-shaped link, not under a sidebar heading nor in
    header/nav/footer."""
    title = page_title(root)
    found: list[_Row] = []
    for link in root.iter("a"):
        target = absolutize(link.get("href") or "", base, codec)
        text = link_text(link)
        if not target or not text or not looks_like_article(target):
            continue
        row = _row_of(link)
        if row.tag not in ("li", "tr", "dd") or _in_chrome(row):
            continue
        rest = text_of(row).replace(text_of(link), " ", 1)
        if not find_dates(rest, tz, now):
            continue
        heading = box_heading(row.getparent() if row.getparent() is not None else row)
        if _SIDEBAR.search(heading) and not names_the_page(heading, title):
            continue
        found.append(_Row(row, link, target, text, (rest,)))
    return found if len({r.url for r in found}) == 1 else []


def _in_chrome(el: Element) -> bool:
    for anc in el.iterancestors():
        marks = f"{anc.tag} {anc.get('class') or ''} {anc.get('id') or ''}".lower()
        if re.search(r"\b(?:nav|header|footer|aside|side|right|left|menu|top|bottom)", marks):
            return True
    return False


def _item(row: _Row, sel: Selectors, tz: tzinfo, now: datetime) -> ListItem:
    text = row.text
    tip = row.link.get("title") or ""
    fields = split_labels(tip) if tip else {}
    title = _full_title(text, tip, fields)
    when = None
    if sel.date:
        for el in select(row.row, sel.date):
            when = parse_date(text_of(el), tz, now)
            if when:
                break
    if sel.date:
        # A configured date cell overrides detection, also when it holds no date.
        pass
    elif when is None and fields.get("date"):
        when = parse_date(fields["date"] or "", tz, now)
    if when is None and not sel.date:
        when = _time_element(row.row, tz, now)
    if when is None and not sel.date:
        when = _printed_date(row, tz, now)
    return ListItem(
        url=row.url,
        title=title,
        published=when[0] if when else None,
        date_only=when[1] if when else True,
    )


def _time_element(row: Element, tz: tzinfo, now: datetime) -> tuple[datetime, bool] | None:
    """An HTML5 ``<time datetime>`` in the row states the date exactly."""
    if row.tag == "a":
        return None
    for el in row.iter("time"):
        stamp = el.get("datetime")
        if stamp:
            found = parse_meta_date(stamp, tz, now)
            if found:
                return found
    return None


def _full_title(text: str, tip: str, fields: dict[str, str | None]) -> str:
    """The tooltip's 文章标题, or a title attribute that completes a truncated text."""
    if fields.get("title"):
        return fields["title"] or text
    tip = norm(tip)
    if not tip or fields:
        return text
    stem = text.rstrip("".join(ELLIPSIS) + " ")
    if not text or text.endswith(ELLIPSIS) or (tip.startswith(stem) and len(tip) > len(text)):
        return tip
    return text


def _printed_date(row: _Row, tz: tzinfo, now: datetime) -> tuple[datetime, bool] | None:
    """The date a row prints beside its title: a full date before a month-day, and only
    from a short piece of text (a date cell, "(2023-11-20)", "发布时间：…"), never one
    quoted in a summary. A month-day takes the year its link is filed under when the
    path's month (if it has one) agrees and that does not put the date in the future."""
    short = [piece for piece in row.beside if len(piece) <= _MAX_DATE_PIECE]
    for year_less in (False, True):
        for piece in short:
            found = find_dates(piece, tz, now, year_less=year_less)
            if found:
                return _filed_year(found[0], row.url, now) if year_less else found[0]
    return None


def _filed_year(found: tuple[datetime, bool], url: str, now: datetime) -> tuple[datetime, bool]:
    when, date_only = found
    filed = _PATH_YEAR.search(urlsplit(url).path)
    if filed is None or (filed.group(2) and int(filed.group(2)) != when.month):
        return found
    try:
        moved = when.replace(year=int(filed.group(1)))
    except ValueError:  # 29 February in a year without it
        return found
    return (moved, date_only) if moved <= now + timedelta(days=1) else found
