"""A loopback replica of 中国科技创新网, the PowerEasy/动易 ASP portal we syndicate.

It serves what the real CMS emits (GB2312-declared GBK bytes, generated static pages
with IIS validators beside dynamic ASP pages, reversed List_N pagination, multi-part
articles) so that the offline demo and the whole test suite exercise the pipeline over
real HTTP. Tests drive it through ``publish``/``edit``/``set_empty``/``fail_next`` and
read ``articles()`` as the truth and ``requests`` as the record of what was asked.

    python -m syndicator.demo.portal --port 8081 [--publish-every 30]
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self

from syndicator.demo.content import split_body
from syndicator.demo.portal_catalog import (
    CATEGORIES,
    SHANGHAI,
    Catalog,
    PortalArticle,
    category,
    to_public,
)
from syndicator.demo.portal_layout import list_url_path
from syndicator.demo.portal_routes import Resource, encode_page, resolve

__all__ = ["PortalArticle", "ReplicaPortal", "RequestLogEntry", "main"]

SESSION_COOKIE = "ASPSESSIONIDQQSRBDTA=FJBGLKBCMPLPOIEOHNMADGIN; path=/"


@dataclass(frozen=True, slots=True)
class RequestLogEntry:
    method: str
    path: str  # request target as sent, query included
    status: int
    bytes_sent: int  # body bytes written (0 for HEAD and 304)
    headers: dict[str, str]  # request headers


@dataclass(frozen=True, slots=True)
class _Failure:
    fragment: str
    status: int
    remaining: int
    retry_after: str | None


@dataclass(frozen=True, slots=True)
class _Answer:
    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...]


_ERROR_TEXT = {
    404: (
        "无法找到该页",
        "您正在搜索的页面可能已经删除、更名或暂时不可用。",
        "HTTP 错误 404 - 文件或目录未找到。",
    ),
    500: ("无法显示网页", "您要访问的网页有问题，无法显示。", "HTTP 500 - 内部服务器错误"),
    503: ("服务不可用", "服务器暂时无法处理请求。", "HTTP 错误 503 - 服务不可用"),
}


def _error_page(status: int) -> bytes:
    """IIS 6 (Chinese) answers its errors with a GB2312 page of its own."""
    title, text, code = _ERROR_TEXT.get(status, ("错误", "请求无法完成。", f"HTTP 错误 {status}"))
    return encode_page(
        '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN" '
        '"http://www.w3.org/TR/html4/strict.dtd">\r\n<HTML><HEAD><TITLE>'
        + title
        + '</TITLE>\r\n<META HTTP-EQUIV="Content-Type" Content="text/html; charset=GB2312">'
        "\r\n</HEAD><BODY><TABLE width=500 border=0 cellspacing=10><TR><TD>\r\n<h1>"
        + title
        + "</h1>\r\n"
        + text
        + "\r\n<hr>\r\n<p>"
        + code
        + "<br>Internet 信息服务 (IIS)</p>"
        "\r\n</TD></TR></TABLE></BODY></HTML>\r\n"
    )


class _QuietServer(ThreadingHTTPServer):
    """A client that goes away mid-answer (a killed worker, a timed-out fetch) is
    ordinary here, not worth a traceback on the console."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class ReplicaPortal:
    """The portal on 127.0.0.1, in a background thread; a context manager."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        now: Callable[[], datetime] | None = None,
        seed: int = 1,
        articles_per_category: int = 45,
        page_size: int = 20,
    ) -> None:
        self._host = host
        self._port = port
        self._now = now or (lambda: datetime.now(SHANGHAI))
        self._page_size = page_size
        self._catalog = Catalog(seed=seed, per_category=articles_per_category, now=self._now)
        self._lock = threading.Lock()
        self._log: list[RequestLogEntry] = []
        self._failures: list[_Failure] = []
        self._validators: dict[str, tuple[str, datetime]] = {}
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._ticker: threading.Thread | None = None
        self._stop_ticker = threading.Event()
        self.verbose = False  # log each request to stderr (the CLI turns it on)

    # ------------------------------------------------------------ lifecycle

    def start(self) -> str:
        if self._server is not None:
            return self.base_url
        server = _QuietServer((self._host, self._port), _handler_class(self))
        self._server = server
        self._port = server.server_address[1]
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="replica-portal",
            daemon=True,
        )
        self._thread.start()
        return self.base_url

    def stop(self) -> None:
        self._stop_ticker.set()
        if self._ticker is not None:
            self._ticker.join()
            self._ticker = None
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        return f"http://{self._host}:{self._port}/"

    def list_url(self, category_slug: str) -> str:
        return self.base_url.rstrip("/") + list_url_path(category(category_slug))

    # ------------------------------------------------------------ content control

    def publish(
        self,
        category_slug: str,
        title: str | None = None,
        body: str | None = None,
        *,
        source: str | None = None,
        author: str | None = None,
        when: datetime | None = None,
    ) -> PortalArticle:
        """Add an article on top of the class; unset fields are generated."""
        entry = self._catalog.publish(
            category_slug,
            title=title,
            paragraphs=split_body(body) if body else None,
            source=source,
            author=author,
            when=when,
        )
        return to_public(entry, self.base_url)

    def articles(self, category_slug: str) -> list[PortalArticle]:
        """Every article of the class, newest first (including while set empty)."""
        category(category_slug)
        return [to_public(e, self.base_url) for e in self._catalog.newest_first(category_slug)]

    def article(self, article_id: int) -> PortalArticle:
        entry = self._catalog.get(article_id)
        if entry is None:
            raise KeyError(f"no article {article_id}")
        return to_public(entry, self.base_url)

    def edit(
        self, article_id: int, body: str | None = None, *, title: str | None = None
    ) -> PortalArticle:
        """Change an article's text in place (same id and URL, new bytes)."""
        entry = self._catalog.edit(
            article_id, title=title, paragraphs=split_body(body) if body else None
        )
        return to_public(entry, self.base_url)

    def set_empty(self, category_slug: str, empty: bool) -> None:
        """Render the class's list pages without rows, as after a template break."""
        self._catalog.set_empty(category_slug, empty)

    def fail_next(
        self,
        path_substring: str,
        status: int,
        count: int = 1,
        retry_after: float | str | None = None,
    ) -> None:
        """Answer the next ``count`` requests whose target contains the fragment with
        ``status`` (and Retry-After when given). ``count=0`` cancels every pending
        failure, so a test can end an outage it started with a generous count."""
        if count <= 0:
            with self._lock:
                self._failures.clear()
            return
        value = (
            None
            if retry_after is None
            else (retry_after if isinstance(retry_after, str) else str(int(retry_after)))
        )
        with self._lock:
            self._failures.append(_Failure(path_substring, status, count, value))

    def publish_every(self, seconds: float) -> None:
        """Demo only: publish a generated article every ``seconds``, round robin."""
        if self._ticker is not None:
            return
        self._stop_ticker.clear()
        slugs = itertools.cycle([c.slug for c in CATEGORIES])

        def tick() -> None:
            while not self._stop_ticker.wait(seconds):
                self.publish(next(slugs))

        self._ticker = threading.Thread(target=tick, name="replica-publisher", daemon=True)
        self._ticker.start()

    # ------------------------------------------------------------ request log

    @property
    def requests(self) -> list[RequestLogEntry]:
        with self._lock:
            return list(self._log)

    def reset_log(self) -> None:
        with self._lock:
            self._log.clear()

    # ------------------------------------------------------------ serving

    def _answer(self, method: str, target: str, headers: dict[str, str]) -> _Answer:
        failure = self._take_failure(target)
        if failure is not None:
            extra = (("Retry-After", failure.retry_after),) if failure.retry_after else ()
            return _Answer(
                failure.status, _error_page(failure.status), (("Content-Type", "text/html"), *extra)
            )
        resource = resolve(self._catalog, target, self._page_size)
        if resource is None:
            return _Answer(404, _error_page(404), (("Content-Type", "text/html"),))
        if not resource.static:
            return _Answer(
                200,
                resource.body,
                (
                    ("Content-Type", resource.content_type),
                    ("Cache-Control", "private"),
                    ("Set-Cookie", SESSION_COOKIE),
                ),
            )
        return self._static_answer(target, resource, headers)

    def _static_answer(self, target: str, resource: Resource, headers: dict[str, str]) -> _Answer:
        etag, modified = self._validators_for(target, resource)
        last_modified = format_datetime(modified.astimezone(UTC), usegmt=True)
        common = (("ETag", etag), ("Last-Modified", last_modified), ("Accept-Ranges", "bytes"))
        if _not_modified(headers, etag, modified):
            return _Answer(304, b"", common)
        return _Answer(200, resource.body, (("Content-Type", resource.content_type), *common))

    def _validators_for(self, target: str, resource: Resource) -> tuple[str, datetime]:
        """Strong ETag from the bytes; Last-Modified moves when the bytes change, as the
        mtime of a regenerated file would."""
        key = target.split("?", 1)[0].lower()
        digest = hashlib.sha1(resource.body).hexdigest()[:16]
        with self._lock:
            known = self._validators.get(key)
            if known is None:
                modified = resource.modified
            elif known[0] != digest:
                modified = max(self._now(), known[1] + timedelta(seconds=1))
            else:
                modified = known[1]
            modified = modified.astimezone(SHANGHAI).replace(microsecond=0)
            self._validators[key] = (digest, modified)
        return f'"{digest}:0"', modified

    def _take_failure(self, target: str) -> _Failure | None:
        with self._lock:
            for index, failure in enumerate(self._failures):
                if failure.fragment in target:
                    if failure.remaining <= 1:
                        del self._failures[index]
                    else:
                        self._failures[index] = _Failure(
                            failure.fragment,
                            failure.status,
                            failure.remaining - 1,
                            failure.retry_after,
                        )
                    return failure
        return None

    def _record(self, entry: RequestLogEntry) -> None:
        with self._lock:
            self._log.append(entry)


