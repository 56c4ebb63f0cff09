"""How fast a cached feed is served, next to a static file server with the same bytes.

Builds a 50-item Atom feed, keeps it in a SQLite store as the worker would, serves it
with the web app under uvicorn (one process, one thread, every request through ASGI, as
the service runs it) and the same bytes as a static file with nginx
(one worker process; ``python -m http.server`` where nginx is missing), then loads each
on loopback with ``wrk`` at 50 connections: plain 200 answers and 304 answers to
If-None-Match. Servers share one core and wrk has another. Without wrk a bounded asyncio
client stands in (its figures are then limited by the client itself). Every run is
bounded in time and stops itself.

    .venv/bin/python bench/serve.py [--seconds 5] [--connections 50] [--no-pin]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from syndicator.feeds import FeedMeta, build_feed
from syndicator.feeds.static import write_stored
from syndicator.models import CategorySpec, StoredFeed
from syndicator.store import Store
from syndicator.web.app import FeedRoute, WebContext, create_web_app
from syndicator.web.server import ServerThread
from tests.support.articles import BODY_HTML, BODY_TEXT, article, at
from tests.support.net import free_port
from tests.support.nginx import project_config

FEED_PATH = "feeds/zgkjcx/kjyw"
ITEMS = 50


@dataclass(frozen=True)
class Result:
    server: str
    answer: str
    rps: float
    p50_ms: float
    p99_ms: float


def feed_bytes() -> bytes:
    articles = [
        article(
            str(3000 + i),
            title=f"第{i}篇：全省科技系统“创新深化 实干争先”动员部署会召开",
            published=at(1, 8) + timedelta(minutes=7 * i),
            updated=at(1, 8) + timedelta(minutes=7 * i),
            content_html=BODY_HTML * 8,
            content_text=BODY_TEXT * 8,
        )
        for i in range(ITEMS)
    ]
    meta = FeedMeta(
        path=FEED_PATH,
        title="中国科技创新网 · 科技要闻",
        description="科技要闻栏目的最新文章",
        home_page_url="http://www.zgkjcx.com/",
        public_url="http://localhost:8080",
        author="中国科技创新网",
    )
    return build_feed("atom", meta, articles)


def start_app(work: Path, body: bytes) -> ServerThread:
    store = Store(f"sqlite:///{work / 'app.db'}")
    store.upgrade()
    now = datetime.now(UTC)
    store.feeds.put(FEED_PATH, "atom", body, now, now)
    spec = CategorySpec(
        "zgkjcx",
        "中国科技创新网",
        "http://www.zgkjcx.com/",
        "kjyw",
        "科技要闻",
        "http://www.zgkjcx.com/Article/ShowClass.asp?ClassID=1",
    )
    ctx = WebContext(
        store=store,
        categories=[spec],
        public_url="http://localhost:8080",
        routes=[FeedRoute(FEED_PATH, "atom", "科技要闻", "zgkjcx", "kjyw", 600)],
    )
    server = ServerThread(create_web_app(ctx), "127.0.0.1", 0)
    server.start()
    return server


NGINX_CONF = """\
worker_processes 1;
daemon off;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    types {{ application/atom+xml atom; }}
    charset utf-8;
    charset_types application/atom+xml;
    sendfile on;
    keepalive_requests 1000000;
    client_body_temp_path {work}/tmp; proxy_temp_path {work}/tmp;
    fastcgi_temp_path {work}/tmp; uwsgi_temp_path {work}/tmp; scgi_temp_path {work}/tmp;
    server {{ listen 127.0.0.1:{port}; root {root}; }}
}}
"""


def start_static(work: Path, body: bytes) -> tuple[str, subprocess.Popen[bytes], str]:
    """nginx when installed, else http.server; returns (label, process, base URL)."""
    root = work / "static"
    target = root / f"{FEED_PATH}.atom"
    target.parent.mkdir(parents=True)
    target.write_bytes(body)
    for folder in (work, *root.rglob("*"), root):
        folder.chmod(0o755 if folder.is_dir() else 0o644)
    (work / "tmp").mkdir()
    port = free_port()
    nginx = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if nginx:
        conf = work / "nginx.conf"
        conf.write_text(NGINX_CONF.format(work=work, port=port, root=root))
        proc = subprocess.Popen([nginx, "-c", str(conf), "-p", str(work)])
        label = "nginx (1 worker)"
    else:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "http.server",
                str(port),
                "--bind",
                "127.0.0.1",
                "--directory",
                str(root),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        label = "python -m http.server"
    base = f"http://127.0.0.1:{port}"
    wait_until_up(f"{base}/{FEED_PATH}.atom", proc)
    return label, proc, base


def start_deploy_nginx(
    work: Path, body: bytes, web: str
) -> tuple[str, subprocess.Popen[bytes], str] | None:
    """nginx as the compose stack runs it: deploy/nginx.conf serving the feed as a worker
    writes it with --out (write_stored), the rest proxied to the app at ``web``."""
    out = work / "out"
    write_stored(
        out, [StoredFeed(FEED_PATH, "atom", body, "", datetime(2024, 1, 1, tzinfo=UTC))], b"<opml/>"
    )
    for item in (work, out, *out.rglob("*")):
        item.chmod(0o755 if item.is_dir() else 0o644)
    port = free_port()
    try:
        argv = project_config(
            work / "deploy-nginx", listen=f"127.0.0.1:{port}", web=web, feeds_root=out
        )
    except FileNotFoundError:
        return None
    proc = subprocess.Popen([*argv, "-g", "daemon off;"])
    base = f"http://127.0.0.1:{port}"
    wait_until_up(f"{base}/{FEED_PATH}.atom", proc)
    return "nginx, deploy/nginx.conf", proc, base


def wait_until_up(url: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"static server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{url} did not answer within 10 s")


def etag_of(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return str(response.headers["ETag"])


def expect(url: str, headers: dict[str, str], status: int) -> None:
    try:
        with urllib.request.urlopen(
            urllib.request.Request(url, headers=headers), timeout=5
        ) as response:
            got = response.status
    except urllib.error.HTTPError as error:
        got = error.code
    if got != status:
        raise RuntimeError(f"{url} answered {got}, expected {status}")


# ------------------------------------------------------------------ load generators

# Server and load generator on cores of their own: left to the scheduler, they sometimes
# share one core and a run's 200s drop by half for every server alike.
_PINS: dict[str, set[int]] = {}


def pin_cores() -> str:
    cores = sorted(os.sched_getaffinity(0))
    if len(cores) < 2:
        return "unpinned (one core)"
    if not shutil.which("wrk"):
        return "unpinned (the stand-in client runs in this process)"
    _PINS["server"], _PINS["client"] = {cores[0]}, {cores[1]}
    # Set before any server starts: its threads and child processes inherit it.
    os.sched_setaffinity(0, _PINS["server"])
    return f"servers on core {cores[0]}, load generator on core {cores[1]}"


def _client_cpu() -> None:
    if "client" in _PINS:
        os.sched_setaffinity(0, _PINS["client"])


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(
    url: str, headers: dict[str, str], seconds: int, connections: int
) -> tuple[float, float, float]:
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    for name, value in headers.items():
        cmd += ["-H", f"{name}: {value}"]
    out = subprocess.run(
        [*cmd, url],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 30,
        preexec_fn=_client_cpu,
    ).stdout
    if "Non-2xx or 3xx responses" in out:
        raise RuntimeError(f"wrk saw errors:\n{out}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]

    def pct(p: str) -> float:
        value, unit = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
        return float(value) * _UNITS[unit]

    return rps, pct("50"), pct("99")


async def _client(
    host: str, port: int, request: bytes, until: float, latencies: list[float]
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.monotonic() < until:
            start = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length = re.search(rb"(?i)content-length:\s*(\d+)", head)
            if length and not head.startswith(b"HTTP/1.1 304"):
                await reader.readexactly(int(length.group(1)))
            latencies.append((time.perf_counter() - start) * 1000)
    finally:
        writer.close()


def asyncio_load(
    url: str, headers: dict[str, str], seconds: int, connections: int
) -> tuple[float, float, float]:
    """The stand-in for wrk: bounded by time, keep-alive, one request in flight per
    connection."""
    parsed = urllib.parse.urlsplit(url)
    lines = [
        f"GET {parsed.path} HTTP/1.1",
        f"Host: {parsed.netloc}",
        *(f"{k}: {v}" for k, v in headers.items()),
    ]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode()
    latencies: list[float] = []

    async def run() -> None:
        until = time.monotonic() + seconds
        await asyncio.gather(
            *(
                _client(parsed.hostname or "", parsed.port or 80, request, until, latencies)
                for _ in range(connections)
            )
        )

    asyncio.run(run())
    latencies.sort()
    return (
        len(latencies) / seconds,
        latencies[len(latencies) // 2],
        latencies[int(len(latencies) * 0.99)],
    )


def measure(label: str, base: str, seconds: int, connections: int) -> list[Result]:
    url = f"{base}/{FEED_PATH}.atom"
    load = wrk if shutil.which("wrk") else asyncio_load
    tag = etag_of(url)
    expect(url, {"If-None-Match": tag}, 304)
    results = []
    for answer, headers in (("200", {}), ("304", {"If-None-Match": tag})):
        rps, p50, p99 = load(url, headers, seconds, connections)
        results.append(Result(label, answer, rps, p50, p99))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument(
        "--no-pin", action="store_true", help="leave servers and load generator to the scheduler"
    )
    args = parser.parse_args(argv)
    args.cores = "unpinned" if args.no_pin else pin_cores()
    body = feed_bytes()
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as tmp:
        work = Path(tmp)
        results = []
        app = start_app(work, body)
        try:
            results += measure("syndicator", app.base_url, args.seconds, args.connections)
            deployed = start_deploy_nginx(work, body, app.base_url.removeprefix("http://"))
            if deployed is not None:
                label, proc, base = deployed
                try:
                    results += measure(label, base, args.seconds, args.connections)
                finally:
                    proc.terminate()
                    proc.wait(timeout=10)
        finally:
            app.stop()
        label, proc, static_base = start_static(work, body)
        try:
            results += measure(label, static_base, args.seconds, args.connections)
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    print_table(results, len(body), args, "wrk" if shutil.which("wrk") else "asyncio client")
    return 0


def print_table(results: list[Result], size: int, args: argparse.Namespace, load: str) -> None:
    print(
        f"{ITEMS}-item Atom feed, {size:,} bytes; {load}, {args.connections} connections, "
        f"{args.seconds} s per run, loopback; {args.cores}"
    )
    print(f"{'server':<26} {'answer':>6} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8}")
    for r in results:
        print(f"{r.server:<26} {r.answer:>6} {r.rps:>9.0f} {r.p50_ms:>8.2f} {r.p99_ms:>8.2f}")
    ours = [r for r in results if r.server == "syndicator"]
    for r in ours:
        for other in results:
            if other.answer == r.answer and other.server != r.server:
                print(
                    f"{r.server} / {other.server}, {r.answer}: "
                    f"{r.rps / other.rps * 100:.0f}% of its throughput"
                )


if __name__ == "__main__":
    raise SystemExit(main())
