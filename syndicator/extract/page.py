"""Page-level clues around an article: its title, breadcrumb category and redirects."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from syndicator.extract.text import Element, clean_value, elements, norm, text_floor, text_of
from syndicator.extract.urls import absolutize

_TITLE_SPLIT = re.compile(r"\s*(?:_|\||｜|—+|-+|>>|»|::)\s*")
_CRUMB_HINT = re.compile(r"(?:您现在的位置|当前位置|您的位置|所在位置|位置\s*[:：])")
# The crumb's last step: "正文" (or "资讯正文", "详情"…) ending it, or a "正文" step
# followed by the article's own title ("… >> 正文 　标题").
_CRUMB_TAIL = re.compile(
    r"(?:文章正文|正文|内容|详情|阅读文章)\s*$"
    r"|(?:^|[\s>»›→])正文\s[^>»›→]*$"
)
_CRUMB_SEPARATOR = re.compile(r"[>»›→]|&gt;")
_CRUMB_SKIP = frozenset({"首页", "网站首页", "主页", "返回首页"})
# A crumb printed as plain text, "首页 - 新闻动态": a home word, a separator, a step.
_TEXT_CRUMB = re.compile(r"^(?:首页|网站首页|主页)\s*(?:[>»›→/]+|-+)\s*\S")
_TEXT_CRUMB_SPLIT = re.compile(r"\s*(?:[>»›→/]+|\s-+\s|-{2,})\s*")
_MAX_TEXT_CRUMB = 60
_REDIRECT_JS = re.compile(
    r"""(?:(?:window|document|top|self|parent)\s*\.\s*)?location(?:\s*\.\s*href)?\s*=\s*["']"""
    r"""([^"']+)["']|location\s*\.\s*replace\s*\(\s*["']([^"']+)["']"""
)
_REFRESH_URL = re.compile(r"url\s*=\s*['\"]?([^'\";]+)", re.I)
_REFRESH_DELAY = re.compile(r"\s*(\d+(?:\.\d+)?)")
# A refresh later than this is a reload timer, not a redirect.
_REDIRECT_DELAY = 10.0
_MAX_TITLE = 200
# A title cut at a space must keep at least this many characters to be taken.
_MIN_SPACE_HEAD = 5
_INDEX_FILE = re.compile(r"(?<=/)(?:index|default)(?:_\d+)?\.(?:s?html?|aspx?|php|jsp)$", re.I)
_NOT_A_NAME = re.compile(r"^(?:返回|更多|查看|进入|more\b)|列表$|://", re.I)
_MAX_COLUMN_NAME = 20
_PUBLISH_NAME = re.compile(
    r"(?:^|[\s_-])(?:p_|article_?|news_?)?(?:publish|pub|post|release|issue|fb)[-_]?"
    r"(?:time|date|sj|rq)(?:$|[\s_-])",
    re.I,
)
_BARE_TIME_ID = re.compile(r"^(?:date|time|datetime)$", re.I)
_MAX_TIME_TEXT = 40
# Trailing date folders: /2015/0206/, /2012-09-05/, /201303/, /20230301/, /2023/03/01/.
_DATE_FOLDERS = re.compile(
    r"/(?:(?:19|20)\d{2}(?:/\d{1,2}){1,2}|(?:19|20)\d{2}/\d{4}|(?:19|20)\d{2}-\d{1,2}-\d{1,2}"
    r"|(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:\d{2})?)/$"
)


def title_candidates(raw: str) -> list[str]:
    """Contiguous runs of the <title> segments, the whole first, then longest leading runs."""
    text = norm(raw)
    pieces = [p for p in _TITLE_SPLIT.split(text) if p]
    # Runs from the first segment come first: titles lead and site names trail.
    ranked: dict[str, tuple[int, int]] = {text: (0, -len(text))}
    for start in range(len(pieces)):
        for stop in range(start + 1, len(pieces) + 1):
            run = norm(text_between(text, pieces, start, stop))
            if run and run not in ranked:
                ranked[run] = (min(start, 1), -len(run))
    return sorted(ranked, key=lambda run: ranked[run])


def text_between(text: str, pieces: list[str], start: int, stop: int) -> str:
    """The original text from piece ``start`` to the end of piece ``stop - 1``."""
    pos, begin, end = 0, 0, len(text)
    for index, piece in enumerate(pieces):
        found = text.find(piece, pos)
        if index == start:
            begin = found
        if index == stop - 1:
            end = found + len(piece)
            break
        pos = found + len(piece)
    return text[begin:end]


