"""Hostile cases end to end: the real ``syndicator`` commands as processes, against a
hostile portal, hostile configs and hostile clients, everything on loopback.

Five classes: SSRF (redirects and links to internal addresses under other spellings,
webhook targets), hostile portal bytes (bombs, trickles, silence, malformed answers,
absurd Retry-After, hostile titles), hostile configs (``check`` must refuse in a few
lines), hostile clients of ``syndicator run`` (slowloris, idle connections, huge heads,
garbage, path traversal) and secrets (never printed by any command). A case holds when
the program does what README.md promises: bounded time, one-line errors, no traceback,
no secret printed, nothing reached that was not allowed, nothing lost.

The "internal" targets are loopback listeners of this script; addresses outside
loopback (169.254.169.254, 10/8…) are first put to the program's own address guard,
and a case whose target the guard would let through is counted failed without being
run, so nothing here ever sends a packet off this machine.

    .venv/bin/python bench/chaos.py [--only ssrf bytes config clients secrets] [--match TEXT]
                                    [--jobs 3] [--case-timeout 30] [--budget 300] [--strict]
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Self
from xml.etree import ElementTree

import lxml.html

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from syndicator.addresses import pin
from syndicator.web import server as web_server

ROOT = Path(__file__).resolve().parents[1]
CASE_TIMEOUT = 30.0
# What a poll may take beyond its fetches: interpreter start, imports, migrations,
# feed builds, and sharing two cores with the other cases of the run.
SLACK = 12.0
TIMEOUT = 3.0  # fetch.timeout of every poll here
RETRIES = 1
MAX_BYTES = 1_000_000
MAX_NEW = 20
RSS_LIMIT_MB = 300.0
# The web server's own deadlines (web/server.py): an idle kept-alive connection is
# closed after KEEP_ALIVE, a request head must be whole within HEAD_TIMEOUT.
KEEP_BOUND = float(web_server.KEEP_ALIVE) + 5.0
HEAD_BOUND = float(getattr(web_server, "HEAD_TIMEOUT", web_server.KEEP_ALIVE)) + 5.0
SECRET_NAMES = ("SMTP_PASSWORD", "WEBHOOK_SECRET", "APPRISE_TOKEN", "PG_PASSWORD", "HOOK_PATH")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


# ---------------------------------------------------------------- outcomes


@dataclass(frozen=True)
class Outcome:
    kind: str
    name: str
    expected: str
    problems: tuple[str, ...]

    @property
    def held(self) -> bool:
        return not self.problems


CaseFn = Callable[[Path], Outcome]


@dataclass
class Registry:
    cases: list[tuple[str, str, CaseFn]] = field(default_factory=list)

    def add(self, kind: str, name: str, fn: CaseFn) -> None:
        self.cases.append((kind, name, fn))


CASES = Registry()


# ---------------------------------------------------------------- the program as a process


@dataclass(frozen=True)
class Run:
    code: int | None  # None: killed at the case timeout
    out: str
    err: str
    seconds: float
    rss_mb: float

    @property
    def text(self) -> str:
        return self.out + self.err


def base_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SYNDICATOR_")}
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra or {})
    return env


def syndicator(
    *args: str,
    cwd: Path,
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
) -> Run:
    """``syndicator ARGS`` to its end or to ``timeout`` (then its whole process group
    is killed); the child's own peak RSS comes from wait4, not from RUSAGE_CHILDREN,
    which would mix in every other case's processes."""
    timeout = CASE_TIMEOUT if timeout is None else timeout
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "syndicator", *args],
        cwd=cwd,
        env=base_env(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    captured: dict[int, bytes] = {}

    def drain(stream: object, key: int) -> None:
        captured[key] = stream.read()  # type: ignore[attr-defined]

    readers = [
        threading.Thread(target=drain, args=(proc.stdout, 1), daemon=True),
        threading.Thread(target=drain, args=(proc.stderr, 2), daemon=True),
    ]
    for reader in readers:
        reader.start()
    killed = False
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() - started > timeout:
            with suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            pid, status, usage = os.wait4(proc.pid, 0)
            killed = True
            break
        time.sleep(0.02)
    seconds = time.monotonic() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    with suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)  # anything it left behind
    for reader in readers:
        reader.join(5)
    return Run(
        code=None if killed else proc.returncode,
        out=captured.get(1, b"").decode("utf-8", "replace"),
        err=captured.get(2, b"").decode("utf-8", "replace"),
        seconds=seconds,
        rss_mb=usage.ru_maxrss / 1024,
    )


def common(run: Run, *, bound: float, secrets: Iterable[str] = ()) -> list[str]:
    """What every case asks of every run: it ended in time, no traceback, no secret."""
    problems = []
    if run.code is None:
        problems.append(f"still running after {run.seconds:.0f}s, killed")
    elif run.seconds > bound:
        problems.append(f"took {run.seconds:.1f}s, bound {bound:.0f}s")
    if "Traceback (most recent call last)" in run.text:
        after = run.text.split("Traceback (most recent call last)", 1)[1].splitlines()
        raised = next((line for line in after[1:] if line and not line[0].isspace()), "")
        problems.append(f"traceback on stderr ({raised[:120]})")
    for secret in secrets:
        if secret and secret in run.text:
            problems.append(f"secret {secret[:6]}… printed")
    return problems


def brief(run: Run) -> str:
    lines = [line for line in (run.out + run.err).strip().splitlines() if line.strip()]
    return " | ".join(line.strip()[:150] for line in lines[-3:]) or "(no output)"


# ---------------------------------------------------------------- loopback servers


@dataclass
class Conn:
    sock: socket.socket
    method: str
    path: str
    head: bytes
    body: bytes
    stop: threading.Event


Handler = Callable[[Conn], None]


def read_head(sock: socket.socket, limit: int = 1 << 20) -> bytes | None:
    data = b""
    while b"\r\n\r\n" not in data and len(data) < limit:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        data += chunk
    return data


class Listener:
    """A TCP server on one loopback address; each connection gets ``handler`` on a
    thread of its own. Every connection is counted (a canary is breached by a connect
    alone) and every request line and body is kept."""

    def __init__(self, handler: Handler | None = None, host: str = "127.0.0.1") -> None:
        self.handler = handler or page(b"canary\n", content_type="text/plain")
        self.host = host
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, 0))
        self.sock.listen(256)
        self.sock.settimeout(0.2)
        self.port: int = self.sock.getsockname()[1]
        self.connections = 0
        self.hits: list[str] = []
        self.bodies: list[bytes] = []
        self.stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    @property
    def base(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self._thread.join(2)
        self.sock.close()

    def count(self, fragment: str) -> int:
        with self._lock:
            return sum(fragment in hit for hit in self.hits)

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            with self._lock:
                self.connections += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, sock: socket.socket) -> None:
        sock.settimeout(10)
        try:
            head = read_head(sock)
            if head is None:
                return
            top, _, rest = head.partition(b"\r\n\r\n")
            method, path, *_ = [*top.split(b"\r\n", 1)[0].decode("latin-1").split(" "), "", ""]
            length = re.search(rb"(?im)^content-length:\s*(\d+)", top)
            body = rest
            while length and len(body) < min(int(length.group(1)), 1 << 20):
                chunk = sock.recv(65536)
                if not chunk:
                    break
                body += chunk
            with self._lock:
                self.hits.append(f"{method} {path}")
                self.bodies.append(body)
            self.handler(Conn(sock, method, path, top, body, self.stop))
        except OSError:
            pass
        finally:
            with suppress(OSError):
                sock.close()


