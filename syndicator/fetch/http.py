"""GET a page politely and return its bytes; decoding is left to extraction.

Every request, robots.txt included, goes through one per-host gate, carries our honest
User-Agent and a timeout, and stops reading at ``max_bytes``. Redirects are followed here
rather than inside ``requests`` so that each hop is checked against robots.txt, waits
its turn at its own host, and is checked against the address rules: a host that
resolves to a private, loopback, link-local or otherwise non-global address is refused
unless the config allows it, and the request goes to the very address that was checked
(the name travels in the Host header and as the TLS server name), so a resolver that
answers differently the second time gains nothing.
"""

from __future__ import annotations

import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from types import TracebackType
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
import urllib3
from requests.models import PreparedRequest
from requests.utils import requote_uri

from syndicator.addresses import Pinned, pin
from syndicator.errors import AddressRefused, FetchError, HTTPStatusError, RobotsDenied, TooLarge
from syndicator.fetch.deadline import Deadline, WatchedAdapter
from syndicator.fetch.politeness import (
    Clock,
    HostGate,
    Sleep,
    answer_time,
    backoff,
    parse_retry_after,
)
from syndicator.fetch.reasons import describe, is_retryable
from syndicator.fetch.robots import RobotsAnswer, RobotsCache
from syndicator.models import FetchSettings

MAX_REDIRECTS = 5
MAX_RETRY_AFTER = 120.0
CHUNK = 64 * 1024
ROBOTS_MAX_BYTES = 512 * 1024
REDIRECTS = frozenset({301, 302, 303, 307, 308})
_TRICKLED = "the answer kept trickling past the {:g}s timeout"
ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@dataclass(frozen=True, slots=True)
class FetchResult:
    """The final answer for a URL; on 304 the body is empty and the validators are kept."""

    url: str
    status: int
    body: bytes
    content_type: str | None
    etag: str | None
    last_modified: str | None
    bytes_received: int
    # What the answer's Content-Length declared (a HEAD request's reason to be).
    content_length: int | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass(frozen=True, slots=True)
class FetchStats:
    """Traffic so far, for benchmarks and metrics; robots.txt requests are included."""

    requests: int = 0
    bytes_received: int = 0
    not_modified: int = 0
    retries: int = 0
    robots_requests: int = 0


@dataclass(frozen=True, slots=True)
class _Redirect:
    location: str


@dataclass(frozen=True, slots=True)
class _Transient:
    """A 429 or 5xx: worth another try, perhaps after the delay the server asked for."""

    status: int
    retry_after: float | None


_Answer = FetchResult | _Redirect | _Transient


