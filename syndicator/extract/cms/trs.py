"""TRS WCM (拓尔思) lists: the pager is a script, so the next page is derived, not linked.

Two forms are in use. ``createPageHTML(total, current, "index", "html")`` counts from 0:
page 0 is index.html and page n is index_n.html. The newer page.js,
``createPageHTML('div', total, current, 'name', 'ext', records)``, counts from 1: page 1
is name.ext and page n is name_n.ext.
"""

from __future__ import annotations

import re

from syndicator.extract.text import Element
from syndicator.extract.urls import absolutize

_CREATE_PAGE = re.compile(
    r"createPageHTML\(\s*(?P<div>[\"'][\w-]*[\"']\s*,\s*)?(?P<total>\d+)\s*,\s*(?P<current>\d+)"
    r"\s*,\s*[\"'](?P<name>[\w.-]+)[\"']\s*,\s*[\"'](?P<ext>\w+)[\"']"
)


def pager_next(root: Element, base: str) -> str | None:
    """The page after the current one, or None on the last."""
    for script in root.iter("script"):
        match = _CREATE_PAGE.search(script.text or "")
        if match:
            total, current = int(match["total"]), int(match["current"])
            last = total if match["div"] else total - 1
            if current >= last:
                return None
            return absolutize(f"{match['name']}_{current + 1}.{match['ext']}", base)
    return None


class Trs:
    name = "trs"

    def prepare(self, html: str) -> str:
        return html

    def next_page(self, html: str, root: Element, url: str, base: str, encoding: str) -> str | None:
        return pager_next(root, base)


TRS = Trs()