def response(
    status: int = 200,
    body: bytes = b"",
    *,
    headers: Sequence[str] = (),
    reason: str = "OK",
    content_type: str = "text/html; charset=utf-8",
) -> bytes:
    lines = [f"HTTP/1.1 {status} {reason}", f"Content-Type: {content_type}"]
    if not any(h.lower().startswith("content-length:") for h in headers):
        lines.append(f"Content-Length: {len(body)}")
    lines += ["Connection: close", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def page(body: bytes, status: int = 200, **kw: object) -> Handler:
    def handle(c: Conn) -> None:
        data = response(status, body, **kw)  # type: ignore[arg-type]
        c.sock.sendall(data.partition(b"\r\n\r\n")[0] + b"\r\n\r\n" if c.method == "HEAD" else data)

    return handle


def raw(data: bytes) -> Handler:
    return lambda c: c.sock.sendall(data)


def redirect(location: str, status: int = 302) -> Handler:
    return page(b"", status, headers=[f"Location: {location}"], reason="Found")


def trickle(data: bytes, *, head: bytes = b"", every: float = 1.0, limit: float = 40.0) -> Handler:
    """``head`` at once, then ``data`` one byte per ``every`` seconds."""

    def handle(c: Conn) -> None:
        c.sock.sendall(head)
        ends = time.monotonic() + limit
        for byte in data:
            if c.stop.wait(every) or time.monotonic() > ends:
                return
            c.sock.sendall(bytes([byte]))

    return handle


def silent(limit: float = 40.0) -> Handler:
    def handle(c: Conn) -> None:
        c.stop.wait(limit)

    return handle


def endless(chunks: Callable[[], Iterator[bytes]], head: bytes, limit: float = 40.0) -> Handler:
    def handle(c: Conn) -> None:
        c.sock.sendall(head)
        ends = time.monotonic() + limit
        for chunk in chunks():
            if c.stop.is_set() or time.monotonic() > ends:
                return
            c.sock.sendall(chunk)

    return handle


class Portal(Listener):
    """The hostile portal: exact paths (with their query) to handlers, 404 otherwise.
    Every portal also serves a healthy category under /good/, whose articles must come
    through whatever the hostile one does."""

    def __init__(self, routes: Mapping[str, Handler], host: str = "127.0.0.1") -> None:
        self.routes = {**GOOD_ROUTES, **routes}
        super().__init__(self._route, host)

    def _route(self, c: Conn) -> None:
        handler = self.routes.get(c.path) or page(b"not here", 404, reason="Not Found")
        handler(c)


def list_html(links: Iterable[tuple[str, str]], extra: str = "") -> bytes:
    rows = "".join(
        f'<tr><td><a href="{href}" title="{title}">{title}</a></td>'
        f"<td>2024-05-0{i % 9 + 1}</td></tr>\n"
        for i, (href, title) in enumerate(links)
    )
    return (
        '<html><head><meta charset="utf-8"><title>科技要闻 - 测试网</title></head><body>\n'
        '<div class="nav"><a href="/">首页</a></div>\n'
        f'<table class="list">\n{rows}</table>{extra}</body></html>'
    ).encode()


FIRST = "这是正文的第一段，讲述了一项重要的科学研究成果，研究人员经过多年努力取得突破。"


def article_html(title: str, body: str = "", head: str = "") -> bytes:
    body = body or (
        "<p>　　这是正文的第一段，讲述了一项重要的科学研究成果，研究人员经过多年努力取得突破。</p>"
        "<p>　　第二段描述了实验过程和结论，以及未来在各个领域的应用前景和意义。</p>"
    )
    return (
        f'<html><head><meta charset="utf-8">{head}<title>{title} - 测试网</title></head><body>'
        '<div class="nav"><a href="/">首页</a> &gt; <a href="/Article/">科技要闻</a></div>'
        f'<h1>{title}</h1><div class="info">发布时间：2024-05-01 10:00 来源：测试 作者：张三</div>'
        f'<div id="content">{body}<p>　　第三段是结尾，感谢各方支持。</p></div>'
        '<div class="footer">版权所有</div></body></html>'
    ).encode()


def article_path(prefix: str, number: int) -> str:
    return f"/{prefix}/ShowArticle.asp?ArticleID={number}"


GOOD_IDS = (9001, 9002, 9003)
GOOD_ROUTES: dict[str, Handler] = {
    "/good/list.html": page(
        list_html((article_path("good", n), f"正常文章第{n}号的标题") for n in GOOD_IDS)
    ),
    **{article_path("good", n): page(article_html(f"正常文章第{n}号的标题")) for n in GOOD_IDS},
}


def articles(numbers: Iterable[int], prefix: str = "h") -> dict[str, Handler]:
    return {article_path(prefix, n): page(article_html(f"文章第{n}号的标题")) for n in numbers}


def hostile_list(numbers: Iterable[int], prefix: str = "h", extra: str = "") -> bytes:
    return list_html(((article_path(prefix, n), f"文章第{n}号的标题") for n in numbers), extra)


# ---------------------------------------------------------------- configs


def poll_config(
    folder: Path,
    base: str,
    list_url: str,
    *,
    fetch: str = "",
    category: str = "",
    defaults: str = "",
    tail: str = "",
    storage: str | None = None,
) -> Path:
    """A site with the hostile category ``c`` and the healthy ``good``; the site's
    hosts (the portal's 127.0.0.1) may be private, no other address may."""
    path = folder / "c.yaml"
    path.write_text(
        f"""\
storage: {storage or f"sqlite:///{folder / 'db.sqlite'}"}
server: {{host: 127.0.0.1, port: 8080, public_url: "http://feeds.example.test"}}
fetch:
  user_agent: "syndicator-chaos/0.1 (+https://example.org/contact)"
  timeout: {TIMEOUT:g}s
  host_delay: 0s
  retries: {RETRIES}
  robots_txt: false
  max_bytes: {MAX_BYTES}
{fetch}defaults:
  every: 10m
  timezone: Asia/Shanghai
  max_new_per_poll: {MAX_NEW}
{defaults}sites:
  - id: hostile
    name: Hostile
    url: "{base}/"
    allow_private: true
    categories:
      - id: c
        name: C
        list_url: "{list_url}"
{category}      - id: good
        name: Good
        list_url: "{base}/good/list.html"
feeds:
  formats: [atom, rss, json]
{tail}""",
        "utf-8",
    )
    return path


def poll_bound(hangs: int = 0) -> float:
    """One request that hangs costs at most its deadline (timeout × 1.25 + 0.25, see
    fetch/http.py) per try, with a back-off of 1 s between tries."""
    per_try = TIMEOUT * 1.25 + 0.25
    return SLACK + hangs * ((RETRIES + 1) * per_try + RETRIES * 1.0)


def line_of(run: Run, key: str) -> str:
    found = re.search(rf"(?m)^{re.escape(key)}: (.*)$", run.out)
    return found.group(1) if found else ""


@dataclass(frozen=True)
class Poll:
    run: Run
    hostile: str
    good: str
    out: Path


def poll(folder: Path, config: Path, env: Mapping[str, str] | None = None) -> Poll:
    out = folder / "out"
    run = syndicator("poll", "-c", str(config), "--out", str(out), cwd=folder, env=env)
    return Poll(run, line_of(run, "hostile/c"), line_of(run, "hostile/good"), out)


def good_kept(result: Poll) -> list[str]:
    """The healthy category was read whole and is in its feed: nothing lost beside
    the hostile one."""
    if not re.match(rf"ok; {len(GOOD_IDS)} listed, {len(GOOD_IDS)} new, 0 failed", result.good):
        return [f"healthy category: {result.good or 'no line'}"]
    feed = result.out / "feeds" / "hostile" / "good.json"
    try:
        items = json.loads(feed.read_text("utf-8"))["items"]
    except (OSError, ValueError, KeyError):
        return ["healthy category's feed not written"]
    if len(items) != len(GOOD_IDS):
        return [f"healthy category's feed holds {len(items)} items"]
    return []


# ---------------------------------------------------------------- 1. SSRF

# Spellings of the canary's loopback address (and of addresses off this machine, which
# only the guard check below ever sees).
SPELLINGS: list[tuple[str, str, str]] = [
    ("decimal 2130706433", "2130706433", "127.0.0.1"),
    ("octal 0177.0.0.1", "0177.0.0.1", "127.0.0.1"),
    ("hex 0x7f.1", "0x7f.1", "127.0.0.1"),
    ("short 127.1", "127.1", "127.0.0.1"),
    ("IPv4-mapped [::ffff:127.0.0.1]", "[::ffff:127.0.0.1]", "127.0.0.1"),
    ("name localhost", "localhost", "127.0.0.1"),
    ("127.0.0.2", "127.0.0.2", "127.0.0.2"),
    ("[::1]", "[::1]", "::1"),
    ("6to4 [2002:7f00:1::]", "[2002:7f00:1::]", ""),
    ("NAT64 [64:ff9b::7f00:1]", "[64:ff9b::7f00:1]", ""),
    ("metadata 169.254.169.254", "169.254.169.254", ""),
    ("Alibaba metadata 100.100.100.200", "100.100.100.200", ""),
    ("10.0.0.1", "10.0.0.1", ""),
]


def has_ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


@contextmanager
def canary(host: str) -> Iterator[Listener | None]:
    """A listener at the loopback address a spelling means, or None for an address
    off this machine."""
    if not host:
        yield None
        return
    with Listener(host=host) as listener:
        yield listener


def target(spelling: str, listener: Listener | None, path: str) -> str:
    port = f":{listener.port}" if listener else ""
    return f"http://{spelling}{port}{path}"


def guard_lets_through(url: str) -> bool:
    """Whether the program's guard would connect to ``url`` for a host that is not a
    site's: then the case is not run, as it would reach off this machine."""
    return not isinstance(pin(url, allow_private=False), str)


def ssrf_case(
    kind: str, name: str, host: str, build: Callable[[Path, str, Listener | None], list[str]]
) -> CaseFn:
    def case(folder: Path) -> Outcome:
        expected = "refused, nothing reaches the internal address"
        with canary(host) as listener:
            url = target(name, listener, "/latest/meta-data/")
            if guard_lets_through(url):
                return Outcome(kind, "", expected, (f"the address guard allows {url}; not run",))
            problems = build(folder, url, listener)
            if listener is not None and listener.connections:
                problems.append(
                    f"internal listener got {listener.connections} connection(s): "
                    f"{listener.hits[:2]}"
                )
        return Outcome(kind, "", expected, tuple(problems))

    return case


def list_redirect(folder: Path, url: str, listener: Listener | None) -> list[str]:
    with Portal({"/list": redirect(url)}) as portal:
        result = poll(folder, poll_config(folder, portal.base, f"{portal.base}/list"))
    problems = common(result.run, bound=poll_bound())
    if "refused" not in result.hostile:
        problems.append(f"list not refused: {result.hostile or brief(result.run)}")
    return problems + good_kept(result)


def second_hop(folder: Path, url: str, listener: Listener | None) -> list[str]:
    with Portal({"/list": redirect("/hop", 301), "/hop": redirect(url, 307)}) as portal:
        result = poll(folder, poll_config(folder, portal.base, f"{portal.base}/list"))
    problems = common(result.run, bound=poll_bound())
    if "refused" not in result.hostile:
        problems.append(f"second hop not refused: {result.hostile or brief(result.run)}")
    return problems + good_kept(result)


def article_redirect(folder: Path, url: str, listener: Listener | None) -> list[str]:
    routes = {"/list": page(hostile_list([101, 102])), **articles([101])}
    routes[article_path("h", 102)] = redirect(url)
    with Portal(routes) as portal:
        result = poll(folder, poll_config(folder, portal.base, f"{portal.base}/list"))
    problems = common(result.run, bound=poll_bound())
    if not result.hostile.startswith("ok; 2 listed, 1 new, 1 failed"):
        problems.append(f"expected 1 stored, 1 failed: {result.hostile or brief(result.run)}")
    return problems + good_kept(result)


def article_link(folder: Path, url: str, listener: Listener | None) -> list[str]:
    inside = url.replace("/latest/meta-data/", "/Article/ShowArticle.asp?ArticleID=105")
    links = [(article_path("h", 101), "文章第101号的标题"), (inside, "内部地址上的文章标题")]
    with Portal({"/list": page(list_html(links)), **articles([101])}) as portal:
        result = poll(folder, poll_config(folder, portal.base, f"{portal.base}/list"))
    problems = common(result.run, bound=poll_bound())
    # Both links are listed; the one inside is refused when its article is fetched.
    if not result.hostile.startswith("ok; 2 listed, 1 new, 1 failed"):
        problems.append(f"expected 1 stored, 1 refused: {result.hostile or brief(result.run)}")
    return problems + good_kept(result)


def robots_redirect(folder: Path, url: str, listener: Listener | None) -> list[str]:
    routes = {"/robots.txt": redirect(url), "/list": page(hostile_list([101])), **articles([101])}
    with Portal(routes) as portal:
        config = poll_config(folder, portal.base, f"{portal.base}/list")
        config.write_text(config.read_text().replace("robots_txt: false", "robots_txt: true"))
        result = poll(folder, config)
    problems = common(result.run, bound=poll_bound())
    if portal.count("/robots.txt") != 1:
        problems.append(f"robots.txt asked {portal.count('/robots.txt')} times")
    return problems


def attachment(folder: Path, url: str, listener: Listener | None) -> list[str]:
    file_url = url.replace("/latest/meta-data/", "/upload/report.pdf")
    body = (
        "<p>　　这是正文的第一段，讲述了一项重要的科学研究成果，研究人员经过多年努力取得突破。</p>"
        f'<p>　　附件：<a href="{file_url}">研究报告全文.pdf</a></p>'
    )
    routes = {
        "/list": page(hostile_list([101])),
        article_path("h", 101): page(article_html("带附件的文章标题", body)),
    }
    with Portal(routes) as portal:
        result = poll(folder, poll_config(folder, portal.base, f"{portal.base}/list"))
    problems = common(result.run, bound=poll_bound())
    if not result.hostile.startswith("ok; 1 listed, 1 new"):
        problems.append(f"article with the attachment lost: {result.hostile or brief(result.run)}")
    return problems + good_kept(result)


def webhook_config(
    folder: Path,
    url: str,
    base: str = "http://portal.example.test",
    *,
    allow: bool = False,
    first: bool = False,
) -> Path:
    """A config whose one channel is a webhook to ``url``; ``first`` notifies the first
    poll of the portal's healthy category, so a poll queues deliveries to it."""
    path = folder / "hook.yaml"
    path.write_text(
        f"""\
storage: sqlite:///{folder / "hook.sqlite"}
fetch: {{timeout: 3s, host_delay: 0s, retries: 0, robots_txt: false}}
defaults: {{notify_on_first_poll: {str(first).lower()}}}
sites:
  - id: hostile
    name: Hostile
    url: "{base}/"
    allow_private: true
    categories:
      - {{id: good, name: Good, list_url: "{base}/good/list.html"}}
notifications:
  channels:
    - id: hook
      type: webhook
      url: "{url}"
      secret: "whsec_{base64.b64encode(b"0123456789abcdef0123456789abcdef").decode()}"
      allow_private: {str(allow).lower()}
      timeout: 3s
  subscriptions:
    - {{channel: hook, categories: ["*"]}}
""",
        "utf-8",
    )
    return path


def notify_test_refused(folder: Path, url: str, listener: Listener | None) -> list[str]:
    run = syndicator("notify-test", "-c", str(webhook_config(folder, url)), "hook", cwd=folder)
    problems = common(run, bound=SLACK)
    if run.code != 1 or "allow_private" not in run.text:
        problems.append(f"not refused (exit {run.code}): {brief(run)}")
    return problems


def delivery_refused(folder: Path, url: str, listener: Listener | None) -> list[str]:
    with Portal({}) as portal:
        hook = url.replace("/latest/meta-data/", "/hook")
        config = webhook_config(folder, hook, portal.base, first=True)
        run = syndicator("poll", "-c", str(config), cwd=folder)
        listing = syndicator("deliveries", "-c", str(config), cwd=folder)
    problems = common(run, bound=SLACK) + common(listing, bound=SLACK)
    if not re.search(r"(?m)^hostile/good: ok; 3 listed, 3 new", run.out):
        problems.append(f"poll: {brief(run)}")
    rows = [
        line
        for line in listing.out.splitlines()
        if re.match(r"\s*\d+\s+(pending|dead|delivered|digest)\s", line)
    ]
    if len(rows) != 3 or any("refused" not in row or "private" not in row for row in rows):
        problems.append(f"deliveries not refused and kept: {brief(listing)}")
    return problems


def cli_fetch_refused(command: str) -> CaseFn:
    """``extract URL`` and ``add URL`` read a page with no site's permission: a
    loopback portal is refused."""

    def case(folder: Path) -> Outcome:
        with Portal({"/list": page(hostile_list([101]))}) as portal:
            url = f"{portal.base}/list"
            args = ["extract", url, "--list"] if command == "extract" else ["add", url]
            config = poll_config(
                folder, "http://portal.example.test", "http://portal.example.test/l"
            )
            run = syndicator(*args, "-c", str(config), cwd=folder)
        problems = common(run, bound=SLACK)
        if run.code in (0, None) or "private" not in run.text:
            problems.append(f"exit {run.code}: {brief(run)}")
        if portal.connections:
            problems.append(f"the loopback portal got {portal.connections} connection(s)")
        return Outcome("SSRF", "", "refused, exit non-zero, one line", tuple(problems))

    return case


def control_reached(folder: Path) -> Outcome:
    """Harness check: with ``fetch.allow_private: true`` the same redirect does reach
    the listener, so a silent listener above means refused, not unobserved."""
    with (
        Listener() as listener,
        Portal({"/list": redirect(f"http://2130706433:{listener.port}/x")}) as portal,
    ):
        config = poll_config(
            folder, portal.base, f"{portal.base}/list", fetch="  allow_private: true\n"
        )
        poll(folder, config)
        reached = listener.connections
    problems = [] if reached else ["HARNESS: the allowed redirect never reached the listener"]
    return Outcome("SSRF", "", "control: allowed target is reached", tuple(problems))


def register_ssrf() -> None:
    ipv6 = has_ipv6_loopback()
    for label, spelling, host in SPELLINGS:
        if host == "::1" and not ipv6:
            continue
        CASES.add(
            "SSRF", f"list redirect to {label}", ssrf_case("SSRF", spelling, host, list_redirect)
        )
        CASES.add(
            "SSRF",
            f"webhook notify-test to {label}",
            ssrf_case("SSRF", spelling, host, notify_test_refused),
        )
    for label, spelling, host, fn in [
        ("second redirect hop to decimal", "2130706433", "127.0.0.1", second_hop),
        ("article redirect to octal", "0177.0.0.1", "127.0.0.1", article_redirect),
        ("article redirect to metadata", "169.254.169.254", "", article_redirect),
        ("list links an article on decimal", "2130706433", "127.0.0.1", article_link),
        ("robots.txt redirect to mapped IPv6", "[::ffff:127.0.0.1]", "127.0.0.1", robots_redirect),
        ("attachment on localhost", "localhost", "127.0.0.1", attachment),
        ("queued webhook deliveries to decimal", "2130706433", "127.0.0.1", delivery_refused),
    ]:
        CASES.add("SSRF", label, ssrf_case("SSRF", spelling, host, fn))
    CASES.add("SSRF", "extract URL on loopback", cli_fetch_refused("extract"))
    CASES.add("SSRF", "add URL on loopback", cli_fetch_refused("add"))


# ---------------------------------------------------------------- 2. hostile portal bytes


def gzip_bomb(megabytes: int = 200) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(1 << 20)
    return b"".join(packer.compress(zeros) for _ in range(megabytes)) + packer.flush()


def endless_deflate() -> Iterator[bytes]:
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS)
    zeros = bytes(1 << 20)
    while True:
        yield packer.compress(zeros) + packer.flush(zlib.Z_SYNC_FLUSH)


