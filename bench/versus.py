"""syndicator against changedetection.io, watching the same list page of the replica portal.

Both tools run as services on 127.0.0.1 with the same check interval: syndicator as
``syndicator run`` on a config in a temp dir, changedetection.io (installed into a
virtualenv of its own, never into the project's) with a datastore in a temp dir and one
watch added through its REST API. The replica portal (科技要闻, kjyw) then publishes
``--articles`` articles, one per check interval or so (so each of changedetection.io's
checks sees one change: its best case), some with GBK-only characters and one with
``&`` and ``<`` in the title. The bench prints, side by side, from the portal's request
log and from each tool's API and feeds: requests and bytes per check, what the user gets
per article, the feed, and the time from publish to the item being available.

    .venv/bin/python bench/versus.py [--articles 10] [--interval 30] [--budget 1500]

The first run creates the other tool's virtualenv (``$XDG_CACHE_HOME/syndicator-versus``,
else ``/tmp/versus-venv``; ``--venv`` to choose) with an upgraded pip.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import FrameType
from typing import Any

import feedparser  # type: ignore[import-untyped]
from lxml import html as lxml_html

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from syndicator.demo.portal import PortalArticle, ReplicaPortal, RequestLogEntry

ROOT = Path(__file__).resolve().parents[1]

CDIO_VERSION = "0.60.10"
OUR_AGENT = "syndicator-versus/0.1 (+http://127.0.0.1/)"
ADMIN_TOKEN = "versus"
GBK_ONLY = re.compile("[镕堃喆]")

# Titles a reader of 科技要闻 would see: GBK-only characters the page's gb2312 label does
# not cover, and markup characters that must come out as text. None = generated.
TITLES: list[str | None] = [
    None,
    "朱镕基科技奖励基金会表彰青年科学家",
    None,
    "王堃团队研发新型固态储能材料",
    "张喆：人工智能赋能制造业转型升级",
    "R&D投入强度<3%的地区如何追赶",
    None,
    "陶喆、李镕两位工程师获评“大国工匠”",
    None,
    None,
]

SYNDICATOR_CONFIG = """\
storage: sqlite:///{folder}/versus.db
server:
  host: 127.0.0.1
  port: {port}
  public_url: http://127.0.0.1:{port}
  admin_token: {token}
fetch:
  user_agent: "{agent}"
  timeout: 10s
  host_delay: 0s
  allow_private: true
  retries: 1
  robots_txt: true
  max_bytes: 5MB
defaults:
  every: {interval}s
  min: {interval}s
  max: {interval}s
  timezone: Asia/Shanghai
sites:
  - id: zgkjcx
    name: 中国科技创新网
    url: {base}
    categories:
      - id: kjyw
        name: 科技要闻
        list_url: {list_url}
        pages: 1
feeds:
  formats: [atom, rss, json]
  max_items: 50
  full_content: true
