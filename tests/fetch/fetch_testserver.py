"""A scripted HTTP server on 127.0.0.1 and a fake clock for the fetch tests.

Each path answers from a script: a list of replies used in turn (the last one repeats)
or a function of the request. Every request is recorded with its headers, so tests can
check what really reached the wire.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

AGENT = "syndicator-test/0.1 (+https://example.org/contact)"


class FakeClock:
    """Monotonic time that moves only when slept on or advanced by the test."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    stall: float = 0.0  # seconds before answering; cut short when the server stops
    stream_size: int = 0  # send this many bytes of filler instead of ``body``
    declare_length: bool = True  # False: no Content-Length, the body ends at close
    trickle: float = 0.0  # seconds between the body's bytes, sent one at a time
    trickle_head: float = 0.0  # seconds between the status line's and headers' bytes


@dataclass(frozen=True)
class Seen:
    path: str
    host: str
    headers: dict[str, str]
    method: str = "GET"


Script = Callable[[Seen], Reply]


@dataclass
class _Route:
    replies: list[Reply] = field(default_factory=list)
    script: Script | None = None

    def next(self, seen: Seen) -> Reply:
        if self.script is not None:
            return self.script(seen)
        return self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]


class LocalServer:
    def __init__(self) -> None:
        self._routes: dict[str, _Route] = {}
        self._lock = threading.Lock()
        self.seen: list[Seen] = []
        self.stopping = threading.Event()
        self._httpd = _Server(self)
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.01,), daemon=True)

    def start(self) -> LocalServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def route(self, path: str, *replies: Reply) -> None:
        with self._lock:
            self._routes[path] = _Route(list(replies))

    def script(self, path: str, script: Script) -> None:
        with self._lock:
            self._routes[path] = _Route(script=script)

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def hits(self, path: str) -> list[Seen]:
        with self._lock:
            return [seen for seen in self.seen if seen.path == path]

    def answer(self, seen: Seen) -> Reply:
        with self._lock:
            self.seen.append(seen)
            route = self._routes.get(seen.path)
        if route is None:
            return Reply(404, b"not found")
        return route.next(seen)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, owner: LocalServer) -> None:
        self.owner = owner
        super().__init__(("127.0.0.1", 0), _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that hang up early are part of the tests, not failures."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle's algorithm the second waits
    # for the client's delayed ACK, 40 ms a request on loopback.
    disable_nagle_algorithm = True

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        assert isinstance(self.server, _Server)
        owner = self.server.owner
        headers = {name.lower(): value for name, value in self.headers.items()}
        reply = owner.answer(Seen(self.path, headers.get("host", ""), headers, self.command))
        if reply.stall:
            owner.stopping.wait(reply.stall)
        try:
            self._send(reply)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _send(self, reply: Reply) -> None:
        if reply.trickle_head:
            self._send_trickled_head(reply)
            return
        size = reply.stream_size or len(reply.body)
        if any(name.lower() == "date" for name, _ in reply.headers):
            self.send_response_only(reply.status)  # the reply brings its own Date
        else:
            self.send_response(reply.status)
        for name, value in reply.headers:
            self.send_header(name, value)
        if reply.declare_length:
            self.send_header("Content-Length", str(size))
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if self.command == "HEAD":
            return
        if reply.trickle:
            owner = self.server.owner  # type: ignore[attr-defined]
            for byte in reply.body:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                if owner.stopping.wait(reply.trickle):
                    return
            return
        if not reply.stream_size:
            self.wfile.write(reply.body)
            return
        filler = b"x" * 65536
        sent = 0
        while sent < size:
            piece = filler[: size - sent]
            self.wfile.write(piece)
            sent += len(piece)

    def _send_trickled_head(self, reply: Reply) -> None:
        owner = self.server.owner  # type: ignore[attr-defined]
        head = f"HTTP/1.1 {reply.status} OK\r\n" + "".join(
            f"X-Filler-{n}: {'y' * 20}\r\n" for n in range(20)
        )
        head += f"Content-Length: {len(reply.body)}\r\n\r\n"
        for byte in head.encode("ascii"):
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
            if owner.stopping.wait(reply.trickle_head):
                return
        self.wfile.write(reply.body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the tests read ``LocalServer.seen`` instead."""
