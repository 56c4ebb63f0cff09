"""Page-level clues around an article: its title, breadcrumb category and redirects."""

from __future__ import annotations

import re

from syndicator.extract.text import Element, clean_value, elements, norm, text_of
from syndicator.extract.urls import absolutize

_TITLE_SPLIT = re.compile(r"\s*(?:_|\||｜|—+|-+|>>|»|::)\s*")
_CRUMB_HINT = re.compile(r"(?:您现在的位置|当前位置|您的位置|所在位置|位置\s*[:：])")
_CRUMB_TAIL = re.compile(r"(?:文章正文|正文|内容|详情|阅读文章)\s*$")
_CRUMB_SEPARATOR = re.compile(r"[>»›→]|&gt;")
_CRUMB_SKIP = frozenset({"首页", "网站首页", "主页", "返回首页"})
_REDIRECT_JS = re.compile(
    r"""(?:(?:window|document|top|self|parent)\s*\.\s*)?location(?:\s*\.\s*href)?\s*=\s*["']"""
    r"""([^"']+)["']|location\s*\.\s*replace\s*\(\s*["']([^"']+)["']""")
_REFRESH_URL = re.compile(r"url\s*=\s*['\"]?([^'\";]+)", re.I)
_MAX_TITLE = 200


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


def visible_texts(root: Element) -> set[str]:
    """Texts of short elements outside links and <head>: the evidence a title is shown."""
    body = root.find("body")
    scope = body if body is not None else root
    found: set[str] = set()
    for el in elements(scope):
        if el.tag == "a" or any(anc.tag == "a" for anc in el.iterancestors()):
            continue
        text = text_of(el)
        if text and len(text) <= _MAX_TITLE:
            found.add(text)
            if el.text and len(el):
                # PHPCMS writes the title as the h1's own text, the info line after it.
                found.add(norm(el.text))
    return found


def confirmed_title(root: Element) -> str | None:
    """The longest run of <title> segments that the page also shows as an element's text."""
    title = root.find(".//title")
    if title is None or not title.text_content().strip():
        return None
    shown = visible_texts(root)
    for candidate in title_candidates(title.text_content()):
        if candidate in shown:
            return candidate
    return None


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
        if not text or len(text) > 200 or len(el.findall(".//a")) < 2:
            continue
        if _CRUMB_HINT.search(text) or (_CRUMB_TAIL.search(text)
                                        and _CRUMB_SEPARATOR.search(text)):
            best = el
    return best


def breadcrumb_category(crumb: Element, title: str | None) -> str | None:
    """The last class link of the breadcrumb (the one just before 正文)."""
    names = [text_of(a) for a in crumb.iter("a")]
    names = [n for n in names if n and n not in _CRUMB_SKIP and n != title]
    return clean_value(names[-1]) if len(names) >= 1 else None


def redirect_target(root: Element, base: str) -> str | None:
    """Where a redirect article sends readers: a meta refresh, or a lone location script."""
    for meta in root.iter("meta"):
        if (meta.get("http-equiv") or "").strip().lower() == "refresh":
            match = _REFRESH_URL.search(meta.get("content") or "")
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
