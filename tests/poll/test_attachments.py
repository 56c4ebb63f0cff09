"""Attachments found on an article page are described by a HEAD request each (type and
size for the feeds' enclosures) through the real fetcher, against a loopback server."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from syndicator.feeds import build_feed
from syndicator.fetch import Fetcher
from syndicator.models import Attachment, CategorySpec, FetchSettings
from syndicator.poll import poll_category
from syndicator.poll.pipeline import MAX_HEADS, describe_files
from syndicator.store import Store
from tests.support.articles import meta

BODY = "　　为做好2024年度科技计划项目申报工作，现将有关事项通知如下。" * 12
PDF = b"%PDF-1.4 " + b"x" * 4087


class Files(BaseHTTPRequestHandler):
    heads: ClassVar[list[str]] = []

    def do_HEAD(self) -> None:
        type(self).heads.append(self.path)
        self._answer(head=True)

    def do_GET(self) -> None:
        self._answer(head=False)

    def _answer(self, *, head: bool) -> None:
        path = self.path
        if path == "/robots.txt":
            return self._send(404, "text/plain", b"", head)
        if path == "/list.html":
            rows = "".join(
                f'<li><a href="/art/{n}.html">2024年度科技计划项目申报通知第{n}号</a>'
                f"<span>2024-05-0{n}</span></li>"
                for n in range(1, 6)
            )
            page = f"<html><body><div class='main'><ul>{rows}</ul></div></body></html>"
            return self._send(200, "text/html; charset=utf-8", page.encode(), head)
        if path.startswith("/art/"):
            page = (
                "<html><head><title>关于申报的通知</title></head><body>"
                "<h1>关于申报2024年度科技计划项目的通知</h1><p>发布时间：2024-05-08</p>"
                f"<div class='content'><p>{BODY}</p><p>附件："
                '<a href="/files/guide.pdf">申报指南.pdf</a> '
                '<a href="/down.asp?id=7">附件2：申报书模板.docx</a> '
                '<a href="/nohead/form.xls">汇总表.xls</a> '
                '<a href="/login/secret.doc">内部文件.doc</a></p></div></body></html>'
            )
            return self._send(200, "text/html; charset=utf-8", page.encode(), head)
        if path.split("?")[0] == "/files/guide.pdf":
            return self._send(200, "application/pdf", PDF, head)
        if path == "/down.asp?id=7":
            # A download script: its type says nothing, its size does.
            return self._send(200, "application/octet-stream", b"D" * 2048, head)
        if path == "/nohead/form.xls":
            return self._send(405 if head else 200, "application/vnd.ms-excel", b"X" * 99, head)
        if path == "/login/secret.doc":
            return self._send(200, "text/html; charset=utf-8", b"<html>login</html>", head)
        self._send(404, "text/plain", b"", head)

    def _send(self, status: int, ctype: str, body: bytes, head: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def site() -> Iterator[str]:
    Files.heads = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Files)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def fetcher() -> Fetcher:
    return Fetcher(FetchSettings(host_delay=0, retries=2, allow_private=True, timeout=5))


def test_a_poll_stores_each_attachment_with_type_and_size(site: str, tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path}/a.db")
    store.upgrade()
    spec = CategorySpec(
        site_id="s",
        site_name="S",
        site_url=site + "/",
        id="tz",
        name="通知公告",
        list_url=site + "/list.html",
    )
    with fetcher() as f:
        outcome = poll_category(spec, f, store, clock=lambda: datetime(2024, 5, 9, tzinfo=UTC))
    assert outcome.record.new == 5, outcome.errors
    got = store.articles.get("s", outcome.stored[0].key)
    assert got is not None
    assert got.attachments == (
        Attachment(site + "/files/guide.pdf", "申报指南.pdf", "application/pdf", len(PDF)),
        Attachment(
            site + "/down.asp?id=7",
            "附件2：申报书模板.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            2048,
        ),
        # HEAD refused (405): the type its name implies, no size; asked once, not retried.
        Attachment(site + "/nohead/form.xls", "汇总表.xls", "application/vnd.ms-excel", None),
        # An HTML page where the file should be: neither its type nor its size.
        Attachment(site + "/login/secret.doc", "内部文件.doc", "application/msword", None),
    )
    assert Files.heads.count("/nohead/form.xls") == 5  # once per article
    rss = build_feed("rss", meta(), [got]).decode()
    pdf = f'url="{site}/files/guide.pdf" length="{len(PDF)}" type="application/pdf"'
    assert f"<enclosure {pdf}/>" in rss
    data = json.loads(build_feed("json", meta(), [got]))
    assert data["items"][0]["attachments"][1]["size_in_bytes"] == 2048
    store.close()


def test_files_described_before_are_not_asked_again(site: str) -> None:
    known = (Attachment(site + "/files/guide.pdf", "旧名.pdf", "application/pdf", 7),)
    with fetcher() as f:
        got = describe_files((Attachment(site + "/files/guide.pdf", "新名.pdf"),), f, known)
    assert got == (Attachment(site + "/files/guide.pdf", "新名.pdf", "application/pdf", 7),)
    assert Files.heads == []


def test_heads_per_article_are_bounded(site: str) -> None:
    many = tuple(Attachment(f"{site}/files/guide.pdf?n={n}", f"{n}.pdf") for n in range(25))
    with fetcher() as f:
        got = describe_files(many, f)
    assert len(Files.heads) == MAX_HEADS
    assert [g.length for g in got[:MAX_HEADS]] == [len(PDF)] * MAX_HEADS
    assert all(g.length is None for g in got[MAX_HEADS:])