"""


# ------------------------------------------------------------------ processes


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def service(
    argv: list[str], log: Path, env: dict[str, str], cwd: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """A child in its own process group, so it and whatever it spawns go together."""
    with log.open("wb") as out:
        proc = subprocess.Popen(
            argv, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=cwd, start_new_session=True
        )
    try:
        yield proc
    finally:
        stop_group(proc)


def stop_group(proc: subprocess.Popen[bytes]) -> None:
    for sig, grace in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)):
        if proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            continue


def run_bounded(argv: list[str], timeout: float, **kw: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, check=True, timeout=timeout, text=True, capture_output=True, **kw)


def ensure_cdio(venv: Path, version: str) -> Path:
    """The other tool's own virtualenv, made on first use; never the project's."""
    python = venv / "bin" / "python"
    probe = [
        str(python),
        "-c",
        "import importlib.metadata as m; print(m.version('changedetection.io'))",
    ]
    if python.exists():
        try:
            if run_bounded(probe, 60).stdout.strip() == version:
                return venv
        except subprocess.CalledProcessError:
            pass
    print(f"installing changedetection.io {version} into {venv} (first run) ...", flush=True)
    run_bounded([sys.executable, "-m", "venv", str(venv)], 300)
    run_bounded([str(python), "-m", "pip", "install", "-q", "--upgrade", "pip"], 600)
    run_bounded([str(python), "-m", "pip", "install", "-q", f"changedetection.io=={version}"], 1200)
    return venv


def http(
    url: str,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: Any = None,
    timeout: float = 10,
) -> tuple[int, bytes]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        url,
        data=data,
        method=method,
        headers={**(headers or {}), **({"Content-Type": "application/json"} if data else {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError:
        return 0, b""


def wait_until(what: str, check: Callable[[], bool], timeout: float, step: float = 0.5) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(step)
    raise TimeoutError(f"gave up after {timeout:.0f}s waiting for {what}")


# ------------------------------------------------------------------ the two tools


class Syndicator:
    def __init__(self, folder: Path, portal: ReplicaPortal, interval: int) -> None:
        self.port = free_port()
        self.config = folder / "syndicator.yaml"
        self.config.write_text(
            SYNDICATOR_CONFIG.format(
                folder=folder,
                port=self.port,
                token=ADMIN_TOKEN,
                agent=OUR_AGENT,
                interval=interval,
                base=portal.base_url,
                list_url=portal.list_url("kjyw"),
            ),
            encoding="utf-8",
        )
        self.folder = folder
        self.base = f"http://127.0.0.1:{self.port}"

    def argv(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "syndicator",
            "run",
            "-c",
            str(self.config),
            "--out",
            str(self.folder / "public"),
        ]

    def feed(self, ext: str = "atom") -> tuple[int, bytes]:
        return http(f"{self.base}/feeds/zgkjcx/kjyw.{ext}")


class ChangeDetection:
    def __init__(self, venv: Path, folder: Path, version: str) -> None:
        self.venv = venv
        self.datastore = folder / "datastore"
        self.datastore.mkdir()
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        # A fresh datastore gets two example watches on public sites unless URLs are
        # given with -u; creating it empty first keeps every check on loopback.
        run_bounded(
            [
                str(venv / "bin" / "python"),
                "-c",
                "import os, sys\nfrom changedetectionio import store\n"
                "store.ChangeDetectionStore(datastore_path=sys.argv[1], "
                "include_default_watches=False, version_tag=sys.argv[2])\nos._exit(0)\n",
                str(self.datastore),
                version,
            ],
            120,
        )
        settings = json.loads((self.datastore / "changedetection.json").read_text("utf-8"))
        application = settings["settings"]["application"]
        self.api_key: str = application["api_access_token"]
        self.rss_token: str = application["rss_access_token"]
        self.uuid = ""

    def argv(self) -> list[str]:
        return [
            str(self.venv / "bin" / "changedetection.io"),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-d",
            str(self.datastore),
            "-l",
            "INFO",
        ]

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "DISABLE_VERSION_CHECK": "true",  # else it posts to its home site daily
            "LLM_FEATURES_DISABLED": "true",
            "LITELLM_LOCAL_MODEL_COST_MAP": "True",
            # It refuses loopback targets by default (SSRF guard); the portal is on one.
            "ALLOW_IANA_RESTRICTED_ADDRESSES": "true",
            "BASE_URL": self.base,
        }

    def api(self, path: str, **kw: Any) -> tuple[int, bytes]:
        return http(f"{self.base}/api/v1/{path}", headers={"x-api-key": self.api_key}, **kw)

    def add_watch(self, url: str, interval: int) -> None:
        status, body = self.api(
            "watch",
            method="POST",
            body={
                "url": url,
                "fetch_backend": "html_requests",
                "time_between_check_use_default": False,
                "time_between_check": {"seconds": interval},
            },
        )
        if status != 201:
            raise RuntimeError(f"changedetection.io refused the watch: {status} {body[:300]!r}")
        self.uuid = json.loads(body)["uuid"]

    def history(self) -> list[str]:
        status, body = self.api(f"watch/{self.uuid}/history")
        return sorted(json.loads(body), key=int) if status == 200 else []

    def added_text(self, older: str, newer: str) -> str:
        status, body = self.api(
            f"watch/{self.uuid}/difference/{older}/{newer}"
            "?format=text&changesOnly=true&removed=false&no_markup=true"
        )
        return body.decode("utf-8") if status == 200 else ""

    def rss(self) -> tuple[int, bytes]:
        return http(f"{self.base}/rss/watch/{self.uuid}?token={self.rss_token}")


# ------------------------------------------------------------------ observation


@dataclass
class Observed:
    """What each tool showed, stamped with when the bench first saw it."""

    ours_seen: dict[str, float] = field(default_factory=dict)  # article URL -> time
    ours_ids: dict[str, set[str]] = field(default_factory=dict)  # article URL -> entry ids
    ours_bozo: list[int] = field(default_factory=list)
    theirs_snapshots: dict[str, float] = field(default_factory=dict)  # history ts -> time
    theirs_rss_seen: dict[str, float] = field(default_factory=dict)  # guid -> time
    theirs_rss_titles: dict[str, set[str]] = field(default_factory=dict)  # guid -> titles
    theirs_bozo: list[int] = field(default_factory=list)


def watch_outputs(
    ours: Syndicator, theirs: ChangeDetection, seen: Observed, stop: threading.Event
) -> None:
    while not stop.wait(1.0):
        now = time.monotonic()
        status, body = ours.feed()
        if status == 200:
            parsed = feedparser.parse(body)
            seen.ours_bozo.append(int(parsed.bozo))
            for entry in parsed.entries:
                seen.ours_seen.setdefault(entry.link, now)
                seen.ours_ids.setdefault(entry.link, set()).add(entry.id)
        for stamp in theirs.history():
            seen.theirs_snapshots.setdefault(stamp, now)
        if len(seen.theirs_snapshots) >= 2:
            status, body = theirs.rss()
            if status == 200:
                parsed = feedparser.parse(body)
                seen.theirs_bozo.append(int(parsed.bozo))
                for entry in parsed.entries:
                    seen.theirs_rss_seen.setdefault(entry.id, now)
                    seen.theirs_rss_titles.setdefault(entry.id, set()).add(entry.title)


# ------------------------------------------------------------------ request log


@dataclass(frozen=True)
class Check:
    requests: int
    bytes: int
    statuses: str  # of the list page
    articles: int  # article pages fetched
    conditional: bool  # the list request carried validators
    after_publish: bool  # the first check of this tool after an article appeared


def is_ours(entry: RequestLogEntry) -> bool:
    return "syndicator" in {k.lower(): v for k, v in entry.headers.items()}.get("user-agent", "")


def checks(
    log: list[RequestLogEntry],
    list_path: str,
    marks: list[int],
    mine: Callable[[RequestLogEntry], bool],
) -> list[Check]:
    """Group one tool's requests into checks: each starts at a list-page request.
    ``marks`` are log positions at which an article was published."""
    found: list[Check] = []
    current: list[tuple[int, RequestLogEntry]] = []

    def close() -> None:
        if not current or current[0][1].path != list_path:
            return
        first_at, first = current[0]
        previous_list = max(
            (i for i, e in enumerate(log[:first_at]) if mine(e) and e.path == list_path), default=-1
        )
        fresh = any(previous_list < m <= first_at for m in marks)
        lowered = {k.lower() for k in first.headers}
        found.append(
            Check(
                requests=len(current),
                bytes=sum(e.bytes_sent for _, e in current),
                statuses=str(first.status),
                articles=sum(1 for _, e in current if re.search(r"/\d+(_\d+)?\.html$", e.path)),
                conditional=bool(lowered & {"if-none-match", "if-modified-since"}),
                after_publish=fresh,
            )
        )

    for index, entry in enumerate(log):
        if not mine(entry):
            continue
        if entry.path == list_path:
            close()
            current = []
        current.append((index, entry))
    close()
    return found


def summarize(found: list[Check], changed: bool) -> str:
    chosen = [c for c in found if c.after_publish == changed]
    if not chosen:
        return "no check"
    statuses = "/".join(sorted({c.statuses for c in chosen}))
    return (
        f"{statistics.mean(c.requests for c in chosen):.1f} req, "
        f"{statistics.mean(c.bytes for c in chosen) / 1024:.1f} KiB, "
        f"list {statuses}, {statistics.mean(c.articles for c in chosen):.1f} article pages "
        f"(n={len(chosen)})"
    )


# ------------------------------------------------------------------ per-article checks


def text_of(fragment: str) -> str:
    if not fragment.strip():
        return ""
    return str(lxml_html.fromstring(f"<div>{fragment}</div>").text_content())


def squash(text: str) -> str:
    """Whitespace differs between a page's text and a title (&nbsp;, U+3000); the
    characters must not."""
    return re.sub(r"\s+", "", text)


@dataclass
class Score:
    item: int = 0
    title: int = 0
    url: int = 0
    published: int = 0
    published_date_only: int = 0
    body: int = 0
    source: int = 0
    author: int = 0
    gbk_title: int = 0  # exact titles among those with GBK-only characters
    shown_title: int = 0  # the link text the list page shows (truncated titles end in …)
    replacement_chars: int = 0  # items holding U+FFFD (a character lost in decoding)
    latencies: list[float] = field(default_factory=list)  # to the tool's API/history
    feed_latencies: list[float] = field(default_factory=list)  # to its feed


def score_ours(articles: list[tuple[PortalArticle, float]], feed: bytes, seen: Observed) -> Score:
    score = Score()
    entries = {e.link: e for e in feedparser.parse(feed).entries}
    for article, at in articles:
        entry = entries.get(article.url)
        if entry is None:
            continue
        score.item += 1
        score.title += entry.title == article.title
        score.gbk_title += entry.title == article.title and bool(GBK_ONLY.search(article.title))
        score.replacement_chars += "\ufffd" in entry.title + entry.content[0].value
        score.url += entry.link == article.url
        score.published += datetime.fromisoformat(entry.published) == article.published
        content = squash(text_of(entry.content[0].value))
        score.body += all(squash(p) in content for p in article.paragraphs)
        score.source += bool(article.source) and squash(f"来源：{article.source}") in content
        score.author += bool(article.author) and squash(f"作者：{article.author}") in content
        if article.url in seen.ours_seen:
            # Our feed is where an item becomes available; the API is the same store.
            score.latencies.append(seen.ours_seen[article.url] - at)
            score.feed_latencies.append(seen.ours_seen[article.url] - at)
    return score


def attribute(
    articles: list[tuple[PortalArticle, float]], snapshots: dict[str, float]
) -> dict[str, list[int]]:
    """Each change snapshot (after the baseline) stands for the articles published
    since the previous one: the list page changes only when the portal publishes."""
    owners: dict[str, list[int]] = {}
    ordered = sorted(snapshots.items(), key=lambda kv: kv[1])[1:]
    taken = 0
    for stamp, seen_at in ordered:
        mine = [i for i in range(taken, len(articles)) if articles[i][1] < seen_at]
        if mine:
            owners[stamp] = mine
            taken = mine[-1] + 1
    return owners


def link_texts(list_url: str) -> dict[str, str]:
    """Article URL -> the text of its link on the list page, decoded as the page really
    is (GB18030), so that a tool is not blamed for the portal's own truncation."""
    with urllib.request.urlopen(list_url, timeout=10) as answer:
        page = lxml_html.fromstring(answer.read().decode("gb18030"), base_url=list_url)
    page.make_links_absolute()
    return {a.get("href", ""): str(a.text_content()) for a in page.iter("a")}


