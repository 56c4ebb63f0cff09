"""The last step before storing: an allowlist sanitizer and XML-safe text.

Bodies end up in feeds, mails and web pages, so only plain structural markup survives,
and every link is made absolute because the reader is never on the portal's page.
"""

from __future__ import annotations

import re

import nh3

from syndicator.extract.urls import absolutize

_TAGS = frozenset(
    {
        "p",
        "br",
        "a",
        "img",
        "strong",
        "b",
        "em",
        "i",
        "u",
        "ul",
        "ol",
        "li",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "td",
        "th",
        "caption",
        "colgroup",
        "col",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "code",
        "figure",
        "figcaption",
        "span",
        "div",
        "sub",
        "sup",
        "hr",
    }
)
_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
# Dropped with everything inside them, not just unwrapped.
_DROP_WITH_CONTENT = frozenset(
    {
        "script",
        "style",
        "iframe",
        "noscript",
        "object",
        "embed",
        "template",
        "textarea",
        "select",
        "button",
        "form",
        "svg",
        "math",
        "frameset",
        "frame",
        "applet",
    }
)
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def strip_control(text: str) -> str:
    """Remove characters XML 1.0 forbids (feed writers raise on them)."""
    return _XML_ILLEGAL.sub("", text)


def sanitize_html(html: str, base_url: str, encoding: str = "utf-8") -> str:
    """Allowlisted HTML with every href/src absolute and no active content."""

    def keep(tag: str, attribute: str, value: str) -> str | None:
        if attribute in ("href", "src"):
            return absolutize(value, base_url, encoding)
        return value

    cleaned = nh3.clean(
        strip_control(html),
        tags=set(_TAGS),
        attributes={tag: set(names) for tag, names in _ATTRIBUTES.items()},
        clean_content_tags=set(_DROP_WITH_CONTENT),
        url_schemes={"http", "https"},
        attribute_filter=keep,
        link_rel=None,
        strip_comments=True,
    )
    return _drop_empty_blocks(strip_control(cleaned))


# A block whose content is only spaces, <br> and empty inline tags: editors leave
# "<p><br></p>" and "<div>&nbsp;</div>" as spacers, which say nothing in a feed reader.
_EMPTY_BLOCK = re.compile(
    r"<(p|div|h[1-6]|blockquote)>"
    r"(?:\s|&nbsp;|&#160;|<br>|</?(?:span|strong|b|em|i|u|sub|sup|code|a)>|<a [^>]*>)*"
    r"</\1>"
)


def _drop_empty_blocks(html: str) -> str:
    """Remove blocks holding no text and no image, innermost first, until none is left."""
    while True:
        shorter = _EMPTY_BLOCK.sub("", html)
        if shorter == html:
            return html
        html = shorter
