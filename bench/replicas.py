"""Several workers on one PostgreSQL database, run and measured as a whole.

Starts a throwaway PostgreSQL (tests/pg.py), ``--sites`` replica portals of 4 categories
each (20 categories by default, every one polled ``--every`` 10 s), a webhook receiver
that checks Standard Webhooks signatures and records each webhook-id, two
``syndicator run --no-web`` workers and one ``syndicator run --no-worker`` web process,
all on one config. Once every category has had its silent baseline poll, the portals
publish ``--articles`` articles at random moments over ``--seconds``; with
``--kill-at S`` the busier worker is SIGKILLed S seconds into that window (with
``--kill-mid-poll`` at the first moment after that when it holds a poll lease). Then it
waits (at most ``--drain`` seconds) for every article to reach the web process's feed
and the receiver and, after a kill, for every category to be polled again; it stops
everything and prints: polls per category and overlapping polls (the
polls table), the split between workers (their logs), deliveries per article counted by
webhook-id, latencies publish -> web feed and publish -> webhook, and after a kill which
leases the dead worker held and how soon its categories were polled again.

    .venv/bin/python bench/replicas.py [--sites 5] [--every 10s] [--seconds 90]
                                       [--articles 60] [--kill-at 45 [--kill-mid-poll]]
                                       [--drain 240] [--logs DIR]

Everything listens on 127.0.0.1; every process is stopped on exit, error or Ctrl-C.
Exit status 1 when a check fails (overlap, loss, duplicate, an article not in the feed).
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from bench.notify import percentile
from bench.service_memory import SITE
from syndicator.demo.portal import ReplicaPortal
from syndicator.demo.portal_catalog import CATEGORIES
from syndicator.demo.webhook_sink import WebhookSink
from syndicator.runtime.leases import LEASE
from syndicator.store import Store
from syndicator.store import tables as t
from tests.support.net import free_port
from tests.support.outbox import SECRET
from tests.support.postgres import PostgresServer

ROOT = Path(__file__).resolve().parents[1]

HEAD = """\
storage: {storage}
server: {{host: 127.0.0.1, port: {port}, public_url: "http://127.0.0.1:{port}"}}
fetch: {{host_delay: 0s, retries: 1, timeout: 5s, allow_private: true}}
defaults: {{every: {every}, timezone: Asia/Shanghai}}
feeds: {{formats: [atom, rss, json], max_items: 50}}
notifications:
  channels:
    - {{id: hook, type: webhook, url: "{hook}", secret: "{secret}", allow_private: true,
       timeout: 2s}}
  subscriptions:
    - {{channel: hook, categories: ["*"]}}
sites:
"""


@dataclass(frozen=True)
class Published:
    category: str  # site/category
    url: str
    at: float  # time.monotonic()


@dataclass
class Run:
    """What the run saw, in the bench's own monotonic clock unless named ``*_utc``."""

    published: list[Published] = field(default_factory=list)
    in_feed: dict[str, float] = field(default_factory=dict)
    window_utc: tuple[datetime, datetime] | None = None
    kill_utc: datetime | None = None
    victim: str = ""
    victim_pid: int | None = None
    held_polls: list[str] = field(default_factory=list)
    held_deliveries: int = 0
    held_until: datetime | None = None


# ------------------------------------------------------------------ processes


class Processes:
    """``syndicator run`` children, each in its own session (Ctrl-C reaches only the
    bench, which then stops them) and logging JSON lines to its own file."""

    def __init__(self, folder: Path, config: Path) -> None:
        self.folder = folder
        self.config = config
        self.procs: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, *flags: str) -> subprocess.Popen[bytes]:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        with open(self.folder / f"{name}.log", "wb") as out:
            proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "syndicator",
                    "run",
                    "-c",
                    str(self.config),
                    "--json-logs",
                    *flags,
                ],
                cwd=self.folder,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.procs[name] = proc
        return proc

    def check_alive(self) -> None:
        for name, proc in self.procs.items():
            if proc.poll() is not None and proc.returncode != -signal.SIGKILL:
                tail = (self.folder / f"{name}.log").read_text("utf-8", "replace")[-2000:]
                raise RuntimeError(f"{name} exited with {proc.returncode}:\n{tail}")

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def polls(self, name: str) -> list[tuple[datetime, str]]:
        """(end time, category) of every poll the process logged."""
        found = []
        for line in (self.folder / f"{name}.log").read_text("utf-8", "replace").splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            message = entry.get("message", "")
            if entry.get("logger") == "syndicator" and message.startswith("poll "):
                found.append((datetime.fromisoformat(entry["time"]), message.split()[1]))
        return found