def endless_text() -> Iterator[bytes]:
    chunk = b"<p>" + b"a" * 65530 + b"</p>"
    while True:
        yield chunk


def feed_texts(out: Path, category: str = "c") -> dict[str, bytes]:
    folder = out / "feeds" / "hostile"
    return {
        fmt: (folder / f"{category}.{fmt}").read_bytes()
        for fmt in ("atom", "rss", "json")
        if (folder / f"{category}.{fmt}").exists()
    }


def live_markup(html: str) -> list[str]:
    """Elements a reader would run: scripts, on* handlers, meta refresh, javascript:."""
    if not html.strip():
        return []
    found = []
    for element in lxml.html.fragment_fromstring(html, create_parent="div").iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in ("script", "iframe", "object", "embed"):
            found.append(f"<{tag}>")
        if tag == "meta":
            found.append("<meta>")
        for name, value in element.attrib.items():
            if name.lower().startswith("on") or value.strip().lower().startswith("javascript:"):
                found.append(f"<{tag} {name}=…>")
    return found


def html_fields(texts: Mapping[str, bytes]) -> list[tuple[str, str]]:
    """Every HTML-bearing field of the three formats, as the reader sees it."""
    fields: list[tuple[str, str]] = []
    atom_ns = "{http://www.w3.org/2005/Atom}"
    if "atom" in texts:
        for entry in ElementTree.fromstring(texts["atom"]).iter(f"{atom_ns}entry"):
            for tag in ("content", "summary", "title"):
                for element in entry.iter(f"{atom_ns}{tag}"):
                    if element.get("type") in ("html", "xhtml"):
                        fields.append((f"atom {tag}", element.text or ""))
    if "rss" in texts:
        for item in ElementTree.fromstring(texts["rss"]).iter("item"):
            for element in item:
                if element.tag == "description" or element.tag.endswith("}encoded"):
                    fields.append((f"rss {element.tag.split('}')[-1]}", element.text or ""))
    if "json" in texts:
        for item in json.loads(texts["json"])["items"]:
            fields.append(("json content_html", item.get("content_html", "")))
    return fields


