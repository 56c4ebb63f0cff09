"""A portal answering with broken HTTP: the fetcher gives a result or a FetchError with
a reason, never another exception (which would end a poll in a traceback)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from syndicator.errors import FetchError
from syndicator.fetch import Fetcher
from syndicator.models import FetchSettings

BODY = b"<html><body>ok</body></html>"


def answer(status: bytes, *headers: bytes, body: bytes = BODY) -> bytes:
    return status + b"\r\n" + b"".join(h + b"\r\n" for h in headers) + b"\r\n" + body


OK = b"HTTP/1.1 200 OK"
LENGTH = b"Content-Length: 28"
FOUND = b"HTTP/1.1 302 Found"
ANSWERS = {
    "header line without a colon": answer(OK, b"This is no header", LENGTH),
    "status that is no number": answer(b"HTTP/1.1 abc OK", LENGTH),
    "not HTTP at all": b"SSH-2.0-OpenSSH_9.6\r\n\r\n",
    "HTTP/0.9 bare body": BODY,
    "NUL and high bytes in a header": answer(OK, b"X-Bad: a\x00b\xff\xfe", LENGTH),
    "two different lengths": answer(OK, b"Content-Length: 5", LENGTH),
    "negative length": answer(OK, b"Content-Length: -1"),
    "length larger than the body": answer(OK, b"Content-Length: 9999"),
    "a 70 kB header line": answer(OK, b"X-Huge: " + b"y" * 70_000),
    "a thousand headers": answer(OK, *([b"X-Many: 1"] * 1000)),
    "broken chunked encoding": answer(OK, b"Transfer-Encoding: chunked", body=b"zz\r\nhello\r\n"),
    "gzip that is not gzip": answer(OK, b"Content-Encoding: gzip", LENGTH),
    "an unknown content coding": answer(OK, b"Content-Encoding: br2", LENGTH),
    "redirect without a location": answer(FOUND, b"Content-Length: 0", body=b""),
    "redirect to a bad location": answer(FOUND, b"Location: http://[::1", body=b""),
    "redirect to another scheme": answer(FOUND, b"Location: file:///etc/passwd", body=b""),
    "redirect to a bad port": answer(FOUND, b"Location: http://x.example:99999/", body=b""),
    "closed before any byte": b"",
}


@pytest.fixture
def portal() -> Iterator[tuple[str, dict[str, bytes]]]:
    """A raw-socket server answering each connection with ``script["answer"]``."""
    script: dict[str, bytes] = {"answer": b""}
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(2)
                try:
                    data = b""
                    while b"\r\n\r\n" not in data:
                        chunk = conn.recv(65536)
                        if not chunk:
                            break
                        data += chunk
                    conn.sendall(script["answer"])
                except OSError:
                    pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/list.html", script
    stop.set()
    server.close()


@pytest.mark.parametrize("name", list(ANSWERS))
def test_broken_http_is_a_result_or_a_fetch_error(
    portal: tuple[str, dict[str, bytes]], name: str
) -> None:
    url, script = portal
    script["answer"] = ANSWERS[name]
    settings = FetchSettings(
        robots_txt=False, host_delay=0, retries=1, timeout=2, allow_private=True
    )
    with Fetcher(settings) as fetcher:
        try:
            result = fetcher.get(url)
        except FetchError as error:
            assert error.reason and "\n" not in str(error), name
        else:
            assert result.status == 200, name