# ------------------------------------------------------------------ HTTP and database


def get_json(url: str, etag: str | None = None) -> tuple[int, str | None, Any]:
    request = urllib.request.Request(url, headers={"If-None-Match": etag} if etag else {})
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return answer.status, answer.headers["ETag"], json.loads(answer.read())
    except urllib.error.HTTPError as err:
        return err.code, None, None


def wait_until(check: Any, timeout: float, what: str, procs: Processes) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        procs.check_alive()
        # Until the workers have migrated it, the database has no tables to ask.
        with contextlib.suppress(OSError, SQLAlchemyError):
            if check():
                return
        time.sleep(0.25)
    raise RuntimeError(f"gave up after {timeout:.0f}s waiting for {what}")


def poll_rows(store: Store) -> list[Any]:
    with store.engine.connect() as conn:
        return list(conn.execute(select(t.polls).order_by(t.polls.c.started)))


def leases_of(store: Store, pid: int) -> tuple[list[str], int, datetime | None]:
    """Poll and delivery leases a worker holds (its owner ids carry its pid)."""
    like = f"%:{pid}:%"
    now = datetime.now(UTC)
    cs, d = t.category_state.c, t.deliveries.c
    with store.engine.connect() as conn:
        polls = conn.execute(
            select(cs.site, cs.category, cs.lease_until).where(
                cs.lease_owner.like(like), cs.lease_until > now
            )
        ).all()
        deliveries = conn.execute(
            select(d.lease_until).where(
                d.lease_owner.like(like), d.lease_until > now, d.state == "pending"
            )
        ).all()
    untils = [r.lease_until for r in [*polls, *deliveries]]
    return (
        [f"{r.site}/{r.category}" for r in polls],
        len(deliveries),
        max(untils) if untils else None,
    )


# ------------------------------------------------------------------ the run


class FeedWatcher(threading.Thread):
    """Asks the web process for each category feed that should show an article it has
    not shown yet (conditional GETs), and stamps when each article first appears."""

    def __init__(self, base: str, run: Run) -> None:
        super().__init__(name="feed-watcher", daemon=True)
        self.base, self.run_ = base, run
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.etags: dict[str, str | None] = {}

    def run(self) -> None:
        while not self.stop.wait(0.2):
            with self.lock:
                waiting = {
                    p.category for p in self.run_.published if p.url not in self.run_.in_feed
                }
            for key in waiting:
                with contextlib.suppress(OSError, ValueError):
                    self.look(key)

    def look(self, key: str) -> None:
        status, etag, feed = get_json(f"{self.base}/feeds/{key}.json", self.etags.get(key))
        if status != 200:
            return
        self.etags[key] = etag
        now = time.monotonic()
        urls = {item["url"] for item in feed["items"]}
        with self.lock:
            for url in urls:
                self.run_.in_feed.setdefault(url, now)


def publish_and_maybe_kill(
    args: argparse.Namespace,
    portals: list[ReplicaPortal],
    procs: Processes,
    store: Store,
    run: Run,
    watcher: FeedWatcher,
) -> None:
    rng = random.Random(args.seed)
    moments = sorted(rng.uniform(0, args.seconds) for _ in range(args.articles))
    start = time.monotonic()
    run.window_utc = (datetime.now(UTC), datetime.now(UTC) + timedelta(seconds=args.seconds))
    kill_at = args.kill_at if args.kill_at is not None else float("inf")
    for moment in [*moments, args.seconds]:
        while time.monotonic() - start < moment:
            if time.monotonic() - start >= kill_at and run.kill_utc is None:
                kill(procs, store, run, mid_poll=args.kill_mid_poll)
            procs.check_alive()
            time.sleep(min(0.05, max(0.0, moment - (time.monotonic() - start))))
        if moment == args.seconds:
            break
        site = rng.randrange(len(portals))
        slug = rng.choice(CATEGORIES).slug
        article = portals[site].publish(slug)
        with watcher.lock:
            run.published.append(Published(f"site{site}/{slug}", article.url, time.monotonic()))
    if args.kill_at is not None and run.kill_utc is None:
        kill(procs, store, run, mid_poll=args.kill_mid_poll)