def bytes_case(
    routes: Mapping[str, Handler],
    *,
    expect: str,
    hangs: int = 0,
    max_list_hits: int | None = None,
    config: Callable[[Path, str], Path] | None = None,
    check: Callable[[Poll, Portal], list[str]] | None = None,
) -> CaseFn:
    """A poll of a portal serving ``routes``: the hostile category ends as ``expect``
    (``failed``, ``ok`` or ``either``), within the bound its hanging requests allow,
    in bounded memory, with the healthy category whole."""

    def case(folder: Path) -> Outcome:
        expected = {"failed": "category FAILED", "ok": "category ok", "either": "ok or FAILED"}[
            expect
        ]
        expected += (
            f", ≤{poll_bound(hangs):.0f}s, RSS ≤{RSS_LIMIT_MB:.0f} MB, no traceback, others kept"
        )
        with Portal(routes) as portal:
            cfg = (config or (lambda f, b: poll_config(f, b, f"{b}/list")))(folder, portal.base)
            result = poll(folder, cfg)
        run = result.run
        problems = common(run, bound=poll_bound(hangs))
        if run.code not in (0, 1, None):
            problems.append(f"exit {run.code}: {brief(run)}")
        state = (
            "failed"
            if result.hostile.startswith("FAILED")
            else "ok"
            if result.hostile.startswith("ok")
            else ""
        )
        if not state or (expect != "either" and state != expect):
            problems.append(f"category: {result.hostile or brief(run)}")
        if run.rss_mb > RSS_LIMIT_MB:
            problems.append(f"peak RSS {run.rss_mb:.0f} MB")
        if max_list_hits is not None and portal.count(" /list") > max_list_hits:
            problems.append(f"list asked {portal.count(' /list')} times")
        if run.code is not None:
            problems += good_kept(result)
            if check:
                problems += check(result, portal)
        return Outcome("portal bytes", "", expected, tuple(problems))

    return case


def with_robots(folder: Path, base: str) -> Path:
    path = poll_config(folder, base, f"{base}/list")
    path.write_text(path.read_text().replace("robots_txt: false", "robots_txt: true"))
    return path


def with_max_bytes(size: str) -> Callable[[Path, str], Path]:
    """10,000 rows are 1.3 MB: the list needs the default 5MB, not the 1 MB of the rest."""

    def make(folder: Path, base: str) -> Path:
        path = poll_config(folder, base, f"{base}/list")
        path.write_text(path.read_text().replace(f"max_bytes: {MAX_BYTES}", f"max_bytes: {size}"))
        return path

    return make


def with_pages(pages: int) -> Callable[[Path, str], Path]:
    def make(folder: Path, base: str) -> Path:
        return poll_config(folder, base, f"{base}/list", category=f"        pages: {pages}\n")

    return make


def articles_fetched_at_most(limit: int) -> Callable[[Poll, Portal], list[str]]:
    def check(result: Poll, portal: Portal) -> list[str]:
        fetched = portal.count("/h/ShowArticle.asp")
        return [f"{fetched} articles fetched in one poll"] if fetched > limit else []

    return check


def no_live_markup(result: Poll, portal: Portal) -> list[str]:
    texts = feed_texts(result.out)
    if len(texts) != 3:
        return [f"feeds written: {sorted(texts)}"]
    problems = []
    try:
        fields = html_fields(texts)
    except (ElementTree.ParseError, ValueError) as exc:
        return [f"a feed does not parse: {exc}"]
    for name, html in fields:
        if live := live_markup(html):
            problems.append(f"{name} carries live {', '.join(sorted(set(live)))}")
    rss_titles = [
        element.text or "" for element in ElementTree.fromstring(texts["rss"]).iter("title")
    ]
    return problems + [f"rss title carries markup: {t[:60]!r}" for t in rss_titles if "<img" in t]


def clean_titles(result: Poll, portal: Portal) -> list[str]:
    texts = feed_texts(result.out)
    problems = []
    for fmt in ("atom", "rss"):
        try:
            ElementTree.fromstring(texts[fmt])
        except (KeyError, ElementTree.ParseError) as exc:
            problems.append(f"{fmt} feed is not XML: {exc}")
    try:
        items = json.loads(texts["json"])["items"]
    except (KeyError, ValueError) as exc:
        return [*problems, f"json feed: {exc}"]
    for item in items:
        if CONTROL.search(item.get("title", "")):
            problems.append(f"json title holds control characters: {item['title'][:40]!r}")
    hooks = [body for body in portal.bodies if body.startswith(b"{")]
    if not hooks:
        problems.append("no webhook sent")
    for body in hooks:
        if CONTROL.search(json.loads(body).get("data", {}).get("title", "")):
            problems.append("webhook JSON title holds control characters")
    return problems


def no_refresh_followed(result: Poll, portal: Portal) -> list[str]:
    problems = no_live_markup(result, portal)
    if portal.count("/refreshed"):
        problems.append("the meta refresh target was requested")
    return problems


def control_hook(folder: Path, base: str) -> Path:
    """Titles with control characters, and a webhook (to the portal itself) that must
    carry them clean."""
    secret = base64.b64encode(b"0123456789abcdef0123456789abcdef").decode()
    tail = f"""\
notifications:
  channels:
    - {{id: hook, type: webhook, url: "{base}/hook", secret: "whsec_{secret}",
        allow_private: true, timeout: 3s}}
  subscriptions:
    - {{channel: hook, categories: ["hostile/c"]}}
"""
    return poll_config(
        folder, base, f"{base}/list", defaults="  notify_on_first_poll: true\n", tail=tail
    )


