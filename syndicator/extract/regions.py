"""The main list of a page, found as a region of repeated records.

A list of articles is drawn by a template: sibling elements of one shape (``li``,
``tr``, ``div``, a table per row, or bare ``<a>`` runs), each holding a link and some
text, often a date or a thumbnail. Every element whose children repeat like that is a
candidate region; each region is scored as a whole, and the best one is the list:

- how many records it holds, each counted once by its title link;
- how long and how varied the titles are (menus and tag clouds have short, stock words);
- how many records carry a date;
- whether the targets share a URL shape (a template writes every link the same way)
  and stay on the page's site;
- where it sits: inside header/nav/footer, under a 热门/推荐 heading or beside a pager.

The title link of a record is chosen among its links (title, author page, comment
count, category tag, thumbnail); a card whose ``<a>`` wraps a heading and a summary is
titled by its heading. Nothing here depends on what a URL looks like one by one: a
URL's shape only matters relative to its neighbours'.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass
from statistics import median
from urllib.parse import urlsplit

from lxml import etree

from syndicator.extract.text import ELLIPSIS, Element, link_text, norm, page_title, text_of
from syndicator.extract.urls import absolutize

# Records are found this many levels above their links at most: li > div > h3 > a.
_MAX_CLIMB = 7
# Two dated rows of plain titles score about 4; a bare menu of short words under 1.
_MIN_SCORE = 1.0
# A row linking three or more targets by title-long texts holds records, it is not one.
_LONG_TITLE = 8
_CROWDED = 3
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_BLOCKS = frozenset(
    {"div", "p", "dl", "dt", "dd", "ul", "ol", "li", "section", "table", *_HEADINGS}
)
# Link texts that never title an article: pagers, "more" and "read on" links.
_NOT_TITLE = re.compile(
    r"^(?:[\[【(（]?\s*(?:\d{1,4}|[<>«»‹›…]+|上一?页|下一?页|首\s*页|尾\s*页|末\s*页|前一?页|"
    r"后一?页|更多.{0,4}|more\b.*|查看(?:更多|详情|全文)|详细|详情|阅读全文|全文|"
    r"阅读更多|点击查看|read more)\s*[\]】)）]?|[>»›]+)$",
    re.I,
)
# A comment or view counter links to the post but never titles it.
_COUNTER = re.compile(
    r"^(?:\d+\s*(?:comments?|replies|条评论|评论|回复|阅读|浏览)|"
    r"(?:评论|回复|阅读|浏览|点击|comments?)\s*[:：(（\[]?\s*\d+\s*[)）\]]?|no comments)$",
    re.I,
)
_CHROME_TAGS = frozenset({"header", "nav", "footer"})
_CHROME_TOKENS = frozenset(
    {
        "nav",
        "navbar",
        "navigation",
        "menu",
        "menus",
        "mainnav",
        "subnav",
        "header",
        "footer",
        "foot",
        "copyright",
        "friendlink",
        "friendlinks",
        "flink",
        "links",
        "breadcrumb",
        "crumb",
        "crumbs",
        "topbar",
        "toolbar",
        "sitemap",
    }
)
_SIDE_TAGS = frozenset({"aside"})
_SIDE_TOKENS = frozenset(
    {
        "side",
        "sidebar",
        "aside",
        "hot",
        "hots",
        "hotnews",
        "rank",
        "ranking",
        "recommend",
        "tuijian",
        "remen",
        "paihang",
        "related",
        "relate",
        "widget",
        "widgets",
        "secondary",
        "xgwz",
    }
)
_SIDE_HEADING = re.compile(
    r"热门|推荐|排行|热点|相关|精彩|专题|友情链接|图片|点击|阅读排行|猜你喜欢"
)
_TOKEN_SPLIT = re.compile(r"[^a-z0-9]+")
_DATE_HINT = re.compile(r"(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}|\d{1,2}\s*[-/.月]\s*\d{1,2}")
_PAGER_TEXT = re.compile(r"^(?:下一?页|尾\s*页|末\s*页|后一?页|next\b.*|last\b.*)$", re.I)
_DIGIT = re.compile(r"\d")
_BULLETS = "·•●○◆◇■□▪▫►▶▸→»>-—*・ \u00b7"
_ONLY_DATE = re.compile(
    r"^[\[【(（]?\s*(?:(?:19|20)?\d{2}\s*[-/.年]\s*)?\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"
    r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\s*[\]】)）]?$"
)
_SECOND_LEVEL = frozenset({"com", "net", "org", "gov", "edu", "ac"})


@dataclass(frozen=True, slots=True)
class Record:
    """One row of a list: the element, its title link, target and title text."""

    row: Element
    link: Element
    url: str
    title: str
    has_text: bool
    # Several title-like links to different targets: a box of records, not one.
    crowded: bool = False


@dataclass(frozen=True, slots=True)
class Region:
    container: Element
    records: tuple[Record, ...]
    score: float


def find_main_list(root: Element, base: str, page_url: str, codec: str) -> Region | None:
    """The best region of records in ``root`` (noise already dropped), or None."""
    links = _candidate_links(root, base, page_url, codec)
    if not links:
        return None
    groups = _group_by_ancestor(links)
    pager_zone = _pager_zone(root)
    site = _site(page_url)
    title = page_title(root)
    regions: dict[Element, tuple[str, list[Record]]] = {}
    for container, by_child in groups.items():
        if container.tag in ("body", "html"):
            continue  # the page's own blocks are sections, not records
        best_tag, rows = _rows_of(container, by_child)
        if best_tag is None:
            continue
        records = _aligned(rows, by_child)
        # Boxes of lists side by side (热门文章 beside 最新文章) are not one list.
        if len(records) >= 2 and sum(r.crowded for r in records) * 3 <= len(records):
            regions[container] = (best_tag, records)
    best: Region | None = None
    for container, (tag, _) in regions.items():
        for members in _merges(container, tag, regions):
            merged = [r for member in members for r in regions[member][1]]
            score = _score(container, merged, site, pager_zone, title, page_url)
            if best is None or score > best.score:
                best = Region(container, tuple(merged), score)
    return best if best is not None and best.score >= _MIN_SCORE else None


def _candidate_links(
    root: Element, base: str, page_url: str, codec: str
) -> list[tuple[Element, str, str]]:
    """Every web link with some text (or an image's alt), but never the page itself."""
    found = []
    own = page_url.split("#", 1)[0]
    for link in root.iter("a"):
        target = absolutize(link.get("href") or "", base, codec)
        # ``post/#comments`` is the post itself.
        target = target.split("#", 1)[0] if target else None
        if not target or target == own:
            continue
        text = link_text(link)
        if text:
            found.append((link, target, text))
    return found


_Linked = tuple[Element, str, str]


def _group_by_ancestor(
    links: list[_Linked],
) -> dict[Element, dict[Element, list[_Linked]]]:
    """For each ancestor of a link, its children on the way down to that link."""
    groups: dict[Element, dict[Element, list[_Linked]]] = {}
    for item in links:
        child = item[0]
        for _ in range(_MAX_CLIMB):
            parent = child.getparent()
            if parent is None:
                break
            groups.setdefault(parent, {}).setdefault(child, []).append(item)
            child = parent
    return groups


def _rows_of(
    container: Element, by_child: dict[Element, list[_Linked]]
) -> tuple[str | None, list[Element]]:
    """The container's children of its most repeated linked tag, in page order."""
    tags = Counter(child.tag for child in by_child)
    if not tags:
        return None, []
    tag, count = tags.most_common(1)[0]
    if count < 2:
        return None, []
    return tag, [child for child in container if child in by_child and child.tag == tag]


_Chosen = dict[str, tuple[Element, str, bool]]


def _record(row: Element, chosen: _Chosen, slot: tuple[str, ...] | None = None) -> Record | None:
    """The row's title link among its ``chosen`` candidates: the longest title, or the
    one in ``slot`` (where the region's rows keep their titles) when the row has it."""
    if not chosen:
        return None
    slotted = [
        url for url, found in chosen.items() if slot is not None and _slot(row, found[0]) == slot
    ]
    best = (
        max(slotted, key=lambda url: len(chosen[url][1]))
        if slotted
        else max(chosen, key=lambda url: (chosen[url][2], len(chosen[url][1])))
    )
    link, title, visible = chosen[best]
    titled = sum(1 for found in chosen.values() if found[2] and len(found[1]) >= _LONG_TITLE)
    return Record(row, link, best, title, visible, crowded=titled >= _CROWDED and _holds_list(row))


def _holds_list(row: Element) -> bool:
    """Whether the row holds a list of its own: an element whose children each link a
    title-long text (a box of records, not links quoted in an excerpt's prose)."""
    for el in row.iter(etree.Element):
        linked = 0
        for child in el:
            if not isinstance(child.tag, str):
                continue
            links = [child] if child.tag == "a" else child.iter("a")
            if any(len(text_of(a)) >= _LONG_TITLE for a in links):
                linked += 1
                if linked >= _CROWDED:
                    return True
    return False


def _candidates(links: list[_Linked]) -> _Chosen:
    """The row's targets that could be titled, each with the link that titles it: links
    to one target (thumbnail, title, summary, "详细") are one candidate, titled by the
    link whose text its title attribute confirms, else one in a heading, else the first."""
    by_url: dict[str, list[tuple[Element, str, bool]]] = {}
    for link, target, text in links:
        if _NOT_TITLE.match(text) or _COUNTER.match(text) or _ONLY_DATE.match(text):
            continue
        visible = bool(text_of(link))
        title = _debullet(_card_title(link) if visible else text)
        if title:
            by_url.setdefault(target, []).append((link, title, visible))
    return {url: _title_link(found) for url, found in by_url.items()}


def _slot(row: Element, link: Element) -> tuple[str, ...]:
    """Where a link sits in its row: the tags and classes on the way down to it."""
    path: list[str] = []
    el: Element | None = link
    while el is not None and el is not row:
        path.append(f"{el.tag}.{el.get('class') or ''}")
        el = el.getparent()
    return tuple(reversed(path))


def _aligned(rows: list[Element], by_child: dict[Element, list[_Linked]]) -> list[Record]:
    """Records whose title links sit in one slot: a template prints every title in the
    same place, so a longer author name or a link quoted in one excerpt does not win
    its row when the other rows say where titles go."""
    chosen = {row: _candidates(by_child[row]) for row in rows}
    records = [r for r in (_record(row, chosen[row]) for row in rows) if r is not None]
    if len(records) < 3:
        return records
    weight: Counter[tuple[str, ...]] = Counter()
    holders: Counter[tuple[str, ...]] = Counter()
    for row in rows:
        longest: dict[tuple[str, ...], int] = {}
        for link, title, visible in chosen[row].values():
            if visible:
                key = _slot(row, link)
                longest[key] = max(longest.get(key, 0), len(title))
        for key, length in longest.items():
            weight[key] += length
            holders[key] += 1
    if not weight:
        return records
    # The slot most rows fill, then the one with the longer texts.
    slot = max(weight, key=lambda key: (holders[key], weight[key]))
    if holders[slot] * 5 < len(records) * 3:
        return records
    return [r for r in (_record(row, chosen[row], slot) for row in rows) if r is not None]


def _title_link(found: list[tuple[Element, str, bool]]) -> tuple[Element, str, bool]:
    visible = [f for f in found if f[2]] or found
    if len(visible) == 1:
        return visible[0]
    tips = {norm(f[0].get("title") or "") for f in found} - {""}
    for f in visible:
        if any(tip == f[1] or tip.startswith(f[1].rstrip("".join(ELLIPSIS))) for tip in tips):
            return f
    for f in visible:
        if any(a.tag in _HEADINGS for a in f[0].iterancestors()):
            return f
    return visible[0]


def _debullet(text: str) -> str:
    """A title without the bullet a template prints before it ("·标题")."""
    return text.lstrip(_BULLETS).strip()


def _card_title(link: Element) -> str:
    """A card's ``<a>`` may wrap an image, a heading, a summary and a date: its heading,
    else its first piece of text, is the title; a date printed inside a link is never
    part of its title."""
    parts = [el for el in link.iterdescendants() if isinstance(el.tag, str)]
    if not any(el.tag in _BLOCKS or _ONLY_DATE.match(text_of(el)) for el in parts):
        return text_of(link)
    for el in parts:
        if el.tag in _HEADINGS and text_of(el):
            return _without_dates(el)
    return _first_piece(link) or text_of(link)


def _without_dates(el: Element) -> str:
    """An element's text without the date a child prints (``<h4><span>2022-03-21</span>
    标题</h4>``)."""
    dated = [
        c for c in el.iterdescendants() if isinstance(c.tag, str) and _ONLY_DATE.match(text_of(c))
    ]
    if not dated:
        return text_of(el)
    parts = [el.text or ""]
    for child in el:
        if child not in dated:
            parts.append(child.text_content())
        parts.append(child.tail or "")
    return norm("".join(parts)) or text_of(el)


def _first_piece(el: Element) -> str:
    """The first child (or loose text) holding text that is not a date, descending
    through wrappers that hold nothing but other pieces."""
    if norm(el.text or "") and not _ONLY_DATE.match(norm(el.text or "")):
        return _without_dates(el)
    for child in el:
        if not isinstance(child.tag, str):
            continue
        text = text_of(child)
        if text and not _ONLY_DATE.match(text):
            own = norm(child.text or "") or any(norm(c.tail or "") for c in child)
            boxes = [c for c in child if isinstance(c.tag, str) and text_of(c)]
            return _first_piece(child) if boxes and not own else text
        tail = norm(child.tail or "")
        if tail and not _ONLY_DATE.match(tail):
            return _without_dates(el)
    return ""


def _merges(
    container: Element, tag: str, regions: dict[Element, tuple[str, list[Record]]]
) -> list[list[Element]]:
    """The container alone, and with its siblings of the same tag and class that hold
    rows of the same tag (a list printed as several ``<ul>`` of five), when no heading
    stands between them."""
    parent = container.getparent()
    alone = [[container]]
    if parent is None:
        return alone
    run: list[Element] = []
    found: list[Element] | None = None
    for sib in parent:
        if not isinstance(sib.tag, str):
            continue
        same = (
            sib.tag == container.tag
            and sib.get("class") == container.get("class")
            and sib in regions
            and regions[sib][0] == tag
        )
        if same:
            run.append(sib)
            continue
        if text_of(sib) or sib.find(".//a") is not None:
            if container in run:
                found = run
            run = []
    if container in run:
        found = run
    if found and len(found) > 1 and found[0] is container:
        return [*alone, found]
    return alone


def _score(
    container: Element,
    records: list[Record],
    site: str,
    pager_zone: set[Element],
    title: str,
    page_url: str,
) -> float:
    urls = list(dict.fromkeys(r.url for r in records))
    n = len(urls)
    lengths = [len(r.title) for r in records]
    # Titles of articles run to a dozen characters and more; menus say 2 to 6.
    length = min(max((median(lengths) - 1) / 8, 0.05), 1.0)
    variety = len({r.title for r in records}) / len(records)
    dated = sum(1 for r in records if _DATE_HINT.search(_outside(r))) / len(records)
    shapes = Counter(_shape(u) for u in urls)
    consistent = shapes.most_common(1)[0][1] / n
    same_site = sum(1 for u in urls if _site(u) == site) / n
    textual = sum(1 for r in records if r.has_text) / len(records)
    score = float(n) * length * variety
    score *= 1.0 + dated
    score *= 0.3 + 0.7 * consistent
    score *= 0.5 + 0.5 * same_site
    score *= 0.3 + 0.7 * textual
    score *= _alike(records)
    folder = _folder(page_url)
    if folder:
        # A column's articles are often filed under the column's own folder.
        score *= 1.0 + 0.5 * sum(1 for u in urls if urlsplit(u).path.startswith(folder)) / n
    score *= _placement(container, title)
    if all(r.row.tag == "article" for r in records):
        # HTML5 says it: a run of <article> elements is a list of articles.
        score *= 1.5
    if _near(container, pager_zone):
        score *= 1.5
    return score


def _alike(records: list[Record]) -> float:
    """How alike neighbouring rows are built (a template's rows are; a page's blocks,
    a menu beside a list beside a box, are not): the mean overlap of their tags."""
    shapes = [_tag_counts(r.row) for r in records]
    pairs = list(itertools.pairwise(shapes))
    if not pairs:
        return 1.0
    total = 0.0
    for a, b in pairs:
        low = sum((a & b).values())
        high = sum((a | b).values())
        total += low / high if high else 1.0
    return total / len(pairs)


def _tag_counts(row: Element) -> Counter[str]:
    """The row's skeleton: tags two levels down, each counted up to three times (a
    post's excerpt varies below that; a template's frame does not)."""
    counts: Counter[str] = Counter()
    level = [row]
    for _ in range(2):
        level = [c for el in level for c in el if isinstance(c.tag, str)]
        for el in level:
            if counts[el.tag] < 3:
                counts[el.tag] += 1
    return counts


def _folder(url: str) -> str:
    """The page's folder when it is not the site's root: /xwzx/gsxw/ for
    /xwzx/gsxw/index.html."""
    path = urlsplit(url).path
    folder = path[: path.rfind("/") + 1]
    return folder if folder.count("/") >= 2 else ""


def _outside(record: Record) -> str:
    return " ".join(beside(record, frozenset()))


def beside(record: Record, rows: frozenset[Element]) -> tuple[str, ...]:
    """The row's texts beside its title, where its date is printed: in the row, or in
    what follows it up to the next row (a bare ``<a>`` and its tail, a ``<dt>`` and its
    ``<dd>``). Each text node stays a piece of its own: "2023-11-20" in one cell and
    "12" in the next must not read as one number, and a date quoted in a summary is
    told from a date printed alone."""
    parts: list[str] = []
    _texts_outside(record.row, record.link, parts)
    if record.row is record.link:
        parts.append(record.link.tail or "")
    for count, sib in enumerate(record.row.itersiblings()):
        if count >= 3 or sib in rows or sib.tag in ("br", record.row.tag):
            break
        if isinstance(sib.tag, str):
            parts.extend(sib.itertext())
        parts.append(sib.tail or "")
    return tuple(piece for piece in (norm(part) for part in parts) if piece)


def _texts_outside(el: Element, skip: Element, parts: list[str]) -> None:
    """``el``'s text nodes, those of ``skip``'s subtree left out (but for a card whose
    link is the row: its text beyond the title)."""
    if el is skip:
        if el.getparent() is not None and len(el):
            # A card: the summary and date sit inside the link itself.
            for child in el:
                if isinstance(child.tag, str) and child.tag not in _HEADINGS:
                    parts.extend(child.itertext())
        return
    if isinstance(el.tag, str):
        parts.append(el.text or "")
    for child in el:
        _texts_outside(child, skip, parts)
        parts.append(child.tail or "")


def _shape(url: str) -> tuple[str, ...]:
    """A URL with every segment that carries digits made a wildcard: the links one
    template writes share it (``/info/1234/5678.htm``, ``thread-1-1-1.html``)."""
    parts = urlsplit(url)
    segments = tuple("*" if _DIGIT.search(s) else s for s in parts.path.split("/"))
    keys = tuple(sorted(p.split("=", 1)[0] for p in parts.query.split("&") if p))
    return (parts.netloc.lower(), *segments, "?", *keys)


def _site(url: str) -> str:
    """The registrable part of a host, near enough: example.com, example.gov.cn."""
    host = (urlsplit(url).hostname or "").lower()
    labels = host.split(".")
    if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def _tokens(el: Element) -> set[str]:
    marks = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
    return set(_TOKEN_SPLIT.split(marks)) - {""}


def _placement(container: Element, title: str) -> float:
    """Page chrome and side boxes are discounted, the nearer the more."""
    factor = 1.0
    for depth, el in enumerate([container, *container.iterancestors()]):
        if not isinstance(el.tag, str) or el.tag in ("body", "html"):
            break
        tokens = _tokens(el)
        chrome = el.tag in _CHROME_TAGS or tokens & _CHROME_TOKENS
        if chrome or el.tag in _SIDE_TAGS or tokens & _SIDE_TOKENS:
            factor = min(factor, 0.15)
        if depth < 4:
            heading = box_heading(el)
            if heading and _SIDE_HEADING.search(heading) and not names_the_page(heading, title):
                # A 热门/推荐 box is never the list, even when the list is gone: an
                # empty category must read as empty, not as its sidebar.
                return 0.0
    return factor


def _pager_zone(root: Element) -> set[Element]:
    """The elements holding a pager, up to three levels above it."""
    zone: set[Element] = set()
    for link in root.iter("a"):
        if _PAGER_TEXT.match(text_of(link)):
            el: Element | None = link
            for _ in range(4):
                el = el.getparent() if el is not None else None
                if el is None:
                    break
                zone.add(el)
    return zone


def _near(container: Element, zone: set[Element]) -> bool:
    el: Element | None = container
    for _ in range(3):
        if el is None:
            return False
        if el in zone:
            return True
        el = el.getparent()
    return False


def names_the_page(heading: str, title: str) -> bool:
    """Whether a box heading such as "通知公告" is the page's own subject (a category
    whose name happens to look like a sidebar's)."""
    core = re.sub(r"文章|列表|更多|[>»\s]", "", heading)
    return len(core) >= 2 and core in title


def box_heading(container: Element) -> str:
    """The nearest short text before the element, which titles a box ("热门文章")."""
    for sib in container.itersiblings(preceding=True):
        if not isinstance(sib.tag, str):
            continue  # a comment or <?xml?> left beside the root
        text = text_of(sib)
        if text:
            # A box title is short; a long neighbour is other content, not a heading,
            # and a row of links is a menu (tabs above a list), not a title either.
            menu = len(sib.findall(".//a")) >= 2
            return text if len(text) <= 20 and not menu else ""
    parent = container.getparent()
    if parent is not None and norm(parent.text or ""):
        return norm(parent.text or "")[-30:]
    return ""