def kill(procs: Processes, store: Store, run: Run, *, mid_poll: bool) -> None:
    # The busier worker: killing one that has lost every race shows no takeover.
    run.victim = max(("worker1", "worker2"), key=lambda name: len(procs.polls(name)))
    victim = procs.procs[run.victim]
    if mid_poll:
        # The worst moment: while it holds a category's poll lease (up to 30 s of looking).
        deadline = time.monotonic() + 30
        while not leases_of(store, victim.pid)[0] and time.monotonic() < deadline:
            time.sleep(0.002)
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    run.kill_utc = datetime.now(UTC)
    run.victim_pid = victim.pid
    # The victim is dead, so what it holds now is frozen: read it after the kill.
    run.held_polls, run.held_deliveries, run.held_until = leases_of(store, victim.pid)


def settled(run: Run, sink: WebhookSink, store: Store, categories: list[str]) -> bool:
    """Every article in the web feed and accepted by the receiver, and after a kill every
    category polled again."""
    accepted = {r.json()["data"]["url"] for r in sink.accepted()}
    if not all(p.url in run.in_feed and p.url in accepted for p in run.published):
        return False
    if run.kill_utc is None:
        return True
    kill_utc = run.kill_utc
    polled = {f"{r.site}/{r.category}" for r in poll_rows(store) if r.started > kill_utc}
    return polled >= set(categories)


# ------------------------------------------------------------------ report


def spread(values: list[float]) -> str:
    if not values:
        return "none"
    return (
        f"p50 {statistics.median(values):.2f}s  p95 {percentile(values, 0.95):.2f}s  "
        f"max {max(values):.2f}s  (n={len(values)})"
    )


def report_polls(
    args: argparse.Namespace, rows: list[Any], procs: Processes, run: Run, categories: list[str]
) -> list[str]:
    problems: list[str] = []
    assert run.window_utc is not None
    by_cat: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        by_cat[f"{row.site}/{row.category}"].append(row)
    in_window = Counter(
        f"{r.site}/{r.category}"
        for r in rows
        if run.window_utc[0] <= r.started <= run.window_utc[1]
    )
    counts = [in_window.get(key, 0) for key in categories]
    overlaps = close = 0
    for polls in by_cat.values():
        for before, after in itertools.pairwise(polls):
            overlaps += after.started < before.finished
            close += (after.started - before.started).total_seconds() < args.every_s / 2
    print(
        f"polls: {len(rows)} in all; in the {args.seconds:.0f}s window per category "
        f"min {min(counts)} / mean {statistics.mean(counts):.1f} / max {max(counts)} "
        f"(every {args.every_s:g}s ±10 % would be about {args.seconds / args.every_s:.1f})"
    )
    print(
        f"  overlapping polls of one category: {overlaps}; "
        f"polls less than half an interval after the previous one: {close}"
    )
    if overlaps:
        problems.append(f"{overlaps} overlapping polls")
    if close:
        problems.append(f"{close} polls closer than half an interval")
    for name in ("worker1", "worker2"):
        logged = procs.polls(name)
        before = sum(1 for when, _ in logged if run.kill_utc is None or when < run.kill_utc)
        cats = len({key for _, key in logged})
        line = f"  {name}: {len(logged)} polls over {cats} categories"
        if run.kill_utc is not None:
            line += f" ({before} before the kill, {len(logged) - before} after)"
        print(line)
    if run.kill_utc is not None:
        problems += report_takeover(args, by_cat, run, categories)
    return problems