def register_bytes() -> None:
    bomb = gzip_bomb()
    ok_list = hostile_list([101])
    art = articles([101])
    gz_head = "Content-Encoding: gzip"
    cases: list[tuple[str, CaseFn]] = [
        (
            "gzip bomb (200 MB of zeros) as the list",
            bytes_case({"/list": page(bomb, headers=[gz_head])}, expect="failed"),
        ),
        (
            "gzip bomb as robots.txt",
            bytes_case(
                {
                    "/robots.txt": page(bomb, headers=[gz_head], content_type="text/plain"),
                    "/list": page(ok_list),
                    **art,
                },
                expect="ok",
                config=with_robots,
            ),
        ),
        (
            "gzip bomb as an article",
            bytes_case(
                {
                    "/list": page(hostile_list([101, 102])),
                    **art,
                    article_path("h", 102): page(bomb, headers=[gz_head]),
                },
                expect="ok",
            ),
        ),
        (
            "endless deflate stream",
            bytes_case(
                {
                    "/list": endless(
                        endless_deflate,
                        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                        b"Content-Encoding: deflate\r\n"
                        b"Connection: close\r\n\r\n",
                    )
                },
                expect="failed",
            ),
        ),
        (
            "endless body, no Content-Length",
            bytes_case(
                {
                    "/list": endless(
                        endless_text,
                        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n",
                    )
                },
                expect="failed",
            ),
        ),
        (
            "Content-Length 10 GB",
            bytes_case(
                {
                    "/list": endless(
                        endless_text, response(200, b"", headers=["Content-Length: 10000000000"])
                    )
                },
                expect="failed",
            ),
        ),
        (
            "body trickled 1 byte/s",
            bytes_case(
                {
                    "/list": trickle(
                        ok_list,
                        head=response(200, b"", headers=[f"Content-Length: {len(ok_list)}"]),
                    )
                },
                expect="failed",
                hangs=1,
            ),
        ),
        (
            "headers trickled 1 byte/s",
            bytes_case({"/list": trickle(response(200, ok_list))}, expect="failed", hangs=1),
        ),
        ("never answers", bytes_case({"/list": silent()}, expect="failed", hangs=1)),
        ("closes without a byte", bytes_case({"/list": raw(b"")}, expect="failed", hangs=1)),
        (
            "article never answers (others stored)",
            bytes_case(
                {"/list": page(hostile_list([101, 102])), **art, article_path("h", 102): silent()},
                expect="ok",
                hangs=1,
            ),
        ),
        (
            "status line 'HTTP/1.1 OK'",
            bytes_case({"/list": raw(b"HTTP/1.1 OK\r\n\r\n" + ok_list)}, expect="either", hangs=1),
        ),
        (
            "status line garbage",
            bytes_case({"/list": raw(b"\x00\xffSPAM SPAM SPAM\r\n\r\n")}, expect="failed", hangs=1),
        ),
        (
            "status 999999999999",
            bytes_case(
                {"/list": raw(b"HTTP/1.1 999999999999 X\r\nContent-Length: 2\r\n\r\nhi")},
                expect="failed",
                hangs=1,
            ),
        ),
        (
            "malformed header lines",
            bytes_case(
                {
                    "/list": raw(
                        b"HTTP/1.1 200 OK\r\nthis is not a header\r\n: empty name\r\n"
                        b"X\x00Y: nul\r\n"
                        + f"Content-Length: {len(ok_list)}\r\n\r\n".encode()
                        + ok_list
                    ),
                    **art,
                },
                expect="either",
                hangs=1,
            ),
        ),
        (
            "Content-Length: abc",
            bytes_case(
                {"/list": raw(b"HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n" + ok_list), **art},
                expect="either",
                hangs=1,
            ),
        ),
        (
            "Content-Length: -1",
            bytes_case(
                {"/list": raw(b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n" + ok_list), **art},
                expect="either",
                hangs=1,
            ),
        ),
        (
            "two different Content-Lengths",
            bytes_case(
                {
                    "/list": raw(
                        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 99999\r\n\r\n"
                        + ok_list
                    ),
                    **art,
                },
                expect="either",
                hangs=1,
            ),
        ),
        (
            "10,000 response headers",
            bytes_case(
                {
                    "/list": raw(
                        b"HTTP/1.1 200 OK\r\n"
                        + b"".join(b"X-%d: y\r\n" % i for i in range(10_000))
                        + b"\r\n"
                    )
                },
                expect="failed",
            ),
        ),
        (
            "a 1 MB header line",
            bytes_case(
                {"/list": raw(b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * 1_000_000 + b"\r\n\r\n")},
                expect="failed",
            ),
        ),
        (
            "redirect to itself",
            bytes_case({"/list": redirect("/list")}, expect="failed", max_list_hits=6),
        ),
        (
            "redirect ping-pong",
            bytes_case(
                {"/list": redirect("/list2"), "/list2": redirect("/list")},
                expect="failed",
                max_list_hits=6,
            ),
        ),
        (
            "10,000-link list",
            bytes_case(
                {
                    "/list": page(hostile_list(range(100, 10_100))),
                    **articles(range(100, 10_100)),
                },
                expect="ok",
                check=articles_fetched_at_most(MAX_NEW),
                config=with_max_bytes("5MB"),
            ),
        ),
        (
            "next page links to itself, pages: 5",
            bytes_case(
                {
                    "/list": page(
                        hostile_list(
                            [101], extra='<div class="pager"><a href="/list">下一页</a></div>'
                        )
                    ),
                    **art,
                },
                expect="ok",
                max_list_hits=5,
                config=with_pages(5),
            ),
        ),
        (
            "503 with Retry-After: 99999",
            bytes_case(
                {"/list": page(b"busy", 503, headers=["Retry-After: 99999"])},
                expect="failed",
                max_list_hits=1,
            ),
        ),
        (
            "429 with a 40-digit Retry-After",
            bytes_case(
                {"/list": page(b"slow", 429, headers=["Retry-After: " + "9" * 40])},
                expect="failed",
                max_list_hits=1,
            ),
        ),
        (
            "503 with Retry-After in the year 9999",
            bytes_case(
                {
                    "/list": page(
                        b"busy", 503, headers=["Retry-After: Fri, 31 Dec 9999 23:59:59 GMT"]
                    )
                },
                expect="failed",
                max_list_hits=1,
            ),
        ),
        (
            "meta refresh in an article",
            bytes_case(
                {
                    "/list": page(ok_list),
                    article_path("h", 101): page(
                        article_html(
                            "带刷新的文章标题",
                            head='<meta http-equiv="refresh" content="0;url=/refreshed">',
                            body='<meta http-equiv="refresh" content="0;url=/refreshed">'
                            f"<p>　　{FIRST}</p>",
                        )
                    ),
                },
                expect="ok",
                check=no_refresh_followed,
            ),
        ),
        (
            "control characters and &#1; in titles",
            bytes_case(
                {
                    "/list": page(list_html([(article_path("h", 101), "列表\x01标题&#1;&#x1b;")])),
                    article_path("h", 101): page(
                        article_html(
                            "控制\x01字符\x08标题&#1;&#x1b;&#0;&#x7f;&#x9b;&#xfffe;&#xd800;"
                        )
                    ),
                    "/hook": page(b"", 204, reason="No Content"),
                },
                expect="ok",
                config=control_hook,
                check=clean_titles,
            ),
        ),
        (
            "title &lt;img src=x onerror=alert(1)&gt;",
            bytes_case(
                {
                    "/list": page(
                        list_html([(article_path("h", 101), "&lt;img src=x onerror=alert(1)&gt;")])
                    ),
                    article_path("h", 101): page(
                        article_html(
                            "标题&lt;img src=x onerror=alert(1)&gt;"
                            "&lt;script&gt;alert(2)&lt;/script&gt;",
                            "<p>　　正文&lt;img src=x onerror=alert(3)&gt;，"
                            "<img src=x onerror=alert(4)>"
                            '<a href="javascript:alert(5)">链接</a><script>alert(6)</script>'
                            f"{FIRST}</p>",
                        )
                    ),
                },
                expect="ok",
                check=no_live_markup,
            ),
        ),
        (
            "500 KB of random bytes as text/html",
            bytes_case({"/list": page(os.urandom(500_000))}, expect="either"),
        ),
        (
            "charset=x-evil-42",
            bytes_case(
                {"/list": page(ok_list, content_type="text/html; charset=x-evil-42"), **art},
                expect="ok",
            ),
        ),
    ]
    for name, fn in cases:
        CASES.add("portal bytes", name, fn)


# ---------------------------------------------------------------- 3. hostile configs

ONE_SITE = """\
sites:
  - id: s
    name: S
    url: http://portal.example.test/
    categories:
      - {id: c, name: C, list_url: http://portal.example.test/list.html}
"""
BOMB = "\n".join(
    ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    + [f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]" for i in range(8)]
)
PWNED = "pwned-by-config"


def config_case(content: bytes | Path, *, lines: int = 3, words: str = "") -> CaseFn:
    """``check`` refuses with exit 2 and at most ``lines`` lines, each ``syndicator:``
    and the file's name, in 10 s and RSS ≤ 300 MB; nothing the YAML names is run."""

    def case(folder: Path) -> Outcome:
        expected = f"exit 2, 1..{lines} lines 'syndicator: FILE…', ≤10s, RSS ≤{RSS_LIMIT_MB:.0f} MB"
        if isinstance(content, Path):
            path = content
        else:
            path = folder / "c.yaml"
            path.write_bytes(content.replace(b"@PWNED@", str(folder / PWNED).encode()))
        run = syndicator("check", "-c", str(path), cwd=folder, timeout=20)
        problems = common(run, bound=10)
        errors = [line for line in run.err.splitlines() if line.strip()]
        if run.code != 2:
            problems.append(f"exit {run.code}: {brief(run)}")
        if not 1 <= len(errors) <= lines:
            problems.append(f"{len(errors)} lines on stderr")
        if any(not line.startswith(f"syndicator: {path}") for line in errors):
            problems.append(
                f"a line not 'syndicator: {path}…': {errors[0][:100] if errors else ''}"
            )
        if words and words not in run.err:
            problems.append(f"'{words}' not said: {brief(run)}")
        if run.rss_mb > RSS_LIMIT_MB:
            problems.append(f"peak RSS {run.rss_mb:.0f} MB")
        if (folder / PWNED).exists():
            problems.append("a YAML tag ran code")
        return Outcome("config", "", expected, tuple(problems))

    return case


def register_configs() -> None:
    site = ONE_SITE.encode()
    pairs: list[tuple[str, CaseFn]] = [
        ("YAML alias bomb", config_case((BOMB + "\n").encode() + site)),
        (
            "alias bomb under a merge key",
            config_case((BOMB + "\nsites2: {<<: *i}\n").encode() + site),
        ),
        ("5,000 nested [", config_case(b"x: " + b"[" * 5000 + b"]" * 5000 + b"\n" + site)),
        (
            "60 nested mappings",
            config_case(
                b"deep:\n"
                + b"".join(b"  " * (i + 1) + b"k%d:\n" % i for i in range(60))
                + b"  " * 61
                + b"v: 1\n"
                + site
            ),
        ),
        ("NUL byte", config_case(site + b"x-nul: a\0b\n")),
        ("invalid UTF-8", config_case(site + b"x-bad: \xff\xfe\xc3\n")),
        ("2 MB file", config_case(site + b"# " + b"x" * 2_000_000 + b"\n", words="1 MB")),
        ("/dev/zero as the config", config_case(Path("/dev/zero"), words="1 MB")),
        ("a directory as the config", config_case(Path("/tmp"))),
        ("every: .inf", config_case(site + b"defaults: {every: .inf}\n")),
        ("every: 9999999999d", config_case(site + b"defaults: {every: 9999999999d}\n")),
        ("every: -5m", config_case(site + b"defaults: {every: -5m}\n")),
        ("timeout: 1.0e+400", config_case(site + b"fetch: {timeout: 1.0e+400}\n")),
        (
            "max_bytes: 400 digits",
            config_case(site + b"fetch: {max_bytes: " + b"9" * 400 + b"GB}\n"),
        ),
        (
            "CR/LF in public_url",
            config_case(site + b'server: {public_url: "http://feeds.test/\\r\\nX-Evil: 1"}\n'),
        ),
        ("port 99999", config_case(site + b"server: {port: 99999}\n")),
        ("port -1", config_case(site + b"server: {port: -1}\n")),
        (
            "port in public_url 99999",
            config_case(site + b"server: {public_url: 'http://feeds.test:99999/'}\n"),
        ),
        (
            "duplicate site ids",
            config_case(site + site.replace(b"sites:\n", b"").replace(b"S\n", b"T\n"), lines=3),
        ),
        (
            "duplicate category ids",
            config_case(
                site + b"      - {id: c, name: D, list_url: http://portal.example.test/d.html}\n"
            ),
        ),
        ("duplicate YAML keys", config_case(site + b"server: {port: 1}\nserver: {port: 2}\n")),
        (
            "!!python/object/apply tag",
            config_case(
                site + b'fetch: {user_agent: !!python/object/apply:os.system ["touch @PWNED@"]}\n'
            ),
        ),
        ("!!python/name tag", config_case(site + b"fetch: {timeout: !!python/name:os.system }\n")),
        (
            "unknown keys",
            config_case(site + b"fetch: {timout: 3s}\nevry: 10m\n", lines=3, words="unknown key"),
        ),
        (
            "list_url javascript:",
            config_case(
                site.replace(b"http://portal.example.test/list.html", b"'javascript:alert(1)'")
            ),
        ),
        (
            "list_url file:///etc/passwd",
            config_case(
                site.replace(b"http://portal.example.test/list.html", b"file:///etc/passwd")
            ),
        ),
        ("unset ${VAR}", config_case(site + b'server: {admin_token: "${CHAOS_UNSET_VAR}"}\n')),
        ("sites: is a string", config_case(b"sites: sure\n")),
    ]
    for name, fn in pairs:
        CASES.add("config", name, fn)


# ---------------------------------------------------------------- 4. hostile clients


@dataclass
class Service:
    base: str
    host: str
    port: int
    proc: subprocess.Popen[bytes]
    err: Path
    feed: str


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def get(service: Service, path: str, timeout: float = 5.0) -> tuple[int, float]:
    started = time.monotonic()
    conn = http.client.HTTPConnection(service.host, service.port, timeout=timeout)
    try:
        conn.request("GET", path)
        answer = conn.getresponse()
        answer.read()
        return answer.status, time.monotonic() - started
    except OSError:
        return 0, time.monotonic() - started
    finally:
        conn.close()


def probe(service: Service) -> list[str]:
    """A normal reader during the attack: /healthz and a feed, each within 2 s."""
    problems = []
    for path in ("/healthz", service.feed):
        status, took = get(service, path)
        if status != 200 or took > 2.0:
            problems.append(f"GET {path} while attacked: {status or 'no answer'} in {took:.1f}s")
    return problems


def connect(service: Service) -> socket.socket:
    sock = socket.create_connection((service.host, service.port), timeout=5)
    return sock


def closed_by_server(sock: socket.socket, within: float) -> float | None:
    """Seconds until the server closed ``sock`` (reading what it sends), or None."""
    started = time.monotonic()
    sock.settimeout(0.5)
    while time.monotonic() - started < within:
        try:
            if not sock.recv(65536):
                return time.monotonic() - started
        except TimeoutError:
            continue
        except OSError:
            return time.monotonic() - started
    return None


def read_answer(sock: socket.socket) -> tuple[int, bytes]:
    sock.settimeout(5)
    data = b""
    with suppress(OSError):
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = re.search(rb"(?im)^content-length:\s*(\d+)", head)
        while length and len(body) < int(length.group(1)):
            chunk = sock.recv(65536)
            if not chunk:
                break
            body += chunk
        data = head + b"\r\n\r\n" + body
    status = re.match(rb"HTTP/1\.[01] (\d{3})", data)
    return (int(status.group(1)) if status else 0), data


def exchange(service: Service, raw_bytes: bytes) -> tuple[int, bytes, float]:
    started = time.monotonic()
    with connect(service) as sock:
        with suppress(OSError):
            sock.sendall(raw_bytes)
        status, data = read_answer(sock)
    return status, data, time.monotonic() - started


def slow_sender(
    service: Service, opening: bytes, drip: bytes, seconds: float
) -> Callable[[], float | None]:
    """Open a connection, send ``opening``, then one byte of ``drip`` a second (none
    when empty); the returned callable gives when the server dropped it (None: not in
    ``seconds``)."""
    sock = connect(service)
    result: list[float | None] = [None]

    def run() -> None:
        started = time.monotonic()
        sent = 0
        try:
            if opening:
                sock.sendall(opening)
            sock.settimeout(1.0)
            while time.monotonic() - started < seconds:
                try:
                    if sock.recv(65536) == b"":
                        result[0] = time.monotonic() - started
                        return
                except TimeoutError:
                    pass
                if drip:
                    sock.sendall(drip[sent % len(drip) : sent % len(drip) + 1])
                    sent += 1
        except OSError:
            result[0] = time.monotonic() - started
        finally:
            sock.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()

    def outcome() -> float | None:
        thread.join(seconds + 5)
        return result[0]

    return outcome


def clients_case(
    name: str, fn: Callable[[Service], list[str]], expected: str
) -> tuple[str, Callable[[Service], Outcome]]:
    def case(service: Service) -> Outcome:
        try:
            problems = fn(service)
        except OSError as exc:
            problems = [f"client error: {exc}"]
        if service.proc.poll() is not None:
            problems.append(f"the server exited ({service.proc.returncode})")
        return Outcome("clients", name, expected, tuple(problems))

    return name, case


def slowloris(service: Service) -> list[str]:
    opening = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
    outcome = slow_sender(service, opening, b"abcdefgh", 30)
    time.sleep(3)
    problems = probe(service)
    dropped = outcome()
    if dropped is None or dropped > HEAD_BOUND:
        problems.append(
            "slow client "
            + ("still connected after 30s" if dropped is None else f"dropped after {dropped:.0f}s")
        )
    return problems


def silent_client(service: Service) -> list[str]:
    outcome = slow_sender(service, b"", b"", 30)
    time.sleep(2)
    problems = probe(service)
    dropped = outcome()
    if dropped is None or dropped > HEAD_BOUND:
        problems.append(
            "silent connection "
            + ("still open after 30s" if dropped is None else f"closed after {dropped:.0f}s")
        )
    return problems


def idle_keep_alive(service: Service) -> list[str]:
    socks = []
    problems: list[str] = []
    try:
        for _ in range(300):
            sock = connect(service)
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            socks.append(sock)
        answered = sum(read_answer(sock)[0] == 200 for sock in socks)
        if answered != len(socks):
            problems.append(f"{answered} of 300 keep-alive requests answered 200")
        problems += probe(service)
        started = time.monotonic()
        open_socks = list(socks)
        while open_socks and time.monotonic() - started < KEEP_BOUND + 5:
            still = []
            for sock in open_socks:
                sock.settimeout(0.01)
                try:
                    if sock.recv(1) == b"":
                        continue
                except TimeoutError:
                    still.append(sock)
                    continue
                except OSError:
                    continue
            open_socks = still
            time.sleep(0.2)
        took = time.monotonic() - started
        if open_socks:
            problems.append(
                f"{len(open_socks)} of 300 idle connections still open after {took:.0f}s"
            )
        elif took > KEEP_BOUND:
            problems.append(f"idle connections closed after {took:.0f}s")
    finally:
        for sock in socks:
            sock.close()
    return problems


def answered_within(
    service: Service, raw_bytes: bytes, allowed: Iterable[int], seconds: float = 5.0
) -> list[str]:
    status, _, took = exchange(service, raw_bytes)
    problems = []
    if status not in allowed:
        problems.append(f"answered {status or 'nothing'}")
    if took > seconds:
        problems.append(f"took {took:.1f}s")
    return problems + probe(service)


TRAVERSALS = [
    "/feeds/../../etc/passwd",
    "/feeds/..%2f..%2f..%2fetc%2fpasswd",
    "/feeds/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/feeds/hostile/..%252f..%252fetc%252fpasswd.atom",
    "/feeds/..%5c..%5c..%5cetc%5cpasswd.atom",
    "/..;/..;/etc/passwd",
    "//etc/passwd",
    "/feeds/....//....//etc/passwd",
    "/static/../../../etc/passwd",
    "/feeds/hostile/c.atom/../../../../etc/passwd",
    "/%00/etc/passwd",
]


def traversal(service: Service) -> list[str]:
    problems = []
    for path in TRAVERSALS:
        status, data, _ = exchange(
            service, f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode()
        )
        if b"root:" in data or not 400 <= status < 500:
            problems.append(
                f"{path}: {status or 'no answer'}{' with /etc/passwd' if b'root:' in data else ''}"
            )
    return problems


def admin_api(service: Service) -> list[str]:
    problems = []
    for headers in ("", "Authorization: Bearer wrong-token\r\n", "Authorization: Basic YTpi\r\n"):
        raw_bytes = (
            "POST /api/poll/hostile/good HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"{headers}Content-Length: 0\r\nConnection: close\r\n\r\n"
        )
        status, _, _ = exchange(service, raw_bytes.encode())
        if not 400 <= status < 500:
            problems.append(f"poll-now with {headers.strip() or 'no token'}: {status}")
    return problems


def register_clients() -> list[tuple[str, Callable[[Service], Outcome]]]:
    big = "a" * 1_000_000
    return [
        clients_case(
            "slowloris: headers at 1 byte/s",
            slowloris,
            f"others served; dropped within {HEAD_BOUND:.0f}s",
        ),
        clients_case(
            "connect and send nothing",
            silent_client,
            f"others served; closed within {HEAD_BOUND:.0f}s",
        ),
        clients_case(
            "300 idle keep-alive connections",
            idle_keep_alive,
            f"all answered, others served, closed within {KEEP_BOUND:.0f}s",
        ),
        clients_case(
            "a 1 MB header",
            lambda s: answered_within(
                s,
                f"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: {big}\r\n\r\n".encode(),
                (0, 200, 400, 413, 431),
            ),
            "answered or refused in 5s, others served",
        ),
        clients_case(
            "10,000 request headers",
            lambda s: answered_within(
                s,
                b"GET /healthz HTTP/1.1\r\nHost: x\r\n"
                + b"".join(b"X-%d: y\r\n" % i for i in range(10_000))
                + b"\r\n",
                (0, 200, 400, 413, 431),
            ),
            "answered or refused in 5s, others served",
        ),
        clients_case(
            "a 1 MB query string",
            lambda s: answered_within(
                s,
                f"GET /healthz?q={big} HTTP/1.1\r\nHost: x\r\n\r\n".encode(),
                (0, 200, 400, 414, 431),
            ),
            "answered or refused in 5s, others served",
        ),
        clients_case(
            "pipelined garbage after a request",
            lambda s: answered_within(
                s,
                b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n\x00\xff\xfeGARBAGE \x01\r\n\r\n"
                + os.urandom(4096),
                (200, 400),
            ),
            "answered or refused in 5s, others served",
        ),
        clients_case(
            "binary garbage as a request",
            lambda s: answered_within(s, os.urandom(65536), (0, 400)),
            "400 or closed in 5s, others served",
        ),
        clients_case(
            "Content-Length 10 GB on a POST",
            lambda s: answered_within(
                s,
                b"POST /api/poll/hostile/good HTTP/1.1\r\nHost: x\r\n"
                b"Content-Length: 10000000000\r\n\r\nabc",
                (0, 400, 401, 403, 404, 405, 413),
            ),
            "refused in 5s, others served",
        ),
        clients_case("path traversal (11 spellings)", traversal, "4xx, never /etc/passwd"),
        clients_case("poll-now without the right token", admin_api, "4xx"),
    ]


ADMIN = {"CHAOS_ADMIN_TOKEN": "the-right-token-1234567890"}


@contextmanager
def running_service(folder: Path) -> Iterator[Service]:
    with Portal({"/list": page(hostile_list([101])), **articles([101])}) as portal:
        config = poll_config(folder, portal.base, f"{portal.base}/list")
        config.write_text(
            config.read_text().replace(
                'public_url: "http://feeds.example.test"',
                'public_url: "http://feeds.example.test", admin_token: "${CHAOS_ADMIN_TOKEN}"',
            )
        )
        built = syndicator("poll", "-c", str(config), cwd=folder, env=ADMIN)
        if built.code != 0:
            raise RuntimeError(f"HARNESS: the first poll failed: {brief(built)}")
        port = free_port()
        err = folder / "run.err"
        with err.open("wb") as sink:
            proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "syndicator",
                    "run",
                    "-c",
                    str(config),
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                ],
                cwd=folder,
                env=base_env(ADMIN),
                stdin=subprocess.DEVNULL,
                stdout=sink,
                stderr=sink,
                start_new_session=True,
            )
        service = Service(
            f"http://127.0.0.1:{port}", "127.0.0.1", port, proc, err, "/feeds/hostile/good.atom"
        )
        try:
            deadline = time.monotonic() + 30
            while get(service, "/healthz", 1)[0] != 200:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"HARNESS: syndicator run did not serve: {err.read_text()[-300:]}"
                    )
                time.sleep(0.2)
            yield service
        finally:
            with suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def run_clients(folder: Path, budget_left: Callable[[], float]) -> list[Outcome]:
    cases = register_clients()
    outcomes = []
    with running_service(folder) as service:
        for name, case in cases:
            if budget_left() <= 0:
                break
            outcomes.append(case(service))
            print(
                f"  clients: {name}: {'held' if outcomes[-1].held else 'FAILED'}",
                file=sys.stderr,
                flush=True,
            )
        service.proc.send_signal(signal.SIGTERM)
        try:
            code: int | None = service.proc.wait(15)
        except subprocess.TimeoutExpired:
            code = None
    log = service.err.read_text("utf-8", "replace")
    problems = []
    if code != 0:
        problems.append(f"SIGTERM: exit {code}")
    if "Traceback (most recent call last)" in log:
        problems.append("traceback in the service's log")
    outcomes.append(
        Outcome(
            "clients",
            "afterwards: clean log, SIGTERM stops with 0",
            "exit 0, no traceback",
            tuple(problems),
        )
    )
    return outcomes


