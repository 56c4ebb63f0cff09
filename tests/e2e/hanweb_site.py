"""A loopback Hanweb JCMS column: the column page with the first group of records,
dataproxy.jsp answering any window of records, and the article pages.

The proxy answers only a request that names the column as the ``<nextgroup>`` link does
(webid, columnid, unitid, webname in UTF-8) and a window of records; anything else is a
400, so a wrongly derived next page fails the poll instead of reading as an empty list.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Self
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
WEBNAME = "浙江省科学技术厅"
COLUMN = {"webid": "3136", "columnid": "1229", "unitid": "4013456", "webname": WEBNAME}
NEXTGROUP = (
    '<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1'
    "&webid=3136&path=/&columnid=1229&unitid=4013456&webname="
    + WEBNAME
    + '&permissiontype=0"></a>]]></nextgroup>'
)


@dataclass(frozen=True, slots=True)
class Record:
    article_id: int
    title: str
    published: datetime

    @property
    def path(self) -> str:
        d = self.published
        return f"/art/{d.year}/{d.month}/{d.day}/art_1229_{self.article_id}.html"

    def row(self) -> str:
        return (
            f"<record><![CDATA[<li><a href='{self.path}' title='{self.title}' "
            f"target='_blank'>{self.title}</a><span>{self.published:%Y-%m-%d}</span>"
            "</li>]]></record>"
        )


class HanwebSite:
    """``total`` records shown ``per_page`` a page, ``group_size`` pages a request."""

    def __init__(self, total: int, per_page: int, group_size: int) -> None:
        start = datetime(2023, 3, 18, tzinfo=SHANGHAI)
        self.records = [
            Record(
                5900000 - i, f"第{i + 1}条工作动态：科技创新重点任务推进", start - timedelta(days=i)
            )
            for i in range(total)
        ]
        self.per_page = per_page
        self.group_size = group_size
        self.requests: list[str] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/"

    def proxy_windows(self) -> list[tuple[int, int, int]]:
        """(startrecord, endrecord, perpage) of every dataproxy.jsp request, in order."""
        out = []
        for target in self.requests:
            if "dataproxy.jsp" in target:
                q = parse_qs(urlsplit(target).query)
                out.append((int(q["startrecord"][0]), int(q["endrecord"][0]), int(q["perpage"][0])))
        return out

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    # ------------------------------------------------------------ pages

    def column_page(self) -> str:
        first = self.per_page * self.group_size
        rows = "\n".join(r.row() for r in self.records[:first])
        return f"""<html><head><meta charset="utf-8"><title>工作动态 {WEBNAME}</title></head><body>
<div class="nav"><a href="/">首页</a><a href="/col/col1229/index.html">工作动态</a></div>
<div class="main"><div id="4013456"><script type="text/xml"><datastore>{NEXTGROUP}<recordset>
{rows}
</recordset></datastore></script></div>
<script>$(function(){{$('#4013456').jpage({{totalRecord:{len(self.records)},groupSize:{self.group_size},perPage:{self.per_page},proxyUrl:'/module/web/jpage/dataproxy.jsp'}});}});</script>
</div><div class="footer">{WEBNAME} 主办</div></body></html>"""

    def proxy_answer(self, query: dict[str, list[str]]) -> str | None:
        if any(query.get(name, [""])[0] != value for name, value in COLUMN.items()):
            return None
        try:
            start, end = int(query["startrecord"][0]), int(query["endrecord"][0])
            int(query["perpage"][0])
        except (KeyError, ValueError):
            return None
        rows = "\n".join(r.row() for r in self.records[start - 1 : end])
        return (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<datastore>{NEXTGROUP}'
            f"<recordset>\n{rows}\n</recordset><totalrecord>{len(self.records)}"
            "</totalrecord></datastore>\n"
        )

    def article(self, path: str) -> str | None:
        record = next((r for r in self.records if r.path == path), None)
        if record is None:
            return None
        return f"""<html><head><meta charset="utf-8"><title>{record.title}</title>
<meta name="ArticleTitle" content="{record.title}">
<meta name="PubDate" content="{record.published:%Y-%m-%d} 09:00"></head><body>
<div class="title">{record.title}</div>
<div class="info">发布日期：{record.published:%Y-%m-%d} 09:00　信息来源：{WEBNAME}</div>
<div id="zoom"><p>近日，{record.title}，各项工作有序开展。</p>
<p>下一步，将继续加大支持力度，推动成果转化和产业化，服务高质量发展。</p></div>
</body></html>"""

    def _answer(self, target: str) -> tuple[int, str, str]:
        parts = urlsplit(target)
        body: str | None = None
        kind = "text/html; charset=UTF-8"
        if parts.path == "/col/col1229/index.html":
            body = self.column_page()
        elif parts.path == "/module/web/jpage/dataproxy.jsp":
            body = self.proxy_answer(parse_qs(parts.query))
            kind = "text/xml;charset=UTF-8"
            if body is None:
                return 400, "text/plain", "bad request"
        elif parts.path.startswith("/art/"):
            body = self.article(parts.path)
        if body is None:
            return 404, "text/plain", "not found"
        return 200, kind, body

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            disable_nagle_algorithm = True  # no 40 ms wait for a delayed ACK

            def do_GET(self) -> None:
                site.requests.append(self.path)
                status, kind, text = site._answer(self.path)
                data = text.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: object) -> None:
                return

        return Handler