def visible_texts(root: Element, floor: dict[Element, int] | None = None) -> set[str]:
    """Texts of short elements outside links, hidden blocks and <head>: the evidence a
    title is shown."""
    body = root.find("body")
    found: set[str] = set()
    start = body if body is not None else root
    floor = text_floor(start) if floor is None else floor
    stack = [start]
    while stack:
        el = stack.pop()
        if not isinstance(el.tag, str) or el.tag == "a" or _hidden(el):
            continue  # and nothing inside it
        stack.extend(el)
        if floor.get(el, 0) > _MAX_TITLE:
            continue
        text = text_of(el)
        if text and len(text) <= _MAX_TITLE:
            found.add(text)
            if el.text and len(el):
                # PHPCMS writes the title as the h1's own text, the info line after it.
                found.add(norm(el.text))
    return found


def _hidden(el: Element) -> bool:
    """Inline-hidden: share widgets keep a copy of the title there, broken differently."""
    style = (el.get("style") or "").replace(" ", "").lower()
    return "display:none" in style or el.get("hidden") is not None


def confirmed_title(root: Element, floor: dict[Element, int] | None = None) -> str | None:
    """The longest run of <title> segments that the page also shows as an element's text.

    Failing that, a run cut before a space ("标题 专题名_网站": some templates add the
    topic after a plain space), then a run the page shows with spaces elsewhere (a
    heading broken by <br>, a U+3000 in <title>): then only the spaces both agree on
    are kept, since Chinese puts none between words.
    """
    title = root.find(".//title")
    if title is None or not title.text_content().strip():
        return None
    shown = visible_texts(root, floor)
    squeezed = {_squeeze(text): text for text in shown}
    candidates = title_candidates(title.text_content())
    whole = norm(title.text_content())
    # Titles lead and site names trail: every way of matching a run from the start
    # is tried before a later run ("中国政府网") may match exactly.
    leading = [c for c in candidates if whole.startswith(c)]
    for group in (leading, [c for c in candidates if c not in leading]):
        for candidate in group:
            if candidate in shown:
                return candidate
        for candidate in group:
            for head in _space_heads(candidate):
                if head in shown:
                    return head
        for candidate in group:
            seen = squeezed.get(_squeeze(candidate))
            if seen is not None and len(candidate) >= _MIN_SPACE_HEAD:
                return _common_spaces(candidate, seen)
    return None


def _space_heads(text: str) -> list[str]:
    """Leading runs of ``text`` cut at its spaces, longest first."""
    cuts = [i for i, ch in enumerate(text) if ch == " "]
    heads = [text[:i] for i in reversed(cuts)]
    return [h for h in heads if len(h) >= _MIN_SPACE_HEAD]


def _squeeze(text: str) -> str:
    return text.replace(" ", "")


def _common_spaces(left: str, right: str) -> str:
    """``left`` keeping only the spaces that ``right`` has at the same place."""
    out: list[str] = []
    j = 0
    for ch in left:
        if ch == " ":
            if j < len(right) and right[j] == " ":
                out.append(ch)
                j += 1
            continue
        while j < len(right) and right[j] == " ":
            j += 1
        out.append(ch)
        j += 1
    return "".join(out)


def head_title(root: Element) -> str | None:
    """The first segment of <title>, the last resort."""
    title = root.find(".//title")
    if title is None:
        return None
    pieces = [p for p in _TITLE_SPLIT.split(norm(title.text_content())) if p]
    return pieces[0] if pieces else None


def title_before(info: Element) -> Element | None:
    """The nearest non-empty block before the info line, climbing at most four levels."""
    el: Element | None = info
    for _ in range(4):
        if el is None:
            return None
        for sib in el.itersiblings(preceding=True):
            if not isinstance(sib.tag, str):
                continue  # a comment or <?xml?> left beside the root
            text = text_of(sib)
            if text:
                return sib if len(text) <= _MAX_TITLE else None
        parent = el.getparent()
        if parent is not None and norm(parent.text or ""):
            return parent
        el = parent
    return None


def own_text(el: Element) -> str:
    """Text of ``el`` before its first child: the PHPCMS title sits there beside the info."""
    if el.text and norm(el.text) and len(el):
        return norm(el.text)
    return text_of(el)


def find_breadcrumb(root: Element) -> Element | None:
    """The smallest short element that reads like "您现在的位置：A > B > 正文"."""
    best: Element | None = None
    for el in elements(root):
        if el.tag in ("html", "body", "a"):
            continue
        text = text_of(el)
        if not text or len(text) > 200:
            continue
        links = el.findall(".//a")
        linked = len(links) >= 2 and _reads_like_crumb(text, links)
        if linked or (not links and len(text) <= _MAX_TEXT_CRUMB and _TEXT_CRUMB.match(text)):
            best = el
    return best


def _reads_like_crumb(text: str, links: list[Element]) -> bool:
    """A line of links that a hint opens, or that leads from 首页 or to 正文.

    Themes draw the separators with CSS (Bootstrap's ``ol.breadcrumb``), so a line
    that starts at the home link and ends at 正文 needs none; one that has only one
    of the two ends needs a separator in its text.
    """
    if _CRUMB_HINT.search(text):
        return True
    first = text_of(links[0])
    from_home = first in _CRUMB_SKIP and text.startswith(first)
    to_text = bool(_CRUMB_TAIL.search(text))
    separated = bool(_CRUMB_SEPARATOR.search(text))
    if from_home and to_text:
        return True
    if to_text and separated:
        return True
    return from_home and bool(_CRUMB_SEPARATOR.match(text[len(first) :].lstrip()))