# ---------------------------------------------------------------- 5. secrets

SECRETS = {
    "SMTP_PASSWORD": "Smtp-Pa55-q8Zr41",
    "WEBHOOK_SECRET": "whsec_" + base64.b64encode(b"chaos-webhook-secret-32-bytes!!!").decode(),
    "APPRISE_TOKEN": "ApTok3n-w7Kd92",
    "PG_PASSWORD": "PgPa55-m3Xv60",
    "HOOK_PATH": "PathS3cret-h5Yq27",
}


class SmtpRefuser(Listener):
    """Not HTTP: an SMTP server that refuses every login."""

    def _serve(self, sock: socket.socket) -> None:
        sock.settimeout(5)
        try:
            sock.sendall(b"220 chaos ESMTP\r\n")
            buffer = b""
            while True:
                chunk = sock.recv(4096)
                if not chunk:
                    return
                buffer += chunk
                while b"\r\n" in buffer:
                    line, buffer = buffer.split(b"\r\n", 1)
                    verb = line[:4].upper()
                    if verb in (b"EHLO", b"HELO"):
                        sock.sendall(b"250-chaos\r\n250 AUTH PLAIN LOGIN\r\n")
                    elif verb == b"AUTH":
                        sock.sendall(b"535 5.7.8 Authentication credentials invalid\r\n")
                    elif verb == b"QUIT":
                        sock.sendall(b"221 bye\r\n")
                        return
                    else:
                        sock.sendall(b"503 no\r\n")
        except OSError:
            pass
        finally:
            sock.close()