class Fetcher:
    def __init__(
        self,
        settings: FetchSettings,
        *,
        session: requests.Session | None = None,
        clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
    ) -> None:
        self._settings = settings
        self._owns_session = session is None
        self._session = session if session is not None else requests.Session()
        if self._owns_session:
            self._session.max_redirects = MAX_REDIRECTS
            self._session.mount("http://", WatchedAdapter())
            self._session.mount("https://", _PinnedAdapter())
        self._sleep = sleep
        self._gate = HostGate(settings.host_delay, clock=clock, sleep=sleep)
        self._robots = RobotsCache(self._download_robots, clock=clock)
        self._stats = FetchStats()
        self._stats_lock = threading.Lock()

    @property
    def stats(self) -> FetchStats:
        with self._stats_lock:
            return self._stats

    def close(self) -> None:
        if self._owns_session:
            self._session.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def get(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """GET ``url``, conditionally when validators are given.

        Raises ``RobotsDenied``, ``TooLarge``, ``HTTPStatusError`` (non-retryable status,
        retries spent, or a Retry-After too long to wait here) or ``FetchError``.
        """
        _require_http(url)
        headers = self._headers(etag, last_modified)
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            self._check_robots(current)
            answer = self._attempts(current, headers)
            if isinstance(answer, FetchResult):
                if answer.not_modified:
                    self._count(not_modified=1)
                    return replace(
                        answer,
                        etag=answer.etag or etag,
                        last_modified=answer.last_modified or last_modified,
                    )
                return answer
            current = answer.location
            _require_http(current)
        raise FetchError(url, f"more than {MAX_REDIRECTS} redirects")

    def head(self, url: str) -> FetchResult:
        """HEAD ``url`` (an attachment, to learn its type and size without its bytes),
        with every rule of ``get``: robots.txt, the host's turn, the address checks at
        each redirect, retries. Raises as ``get`` does; a server that refuses HEAD
        (405, 501) raises ``HTTPStatusError`` at once."""
        _require_http(url)
        headers = self._headers(None, None)
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            self._check_robots(current)
            answer = self._attempts(current, headers, method="HEAD")
            if isinstance(answer, FetchResult):
                return answer
            current = answer.location
            _require_http(current)
        raise FetchError(url, f"more than {MAX_REDIRECTS} redirects")

    def _headers(self, etag: str | None, last_modified: str | None) -> dict[str, str]:
        headers = {
            "User-Agent": self._settings.user_agent,
            "Accept": ACCEPT,
            "Accept-Encoding": "gzip, deflate",
            "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5",
        }
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return headers

    def _check_robots(self, url: str) -> None:
        if not self._settings.robots_txt:
            return
        agent = self._settings.user_agent
        policy = self._robots.policy(url)
        delay = policy.crawl_delay(agent)
        if delay is not None:
            self._gate.set_delay(_host(url), delay)
        if not policy.allows(url, agent):
            raise RobotsDenied(url)

    def _attempts(
        self, url: str, headers: dict[str, str], *, method: str = "GET"
    ) -> FetchResult | _Redirect:
        tries = max(0, self._settings.retries) + 1
        attempt = 0
        while True:
            last = attempt == tries - 1
            try:
                answer = self._exchange(url, headers, method)
            except requests.RequestException as exc:
                if last or not is_retryable(exc):
                    raise FetchError(url, describe(exc, self._settings.timeout)) from None
                wait = backoff(attempt)
            else:
                if not isinstance(answer, _Transient):
                    return answer
                asked = answer.retry_after
                if last or (asked is not None and asked > MAX_RETRY_AFTER):
                    raise HTTPStatusError(url, answer.status, asked)
                wait = backoff(attempt) if asked is None else asked
            self._count(retries=1)
            self._sleep(wait)
            attempt += 1

    def _checked(self, url: str) -> Pinned:
        """Where to connect for ``url``, by the address rules; raises when refused."""
        host = _host(url)
        checked = pin(url, allow_private=self._settings.may_reach_private(host))
        if isinstance(checked, str):
            if checked.startswith("cannot resolve"):
                raise FetchError(url, "host name not found")
            raise AddressRefused(url, f"refused: {checked}")
        return checked

    @contextmanager
    def _open(
        self, url: str, headers: dict[str, str], *, robots: bool = False, method: str = "GET"
    ) -> Iterator[requests.Response]:
        """One request of ``url`` at the address it was checked for, in its host's turn,
        no redirect followed; the answer's bytes are counted when it is closed."""
        target = self._checked(url)
        if target.host:
            headers = {**headers, "Host": target.host}
        timeout = self._settings.timeout
        # A little past the timeout, so that the finer bounds (the socket's own timeout
        # on a silent server, the body's deadline) name what happened when they apply.
        with self._gate.turn(_host(url)), Deadline(timeout * 1.25 + 0.25) as deadline:
            self._count(requests=1, robots_requests=int(robots))
            tries = (target.url, *target.fallbacks)
            # Connecting to every address in turn fits in one timeout.
            connect = timeout / len(tries)
            for index, address_url in enumerate(tries):
                try:
                    response = self._session.request(
                        method,
                        address_url,
                        headers=headers,
                        timeout=(connect, timeout),
                        stream=True,
                        allow_redirects=False,
                    )
                    break
                except requests.RequestException as exc:
                    if deadline.expired:
                        # Not retried: a server that trickles will trickle again.
                        raise FetchError(url, _TRICKLED.format(timeout)) from None
                    if index + 1 < len(tries) and _not_connected(exc):
                        continue  # the name's next address
                    raise
                except ValueError as exc:
                    # requests reads a redirect's Location eagerly, even unfollowed: a
                    # malformed one ("http://[::1") surfaces here.
                    raise FetchError(url, f"malformed answer ({exc})") from None
            try:
                yield response
            except (requests.RequestException, FetchError):
                if deadline.expired:
                    raise FetchError(url, _TRICKLED.format(timeout)) from None
                raise
            finally:
                self._count(bytes_received=_wire_bytes(response))
                response.close()
            # A socket shut mid-headers can also read as a short, well-formed answer.
            if deadline.expired:
                raise FetchError(url, _TRICKLED.format(timeout))

    def _exchange(self, url: str, headers: dict[str, str], method: str) -> _Answer:
        with self._open(url, headers, method=method) as response:
            return self._answer(url, response, method)

    def _answer(self, url: str, response: requests.Response, method: str) -> _Answer:
        status = response.status_code
        if status in REDIRECTS:
            target = self._session.get_redirect_target(response)
            if target:
                return _Redirect(_follow(url, target))
            raise HTTPStatusError(url, status)
        if status == 304 or (method == "HEAD" and 200 <= status < 300):
            return _result(url, response, b"")
        if method == "HEAD" and status in (405, 501):
            raise HTTPStatusError(url, status)
        if 200 <= status < 300:
            body = _read_body(url, response, self._settings.max_bytes, self._settings.timeout)
            return _result(url, response, body)
        now = answer_time(response.headers.get("Date"), datetime.now(UTC))
        retry_after = parse_retry_after(response.headers.get("Retry-After"), now)
        if status == 429 or status >= 500:
            return _Transient(status, retry_after)
        raise HTTPStatusError(url, status, retry_after)

    def _download_robots(self, url: str) -> RobotsAnswer:
        """One try, no retries: an unreachable robots.txt is settled by the cache rules.
        Redirects (http to https, most often) are followed by hand, each hop checked."""
        try:
            for _hop in range(MAX_REDIRECTS + 1):
                with self._open(url, self._headers(None, None), robots=True) as response:
                    status = response.status_code
                    location = self._session.get_redirect_target(response)
                    if status in REDIRECTS and location:
                        url = _follow(url, location)
                        continue
                    if not 200 <= status < 300:
                        return RobotsAnswer(status)
                    return RobotsAnswer(status, _read_prefix(url, response, self._settings.timeout))
        except (requests.RequestException, FetchError):
            return RobotsAnswer(None)
        return RobotsAnswer(None)

    def _count(
        self,
        *,
        requests: int = 0,
        bytes_received: int = 0,
        not_modified: int = 0,
        retries: int = 0,
        robots_requests: int = 0,
    ) -> None:
        with self._stats_lock:
            old = self._stats
            self._stats = FetchStats(
                requests=old.requests + requests,
                bytes_received=old.bytes_received + bytes_received,
                not_modified=old.not_modified + not_modified,
                retries=old.retries + retries,
                robots_requests=old.robots_requests + robots_requests,
            )


class _PinnedAdapter(WatchedAdapter):
    """HTTPS to a checked address: the certificate is verified against, and SNI names,
    the host the URL named (carried in the Host header), not the address."""

    def build_connection_pool_key_attributes(
        self,
        request: PreparedRequest,
        verify: bool | str,
        cert: str | tuple[str, str] | None = None,
    ) -> Any:
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(
            request, verify, cert
        )
        extra: dict[str, Any] = dict(pool_kwargs)
        name = request.headers.get("Host")
        if host_params.get("scheme") == "https" and name:
            server = urlsplit(f"//{name}").hostname or name
            extra["server_hostname"] = server
            extra["assert_hostname"] = server
        return host_params, extra


def _follow(url: str, location: str) -> str:
    """The address a redirect points to; FetchError when it is none (``http://[::1``,
    a port past 65535), which would otherwise surface as a ValueError."""
    try:
        target = requote_uri(urljoin(url, location))
        urlsplit(target).port  # noqa: B018 -- raises for an impossible port
    except ValueError:
        raise FetchError(url, f"redirect to an unusable address: {location[:200]!r}") from None
    return target


def _not_connected(exc: requests.RequestException) -> bool:
    """Whether no connection was made at all (refused, unreachable, timed out while
    connecting): only then is another address of the same name worth a try."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(reason, urllib3.exceptions.NewConnectionError | ConnectionRefusedError)


def _require_http(url: str) -> None:
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        host = None
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not host:
        raise FetchError(url, "only http and https URLs can be fetched")


def _host(url: str) -> str:
    return urlsplit(url).hostname or ""


def _read_body(url: str, response: requests.Response, limit: int, timeout: float) -> bytes:
    """The body, at most ``limit`` bytes once decoded, in at most ``timeout`` seconds from
    now (see ``_read_bounded``); more is ``TooLarge``."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise TooLarge(url, limit)
    body, whole = _read_bounded(url, response, limit, timeout)
    if not whole:
        raise TooLarge(url, limit)
    return body


def _read_prefix(url: str, response: requests.Response, timeout: float) -> bytes:
    """Up to ROBOTS_MAX_BYTES, in the same bounded time; RFC 9309 lets a crawler ignore
    the rest of a huge file."""
    return _read_bounded(url, response, ROBOTS_MAX_BYTES, timeout)[0]


def _read_bounded(
    url: str, response: requests.Response, limit: int, timeout: float
) -> tuple[bytes, bool]:
    """At most ``limit`` decoded bytes, and whether that was the whole body.

    Every bound is checked on every read of the wire, so neither a server trickling a
    byte a second (which never trips a per-read timeout) nor one sending endless empty
    deflate blocks (which decode to nothing, so a decoding read never returns) can hold
    a poll past ``timeout``. The content coding is undone here for that reason: a read
    that decodes inside the library loops until it has output."""
    coding = response.headers.get("Content-Encoding", "").strip().lower()
    if coding not in ("", "identity", "gzip", "x-gzip", "deflate"):
        raise FetchError(url, f"unsupported Content-Encoding {coding!r}")
    decoder = zlib.decompressobj(zlib.MAX_WBITS | 32) if coding else None
    deadline = time.monotonic() + timeout
    body = bytearray()
    while True:
        if time.monotonic() > deadline:
            raise FetchError(url, f"the body took longer than {timeout:g}s to arrive")
        try:
            raw = response.raw.read1(CHUNK, decode_content=False)
        except urllib3.exceptions.ReadTimeoutError as exc:
            raise requests.exceptions.ReadTimeout(exc) from exc
        except (urllib3.exceptions.ProtocolError, urllib3.exceptions.SSLError, OSError) as exc:
            raise requests.exceptions.ChunkedEncodingError(exc) from exc
        if decoder is None:
            data = raw
        else:
            try:
                # Never more than the room left (plus one byte, to know it overflowed).
                data = decoder.decompress(raw, limit - len(body) + 1)
            except zlib.error as exc:
                raise FetchError(url, f"the {coding} body does not decode ({exc})") from None
        if not raw and decoder is not None:
            data += decoder.flush()
        body += data
        if len(body) > limit:
            return bytes(body[:limit]), False
        if not raw:
            return bytes(body), True


def _result(url: str, response: requests.Response, body: bytes) -> FetchResult:
    headers = response.headers
    return FetchResult(
        url=url,
        status=response.status_code,
        body=body,
        content_type=headers.get("Content-Type"),
        etag=headers.get("ETag"),
        last_modified=headers.get("Last-Modified"),
        bytes_received=_wire_bytes(response),
        content_length=_length(headers.get("Content-Length")),
    )


def _length(value: str | None) -> int | None:
    text = (value or "").strip()
    # Digits only, and a sane size: "-1", "1e9" or 40 digits say nothing useful.
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 15 else None


def _wire_bytes(response: requests.Response) -> int:
    """Body bytes as they crossed the wire (compressed) plus an estimate of the head."""
    head = len(f"HTTP/1.1 {response.status_code} {response.reason}\r\n") + 2
    head += sum(len(name) + len(value) + 4 for name, value in response.headers.items())
    tell = getattr(response.raw, "tell", None)
    body = int(tell()) if callable(tell) else 0
    return head + body
