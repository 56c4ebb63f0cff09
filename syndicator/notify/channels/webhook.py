"""Standard Webhooks delivery: a signed JSON POST, redirects followed by hand.

The signature is ``v1,`` + base64 HMAC-SHA256 of ``{id}.{timestamp}.{body}``, keyed with
the base64-decoded part of the ``whsec_`` secret. ``webhook-id`` is the delivery's key,
the same on every retry, so receivers can drop repeats.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import partial
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from syndicator.addresses import Pinned, pin
from syndicator.fetch.deadline import Deadline
from syndicator.models import Delivery, WebhookChannel
from syndicator.notify import render
from syndicator.notify.result import SendResult

MAX_REDIRECTS = 3
REDIRECTS = (301, 302, 303, 307, 308)
USER_AGENT = "syndicator-webhooks/0.1"


def secret_key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix("whsec_"))


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def encode(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - now).total_seconds(), 0.0)


def _answer(response: httpx.Response, now: datetime) -> SendResult:
    status = response.status_code
    if 200 <= status < 300:
        return SendResult(ok=True, status=status)
    wait = retry_after(response.headers.get("retry-after"), now)
    if status == 410:
        return SendResult(
            ok=False,
            status=status,
            error="HTTP 410 Gone: channel disabled",
            permanent=True,
            disable=True,
        )
    return SendResult(
        ok=False,
        status=status,
        error=f"HTTP {status}",
        retry_after=wait if status in (429, 503) else None,
    )


def _watch(deadline: Deadline) -> Callable[[str, dict[str, Any]], None]:
    """An httpx ``trace`` hook handing each new connection's socket to ``deadline``."""

    def trace(event: str, info: dict[str, Any]) -> None:
        if event in ("connection.connect_tcp.complete", "connection.start_tls.complete"):
            stream = info.get("return_value")
            if stream is not None:
                deadline.attach(stream.get_extra_info("socket"))

    return trace


class WebhookSender:
    def __init__(
        self,
        channel: WebhookChannel,
        client: httpx.Client | None = None,
        guard: Callable[[str], Pinned | str | None] | None = None,
    ) -> None:
        """``guard`` says why a URL may not be requested, or where to connect for it
        (default: the SSRF rules with the channel's ``allow_private``, pinned to the
        checked address); it is asked before every hop. None means "as it is"."""
        self.channel = channel
        self.guard = guard or partial(pin, allow_private=channel.allow_private)
        # No kept-alive connections: each delivery connects afresh, which is when its
        # socket is handed to the delivery's deadline (see ``_watch``).
        self.client = client or httpx.Client(
            follow_redirects=False,
            timeout=channel.timeout,
            headers={"User-Agent": USER_AGENT},
            limits=httpx.Limits(max_keepalive_connections=0),
        )

    def close(self) -> None:
        self.client.close()

    def send(self, delivery: Delivery, now: datetime) -> SendResult:
        return self.post(delivery.key, render.webhook_body(delivery), now)

    def post(self, msg_id: str, payload: dict[str, Any], now: datetime) -> SendResult:
        body = encode(payload)
        # The signature's timestamp is the wall clock, whatever clock schedules retries:
        # receivers reject signatures more than a few minutes off their own time.
        stamp = int(time.time())
        headers = {
            "content-type": "application/json",
            "webhook-id": msg_id,
            "webhook-timestamp": str(stamp),
            "webhook-signature": sign(self.channel.secret, msg_id, stamp, body),
        }
        url = self.channel.url
        for _hop in range(MAX_REDIRECTS + 1):
            target = self.guard(url)
            if isinstance(target, str):
                return SendResult(ok=False, error=f"refused: {target}", permanent=True)
            target = target or Pinned(url)
            hop_headers = {**headers, "host": target.host} if target.host else headers
            timeout = self.channel.timeout
            # Past the timeout, the socket is shut: a receiver trickling its answer a
            # byte at a time never trips a per-read timeout, and would hold every
            # delivery queued behind it.
            deadline = Deadline(timeout * 1.25 + 0.25)
            extensions: dict[str, Any] = {"trace": _watch(deadline)}
            if target.tls_name:
                extensions["sni_hostname"] = target.tls_name
            try:
                # Streamed and closed unread: only the status and headers matter, and a
                # receiver answering with a huge body must not cost memory or time.
                with (
                    deadline,
                    self.client.stream(
                        "POST",
                        target.url,
                        content=body,
                        headers=hop_headers,
                        timeout=timeout,
                        extensions=extensions,
                    ) as response,
                ):
                    pass
            except httpx.InvalidURL as exc:
                return SendResult(ok=False, error=f"unusable address: {exc}", permanent=True)
            except httpx.HTTPError as exc:
                if deadline.expired:
                    return SendResult(
                        ok=False, error=f"the answer kept trickling past the {timeout:g}s timeout"
                    )
                return SendResult(ok=False, error=f"{type(exc).__name__}: {exc}")
            if deadline.expired:
                return SendResult(
                    ok=False, error=f"the answer kept trickling past the {timeout:g}s timeout"
                )
            location = response.headers.get("location")
            if response.status_code not in REDIRECTS or not location:
                return _answer(response, now)
            try:
                url = urljoin(url, location)
                urlsplit(url).port  # noqa: B018 -- raises for an impossible port
            except ValueError:
                return SendResult(
                    ok=False,
                    status=response.status_code,
                    error=f"redirect to an unusable address: {location[:200]!r}",
                    permanent=True,
                )
        return SendResult(
            ok=False, status=response.status_code, error=f"more than {MAX_REDIRECTS} redirects"
        )