def score_theirs(
    articles: list[tuple[PortalArticle, float]],
    theirs: ChangeDetection,
    seen: Observed,
    shown: dict[str, str],
) -> tuple[Score, dict[int, str]]:
    score = Score()
    added_by_article: dict[int, str] = {}
    history = sorted(seen.theirs_snapshots, key=int)
    owners = attribute(articles, seen.theirs_snapshots)
    for stamp, indexes in owners.items():
        previous = history[history.index(stamp) - 1]
        added = theirs.added_text(previous, stamp)
        for i in indexes:
            added_by_article[i] = added
            article, at = articles[i]
            flat = squash(added)
            score.item += len(indexes) == 1
            score.title += squash(article.title) in flat
            score.shown_title += squash(shown.get(article.url, "\0")) in flat
            score.gbk_title += squash(article.title) in flat and bool(
                GBK_ONLY.search(article.title)
            )
            score.replacement_chars += "\ufffd" in added
            score.url += article.url in added or article.url.split("/", 3)[-1] in added
            score.published += article.published.strftime("%Y-%m-%d %H:%M") in added
            score.published_date_only += article.published.strftime("%m-%d") in added
            score.body += all(squash(p) in flat for p in article.paragraphs)
            score.source += bool(article.source) and squash(article.source or "") in flat
            score.author += bool(article.author) and squash(article.author or "") in flat
            score.latencies.append(seen.theirs_snapshots[stamp] - at)
            in_feed = seen.theirs_rss_seen.get(f"{theirs.uuid}/{stamp}")
            if in_feed is not None:
                score.feed_latencies.append(in_feed - at)
    return score, added_by_article


