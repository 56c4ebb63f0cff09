"""One-line reasons for transport failures.

``requests`` wraps the cause several layers deep (requests → urllib3 MaxRetryError →
NewConnectionError → OSError); an operator reading ``/healthz`` or a CLI error wants
"connection refused", not that stack.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator

import requests
from urllib3.exceptions import ProtocolError, ReadTimeoutError


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """Every exception reachable through args, ``reason``, ``__cause__``, ``__context__``."""
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        current = todo.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        linked = [current.__cause__, current.__context__, getattr(current, "reason", None)]
        linked.extend(arg for arg in current.args if isinstance(arg, BaseException))
        todo.extend(item for item in linked if isinstance(item, BaseException))


def describe(exc: BaseException, timeout: float) -> str:
    causes = list(_causes(exc))

    def has(*kinds: type[BaseException]) -> bool:
        return any(isinstance(cause, kinds) for cause in causes)

    if has(ConnectionRefusedError):
        return "connection refused"
    if has(socket.gaierror):
        return "host name not found"
    if has(ssl.SSLError):
        return "TLS handshake failed"
    if has(requests.Timeout, ReadTimeoutError, TimeoutError):
        return f"timed out after {timeout:g}s"
    if has(ConnectionResetError):
        return "connection reset by the server"
    if has(requests.exceptions.ContentDecodingError):
        return "could not decompress the answer"
    if has(requests.exceptions.ChunkedEncodingError, ProtocolError):
        return "connection broken while reading the answer"
    if has(requests.exceptions.InvalidURL, requests.exceptions.InvalidSchema):
        return "not a valid URL"
    return f"connection failed ({type(exc).__name__})"


def is_retryable(exc: requests.RequestException) -> bool:
    """Transient transport trouble is worth another try; a malformed URL or body is not."""
    permanent = (
        requests.exceptions.InvalidURL,
        requests.exceptions.InvalidSchema,
        requests.exceptions.MissingSchema,
        requests.exceptions.InvalidHeader,
        requests.exceptions.ContentDecodingError,
    )
    return not isinstance(exc, permanent)
