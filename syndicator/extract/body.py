"""The article body: the deepest block holding most of the page's sentence punctuation.

Class names differ between templates, but the body is always where the prose is, and
prose is punctuated while navigation, sidebars and footers are links and labels.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from urllib.parse import parse_qsl, urlsplit

import lxml.html

from syndicator.extract.text import Element, elements, norm, text_of
from syndicator.extract.urls import absolutize, article_key
from syndicator.models import Attachment

_PUNCT = frozenset("，。；！？“”,;!?")
_SHARE = 0.8
_CONTAINERS = frozenset(
    {
        "div",
        "td",
        "article",
        "section",
        "main",
        "font",
        "center",
        "blockquote",
        "span",
        "th",
        "dd",
        "form",
        "body",
    }
)
_PAGER_WORDS = re.compile(
    r"上一页|下一页|首页|尾页|末页|共\s*\d+\s*页|第\s*\d+\s*页|\[\d+\]|\d+|[|:：]"
)
_PAGER_SIGN = re.compile(r"上一页|下一页|\[\d+\]")
_NEIGHBOUR = re.compile(r"^(?:上一篇|下一篇|上一条|下一条|上篇|下篇)")
_ACTION = re.compile(
    r"^(?:打印|关闭|分享|收藏|返回|顶部|字体|[大中小]|推荐|告诉好友|发表评论|评论|"
    r"打印此文|打印本页|关闭窗口|收藏本页|返回顶部|加入收藏|分享到)"
)
_REPRINT = re.compile(
    r"^[（(【\[]?\s*(?:文章|本文|本站文章|原创文章)?\s*(?:如需)?\s*"
    r"(?:转载|转贴)\s*(?:时)?\s*(?:请|须|需|必须)\s*(?:务必)?\s*注明"
)
_MAX_NOTE = 80
# What templates print after an article, inside the element that holds it: neighbours,
# trackbacks, copyright and disclaimers, QR and share boxes, "related" lists, a
# forum post's action links.
_TRAILER = re.compile(
    r"^[\s【\[（(]*(?:prev(?:ious)?\b|next\b|上一篇|下一篇|上一条|下一条|trackback|"
    r"版权所有|版权声明|copyright|©|免责声明|声明[:：]|本站所有|本网所有|本站声明|"
    r"(?:微信)?扫一扫|扫描二维码|关注微信|分享到|相关(?:文章|阅读|新闻|链接|推荐)|"
    r"为你推荐|推荐阅读|热门推荐|猜你喜欢|延伸阅读|查看详细资料|发表评论|网友评论|"
    r"我要评论|引用\s*回复|tags?\s*[:：]|标签\s*[:：])",
    re.I,
)
_TRAILER_TEXT = 200
# A short block asking readers to follow or scan, with or without its QR image.
_FOLLOW = re.compile(
    r"二维码|二維碼|公众号|公眾號|扫码|掃碼|扫一扫|掃一掃|(?:添加|加|关注)\S{0,4}微信"
)
_FOLLOW_TEXT = 60
# A trailing block whose text is this much link text is a list of other pages.
_LINK_SHARE = 0.7
_WRAPPERS = frozenset(
    {"div", "section", "article", "td", "tr", "tbody", "table", "ul", "ol", "dl", "center"}
)
_BRACKETS = re.compile(r"[\s【】\[\]()（）|｜:：,，、.。]+")
_PART_FILE = re.compile(r"_(\d+)\.[A-Za-z]+$")
_PART_QUERY = re.compile(r"(?:^|&)page=(\d+)(?:&|$)", re.I)
_PART_PARAM = re.compile(r"[?&]page=\d+(?=&|$)", re.I)
_PARAGRAPHS = frozenset(
    {"p", "div", "table", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre"}
)
_INLINE = frozenset({"span", "font"})
# Text beside an inline wrapper, as a share of its own, that still belongs to the body.
_WRAPPED_EXTRA = 0.1
# A summary and the text it repeats must agree on this many leading characters.
_SUMMARY_HEAD = 20
_SUMMARY_CUT = re.compile(r"\s*(?:\.{2,}|…+)\s*$")
_EMPTY_OK = frozenset({"img", "table", "br", "hr", "video", "audio", "object", "embed"})
# The media type each attachment extension implies, written out rather than asked of
# ``mimetypes``, whose answers depend on the machine's /etc/mime.types. The WPS Office
# and OFD (the national e-document standard) formats are common on government portals.
ATTACHMENT_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt": "application/vnd.ms-powerpoint",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "zip": "application/zip",
    "rar": "application/vnd.rar",
    "7z": "application/x-7z-compressed",
    "txt": "text/plain",
    "wps": "application/vnd.ms-works",
    "et": "application/vnd.ms-excel",
    "dps": "application/vnd.ms-powerpoint",
    "ofd": "application/ofd",
}
ATTACHMENT_EXTS = frozenset(ATTACHMENT_TYPES)


def _punct(text: str | None) -> int:
    return sum(1 for ch in text if ch in _PUNCT) if text else 0


def punctuation_counts(root: Element, skip: Sequence[Element] = ()) -> dict[Element, int]:
    """Sentence punctuation outside links (and ``skip``) under every element, children
    before parents."""
    counts: dict[Element, int] = {}
    skipped = {id(el) for el in skip}
    for el in reversed(list(elements(root))):
        if el.tag == "a" or id(el) in skipped:
            counts[el] = 0
            continue
        total = _punct(el.text)
        for child in el:
            total += counts.get(child, 0) + _punct(child.tail)
        counts[el] = total
    return counts


def find_body(
    root: Element, outside: Sequence[Element] = (), summary: Element | None = None
) -> Element | None:
    """The deepest container with >= 80% of the punctuation; None for a page without prose.

    ``outside`` are elements that are never part of a body (the info line, the title,
    the breadcrumb). On a short article a sidebar notice can hold a fifth of the page's
    punctuation, so the 80% block climbs up to the whole layout; when it then holds one
    of those elements, the richest block beside them is taken instead. ``summary`` is
    a lead box repeating the body's opening: its punctuation is the body's twice.
    """
    counts = punctuation_counts(root, [summary] if summary is not None else [])
    total = counts.get(root, 0)
    if total == 0:
        return None
    best = _deepest(counts, total, counts)
    if best is not None and outside and any(inside(el, best) or el is best for el in outside):
        beside = _beside(best, outside, counts)
        best = beside if beside is not None else best
    while best is not None and _is_one_paragraph(best, counts):
        best = best.getparent()
    while best is not None and _is_wrapped_inline(best):
        best = best.getparent()
    return best


def _deepest(counts: dict[Element, int], total: int, scope: Iterable[Element]) -> Element | None:
    best: Element | None = None
    best_depth = -1
    for el in scope:
        if el.tag in _CONTAINERS and counts.get(el, 0) >= _SHARE * total:
            level = sum(1 for _ in el.iterancestors())
            if level > best_depth:
                best, best_depth = el, level
    return best


def _beside(
    block: Element, outside: Sequence[Element], counts: dict[Element, int]
) -> Element | None:
    """The richest container inside ``block`` that holds none of ``outside``."""
    tainted = {id(anc) for el in outside for anc in el.iterancestors()}
    tainted |= {id(el) for el in outside}
    richest: Element | None = None
    for el in elements(block):
        if id(el) in tainted or el.tag not in _CONTAINERS:
            continue
        if richest is None or counts.get(el, 0) > counts.get(richest, 0):
            richest = el
    if richest is None or counts.get(richest, 0) < 0.5 * counts.get(block, 0):
        return None
    return _deepest(counts, counts[richest], elements(richest))


def _is_one_paragraph(el: Element, counts: dict[Element, int]) -> bool:
    """True when same-tag siblings also hold prose: then ``el`` is a paragraph, not the body.

    A block made of paragraphs itself is a body whatever its siblings hold: templates
    put a summary box or the site's reprint rules in divs beside the text's div.
    """
    parent = el.getparent()
    if parent is None or parent.tag not in _CONTAINERS:
        return False
    if sum(1 for child in el if child.tag in _PARAGRAPHS) >= 2:
        return False
    return any(sib is not el and sib.tag == el.tag and counts.get(sib, 0) > 0 for sib in parent)


def _is_wrapped_inline(el: Element) -> bool:
    """True for a <span>/<font> whose block holds little else: the text's wrapper.

    Editors wrap a whole text in a font span, and a lead image or a closing phrase
    beside that span is still the article; a block with much other text is layout.
    """
    parent = el.getparent()
    if (
        el.tag not in _INLINE
        or parent is None
        or parent.tag not in _CONTAINERS
        or parent.tag == "body"
    ):
        return False
    own = len(el.text_content().strip())
    extra = len(parent.text_content().strip()) - own
    return extra <= _WRAPPED_EXTRA * own


def part_number(url: str) -> int:
    parts = urlsplit(url)
    match = _PART_QUERY.search(parts.query) or _PART_FILE.search(parts.path)
    return int(match.group(1)) if match else 1


def _part_key(url: str) -> str:
    """The article's key with a part number in the query (PHPCMS ``&page=2``) removed."""
    return article_key(_PART_PARAM.sub(lambda m: "?" if m.group(0).startswith("?") else "", url))