def breadcrumb_category(crumb: Element, title: str | None) -> str | None:
    """The last class link of the breadcrumb (the one just before 正文); for a crumb
    without links, its last step that is not the title."""
    names = [text_of(a) for a in crumb.iter("a")]
    if not names:
        steps = _TEXT_CRUMB_SPLIT.split(text_of(crumb))
        names = [n for n in steps if not _CRUMB_TAIL.match(n)]
    names = [n for n in names if n and n not in _CRUMB_SKIP and n != title]
    return clean_value(names[-1]) if len(names) >= 1 else None


def folder_link_name(
    root: Element, url: str, base: str, title: str | None, skip: Element | None = None
) -> str | None:
    """The text of the first link to the folder the article sits in, its column's index.

    Static CMS output (EmpireCMS, DedeCMS, PowerEasy) files an article under its
    column's folder (``/news/gsdt/40.html``) and links that folder (``/news/gsdt/``)
    from the menu or footer by the column's name; the folder of a dynamic page
    (``show.aspx?id=``) says nothing, so those are not asked. Links inside ``skip``
    (the body, whose keyword links point anywhere) do not count.
    """
    parts = urlsplit(url)
    if parts.query or parts.path.endswith("/"):
        return None
    folder = urljoin(url, "./")
    # DedeCMS and EmpireCMS file articles by date inside the column's folder
    # (``/a/opinion/2015/0206/23.html``, ``/news/2012-09-05/1843.html``).
    column = _DATE_FOLDERS.sub("/", folder)
    for wanted in dict.fromkeys((folder, column)):
        if urlsplit(wanted).path == "/":
            continue
        name = _link_name_to(root, wanted, base, title, skip)
        if name:
            return name
    return None


def _link_name_to(
    root: Element, folder: str, base: str, title: str | None, skip: Element | None
) -> str | None:
    for link in root.iter("a"):
        if skip is not None and any(anc is skip for anc in link.iterancestors()):
            continue
        target = absolutize(link.get("href") or "", base)
        if not target or "?" in target or _INDEX_FILE.sub("", target) != folder:
            continue
        name = text_of(link)
        if (
            name
            and len(name) <= _MAX_COLUMN_NAME
            and name != title
            and name not in _CRUMB_SKIP
            and not _NOT_A_NAME.search(name)
        ):
            return clean_value(name)
    return None


def publish_time_elements(root: Element) -> list[Element]:
    """Short elements whose id or class names the publish time (``p_publishtime``,
    ``pubdate``, ``post-time``), in document order; a bare ``date``/``time`` only as an
    id, since list rows use those classes for every item's date."""
    found = []
    for el in elements(root):
        ident = el.get("id") or ""
        classes = el.get("class") or ""
        if not (
            _PUBLISH_NAME.search(ident)
            or _PUBLISH_NAME.search(classes)
            or _BARE_TIME_ID.match(ident)
        ):
            continue
        if any(anc.tag in ("li", "a") for anc in el.iterancestors()) or el.tag in ("li", "a"):
            continue
        text = text_of(el)
        if text and len(text) <= _MAX_TIME_TEXT:
            found.append(el)
    return found


def redirect_target(root: Element, base: str) -> str | None:
    """Where a redirect article sends readers: a meta refresh, or a lone location script."""
    for meta in root.iter("meta"):
        if (meta.get("http-equiv") or "").strip().lower() != "refresh":
            continue
        if any(parent.tag == "noscript" for parent in meta.iterancestors()):
            continue  # a notice for readers without JavaScript, not where the page goes
        content = meta.get("content") or ""
        delay = _REFRESH_DELAY.match(content)
        if delay and float(delay.group(1)) > _REDIRECT_DELAY:
            continue  # a page that reloads itself every few minutes
        match = _REFRESH_URL.search(content)
        if match:
            return absolutize(match.group(1), base)
    body = root.find("body")
    if body is None:
        return None
    for script in body.iter("script"):
        match = _REDIRECT_JS.search(script.text or "")
        parent = script.getparent()
        if not match or parent is None or parent is body:
            continue
        if len(_text_without_scripts(parent)) <= 20:
            return absolutize(match.group(1) or match.group(2), base)
    return None


def _text_without_scripts(el: Element) -> str:
    parts = [el.text or ""]
    for child in el.iterdescendants():
        if child.tag != "script" and isinstance(child.tag, str):
            parts.append(child.text or "")
        parts.append(child.tail or "")
    return norm("".join(parts))