def secrets_config(
    folder: Path, base: str, smtp_port: int, sink: str, *, storage: str = "", inline: bool = False
) -> Path:
    """Every kind of secret, from the environment (or written inline)."""
    value = (lambda name: SECRETS[name]) if inline else (lambda name: "${" + name + "}")
    tail = f"""\
notifications:
  channels:
    - id: mail
      type: email
      smtp: {{host: 127.0.0.1, port: {smtp_port}, security: none, username: chaos,
              password: "{value("SMTP_PASSWORD")}", timeout: 3s}}
      from: "chaos <chaos@example.org>"
      to: [editor@example.org]
    - id: hook
      type: webhook
      url: "{sink}/hooks/{value("HOOK_PATH")}"
      secret: "{value("WEBHOOK_SECRET")}"
      allow_private: true
      timeout: 3s
    - id: chat
      type: apprise
      url: "json://chaos:{value("APPRISE_TOKEN")}@{sink.removeprefix("http://")}/{value("APPRISE_TOKEN")}"
  subscriptions:
    - {{channel: mail, categories: ["*"]}}
    - {{channel: hook, categories: ["*"]}}
    - {{channel: chat, categories: ["*"]}}
"""
    return poll_config(
        folder,
        base,
        f"{base}/list",
        defaults="  notify_on_first_poll: true\n",
        tail=tail,
        storage=storage or None,
    )