def next_part(
    scopes: Sequence[Element], url: str, base: str, encoding: str = "utf-8"
) -> str | None:
    """The next part of the same article linked from the first scope that links one.

    The body's own pager comes first; DedeCMS and PHPCMS print theirs just outside
    the text block, so the whole page is the second scope (the article-key check keeps
    neighbouring articles out).
    """
    for scope in scopes:
        found = _next_in(scope, url, base, encoding)
        if found:
            return found
    return None


def _next_in(scope: Element, url: str, base: str, encoding: str) -> str | None:
    key, current = _part_key(url), part_number(url)
    stem = _stem(url)
    candidates: list[tuple[int, bool, str]] = []
    for link in scope.iter("a"):
        href = link.get("href") or ""
        if stem not in href and "page=" not in href.lower():
            continue  # a part's link names the article's file, or a page number
        target = absolutize(href, base, encoding)
        if not target or target == url or _part_key(target) != key:
            continue
        number = part_number(target)
        if number > current:
            candidates.append((number, "下一页" in text_of(link), target))
    if not candidates:
        return None
    labelled = [c for c in candidates if c[1]]
    return (labelled or sorted(candidates))[0][2]


def _stem(url: str) -> str:
    """The article's file name without extension and part suffix: 2603 for 2603_2.html."""
    name = urlsplit(url).path.rsplit("/", 1)[-1]
    return _PART_FILE.sub("", name).rsplit(".", 1)[0]