def report_takeover(
    args: argparse.Namespace, by_cat: dict[str, list[Any]], run: Run, categories: list[str]
) -> list[str]:
    assert run.kill_utc is not None
    kill_at = run.kill_utc
    lease = f"poll lease {LEASE.total_seconds():.0f}s"
    until = f", until +{(run.held_until - kill_at).total_seconds():.0f}s" if run.held_until else ""
    assert run.window_utc is not None
    offset = (kill_at - run.window_utc[0]).total_seconds()
    print(
        f"kill -9 {run.victim} (pid {run.victim_pid}) at +{offset:.1f}s: it held "
        f"{len(run.held_polls)} poll leases {run.held_polls} and {run.held_deliveries} "
        f"delivery leases{until} ({lease})"
    )
    gaps = []
    never = []
    for key in categories:
        after = [r.started for r in by_cat.get(key, []) if r.started > kill_at]
        if not after:
            never.append(key)
        elif key not in run.held_polls:
            gaps.append((after[0] - kill_at).total_seconds())
    print(
        f"  first poll after the kill of each category it did not hold: {spread(gaps)}; "
        f"not polled again before the end: {len(never)} {never}"
    )
    for key in run.held_polls:
        first = next((r.started for r in by_cat.get(key, []) if r.started > kill_at), None)
        again = f"{(first - kill_at).total_seconds():.1f}s" if first else "not before the end"
        print(f"  {key} (leased by the dead worker): polled again after {again}")
    return [f"{len(never)} categories not polled after the kill"] if never else []


def report_deliveries(run: Run, sink: WebhookSink) -> list[str]:
    problems: list[str] = []
    ids: dict[str, set[str]] = defaultdict(set)
    requests: Counter[str] = Counter()
    first_ok: dict[str, float] = {}
    for req in sink.received:
        url = req.json()["data"]["url"]
        ids[url].add(req.webhook_id)
        requests[url] += 1
        if 200 <= req.status < 300:
            first_ok.setdefault(url, req.at)
        if not req.verified:
            problems.append(f"unverified request for {url}")
    published = {p.url for p in run.published}
    once = sum(1 for url in published if len(ids.get(url, ())) == 1 and url in first_ok)
    lost = [url for url in published if url not in first_ok]
    twice = [url for url in published if len(ids.get(url, ())) > 1]
    retries = sum(requests[url] - len(ids[url]) for url in requests)
    stray = [url for url in requests if url not in published]
    print(
        f"deliveries: {len(run.published)} articles published; {once} delivered exactly "
        f"once; {len(lost)} with no delivery; {len(twice)} under two webhook-ids; "
        f"{retries} repeats under the same webhook-id; {len(stray)} for articles not "
        f"published in the window; {len(sink.received)} requests in all"
    )
    if lost:
        problems.append(f"{len(lost)} articles never delivered: {lost[:5]}")
    if twice:
        problems.append(f"{len(twice)} articles delivered under several webhook-ids")
    if stray:
        problems.append(f"{len(stray)} deliveries of articles not published: {stray[:5]}")
    unseen = [p.url for p in run.published if p.url not in run.in_feed]
    to_feed = [run.in_feed[p.url] - p.at for p in run.published if p.url in run.in_feed]
    to_hook = [first_ok[p.url] - p.at for p in run.published if p.url in first_ok]
    print(f"latency publish -> web process's feed: {spread(to_feed)}")
    print(f"latency publish -> webhook accepted:   {spread(to_hook)}")
    if unseen:
        problems.append(f"{len(unseen)} articles never in the web process's feed: {unseen[:5]}")
    return problems


# ------------------------------------------------------------------ main


