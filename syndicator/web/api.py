"""Machine endpoints: ``/metrics`` and the admin ``POST /api/poll/{site}/{category}``.

The admin API is off (404, as if absent) unless a token is configured, so an
unconfigured service exposes nothing that acts. The token is compared in constant time.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from syndicator import metrics
from syndicator.errors import first_line

log = logging.getLogger("syndicator.web")

if TYPE_CHECKING:
    from syndicator.web.context import WebContext


def metrics_endpoint(request: Request) -> Response:
    body, media_type = metrics.render()
    return Response(body, headers={"content-type": media_type})


def bearer_token(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def authorized(request: Request, expected: str) -> bool:
    given = bearer_token(request)
    if given is None:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def poll_endpoint(ctx: WebContext) -> Callable[[Request], Awaitable[Response]]:
    known = {spec.key for spec in ctx.categories}

    async def poll(request: Request) -> Response:
        if not ctx.admin_token:
            return _error(404, "not found")
        if not authorized(request, ctx.admin_token):
            return _error(
                401,
                "a valid bearer token is required",
                {"www-authenticate": 'Bearer realm="syndicator"'},
            )
        key = f"{request.path_params['site']}/{request.path_params['category']}"
        if key not in known:
            return _error(404, f"unknown category {key}")
        if ctx.poll_now is None:
            return _error(503, "this process does not poll (started with --no-worker)")
        try:
            summary = await run_in_threadpool(ctx.poll_now, key)
        except Exception as exc:  # the database locked, read-only or full; a bug
            log.exception("admin poll of %s failed", key)
            return _error(503, f"the poll could not run: {type(exc).__name__}: {first_line(exc)}")
        return JSONResponse(summary)

    return poll