def is_pager(el: Element) -> bool:
    text = text_of(el)
    if not text or len(text) > 200 or not _PAGER_SIGN.search(text):
        return False
    if next(el.iter("a"), None) is None:
        return False
    return not _PAGER_WORDS.sub("", text).strip()


def is_neighbour_link(el: Element) -> bool:
    text = text_of(el)
    return bool(text) and len(text) < 300 and bool(_NEIGHBOUR.match(text))


def is_action_line(el: Element) -> bool:
    """Share, print, close and font-size links, such as 【打印此文】【关闭窗口】."""
    text = text_of(el)
    links = list(el.iter("a"))
    if not links or len(text) > 60:
        return False
    if not all(_ACTION.match(text_of(a)) for a in links if text_of(a)):
        return False
    rest = text
    for a in links:
        rest = rest.replace(text_of(a), "", 1)
    return len(_BRACKETS.sub("", rest)) <= 6 and any(text_of(a) for a in links)


def is_reprint_note(el: Element) -> bool:
    """The site's "文章转载请注明来源于：X" line: about the page, not part of the article."""
    text = text_of(el)
    return bool(text) and len(text) <= _MAX_NOTE and bool(_REPRINT.match(text))


def clean_body(body: Element, drop: Iterable[Element]) -> None:
    """Remove label lines, pagers, 上一篇/下一篇, share lines and reprint notes from the
    body, in place."""
    for el in drop:
        if el is not body and inside(el, body):
            el.drop_tree()
    for el in list(elements(body)):
        if el is body or not inside(el, body):
            continue
        if is_pager(el) or is_neighbour_link(el) or is_action_line(el) or is_reprint_note(el):
            el.drop_tree()
    _trim_trailer(body)
    for el in reversed(list(elements(body))):
        if (
            el is not body
            and el.tag in ("p", "div", "span", "font", "center")
            and not (el.text_content() or "").strip()
            and not any(True for _ in el.iter(*_EMPTY_OK))
        ):
            el.drop_tree()


def _trim_trailer(box: Element) -> None:
    """Drop, from the end of the body, blocks that are what follows an article rather
    than the article: never the whole body, never an image."""
    while True:
        last = _last_block(box)
        if last is None:
            return
        if _is_trailer(last) and norm(box.text_content()) != text_of(last):
            last.drop_tree()
            continue
        if last.tag in _WRAPPERS and len(last):
            _trim_trailer(last)
        return


def _last_block(box: Element) -> Element | None:
    for child in reversed(box):
        if not isinstance(child.tag, str):
            if norm(child.tail or ""):
                return None
            continue
        if child.tag in ("br", "hr"):
            if norm(child.tail or ""):
                return None
            continue
        return None if norm(child.tail or "") else child
    return None


def _is_trailer(el: Element) -> bool:
    text = text_of(el)
    if text and len(text) <= _FOLLOW_TEXT and _FOLLOW.search(text):
        return True  # "扫码关注公众号", "添加客服微信" beside their QR code image
    if not text or len(text) > _TRAILER_TEXT or el.find(".//img") is not None:
        return False
    if _TRAILER.match(text):
        return True
    anchors = [a for a in el.iter("a") if text_of(a)]
    # A notice's 附件 list is the article's own, however many links it holds.
    if any(_attachment_kind(a.get("href") or "", text_of(a)) for a in anchors):
        return False
    linked = sum(len(text_of(a)) for a in anchors)
    return len(anchors) >= 2 and linked >= _LINK_SHARE * len(text)


