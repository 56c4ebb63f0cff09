"""What a CMS family adds to general list detection, one file per family.

A family never replaces the general answer: it may rewrite the page before detection
(``prepare``: Hanweb's XML records become plain rows) and may name the next page when
the page links none (``next_page``: pagers written by scripts). ``FAMILIES`` is the
registry; a new family is one file and one line here.
"""

from __future__ import annotations

from typing import Protocol

from syndicator.extract.cms import hanweb, trs
from syndicator.extract.text import Element

__all__ = ["FAMILIES", "Family", "next_page", "prepare"]


class Family(Protocol):
    name: str

    def prepare(self, html: str) -> str:
        """The page with the family's hidden rows made visible (or unchanged)."""
        ...

    def next_page(self, html: str, root: Element, url: str, base: str, encoding: str) -> str | None:
        """The next list page when the family's pager script computes it; ``root`` is
        the page as parsed, scripts still in it."""
        ...


FAMILIES: tuple[Family, ...] = (trs.TRS, hanweb.HANWEB)


def prepare(html: str) -> str:
    for family in FAMILIES:
        html = family.prepare(html)
    return html


def next_page(html: str, root: Element, url: str, base: str, encoding: str) -> str | None:
    """The first family's answer, in registry order."""
    for family in FAMILIES:
        found = family.next_page(html, root, url, base, encoding)
        if found:
            return found
    return None
