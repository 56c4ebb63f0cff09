"""A category's list page to ``ListPage``: the main list only, in page order.

The main list is found as the container with the most sibling rows that each hold
exactly one article link; sidebars titled 热门/推荐/排行 are discounted, so a long
"hot articles" box does not win over a short last page. What a CMS family adds (hidden
rows, script pagers) comes from the plug-ins in ``cms``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, tzinfo

from syndicator.errors import NotAList
from syndicator.extract import cms
from syndicator.extract.dates import find_dates, parse_date
from syndicator.extract.decode import declared_encoding
from syndicator.extract.labels import split_labels
from syndicator.extract.meta import parse_meta_date
from syndicator.extract.select import select
from syndicator.extract.text import Element, base_url, drop_noise, norm, parse, text_of
from syndicator.extract.urls import absolutize, looks_like_article
from syndicator.models import ListItem, ListPage, Selectors

_MAX_CLIMB = 6
_SIDEBAR = re.compile(r"热门|推荐|排行|热点|相关|精彩|专题|公告|友情链接|图片")
_ROW_DATE = re.compile(r"\d{1,4}\s*[-/.年]\s*\d{1,2}(?:\s*[-/.月]\s*\d{1,2})?")
# A configured item's row: table cells and spans are parts of a row, never rows.
_ROW_TAGS = ("tr", "li", "dd", "dt", "div", "p")
_NEXT = re.compile(r"^(?:下一?页|后一?页|next\b)", re.I)
_ELLIPSIS = ("…", "...", "..", "⋯")


@dataclass(frozen=True, slots=True)
class _Row:
    row: Element
    link: Element
    url: str


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
        else _detect_rows(root, base, codec, tz, now)
    )
    if not rows:
        raise NotAList(url, "no list of article links found")
    items: dict[str, ListItem] = {}
    for row in rows:
        if row.url not in items:
            items[row.url] = _item(row, rows, sel, tz, now)
    following = _next_page(root, base, url, codec)
    return ListPage(url=url, items=tuple(items.values()), next_page=following or pager_script)


def _selected_rows(root: Element, css: str, base: str, codec: str) -> list[_Row]:
    rows = []
    for link in select(root, css):
        target = absolutize(link.get("href") or "", base, codec)
        if target:
            rows.append(_Row(_row_of(link), link, target))
    return rows


def _row_of(link: Element) -> Element:
    for anc in link.iterancestors():
        if anc.tag in _ROW_TAGS:
            return anc
    return link


def _candidates(root: Element, base: str, codec: str) -> list[tuple[Element, str]]:
    found = []
    for link in root.iter("a"):
        target = absolutize(link.get("href") or "", base, codec)
        if target and looks_like_article(target) and _link_text(link):
            found.append((link, target))
    return found


def _detect_rows(root: Element, base: str, codec: str, tz: tzinfo, now: datetime) -> list[_Row]:
    """Rows of the container whose children each hold exactly one article link."""
    groups: dict[Element, dict[Element, list[tuple[Element, str]]]] = {}
    candidates = _candidates(root, base, codec)
    for link, target in candidates:
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
        single = [(row, links[0]) for row, links in rows.items() if len({t for _, t in links}) == 1]
        score = float(len(single) - (len(rows) - len(single)))
        heading = _heading(container)
        if _SIDEBAR.search(heading) and not _names_the_page(heading, title):
            # A 热门/推荐 box is never the list, even when the list is gone: an empty
            # category must read as empty, not as its sidebar. A box named like the page
            # itself ("通知公告" on the 通知公告 page) is the list.
            continue
        # Lists of articles carry dates; nav bars and footers of article-shaped links
        # ("联系我们") do not: dated rows count up to double.
        dated = sum(1 for row, _ in single if _ROW_DATE.search(row.text_content()))
        score *= 1.0 + dated / max(len(single), 1)
        if len(single) >= 2 and score > best_score:
            best_score = score
            best = [_Row(row, link, target) for row, (link, target) in single]
    return best or _single_row(candidates, title, tz, now)


def _single_row(
    candidates: list[tuple[Element, str]], title: str, tz: tzinfo, now: datetime
) -> list[_Row]:
    """A last page may hold one article: accept a lone dated row in a list element
    (li, tr, dd) that is not under a sidebar heading nor in header/nav/footer."""
    found: list[_Row] = []
    for link, target in candidates:
        row = _row_of(link)
        if row.tag not in ("li", "tr", "dd") or _in_chrome(row):
            continue
        if not find_dates(text_of(row).replace(text_of(link), " ", 1), tz, now):
            continue
        heading = _heading(row.getparent() if row.getparent() is not None else row)
        if _SIDEBAR.search(heading) and not _names_the_page(heading, title):
            continue
        found.append(_Row(row, link, target))
    return found if len({r.url for r in found}) == 1 else []


def _in_chrome(el: Element) -> bool:
    for anc in el.iterancestors():
        marks = f"{anc.tag} {anc.get('class') or ''} {anc.get('id') or ''}".lower()
        if re.search(r"\b(?:nav|header|footer|aside|side|right|left|menu|top|bottom)", marks):
            return True
    return False


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
            if not isinstance(sib.tag, str):
                continue  # a comment or <?xml?> left beside the root
            text = text_of(sib)
            if text:
                # A box title is short; a long neighbour is other content, not a heading,
                # and a row of links is a menu (the tabs 公司公告 定期报告 … above a
                # list), not a title either.
                menu = len(sib.findall(".//a")) >= 2
                return text if len(text) <= 20 and not menu else ""
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
        # A full date anywhere in the row beats a month-day quoted in its summary.
        text = _row_text(row, rows)
        found = find_dates(text, tz, now, year_less=False) or find_dates(text, tz, now)
        when = found[0] if found else None
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


def _next_page(root: Element, base: str, url: str, codec: str) -> str | None:
    """The target of the first 下一页 link: PowerEasy numbers static pages in reverse."""
    for link in root.iter("a"):
        if _NEXT.match(text_of(link)):
            target = absolutize(link.get("href") or "", base, codec)
            if target and target != url:
                return target
    return None