def inside(el: Element, ancestor: Element) -> bool:
    return any(anc is ancestor for anc in el.iterancestors())


def lead_summary(root: Element) -> Element | None:
    """The box that repeats the page's description above the text (DedeCMS's ``intro``).

    Templates print the description, cut from the start of the body, as a summary; it
    is the first block showing exactly the description while another block starts
    alike (the text itself). A text's own first paragraph can equal a description cut
    at its end, so a paragraph followed by more paragraphs is never the summary.
    """
    description = _description(root)
    if description is None:
        return None
    head = description[:_SUMMARY_HEAD]
    starts = [
        el
        for el in elements(root)
        if el.tag not in ("head", "title") and el.text and norm(el.text).startswith(head)
    ]
    if len(starts) < 2:
        return None
    for el in starts:
        top = outermost_same_text(el)
        if _SUMMARY_CUT.sub("", text_of(top)) != description or _is_text_paragraph(top):
            continue
        if any(
            not inside(other, top) and not inside(top, other) and other is not top
            for other in starts
        ):
            return top
    return None


def outermost_same_text(el: Element) -> Element:
    """The widest ancestor showing the same text, so removing it leaves no empty shell."""
    text = text_of(el)
    while True:
        parent = el.getparent()
        if parent is None or parent.tag in ("body", "html") or text_of(parent) != text:
            return el
        el = parent


def _is_text_paragraph(el: Element) -> bool:
    following = next((sib for sib in el.itersiblings() if isinstance(sib.tag, str)), None)
    return (
        el.tag == "p"
        and following is not None
        and following.tag == "p"
        and bool(text_of(following))
    )


def _description(root: Element) -> str | None:
    for meta in root.iter("meta"):
        if (meta.get("name") or "").strip().lower() == "description":
            text = _SUMMARY_CUT.sub("", norm(meta.get("content") or ""))
            return text if len(text) >= _SUMMARY_HEAD else None
    return None


def drop_closing_text(body: Element, line: str) -> None:
    """Remove ``line`` when it is the body's last text, a bare text node (an element
    holding it is a label line and is dropped as one)."""
    slots: list[tuple[Element, str]] = []
    _text_slots(body, slots, own_tail=False)
    for el, attr in reversed(slots):
        value = getattr(el, attr)
        if not value or not value.strip():
            continue
        if norm(value) == norm(line):
            setattr(el, attr, None)
        return


def _text_slots(el: Element, slots: list[tuple[Element, str]], own_tail: bool = True) -> None:
    """Every (element, "text"/"tail") in document order."""
    slots.append((el, "text"))
    for child in el:
        _text_slots(child, slots)
    if own_tail:
        slots.append((el, "tail"))


def assets(
    body: Element, base: str, encoding: str = "utf-8"
) -> tuple[tuple[str, ...], tuple[Attachment, ...]]:
    """Images and attachment links of the body, absolute, deduplicated, in body order."""
    images: dict[str, None] = {}
    files: dict[str, Attachment] = {}
    for el in elements(body):
        if el.tag == "img":
            src = absolutize(el.get("src") or "", base, encoding)
            if src:
                images[src] = None
        elif el.tag == "a":
            href = absolutize(el.get("href") or "", base, encoding)
            text = norm(el.text_content())
            kind = _attachment_kind(href, text) if href else None
            if href and kind is not None and href not in files:
                name = text or norm(el.get("title") or "")
                files[href] = Attachment(url=href, title=name, mime_type=ATTACHMENT_TYPES[kind])
    return tuple(images), tuple(files.values())


def _attachment_kind(href: str, text: str) -> str | None:
    """A file link's extension: the URL's own, or, for download scripts
    (``downfile.jsp?filename=a.pdf``, ``download.asp?id=3``), a file name's in the query
    or in the link text ("若干措施全文.pdf"); None for a link to no file."""
    own = _extension(href)
    if own in ATTACHMENT_EXTS:
        return own
    query = urlsplit(href).query
    named = [v for _k, v in parse_qsl(query)] + [text.strip()]
    for name in named:
        if name and _suffix(name) in ATTACHMENT_EXTS:
            return _suffix(name)
    return None


def _suffix(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _extension(url: str) -> str:
    path = urlsplit(url).path
    name = path.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def inner_html(el: Element) -> str:
    """The element's content (text and children) as HTML, without its own tag."""
    parts = [_escape(el.text or "")]
    parts.extend(lxml.html.tostring(child, encoding="unicode") for child in el)
    return "".join(parts)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