def secrets_case(
    build: Callable[[Path, Callable[..., Path]], list[Run]],
    expected: str,
    codes: Sequence[int | None] = (),
) -> CaseFn:
    def case(folder: Path) -> Outcome:
        refuse = page(b'{"error": "no"}', 500, content_type="application/json")
        with (
            Portal({"/list": page(hostile_list([101])), **articles([101])}) as portal,
            SmtpRefuser() as smtp,
            Listener(refuse) as sink,
        ):

            def make(**kw: object) -> Path:
                return secrets_config(folder, portal.base, smtp.port, sink.base, **kw)  # type: ignore[arg-type]

            runs = build(folder, make)
        problems = []
        for i, run in enumerate(runs):
            for problem in common(run, bound=SLACK + 10, secrets=SECRETS.values()):
                problems.append(f"run {i + 1}: {problem}")
            if codes and run.code != codes[min(i, len(codes) - 1)]:
                problems.append(f"run {i + 1}: exit {run.code}: {brief(run)}")
        return Outcome("secrets", "", expected, tuple(problems))

    return case


def register_secrets() -> None:
    env = dict(SECRETS)
    pg = f"postgresql+psycopg://chaos:{SECRETS['PG_PASSWORD']}@127.0.0.1:1/chaos"
    pg_env = "postgresql+psycopg://chaos:${PG_PASSWORD}@127.0.0.1:1/chaos"

    def cmd(folder: Path, config: Path, *args: str) -> Run:
        # -c belongs to the subcommand: after "db upgrade", after "poll", after "-v poll".
        split = 2 if args[0] in ("db", "-v") else 1
        return syndicator(*args[:split], "-c", str(config), *args[split:], cwd=folder, env=env)

    pairs: list[tuple[str, CaseFn]] = [
        (
            "check shows channels and storage",
            secrets_case(lambda f, m: [cmd(f, m(), "check")], "exit 0, no secret", (0,)),
        ),
        (
            "check with secrets written inline",
            secrets_case(lambda f, m: [cmd(f, m(inline=True), "check")], "exit 0, no secret", (0,)),
        ),
        (
            "poll, failing deliveries, list, retry",
            secrets_case(
                lambda f, m: [
                    cmd(f, m(), "poll"),
                    cmd(f, m(), "deliveries"),
                    cmd(f, m(), "deliveries", "--state", "pending"),
                    cmd(f, m(), "deliveries", "--retry", "1"),
                    cmd(f, m(), "deliveries", "--retry", "2"),
                    cmd(f, m(), "deliveries", "--retry", "3"),
                ],
                "no secret in logs, delivery errors or retries",
                (0, 0, 0, 1),
            ),
        ),
        (
            "verbose poll (debug logs)",
            secrets_case(lambda f, m: [cmd(f, m(), "-v", "poll")], "no secret in debug logs"),
        ),
        (
            "notify-test each channel",
            secrets_case(
                lambda f, m: [cmd(f, m(), "notify-test", ch) for ch in ("mail", "hook", "chat")],
                "each fails (exit 1), no secret",
                (1,),
            ),
        ),
        (
            "PostgreSQL URL with password: check",
            secrets_case(
                lambda f, m: [cmd(f, m(storage=pg_env), "check")], "exit 0, password masked", (0,)
            ),
        ),
        (
            "PostgreSQL unreachable: poll, deliveries, db upgrade, notify-test, run",
            secrets_case(
                lambda f, m: [
                    cmd(f, m(storage=pg), "poll"),
                    cmd(f, m(storage=pg_env), "deliveries"),
                    cmd(f, m(storage=pg_env), "db", "upgrade"),
                    cmd(f, m(storage=pg_env), "notify-test", "hook"),
                    cmd(f, m(storage=pg_env), "run", "--once", "--no-web"),
                ],
                "exit 1, password masked",
                (1,),
            ),
        ),
    ]

    def broken(folder: Path, make: Callable[..., Path], old: str, new: str) -> list[Run]:
        path = make(inline=True)
        path.write_text(path.read_text().replace(old, new, 1))
        return [syndicator("check", "-c", str(path), cwd=folder, env=env)]

    token = SECRETS["APPRISE_TOKEN"]
    hook_secret = SECRETS["WEBHOOK_SECRET"]
    for name, old, new, codes in [
        ("a bad webhook secret", hook_secret, hook_secret.replace("whsec_", "wh_") + "!!", (2,)),
        ("a bad Apprise URL", "json://chaos:", "nosuchscheme://chaos:", (2,)),
        ("a bad SMTP setting beside the password", "security: none", "security: bogus", (2,)),
        (
            "a storage URL with a bad port",
            "storage: sqlite:///",
            f"storage: postgresql+psycopg://u:{token}@127.0.0.1:99999/x?q=",
            (),
        ),
    ]:
        fn = secrets_case(
            partial(broken, old=old, new=new),
            "check refuses without echoing it" if codes else "no secret",
            codes,
        )
        pairs.append((f"{name}: check", fn))
    for name, fn in pairs:
        CASES.add("secrets", name, fn)


# ---------------------------------------------------------------- the run


def run_case(kind: str, name: str, fn: CaseFn, root: Path, index: int) -> Outcome:
    folder = root / f"case{index:03d}"
    folder.mkdir()
    try:
        outcome = fn(folder)
    except Exception as exc:  # a harness fault is reported with the others, not raised
        outcome = Outcome(kind, name, "", (f"HARNESS: {type(exc).__name__}: {exc}",))
    return Outcome(kind, name, outcome.expected, outcome.problems)


CLASSES = {
    "ssrf": "SSRF",
    "bytes": "portal bytes",
    "config": "config",
    "clients": "clients",
    "secrets": "secrets",
}


def main() -> int:
    global CASE_TIMEOUT
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", nargs="*", choices=sorted(CLASSES), help="classes to run")
    parser.add_argument("--jobs", type=int, default=3, help="cases run at once (not clients)")
    parser.add_argument("--case-timeout", type=float, default=CASE_TIMEOUT)
    parser.add_argument("--budget", type=float, default=300, help="seconds for the whole run")
    parser.add_argument("--match", default="", help="only cases whose name holds this text")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a case failed")
    args = parser.parse_args()
    CASE_TIMEOUT = args.case_timeout
    chosen = {CLASSES[c] for c in (args.only or CLASSES)}
    register_ssrf()
    register_bytes()
    register_configs()
    register_secrets()
    started = time.monotonic()

    def budget_left() -> float:
        return float(args.budget) - (time.monotonic() - started)

    outcomes: list[Outcome] = []
    skipped = 0
    with tempfile.TemporaryDirectory(prefix="chaos-") as tmp:
        root = Path(tmp)
        if "SSRF" in chosen:
            outcomes.append(
                run_case("SSRF", "control: allowed redirect is reached", control_reached, root, 0)
            )
        cases = [c for c in CASES.cases if c[0] in chosen and args.match in c[1]]

        def one(item: tuple[int, tuple[str, str, CaseFn]]) -> Outcome | None:
            index, (kind, name, fn) = item
            if budget_left() <= 0:
                return None
            outcome = run_case(kind, name, fn, root, index + 1)
            print(
                f"  {kind}: {name}: {'held' if outcome.held else 'FAILED'}",
                file=sys.stderr,
                flush=True,
            )
            return outcome

        with ThreadPoolExecutor(args.jobs) as pool:
            for outcome in pool.map(one, enumerate(cases)):
                if outcome is None:
                    skipped += 1
                else:
                    outcomes.append(outcome)
        if "clients" in chosen:
            folder = root / "clients"
            folder.mkdir()
            try:
                outcomes += run_clients(folder, budget_left)
            except RuntimeError as exc:
                outcomes.append(Outcome("clients", "service start", "", (str(exc),)))
    took = time.monotonic() - started
    print_report(outcomes, [CLASSES[c] for c in CLASSES if CLASSES[c] in chosen], took, skipped)
    failed = [o for o in outcomes if not o.held]
    return 1 if args.strict and failed else 0


def print_report(outcomes: list[Outcome], kinds: list[str], took: float, skipped: int) -> None:
    harness = [o for o in outcomes if any(p.startswith("HARNESS") for p in o.problems)]
    counted = [o for o in outcomes if o not in harness]
    print(f"{'class':<14} {'tried':>5} {'held':>5}")
    for kind in kinds:
        mine = [o for o in counted if o.kind == kind]
        print(f"{kind:<14} {len(mine):>5} {sum(o.held for o in mine):>5}")
    print(f"{'total':<14} {len(counted):>5} {sum(o.held for o in counted):>5}")
    print(f"\n{took:.0f}s" + (f"; {skipped} cases not run (budget spent)" if skipped else ""))
    failed = [o for o in counted if not o.held]
    if failed:
        print(f"\n{len(failed)} failed:")
        for o in failed:
            print(f"  {o.kind} | {o.name} | expected: {o.expected} | got: {'; '.join(o.problems)}")
    if harness:
        print(f"\n{len(harness)} harness faults (not counted):")
        for o in harness:
            print(f"  {o.kind} | {o.name} | {'; '.join(o.problems)}")


if __name__ == "__main__":
    sys.exit(main())