def parse_duration(text: str) -> float:
    units = {"s": 1, "m": 60}
    return float(text[:-1]) * units[text[-1]] if text[-1] in units else float(text)


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """A SIGTERM to the bench unwinds like Ctrl-C, so every child is still stopped."""

    def raise_interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, raise_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sites", type=int, default=5, help="portals of 4 categories each")
    parser.add_argument("--every", default="10s", help="poll interval of every category")
    parser.add_argument("--seconds", type=float, default=90.0, help="publishing window")
    parser.add_argument("--articles", type=int, default=60)
    parser.add_argument(
        "--kill-at",
        type=float,
        default=None,
        metavar="S",
        help="SIGKILL the busier worker S seconds into the window",
    )
    parser.add_argument(
        "--kill-mid-poll",
        action="store_true",
        help="with --kill-at: wait until it holds a poll lease, then kill",
    )
    parser.add_argument(
        "--drain",
        type=float,
        default=240.0,
        help="longest wait after the window for deliveries, feeds and "
        "(after a kill) a poll of every category",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--logs", type=Path, default=None, help="keep the logs here")
    args = parser.parse_args()
    args.every_s = parse_duration(args.every)
    try:
        with sigterm_as_interrupt(), contextlib.ExitStack() as stack:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
            if args.logs:
                folder = args.logs
                folder.mkdir(parents=True, exist_ok=True)
            return bench(args, folder, stack)
    except KeyboardInterrupt:
        print("interrupted; every process it started is stopped", file=sys.stderr)
        return 130


def bench(args: argparse.Namespace, folder: Path, stack: contextlib.ExitStack) -> int:
    pg = PostgresServer()
    stack.callback(pg.stop)
    portals = [stack.enter_context(ReplicaPortal(seed=n + 1)) for n in range(args.sites)]
    sink = stack.enter_context(WebhookSink(SECRET))
    port = free_port()
    storage = pg.new_database()
    text = HEAD.format(
        storage=storage, port=port, every=args.every, hook=sink.url, secret=SECRET
    ) + "".join(SITE.format(n=n, base=portal.base_url) for n, portal in enumerate(portals))
    config = folder / "replicas.yaml"
    config.write_text(text, "utf-8")
    categories = [f"site{n}/{c.slug}" for n in range(args.sites) for c in CATEGORIES]
    store = Store(storage)
    stack.callback(store.close)

    procs = Processes(folder, config)
    stack.callback(procs.stop)
    started = time.monotonic()
    procs.start("worker1", "--no-web")
    procs.start("worker2", "--no-web")
    procs.start("web", "--no-worker")
    base = f"http://127.0.0.1:{port}"
    print(
        f"PostgreSQL on 127.0.0.1:{pg.port}; {args.sites} portals, {len(categories)} "
        f"categories every {args.every}; 2 workers (run --no-web), 1 web (run --no-worker)"
    )

    def baselined() -> bool:
        polled = {f"{r.site}/{r.category}" for r in poll_rows(store)}
        return polled >= set(categories) and all(
            get_json(f"{base}/feeds/{key}.json")[0] == 200 for key in categories
        )

    wait_until(baselined, 120, "every category's baseline poll and feed", procs)
    print(
        f"baseline of every category polled and served after "
        f"{time.monotonic() - started:.1f}s; publishing {args.articles} articles over "
        f"{args.seconds:g}s"
        + (f", kill -9 of a worker at +{args.kill_at:g}s" if args.kill_at is not None else "")
    )
    run = Run()
    watcher = FeedWatcher(base, run)
    watcher.start()
    stack.callback(watcher.stop.set)
    publish_and_maybe_kill(args, portals, procs, store, run, watcher)
    window_end = time.monotonic()
    with contextlib.suppress(RuntimeError):
        wait_until(
            lambda: settled(run, sink, store, categories),
            args.drain,
            "deliveries, feeds and takeover",
            procs,
        )
    print(f"settled {time.monotonic() - window_end:.1f}s after the window (bound {args.drain:g}s)")
    watcher.stop.set()
    watcher.join()
    procs.stop()
    problems = report_polls(args, poll_rows(store), procs, run, categories)
    problems += report_deliveries(run, sink)
    if problems:
        print(f"{len(problems)} PROBLEMS:")
        for problem in problems:
            print("  " + problem)
        return 1
    print("no overlapping poll, every article delivered once and shown by the web process")
    return 0


if __name__ == "__main__":
    sys.exit(main())
