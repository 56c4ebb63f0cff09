"""The YAML ``selectors``, matched by soupsieve: the CSS users of scrapers know, with
CSS4 (``:has()``, ``:is()``, ``:not(a, b)``, ``:nth-child(2 of .x)``) and
``:-soup-contains("来源")`` for a cell that holds a word.

Extraction works on an lxml tree; soupsieve matches Beautiful Soup trees. The subtree is
serialized with a mark on each element, read back with the standard library's parser
(which keeps the tree as written, where lxml's would move a stray ``<td>``), matched,
and the marks lead back to the lxml elements. Only configured selectors pay for this:
detection without selectors never comes here.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import soupsieve
from bs4 import BeautifulSoup
from lxml import etree

from syndicator.extract.text import Element

_MARK = "data-syndicator-select"


@lru_cache(maxsize=256)
def compiled(css: str) -> Any:
    """The compiled selector; raises ``soupsieve.SelectorSyntaxError`` on bad CSS."""
    return soupsieve.compile(css)


def select(root: Element, css: str) -> list[Element]:
    """Elements under ``root`` (itself included) that match ``css``, in document order;
    none for a selector that does not parse (the config check reports those)."""
    try:
        matcher = compiled(css)
    except soupsieve.SelectorSyntaxError:
        return []
    elements = list(root.iter(etree.Element))
    for index, element in enumerate(elements):
        element.set(_MARK, str(index))
    try:
        markup = etree.tostring(root, encoding="unicode", method="html")
    finally:
        for element in elements:
            element.attrib.pop(_MARK, None)
    soup = BeautifulSoup(markup, "html.parser")
    found = []
    for tag in matcher.select(soup):
        mark = tag.get(_MARK)
        if isinstance(mark, str) and mark.isdigit() and int(mark) < len(elements):
            found.append(elements[int(mark)])
    return found