# ------------------------------------------------------------------ the run


def run(args: argparse.Namespace, folder: Path, stack: ExitStack) -> None:
    venv = ensure_cdio(Path(args.venv), args.cdio_version)
    portal = stack.enter_context(ReplicaPortal())
    list_url = portal.list_url("kjyw")
    list_path = "/" + list_url.split("/", 3)[-1]

    ours = Syndicator(folder, portal, args.interval)
    theirs = ChangeDetection(venv, folder, args.cdio_version)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SYNDICATOR_ADMIN_TOKEN": ADMIN_TOKEN}
    stack.enter_context(service(ours.argv(), folder / "syndicator.log", env, ROOT))
    stack.enter_context(
        service(theirs.argv(), folder / "changedetection.log", theirs.env(), folder)
    )
    # The feed answers 200 as soon as the worker starts (built empty, before any poll),
    # so the baseline is there once the feed holds its entries.
    wait_until("syndicator's first poll", lambda: ours.feed()[1].count(b"<entry>") >= 10, 120)
    wait_until("changedetection.io's API", lambda: theirs.api("systeminfo")[0] == 200, 120)
    theirs.add_watch(list_url, args.interval)
    wait_until(
        "changedetection.io's first check",
        lambda: len(theirs.history()) >= 1,
        args.interval * 2 + 60,
    )
    print(f"both tools have their baseline; watching {list_url} every {args.interval}s", flush=True)

    seen = Observed()
    stop = threading.Event()
    watcher = threading.Thread(target=watch_outputs, args=(ours, theirs, seen, stop), daemon=True)
    watcher.start()
    stack.callback(watcher.join, 10)
    stack.callback(stop.set)

    log_start = len(portal.requests)
    time.sleep(args.interval * 2 + 5)  # steady state: nothing published
    rng = random.Random(args.seed)
    marks: list[int] = []
    published: list[tuple[PortalArticle, float]] = []
    for n in range(args.articles):
        title = TITLES[n % len(TITLES)]
        marks.append(len(portal.requests))
        article = portal.publish("kjyw", title=title)
        published.append((article, time.monotonic()))
        print(f"  published {n + 1}/{args.articles}: {article.title}", flush=True)
        if n + 1 < args.articles:
            time.sleep(args.interval * rng.uniform(1.1, 1.5))

    def everyone_has_all() -> bool:
        return (
            all(a.url in seen.ours_seen for a, _ in published)
            and len(attribute(published, dict(seen.theirs_snapshots))) > 0
            and sum(len(v) for v in attribute(published, dict(seen.theirs_snapshots)).values())
            == len(published)
        )

    try:
        wait_until("both tools to show every article", everyone_has_all, args.interval * 3 + 30, 1)
    except TimeoutError as error:
        print(f"  note: {error}", flush=True)
    time.sleep(3)  # one more look at each feed after the last change
    stop.set()
    watcher.join(10)

    log = portal.requests[log_start:]
    marks = [m - log_start for m in marks]
    our_checks = checks(log, list_path, marks, is_ours)
    their_checks = checks(log, list_path, marks, lambda e: not is_ours(e))
    our_feed = ours.feed()[1]
    our_rss = ours.feed("rss")[1]
    their_rss = theirs.rss()[1]
    mine = score_ours(published, our_feed, seen)
    other, added = score_theirs(published, theirs, seen, link_texts(list_url))
    report(
        args,
        log,
        our_checks,
        their_checks,
        published,
        mine,
        other,
        seen,
        our_feed,
        our_rss,
        their_rss,
        added,
        theirs,
    )
    if args.keep_logs:
        for name in ("syndicator.log", "changedetection.log"):
            (Path(args.keep_logs) / name).write_bytes((folder / name).read_bytes())