def _not_modified(headers: dict[str, str], etag: str, modified: datetime) -> bool:
    """If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2)."""
    lowered = {k.lower(): v for k, v in headers.items()}
    if "if-none-match" in lowered:
        tags = [t.strip().removeprefix("W/") for t in lowered["if-none-match"].split(",")]
        return "*" in tags or etag in tags
    since = lowered.get("if-modified-since")
    if since is None:
        return False
    try:
        when = parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False
    if when.tzinfo is None:
        return False
    return modified <= when


def _handler_class(portal: ReplicaPortal) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in two writes; with Nagle's algorithm the second waits
        # for the client's delayed ACK, 40 ms a request on loopback.
        disable_nagle_algorithm = True
        server_version = "Microsoft-IIS/6.0"
        timeout = 30

        def version_string(self) -> str:
            return self.server_version

        def do_GET(self) -> None:
            self._serve(head=False)

        def do_HEAD(self) -> None:
            self._serve(head=True)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            self._send(
                "POST", _Answer(405, _error_page(405), (("Content-Type", "text/html"),)), head=False
            )

        def _serve(self, *, head: bool) -> None:
            headers = dict(self.headers.items())
            answer = portal._answer(self.command, self.path, headers)
            self._send(self.command, answer, head=head)

        def _send(self, method: str, answer: _Answer, *, head: bool) -> None:
            self.send_response(answer.status)
            self.send_header("X-Powered-By", "ASP.NET")
            for name, value in answer.headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer.body)))
            sent = 0 if head else len(answer.body)
            # Logged before the client can finish reading, so a test that has its
            # answer always finds the entry.
            portal._record(
                RequestLogEntry(method, self.path, answer.status, sent, dict(self.headers.items()))
            )
            self.end_headers()
            if sent:
                self.wfile.write(answer.body)

        def log_message(self, format: str, *args: object) -> None:
            if portal.verbose:
                sys.stderr.write(f"{self.address_string()} {format % args}\n")

    return Handler


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m syndicator.demo.portal",
        description="Serve the replica 中国科技创新网 portal.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--publish-every",
        type=float,
        default=None,
        metavar="SECONDS",
        help="publish a generated article every SECONDS",
    )
    parser.add_argument("--quiet", action="store_true", help="do not log requests")
    args = parser.parse_args(argv)
    portal = ReplicaPortal(host=args.host, port=args.port, seed=args.seed)
    portal.verbose = not args.quiet
    url = portal.start()
    print(f"replica portal at {url}", flush=True)
    for cat in CATEGORIES:
        print(f"  {cat.name} ({cat.slug}): {portal.list_url(cat.slug)}", flush=True)
    if args.publish_every:
        portal.publish_every(args.publish_every)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        portal.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
