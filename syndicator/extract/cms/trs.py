"""TRS WCM (拓尔思) lists: the pager is a script, ``createPageHTML(total, current,
"index", "html")``; page 0 is index.html and page n is index_n.html, so the next page is
derived, not linked."""

from __future__ import annotations

import re

from syndicator.extract.text import Element
from syndicator.extract.urls import absolutize

_CREATE_PAGE = re.compile(
    r"createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*[\"']([\w.-]+)[\"']\s*,\s*[\"'](\w+)[\"']"
)


def pager_next(root: Element, base: str) -> str | None:
    """The page after the current one, or None on the last."""
    for script in root.iter("script"):
        match = _CREATE_PAGE.search(script.text or "")
        if match:
            total, current = int(match.group(1)), int(match.group(2))
            if current + 1 >= total:
                return None
            return absolutize(f"{match.group(3)}_{current + 1}.{match.group(4)}", base)
    return None


class Trs:
    name = "trs"

    def prepare(self, html: str) -> str:
        return html

    def next_page(self, html: str, root: Element, url: str, base: str, encoding: str) -> str | None:
        return pager_next(root, base)


TRS = Trs()