def report(
    args: argparse.Namespace,
    log: list[RequestLogEntry],
    our_checks: list[Check],
    their_checks: list[Check],
    published: list[tuple[PortalArticle, float]],
    mine: Score,
    other: Score,
    seen: Observed,
    our_feed: bytes,
    our_rss: bytes,
    their_rss: bytes,
    added: dict[int, str],
    theirs: ChangeDetection,
) -> None:
    n = len(published)
    with_source = sum(1 for a, _ in published if a.source)
    with_author = sum(1 for a, _ in published if a.author)
    gbk = [a for a, _ in published if GBK_ONLY.search(a.title)]

    def cond(found: list[Check]) -> str:
        return f"{sum(c.conditional for c in found)}/{len(found)}"

    def lat(values: list[float]) -> str:
        if not values:
            return "none"
        return f"p50 {statistics.median(values):.0f}s, max {max(values):.0f}s (n={len(values)})"

    our_parsed, our_rss_parsed = feedparser.parse(our_feed), feedparser.parse(our_rss)
    their_parsed = feedparser.parse(their_rss)
    our_entries = sum(1 for e in our_parsed.entries if e.link in {a.url for a, _ in published})
    our_unstable = sum(1 for ids in seen.ours_ids.values() if len(ids) > 1)
    their_unstable = sum(1 for t in seen.theirs_rss_titles.values() if len(t) > 1)
    rows = [
        ("requests/check, no change", summarize(our_checks, False), summarize(their_checks, False)),
        (
            "requests/check, 1 new article",
            summarize(our_checks, True),
            summarize(their_checks, True),
        ),
        ("conditional list requests", cond(our_checks), cond(their_checks)),
        (
            "all requests in the run",
            f"{sum(1 for e in log if is_ours(e))}",
            f"{sum(1 for e in log if not is_ours(e))}",
        ),
        (
            "bytes in the run (KiB)",
            f"{sum(e.bytes_sent for e in log if is_ours(e)) / 1024:.0f}",
            f"{sum(e.bytes_sent for e in log if not is_ours(e)) / 1024:.0f}",
        ),
        ("item per article", f"{mine.item}/{n}", f"{other.item}/{n} (one diff each)"),
        ("title exact", f"{mine.title}/{n}", f"{other.title}/{n} (in the diff text)"),
        (
            f"  of which with 镕/堃/喆 ({len(gbk)})",
            f"{mine.gbk_title}/{len(gbk)}",
            f"{other.gbk_title}/{len(gbk)}",
        ),
        ("list's link text (… if cut) in the item", "n/a (full title)", f"{other.shown_title}/{n}"),
        ("items holding U+FFFD", f"{mine.replacement_chars}/{n}", f"{other.replacement_chars}/{n}"),
        ("article URL", f"{mine.url}/{n}", f"{other.url}/{n}"),
        (
            "publish time (to the minute)",
            f"{mine.published}/{n}",
            f"{other.published}/{n}; its MM-DD somewhere in the diff "
            f"{other.published_date_only}/{n}",
        ),
        ("body text, all paragraphs", f"{mine.body}/{n}", f"{other.body}/{n}"),
        (
            f"来源 ({with_source} have one)",
            f"{mine.source}/{with_source}",
            f"{other.source}/{with_source}",
        ),
        (
            f"作者 ({with_author} have one)",
            f"{mine.author}/{with_author}",
            f"{other.author}/{with_author}",
        ),
        ("feed", "Atom + RSS + JSON Feed", "RSS 2.0 per watch (last 5 changes)"),
        (
            "feed parses (bozo=0)",
            f"Atom {int(not our_parsed.bozo)}, RSS {int(not our_rss_parsed.bozo)}; "
            f"{seen.ours_bozo.count(0)}/{len(seen.ours_bozo)} reads",
            f"{int(not their_parsed.bozo)}; "
            f"{seen.theirs_bozo.count(0)}/{len(seen.theirs_bozo)} reads",
        ),
        (
            "feed entries for the new articles",
            f"{our_entries}/{n} at the end",
            f"{len(their_parsed.entries)} at the end, "
            f"{len(seen.theirs_rss_seen)} distinct ids seen",
        ),
        (
            "ids stable across reads",
            f"{len(seen.ours_ids) - our_unstable}/{len(seen.ours_ids)} entries kept one id",
            f"{len(seen.theirs_rss_titles) - their_unstable}/"
            f"{len(seen.theirs_rss_titles)} ids kept one title",
        ),
        ("publish -> item (feed / history)", lat(mine.latencies), lat(other.latencies)),
        ("publish -> entry in its feed", lat(mine.feed_latencies), lat(other.feed_latencies)),
    ]
    print()
    print(
        f"{n} articles, check interval {args.interval}s for both, changedetection.io "
        f"{args.cdio_version}"
    )
    width = max(len(r[0]) for r in rows)
    our_width = max(len(r[1]) for r in rows)
    print(f"{'':{width}}  {'syndicator':{our_width}}  changedetection.io")
    for name, a, b in rows:
        print(f"{name:{width}}  {a:{our_width}}  {b}")
    print()
    if their_parsed.entries:
        entry = their_parsed.entries[0]
        print(f"changedetection.io feed entry title: {entry.title!r}")
    for index, text in sorted(added.items()):
        article = published[index][0]
        if re.search("[镕堃喆&<]", article.title):
            at = text.find(article.title[:3])
            at = text.find(article.title[:1]) if at < 0 else at
            shown = text[max(0, at - 5) : at + 40] if at >= 0 else text.strip()[:60]
            print(f"changedetection.io diff for {article.title!r}: ...{shown!r}...")


def main() -> None:
    cache = os.environ.get("XDG_CACHE_HOME")
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10)
    parser.add_argument("--interval", type=int, default=30, help="seconds between checks")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--budget", type=float, default=1500, help="seconds after which everything is stopped"
    )
    parser.add_argument("--cdio-version", default=CDIO_VERSION)
    parser.add_argument(
        "--venv",
        default=str(Path(cache) / "syndicator-versus" / "venv") if cache else "/tmp/versus-venv",
    )
    parser.add_argument("--keep-logs", metavar="DIR", help="copy both services' logs here")
    args = parser.parse_args()

    def out_of_time(signum: int, frame: FrameType | None) -> None:
        raise TimeoutError(f"the run exceeded --budget {args.budget:.0f}s")

    def terminated(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGALRM, out_of_time)
    signal.signal(signal.SIGTERM, terminated)
    signal.alarm(int(args.budget))
    try:
        with tempfile.TemporaryDirectory(prefix="versus-") as tmp, ExitStack() as stack:
            run(args, Path(tmp), stack)
    except KeyboardInterrupt:
        print("interrupted; every process stopped", file=sys.stderr)
        raise SystemExit(130) from None
    finally:
        signal.alarm(0)


if __name__ == "__main__":
    main()
