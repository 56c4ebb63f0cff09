"""uvicorn in a background thread, with a start that returns once it is serving and a
stop that drains and joins.

The socket is bound here, before uvicorn starts, so port 0 yields a real port the caller
learns at once, and a port in use fails in ``start`` with a clear OSError. uvicorn
installs signal handlers only in the main thread, so the owning process keeps its own
SIGTERM/SIGINT handling.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

_STARTUP_TIMEOUT = 30.0
KEEP_ALIVE = 5
# A request's head (request line and headers) must have arrived this long after the
# connection opened or the head began; a client that sends nothing, or a byte at a time
# (slowloris), is dropped then and its descriptor freed.
HEAD_TIMEOUT = 10.0

log = logging.getLogger("syndicator.web")


class GuardedProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a deadline on every request head: uvicorn
    itself times out only idle kept-alive connections, so silent or trickling clients
    could hold their sockets for ever and fill the connection cap."""

    head_timeout = HEAD_TIMEOUT
    _head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self._head_timer is None:
            self._arm()

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._head_timer = self.loop.call_later(self.head_timeout, self._too_slow)

    def _disarm(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _too_slow(self) -> None:
        self._head_timer = None
        if not self.transport.is_closing():
            log.debug(
                "dropped %s: no whole request head within %gs", self.client, self.head_timeout
            )
            self.transport.close()


class ServerThread:
    def __init__(self, app: Any, host: str, port: int, *, max_connections: int = 500) -> None:
        """``max_connections``: past it, requests are answered 503 at once, so idle or
        slow clients cannot use up the file descriptors every new request needs."""
        self.app = app
        self.host = host
        self.port = port
        self.max_connections = max_connections
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self) -> str:
        """Bind, start serving, and return the base URL once requests are answered."""
        if self._thread is not None:
            raise RuntimeError("server already started")
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self.host, self.port))
            sock.listen(2048)
        except OSError:
            sock.close()
            raise
        sock.set_inheritable(True)
        self.port = sock.getsockname()[1]
        self._socket = sock
        config = uvicorn.Config(
            self.app,
            http=GuardedProtocol,
            log_level="warning",
            access_log=False,
            lifespan="off",
            # No WebSocket routes: "auto" would import the websockets package (3.6 MiB
            # that stays) only to refuse upgrades.
            ws="none",
            timeout_graceful_shutdown=5,
            server_header=False,
            # An idle keep-alive connection is closed after this many seconds.
            timeout_keep_alive=KEEP_ALIVE,
            limit_concurrency=self.max_connections,
        )
        server = self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=server.run,
            kwargs={"sockets": [sock]},
            name=f"web-{self.port}",
            daemon=True,
        )
        self._thread.start()
        deadline = time.monotonic() + _STARTUP_TIMEOUT
        # Short waits, so a thread that died during startup is noticed.
        while not server.started:
            time.sleep(0.02)
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"web server on {self.base_url} failed to start")
        return self.base_url

    def stop(self, timeout: float = 10) -> None:
        """Stop accepting, let requests in flight finish, and join the thread."""
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        server.should_exit = True
        thread.join(timeout)
        if thread.is_alive():
            server.force_exit = True
            thread.join(timeout)
        self._close_socket()
        self._server = None
        self._thread = None

    def _close_socket(self) -> None:
        if self._socket is not None:
            self._socket.close()
            self._socket = None

    def __enter__(self) -> ServerThread:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
