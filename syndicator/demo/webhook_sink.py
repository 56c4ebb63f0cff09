"""A webhook receiver on loopback that checks Standard Webhooks signatures with the
``standardwebhooks`` package (an implementation that is not ours) and records every
request; it can be told to answer with a scripted sequence of statuses, to show
retries, 410 Gone and Retry-After."""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

from standardwebhooks import Webhook

Script = int | tuple[int, dict[str, str]]


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    verified: bool
    status: int
    error: str | None = None
    at: float = 0.0  # time.monotonic() on arrival

    @property
    def webhook_id(self) -> str:
        return self.headers.get("webhook-id", "")

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class WebhookSink:
    """``secret=None`` accepts unsigned requests (an Apprise ``json://`` target)."""

    secret: str | None = None
    host: str = "127.0.0.1"
    port: int = 0
    quiet: bool = True
    received: list[Received] = field(default_factory=list)
    _script: deque[Script] = field(default_factory=deque)
    _fail_ratio: tuple[int, int] = (0, 1)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None
    _arrived: threading.Condition = field(default_factory=threading.Condition)

    def start(self) -> str:
        self._server = _Server((self.host, self.port), _handler(self))
        self._server.daemon_threads = True
        threading.Thread(
            target=self._server.serve_forever, name="webhook-sink", daemon=True
        ).start()
        return self.url

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://{self.host}:{self._server.server_address[1]}/hook"

    def answer(self, statuses: Iterable[Script]) -> None:
        """Answer the next requests with these statuses (then 200 again); a status may
        come with headers, e.g. ``(429, {"Retry-After": "120"})``."""
        with self._lock:
            self._script.extend(statuses)

    def fail_every(self, n: int, of: int) -> None:
        """Answer 500 to ``n`` requests out of every ``of`` (0 turns it off)."""
        with self._lock:
            self._fail_ratio = (n, max(of, 1))

    def accepted(self) -> list[Received]:
        with self._lock:
            return [r for r in self.received if 200 <= r.status < 300]

    def wait_for(self, count: int, timeout: float = 10.0) -> bool:
        """Wait until ``count`` requests were accepted (a real event, with a timeout)."""
        with self._arrived:
            return self._arrived.wait_for(lambda: len(self.accepted()) >= count, timeout)

    def _next_status(self) -> tuple[int, dict[str, str]]:
        with self._lock:
            if self._script:
                item = self._script.popleft()
                return item if isinstance(item, tuple) else (item, {})
            n, of = self._fail_ratio
            if n and len(self.received) % of < n:
                return 500, {}
        return 200, {}

    def _record(self, entry: Received) -> None:
        with self._lock:
            self.received.append(entry)
        with self._arrived:
            self._arrived.notify_all()
        if not self.quiet:
            print(show(entry), flush=True)


def show(entry: Received) -> str:
    """A received webhook: its id, whether its signature verified, and its JSON body."""
    try:
        body = json.dumps(entry.json(), ensure_ascii=False, indent=2)
    except ValueError:
        body = entry.body.decode("utf-8", "replace")
    return (
        f"{'-' * 72}\nwebhook {entry.path} answered {entry.status}, id {entry.webhook_id or '-'}, "
        f"signature {'verified' if entry.verified else 'NOT verified'}\n{body}"
    )


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # A sender killed mid-request (the crash tests do it on purpose) is not news.
        pass


def _handler(sink: WebhookSink) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        disable_nagle_algorithm = True  # no 40 ms wait for a delayed ACK

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length)
            headers = {k.lower(): v for k, v in self.headers.items()}
            error = None
            verified = sink.secret is None
            if sink.secret is not None:
                try:
                    Webhook(sink.secret).verify(body, headers)
                    verified = True
                except Exception as exc:  # the verifier's own error types vary
                    error = str(exc)
            status, extra = (400, {}) if not verified else sink._next_status()
            # Recorded before answering, so a sender that saw the answer sees the record.
            sink._record(
                Received(self.path, headers, body, verified, status, error, time.monotonic())
            )
            self.send_response(status)
            for name, value in extra.items():
                self.send_header(name, value)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler
