"""The XSL stylesheet that lets a browser show an Atom or RSS feed as a page.

Readers ignore the ``xml-stylesheet`` processing instruction; browsers that still run
XSLT apply it, so a person who opens a feed link sees its articles and how to subscribe
instead of raw XML. One stylesheet handles both formats.

Browsers apply a stylesheet only from the feed's own origin, so the href is a path from
the site root, never a full URL: the service answers under any host name it is reached
by. The path still follows the configured public URL, so a service published under a
prefix (``https://example.org/news/``) points at ``/news/feeds/feed.xsl``.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from urllib.parse import quote, urlsplit

STYLESHEET_PATH = "feeds/feed.xsl"
STYLESHEET_TYPE = "text/xsl; charset=utf-8"

_DECLARATION_END = b"?>"
# Quotes and "&" are escaped too, so the href needs no further escaping inside the
# instruction's pseudo-attribute.
_PATH_SAFE = "/-._~!$()*+,;=:@%"


@cache
def stylesheet() -> bytes:
    return resources.files("syndicator.feeds").joinpath("feed.xsl").read_bytes()


def stylesheet_href(public_url: str) -> str:
    prefix = urlsplit(public_url).path.rstrip("/")
    return quote(f"{prefix}/{STYLESHEET_PATH}", safe=_PATH_SAFE)


def add_stylesheet(data: bytes, public_url: str) -> bytes:
    """``data`` with the stylesheet instruction right after its XML declaration."""
    href = stylesheet_href(public_url)
    instruction = f'<?xml-stylesheet type="text/xsl" href="{href}"?>'.encode()
    if not data.startswith(b"<?xml "):
        return instruction + b"\n" + data
    end = data.index(_DECLARATION_END) + len(_DECLARATION_END)
    return data[:end] + b"\n" + instruction + data[end:]
