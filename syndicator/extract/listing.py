"""A category's list page to ``ListPage``: the main list only, in page order.

The main list is found as the container with the most sibling rows that each hold
exactly one article link; sidebars titled 热门/推荐/排行 are discounted, so a long
"hot articles" box does not win over a short last page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, tzinfo

from syndicator.errors import NotAList
from syndicator.extract.dates import find_dates, parse_date
from syndicator.extract.labels import split_labels
from syndicator.extract.text import Element, base_url, drop_noise, norm, parse, text_of
from syndicator.extract.urls import absolutize, article_id
from syndicator.models import ListItem, ListPage, Selectors

_MAX_CLIMB = 6
_SIDEBAR = re.compile(r"热门|推荐|排行|热点|相关|精彩|专题|公告|友情链接|图片")
_SIDEBAR_FACTOR = 0.1
# A configured item's row: table cells and spans are parts of a row, never rows.
_ROW_TAGS = ("tr", "li", "dd", "dt", "div", "p")
_NEXT = re.compile(r"^(?:下一?页|后一?页|next\b)", re.I)
_ELLIPSIS = ("…", "...", "..", "⋯")


@dataclass(frozen=True, slots=True)
class _Row:
    row: Element
    link: Element
    url: str


def extract_list(html: str, url: str, *, tz: tzinfo, now: datetime,
                 selectors: Selectors | None = None) -> ListPage:
    """Read a list page; raise NotAList when it holds no list of article links."""
    sel = selectors or Selectors()
    root = parse(html)
    if root is None:
        raise NotAList(url, "empty page")
    base = base_url(root, url)
    drop_noise(root)
    for pattern in sel.exclude:
        for el in _select(root, pattern):
            el.drop_tree()
    rows = _selected_rows(root, sel.item, base) if sel.item else _detect_rows(root, base)
    if not rows:
        raise NotAList(url, "no list of article links found")
    items: dict[str, ListItem] = {}
    for row in rows:
        if row.url not in items:
            items[row.url] = _item(row, rows, sel, tz, now)
    return ListPage(url=url, items=tuple(items.values()), next_page=_next_page(root, base, url))


def _select(root: Element, css: str) -> list[Element]:
    try:
        return list(root.cssselect(css))
    except Exception:  # cssselect raises several private error types for bad CSS
        return []


def _selected_rows(root: Element, css: str, base: str) -> list[_Row]:
    rows = []
    for link in _select(root, css):
        target = absolutize(link.get("href") or "", base)
        if target:
            rows.append(_Row(_row_of(link), link, target))
    return rows


def _row_of(link: Element) -> Element:
    for anc in link.iterancestors():
        if anc.tag in _ROW_TAGS:
            return anc
    return link


def _candidates(root: Element, base: str) -> list[tuple[Element, str]]:
    found = []
    for link in root.iter("a"):
        target = absolutize(link.get("href") or "", base)
        if target and article_id(target) and _link_text(link):
            found.append((link, target))
    return found


def _detect_rows(root: Element, base: str) -> list[_Row]:
    """Rows of the container whose children each hold exactly one article link."""
    groups: dict[Element, dict[Element, list[tuple[Element, str]]]] = {}
    for link, target in _candidates(root, base):
        child = link
        for _ in range(_MAX_CLIMB):
            parent = child.getparent()
            if parent is None:
                break
            groups.setdefault(parent, {}).setdefault(child, []).append((link, target))
            child = parent
    best: list[_Row] = []
    best_score = 0.0
    title = _page_title(root)
    for container, rows in groups.items():
        single = [(row, links[0]) for row, links in rows.items()
                  if len({t for _, t in links}) == 1]
        score = float(len(single) - (len(rows) - len(single)))
        heading = _heading(container)
        if _SIDEBAR.search(heading):
            if not _names_the_page(heading, title):
                # A 热门/推荐 box is never the list, even when the list is gone: an
                # empty category must read as empty, not as its sidebar.
                continue
            score *= _SIDEBAR_FACTOR
        if len(single) >= 2 and score > best_score:
            best_score = score
            best = [_Row(row, link, target) for row, (link, target) in single]
    return best


def _page_title(root: Element) -> str:
    found = root.find(".//title")
    return norm(found.text_content()) if found is not None else ""


def _names_the_page(heading: str, title: str) -> bool:
    """Whether a box heading such as "通知公告" is the page's own subject (a category
    whose name happens to look like a sidebar's)."""
    core = re.sub(r"文章|列表|更多|[>»\s]", "", heading)
    return len(core) >= 2 and core in title


def _heading(container: Element) -> str:
    """The nearest text before the container, which titles a box ("热门文章")."""
    el: Element | None = container
    for _ in range(4):
        if el is None:
            break
        for sib in el.itersiblings(preceding=True):
            text = text_of(sib)
            if text:
                return text[-30:]
        parent = el.getparent()
        if parent is not None and norm(parent.text or ""):
            return norm(parent.text or "")[-30:]
        el = parent
    return ""


def _link_text(link: Element) -> str:
    text = text_of(link)
    if text:
        return text
    img = link.find(".//img")
    return norm(img.get("alt") or "") if img is not None else ""


def _item(row: _Row, rows: list[_Row], sel: Selectors, tz: tzinfo, now: datetime) -> ListItem:
    text = _link_text(row.link)
    tip = row.link.get("title") or ""
    fields = split_labels(tip) if tip else {}
    title = _full_title(text, tip, fields)
    when = None
    if sel.date:
        for el in _select(row.row, sel.date):
            when = parse_date(text_of(el), tz, now)
            if when:
                break
    if when is None and fields.get("date"):
        when = parse_date(fields["date"] or "", tz, now)
    if when is None:
        found = find_dates(_row_text(row, rows), tz, now)
        when = found[0] if found else None
    return ListItem(url=row.url, title=title, published=when[0] if when else None,
                    date_only=when[1] if when else True)


def _full_title(text: str, tip: str, fields: dict[str, str | None]) -> str:
    """The tooltip's 文章标题, or a title attribute that completes a truncated text."""
    if fields.get("title"):
        return fields["title"] or text
    tip = norm(tip)
    if not tip or fields:
        return text
    stem = text.rstrip("".join(_ELLIPSIS) + " ")
    if not text or text.endswith(_ELLIPSIS) or (tip.startswith(stem) and len(tip) > len(text)):
        return tip
    return text


def _row_text(row: _Row, rows: list[_Row]) -> str:
    """The row's text outside its link, where its date is printed."""
    if row.row is not row.link:
        full = text_of(row.row)
        return full.replace(text_of(row.link), " ", 1)
    links = {id(r.link) for r in rows}
    parts = [row.link.tail or ""]
    for sib in row.link.itersiblings():
        if id(sib) in links or sib.tag == "br":
            break
        parts.append(sib.text_content() + (sib.tail or ""))
    return norm(" ".join(parts))


def _next_page(root: Element, base: str, url: str) -> str | None:
    """The target of the first 下一页 link: PowerEasy numbers static pages in reverse."""
    for link in root.iter("a"):
        if _NEXT.match(text_of(link)):
            target = absolutize(link.get("href") or "", base)
            if target and target != url:
                return target
    return None
