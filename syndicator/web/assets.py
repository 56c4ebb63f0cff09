"""The feeds' XSL stylesheet, the one static file the app serves.

It changes only with a release, so it is cached for a day and revalidated by ETag; the
bytes and headers are made once per process.
"""

from __future__ import annotations

import hashlib
from functools import cache

from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse, Response
from starlette.types import Message, Receive, Scope, Send

from syndicator.feeds.stylesheet import STYLESHEET_PATH, STYLESHEET_TYPE, stylesheet

STYLESHEET_ROUTE = f"/{STYLESHEET_PATH}"
MAX_AGE = 86400


@cache
def _etag() -> str:
    return f'"{hashlib.sha256(stylesheet()).hexdigest()[:32]}"'


async def serve_stylesheet(scope: Scope, receive: Receive, send: Send) -> None:
    method = scope["method"]
    response: Response
    if method not in ("GET", "HEAD"):
        response = PlainTextResponse(
            "method not allowed\n", status_code=405, headers={"allow": "GET, HEAD"}
        )
    else:
        headers = {"etag": _etag(), "cache-control": f"public, max-age={MAX_AGE}"}
        if _etag() in Headers(scope=scope).get("if-none-match", ""):
            response = Response(status_code=304, headers=headers)
        else:
            response = Response(stylesheet(), media_type=STYLESHEET_TYPE, headers=headers)
    await response(scope, receive, send)


# Chromium shows a body typed application/atom+xml or application/rss+xml as plain text
# and never applies its stylesheet; as application/xml the same bytes become a page.
# Only a browser navigating to the feed (it asks for text/html and not for the feed's
# own type) is answered so; readers keep the feed's type, and Vary tells caches.
PAGE_TYPE = b"application/xml; charset=utf-8"
_STYLED = {".atom": b"application/atom+xml", ".rss": b"application/rss+xml"}


def wants_page(scope: Scope) -> bool:
    path: str = scope["path"]
    own = next((kind for ext, kind in _STYLED.items() if path.endswith(ext)), None)
    if own is None:
        return False
    accept = b", ".join(v for k, v in scope.get("headers", ()) if k == b"accept").lower()
    if b"text/html" not in accept:
        return False
    asked = set()
    for part in accept.split(b","):
        kind, _, params = part.partition(b";")
        if _quality(params) > 0:
            asked.add(kind.strip())
    return b"text/html" in asked and own not in asked


def as_page(scope: Scope, send: Send) -> Send:
    """``send``, retyping a feed answer for a browser; unchanged for everyone else."""
    if not wants_page(scope):
        return send

    async def send_page(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = []
            for name, value in message.get("headers", ()):
                if name == b"content-type" and value.startswith(tuple(_STYLED.values())):
                    value = PAGE_TYPE
                elif name == b"vary":
                    value = b"Accept, " + value
                headers.append((name, value))
            message = {**message, "headers": headers}
        await send(message)

    return send_page


def _quality(params: bytes) -> float:
    for param in params.split(b";"):
        key, _, value = param.partition(b"=")
        if key.strip() == b"q":
            try:
                return float(value)
            except ValueError:
                return 0.0
    return 1.0
