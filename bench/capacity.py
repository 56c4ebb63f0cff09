"""How many categories one ``syndicator run`` keeps up with: time, memory, lag, feeds.

Starts ``--portals`` replica portals in a process of their own, each on its own loopback
address (127.0.0.2, 127.0.0.3, …; distinct ports on 127.0.0.1 where the system refuses
those), and writes a config watching ``--categories`` categories spread evenly over
them: sites of at most 4 categories (the replica's 科技要闻 and 地方科技 are static
``.html`` lists with ETag/Last-Modified, 科技成果 and 科技人物 dynamic ``.asp`` lists
without), every one ``every: 10m``, default fetch settings but ``allow_private``, SQLite
in a temp folder. Then runs the real service, ``syndicator run -c CFG --port P``, for
``--seconds`` and samples every ``--sample`` seconds: its resident memory
(/proc/PID/status VmRSS), its CPU time (/proc/PID/stat utime+stime), the database
(category_state and polls, read-only), the database files' size. A client thread asks
every 0.2 s for /feeds/all.atom, every fifth time for one of two category feeds instead.

Afterwards the service is stopped with SIGTERM, started again on the same database, and
the time to its first 200 on /feeds/all.atom is measured. Prints markdown tables.

    .venv/bin/python bench/capacity.py [--categories 1000] [--portals 250]
                                       [--seconds 600] [--sample 2] [--logs DIR]
    .venv/bin/python bench/capacity.py --categories 100 --portals 25 --seconds 180
    .venv/bin/python bench/capacity.py --simulate 40 --seconds 60
    .venv/bin/python bench/capacity.py --simulate 10000 --list-size 5 --seconds 900

``--simulate N`` is the cheap variant: N categories on a few portals (40 categories a
portal) and ``host_delay: 0s``, so polls wait on our own work and not on politeness; its
figures are an upper bound of throughput, not comparable with the real runs.
``--list-size`` sets how many articles a list page shows (20 by default): a smaller list
makes a first poll cheaper, so a 10,000-category run ends in minutes.

Everything is on loopback. The whole run ends within ``--seconds`` plus a minute; every
process it started is stopped on exit, error or Ctrl-C (the portals' process also
exits by itself when the bench dies, as its stdin closes).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import itertools
import json
import math
import os
import re
import selectors
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.notify import percentile
from syndicator.demo.portal_catalog import CATEGORIES
from syndicator.demo.portal_layout import list_url_path
from tests.support.net import free_port

ROOT = Path(__file__).resolve().parents[1]
CLK_TCK = os.sysconf("SC_CLK_TCK")
FEED_TICK = 0.2
CATEGORY_FEED_EVERY = 5  # ticks: one category feed a second, beside all.atom
PORTALS_PER_SIMULATED = 40

HEAD = """\
storage: sqlite:///{db}
server: {{host: 127.0.0.1, port: {port}, public_url: "http://127.0.0.1:{port}"}}
fetch: {fetch}
defaults: {{every: 10m, timezone: Asia/Shanghai}}
sites:
"""


# ------------------------------------------------------------------ portals


def serve_portals(count: int, list_size: int = 20) -> None:
    """The portals' process: binds every replica, prints their base URLs as one JSON
    line, serves until its stdin closes."""
    # The replica's own start() runs serve_forever with a 50 ms poll in a thread per
    # portal: 250 of them would wake 5,000 times a second on the machine we measure.
    # One selector over every listening socket costs nothing while idle.
    from syndicator.demo.portal import ReplicaPortal, _handler_class, _QuietServer

    servers = []
    hosts = [f"127.0.0.{2 + i}" for i in range(count)]
    try:
        probe = _QuietServer((hosts[-1], 0), _handler_class(ReplicaPortal()))
        probe.server_close()
    except OSError:
        hosts = ["127.0.0.1"] * count
    for host in hosts:
        portal = ReplicaPortal(host=host, port=0, page_size=list_size)
        server = _QuietServer((host, 0), _handler_class(portal))
        server.timeout = 0.5
        servers.append((server, f"http://{host}:{server.server_address[1]}/"))
    print(json.dumps([url for _, url in servers]), flush=True)
    selector = selectors.DefaultSelector()
    for server, _ in servers:
        selector.register(server, selectors.EVENT_READ, server)
    selector.register(sys.stdin, selectors.EVENT_READ, None)
    try:
        while True:
            for key, _ in selector.select(timeout=5.0):
                if key.data is None:
                    if not os.read(sys.stdin.fileno(), 4096):
                        return
                    continue
                key.data.handle_request()
    finally:
        for server, _ in servers:
            server.server_close()


class Portals:
    """The portals' process, seen from the bench."""

    def __init__(self, count: int, list_size: int = 20) -> None:
        self.proc = subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--portal-process",
                str(count),
                "--list-size",
                str(list_size),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            start_new_session=True,
        )
        assert self.proc.stdout is not None
        line = _readline(self.proc.stdout, 120.0)
        if not line:
            raise RuntimeError("the portals' process did not start")
        self.urls: list[str] = json.loads(line)

    def stop(self) -> None:
        if self.proc.stdin is not None:
            with contextlib.suppress(OSError):
                self.proc.stdin.close()
        _end(self.proc, 5.0)


def _readline(stream: IO[bytes], timeout: float) -> bytes:
    selector = selectors.DefaultSelector()
    selector.register(stream, selectors.EVENT_READ)
    if not selector.select(timeout):
        return b""
    return stream.readline()


def _end(proc: subprocess.Popen[bytes], grace: float) -> float:
    """SIGTERM, then SIGKILL after ``grace`` seconds; returns how long it took."""
    started = time.monotonic()
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(max(0.1, grace))
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            proc.wait(10)
    return time.monotonic() - started


# ------------------------------------------------------------------ config


def write_config(
    folder: Path, urls: Sequence[str], categories: int, port: int, fetch: str
) -> tuple[Path, list[str]]:
    """Categories spread evenly over the portals; a site holds one category per replica
    slug, so a portal with more than 4 categories carries several sites (two categories
    of one site on one list would claim the same article keys)."""
    lines = [HEAD.format(db=folder / "capacity.db", port=port, fetch=fetch)]
    keys: list[str] = []
    per, extra = divmod(categories, len(urls))
    for p, base in enumerate(urls):
        count = per + (1 if p < extra else 0)
        for s in range(math.ceil(count / len(CATEGORIES))):
            site = f"p{p:03d}" if count <= len(CATEGORIES) else f"p{p:03d}s{s}"
            lines.append(f"  - id: {site}\n    name: 门户{p}-{s}\n    url: {base}\n")
            lines.append("    categories:\n")
            for cat in CATEGORIES[: min(len(CATEGORIES), count - s * len(CATEGORIES))]:
                url = base.rstrip("/") + list_url_path(cat)
                if s:
                    # Validators are kept per list URL: a second site on the same list
                    # would get a 304 on its first poll and store nothing. The replica
                    # ignores the extra parameter.
                    url += ("&" if "?" in url else "?") + f"site={s}"
                lines.append(f'      - {{id: {cat.slug}, name: {cat.name}, list_url: "{url}"}}\n')
                keys.append(f"{site}/{cat.slug}")
    path = folder / "capacity.yaml"
    path.write_text("".join(lines), "utf-8")
    return path, keys


# ------------------------------------------------------------------ the service


def start_service(folder: Path, config: Path, port: int, log_name: str) -> subprocess.Popen[bytes]:
    exe = ROOT / ".venv" / "bin" / "syndicator"
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "syndicator"]
    with open(folder / log_name, "wb") as out:
        return subprocess.Popen(
            [*command, "run", "-c", str(config), "--port", str(port), "--json-logs"],
            cwd=folder,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def rss_mib(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def cpu_seconds(pid: int) -> float | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name may hold spaces; the fields after it are fixed.
    fields = text.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def get(port: int, path: str, timeout: float = 10.0) -> tuple[int, float]:
    """One request on a new connection, as a feed reader makes it; (status, seconds)."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Accept-Encoding": "gzip"})
        response = conn.getresponse()
        response.read()
        return response.status, time.perf_counter() - started
    except (OSError, http.client.HTTPException):
        return 0, time.perf_counter() - started
    finally:
        conn.close()


# ------------------------------------------------------------------ sampling


def _utc(text: str | None) -> datetime | None:
    if text is None:
        return None
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@dataclass
class Sample:
    t: float  # seconds since the service was started
    rss: float | None
    cpu: float | None  # CPU seconds so far
    portal_cpu: float | None
    polled: int  # categories with polls >= 1
    succeeded: int  # categories with last_success set
    polls: int  # rows of the polls table
    articles: int
    db_bytes: int
    overdue: list[float]  # seconds past next_due of each category due and not polled


@dataclass
class Run:
    categories: int
    started: float = 0.0  # time.monotonic() when the service was spawned
    started_utc: datetime = field(default_factory=lambda: datetime.now(UTC))
    samples: list[Sample] = field(default_factory=list)
    # (started since service start, lag seconds, the category's poll number)
    lags: list[tuple[float, float, int]] = field(default_factory=list)
    unknown_lag: int = 0
    # The due time each category had before its first poll: start-up spreads them, and
    # the last of them is a floor under the first cycle whatever the capacity.
    first_due: dict[tuple[str, str], datetime] = field(default_factory=dict)
    errors: int = 0
    feeds: list[tuple[float, str, int, float]] = field(default_factory=list)


class Sampler:
    def __init__(self, run: Run, db: Path, pid: int, portal_pid: int) -> None:
        self.run = run
        self.db = db
        self.pid = pid
        self.portal_pid = portal_pid
        self.due: dict[tuple[str, str], datetime | None] = {}
        self.poll_count: dict[tuple[str, str], int] = {}
        self.last_poll_id = 0

    def sample(self) -> Sample | None:
        now_utc = datetime.now(UTC)
        t = time.monotonic() - self.run.started
        try:
            state, new_polls, articles = self._read()
        except sqlite3.Error:
            return None  # not created yet, or migrating
        for pid, site, cat, started_text, ok in new_polls:
            self.last_poll_id = max(self.last_poll_id, pid)
            key = (site, cat)
            self.poll_count[key] = self.poll_count.get(key, 0) + 1
            if not ok:
                self.run.errors += 1
            due, started = self.due.get(key), _utc(started_text)
            if due is None or started is None:
                self.run.unknown_lag += 1
            else:
                at = (started - self.run.started_utc).total_seconds()
                lag = (started - due).total_seconds()
                self.run.lags.append((at, lag, self.poll_count[key]))
        overdue = []
        polled = succeeded = 0
        for site, cat, polls, last_success, next_due in state:
            due = _utc(next_due)
            self.due[(site, cat)] = due
            if due is not None and polls == 0:
                self.run.first_due.setdefault((site, cat), due)
            polled += polls > 0
            succeeded += last_success is not None
            if due is not None and due <= now_utc:
                overdue.append((now_utc - due).total_seconds())
        size = sum(
            p.stat().st_size
            for p in (self.db, Path(f"{self.db}-wal"), Path(f"{self.db}-shm"))
            if p.exists()
        )
        sample = Sample(
            t,
            rss_mib(self.pid),
            cpu_seconds(self.pid),
            cpu_seconds(self.portal_pid),
            polled,
            succeeded,
            self.last_poll_id,
            articles,
            size,
            overdue,
        )
        self.run.samples.append(sample)
        return sample

    def _read(self) -> tuple[list[Any], list[Any], int]:
        if not self.db.exists():
            raise sqlite3.OperationalError("no database yet")
        conn = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=5)
        try:
            # One read transaction: a poll's row is written before its next due time, so
            # a snapshot never shows the new due time without the poll that set it.
            conn.execute("BEGIN")
            state = conn.execute(
                "SELECT site, category, polls, last_success, next_due FROM category_state"
            ).fetchall()
            new_polls = conn.execute(
                "SELECT id, site, category, started, ok FROM polls WHERE id > ? ORDER BY id",
                (self.last_poll_id,),
            ).fetchall()
            articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
            conn.execute("COMMIT")
        finally:
            conn.close()
        return state, new_polls, articles


def feed_client(
    port: int, paths: Sequence[str], run: Run, stop: threading.Event, until: float
) -> None:
    """all.atom every tick, a category feed every fifth; ticks keep their schedule, so
    a slow answer delays the next request rather than shifting every later one."""
    tick = 0
    next_at = time.monotonic()
    while not stop.is_set() and time.monotonic() < until:
        path = "/feeds/all.atom"
        if tick % CATEGORY_FEED_EVERY == CATEGORY_FEED_EVERY - 1:
            path = paths[(tick // CATEGORY_FEED_EVERY) % len(paths)]
        status, seconds = get(port, path, timeout=min(10.0, max(0.5, until - time.monotonic())))
        run.feeds.append((time.monotonic() - run.started, path, status, seconds))
        tick += 1
        next_at = max(next_at + FEED_TICK, time.monotonic())
        stop.wait(max(0.0, next_at - time.monotonic()))


# ------------------------------------------------------------------ the run


def wait_until(deadline: float, stop: threading.Event | None = None) -> None:
    while time.monotonic() < deadline:
        if stop is not None and stop.is_set():
            return
        time.sleep(min(0.5, max(0.0, deadline - time.monotonic())))


def measure_restart(
    folder: Path, config: Path, port: int, deadline: float
) -> tuple[float | None, float | None, float | None]:
    """(seconds to first answer, seconds to first 200 on all.atom, RSS then)."""
    proc = start_service(folder, config, port, "service-restart.log")
    started = time.monotonic()
    first_answer = first_ok = None
    rss = None
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            status, _ = get(port, "/feeds/all.atom", timeout=2.0)
            now = time.monotonic() - started
            if status and first_answer is None:
                first_answer = now
            if status == 200:
                first_ok = now
                rss = rss_mib(proc.pid)
                break
            time.sleep(0.05)
    finally:
        _end(proc, max(1.0, min(30.0, deadline - time.monotonic())))
    return first_answer, first_ok, rss


def log_polls(path: Path) -> list[tuple[str, float]]:
    """(status, duration) of every poll the service logged."""
    found = []
    pattern = re.compile(r"^poll \S+ status=(\S+) .* duration=([\d.]+)s")
    with contextlib.suppress(OSError), open(path, encoding="utf-8", errors="replace") as lines:
        for line in lines:
            try:
                message = json.loads(line).get("message", "")
            except ValueError:
                continue
            if match := pattern.match(message):
                found.append((match.group(1), float(match.group(2))))
    return found


# ------------------------------------------------------------------ report


def _fmt(values: Sequence[float], unit: str = "s", qs: Sequence[float] = (0.5, 0.95)) -> str:
    if not values:
        return "–"
    parts = [f"{percentile(list(values), q):.2f}" for q in qs]
    return " / ".join(parts) + f" {unit}"


def _cpu_pct(samples: Sequence[Sample], attr: str = "cpu") -> list[float]:
    out = []
    for a, b in itertools.pairwise(samples):
        x, y = getattr(a, attr), getattr(b, attr)
        if x is not None and y is not None and b.t > a.t:
            out.append(100.0 * (y - x) / (b.t - a.t))
    return out


def report(run: Run, args: argparse.Namespace, extra: dict[str, str]) -> None:
    samples = [s for s in run.samples if s.t <= args.seconds + 1]
    n = run.categories
    end = samples[-1] if samples else None
    window = end.t if end else 0.0
    first_full = next((s for s in samples if s.polled >= n), None)
    rows: list[tuple[str, str]] = []
    if first_full is not None:
        rows.append(("first full cycle (every category polled once)", f"{first_full.t:.0f} s"))
    elif end is not None:
        half = min(samples, key=lambda s: abs(s.t - window / 2))
        rate = (end.polled - half.polled) / max(1e-9, end.t - half.t)
        projected = (
            f"projected {end.t + (n - end.polled) / rate:,.0f} s at {rate:.3f} categories/s"
            if rate > 0
            else "no progress in the second half"
        )
        rows.append(
            (
                "first full cycle",
                f"not reached in {window:.0f} s: {end.polled} of {n}; {projected}",
            )
        )
    if run.first_due:
        floor = (max(run.first_due.values()) - run.started_utc).total_seconds()
        rows.append(("latest first due time set at start-up (a floor)", f"{floor:.0f} s"))
    if end is not None:
        rows.append(("polls in the window (errors)", f"{end.polls} ({run.errors})"))
        rows.append(("categories polled / succeeded", f"{end.polled} / {end.succeeded}"))
    durations = [d for _, d in log_polls(Path(extra["log"]))]
    rows.append(("poll duration p50 / p95 / max (log)", _fmt(durations, qs=(0.5, 0.95, 1.0))))
    lags = [lag for _, lag, _ in run.lags]
    rows.append(("poll lag, every poll p50 / p95 / max", _fmt(lags, qs=(0.5, 0.95, 1.0))))
    steady_from = first_full.t if first_full is not None else window / 2
    steady_name = "after the first cycle" if first_full is not None else "second half"
    steady = [lag for at, lag, _ in run.lags if at >= steady_from]
    rows.append((f"poll lag at steady state ({steady_name}) p50 / p95", _fmt(steady)))
    repeat = [lag for _, lag, number in run.lags if number > 1]
    rows.append(("poll lag, second and later polls p50 / p95", _fmt(repeat)))
    if end is not None:
        rows.append(
            (
                "overdue at the end (due, not yet polled) p50 / p95 / max",
                f"{len(end.overdue)} categories: {_fmt(end.overdue, qs=(0.5, 0.95, 1.0))}",
            )
        )
    rss = [s.rss for s in samples if s.rss is not None]
    if rss:
        after = f"{first_full.rss:.1f}" if first_full is not None and first_full.rss else "–"
        rows.append(
            (
                "RSS start / after first cycle / end / max",
                f"{rss[0]:.1f} / {after} / {rss[-1]:.1f} / {max(rss):.1f} MiB",
            )
        )
    cpu = _cpu_pct(samples)
    timed = [(s.t, s.cpu) for s in samples if s.cpu is not None]
    if cpu and len(timed) > 1:
        mean = 100.0 * (timed[-1][1] - timed[0][1]) / (timed[-1][0] - timed[0][0])
        rows.append(
            (
                "service CPU, % of one core: mean / p90 / max",
                f"{mean:.0f} / {percentile(cpu, 0.9):.0f} / {max(cpu):.0f} %",
            )
        )
    portal_cpu = _cpu_pct(samples, "portal_cpu")
    if portal_cpu:
        rows.append(("portals' process CPU, mean %", f"{statistics.fmean(portal_cpu):.1f} %"))
    if end is not None:
        rows.append(
            (
                "database size (with WAL) / articles",
                f"{end.db_bytes / 2**20:.1f} MiB / {end.articles:,}",
            )
        )
    for name, wanted in (("/feeds/all.atom", True), ("category feeds", False)):
        got = [r for r in run.feeds if (r[1] == "/feeds/all.atom") == wanted]
        ok = [r[3] * 1000 for r in got if r[2] == 200]
        others: dict[int, int] = {}
        for r in got:
            if r[2] != 200:
                others[r[2]] = others.get(r[2], 0) + 1
        note = ", ".join(f"{k or 'no answer'}: {v}" for k, v in sorted(others.items()))
        rows.append(
            (
                f"{name} latency p50 / p95 / p99 / max",
                f"{_fmt(ok, 'ms', (0.5, 0.95, 0.99, 1.0))} ({len(ok)} × 200"
                + (f"; {note}" if note else "")
                + ")",
            )
        )
    for key in ("stop", "restart"):
        if key in extra:
            rows.append((extra[f"{key}_name"], extra[key]))
    print()
    print("| measure | value |")
    print("|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")
    print()
    print(
        "| t | categories polled | polls | RSS MiB | service CPU % | CPU ms a poll "
        "| DB MiB | all.atom p95 ms |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    step = 60.0 if args.seconds > 240 else 30.0
    marks = [s for s in samples if s.t >= 0]
    last: Sample | None = None
    mark = 0.0
    for s in marks:
        if s.t + 1e-9 < mark and s is not marks[-1]:
            continue
        lat = [
            r[3] * 1000
            for r in run.feeds
            if r[1] == "/feeds/all.atom" and r[2] == 200 and (last.t if last else 0) <= r[0] < s.t
        ]
        cpu_now = per_poll = "–"
        if last is not None and last.cpu is not None and s.cpu is not None:
            cpu_now = f"{100 * (s.cpu - last.cpu) / (s.t - last.t):.0f}"
            if s.polls > last.polls:
                # The service's CPU over the polls that ended in the interval: whether
                # a poll costs more as the database and the feeds grow.
                per_poll = f"{1000 * (s.cpu - last.cpu) / (s.polls - last.polls):.0f}"
        print(
            f"| {s.t:.0f} s | {s.polled} | {s.polls} | {s.rss or 0:.1f} | {cpu_now} | {per_poll} "
            f"| {s.db_bytes / 2**20:.1f} | {percentile(lat, 0.95) if lat else float('nan'):.1f} |"
        )
        last = s
        mark = s.t + step


# ------------------------------------------------------------------ main


@contextlib.contextmanager
def terminated_on_sigterm() -> Iterator[None]:
    def raise_interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, raise_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--categories", type=int, default=1000)
    parser.add_argument("--portals", type=int, default=250)
    parser.add_argument("--seconds", type=float, default=600.0)
    parser.add_argument("--sample", type=float, default=2.0, help="seconds between samples")
    parser.add_argument("--simulate", type=int, metavar="N", help="N categories, no host delay")
    parser.add_argument("--logs", type=Path, help="keep config, logs and database here")
    parser.add_argument(
        "--list-size", type=int, default=20, help="articles a list page shows (default 20)"
    )
    parser.add_argument("--portal-process", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.portal_process:
        serve_portals(args.portal_process, args.list_size)
        return 0
    fetch = "{allow_private: true}"
    if args.simulate:
        args.categories = args.simulate
        args.portals = max(1, math.ceil(args.simulate / PORTALS_PER_SIMULATED))
        fetch = "{allow_private: true, host_delay: 0s}"
    if not 1 <= args.portals <= 254 or args.categories < args.portals:
        parser.error("need 1..254 portals and at least one category each")
    bench_start = time.monotonic()
    deadline = bench_start + args.seconds + 60.0
    with contextlib.ExitStack() as stack, terminated_on_sigterm():
        if args.logs is not None:
            args.logs.mkdir(parents=True, exist_ok=True)
            folder = args.logs
        else:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="capacity-")))
        portals = Portals(args.portals, args.list_size)
        stack.callback(portals.stop)
        hosts = sorted(
            {u.split("/")[2].rsplit(":", 1)[0] for u in portals.urls},
            key=lambda h: tuple(int(x) for x in h.split(".")),
        )
        port = free_port()
        config, keys = write_config(folder, portals.urls, args.categories, port, fetch)
        print(
            f"capacity: {len(keys)} categories on {len(portals.urls)} portals "
            f"({hosts[0]}..{hosts[-1]}, {len(hosts)} addresses), {args.list_size} articles a "
            f"list, every 10m, fetch {fetch}, "
            f"window {args.seconds:.0f} s; portals up in {time.monotonic() - bench_start:.1f} s",
            flush=True,
        )
        run = Run(categories=len(keys))
        run.started, run.started_utc = time.monotonic(), datetime.now(UTC)
        proc = start_service(folder, config, port, "service.log")
        stack.callback(_end, proc, 5.0)
        window_end = run.started + args.seconds
        sampler = Sampler(run, folder / "capacity.db", proc.pid, portals.proc.pid)
        stop = threading.Event()
        middle = keys[len(keys) // 2]
        paths = [f"/feeds/{keys[0]}.atom", f"/feeds/{middle}.json"]
        client = threading.Thread(
            target=feed_client, args=(port, paths, run, stop, window_end), daemon=True
        )
        client.start()
        stack.callback(stop.set)
        next_sample = run.started
        printed = 0.0
        while time.monotonic() < window_end and proc.poll() is None:
            sample = sampler.sample()
            if sample is not None and sample.t >= printed:
                print(
                    f"  {sample.t:5.0f} s: {sample.polled}/{len(keys)} categories polled, "
                    f"{sample.polls} polls, RSS {sample.rss or 0:.0f} MiB",
                    flush=True,
                )
                printed = sample.t + 60.0
            next_sample += args.sample
            wait_until(min(window_end, next_sample))
        if proc.poll() is not None:
            print(f"the service exited early ({proc.returncode}); see {folder}/service.log")
        sampler.sample()
        stop.set()
        client.join(12.0)
        extra = {"log": str(folder / "service.log")}
        budget = max(1.0, min(40.0, deadline - time.monotonic() - 20.0))
        stopped = _end(proc, budget)
        extra["stop_name"] = "stop after the run (SIGTERM → exit)"
        extra["stop"] = f"{stopped:.1f} s" + (" (killed)" if proc.returncode == -9 else "")
        first_answer, first_ok, rss = measure_restart(folder, config, port, deadline - 3.0)
        extra["restart_name"] = "restart on the same database: first answer / first 200 on all.atom"
        extra["restart"] = (
            f"{first_answer:.2f} s / " if first_answer is not None else "none / "
        ) + (f"{first_ok:.2f} s (RSS {rss:.0f} MiB)" if first_ok is not None else "none in time")
        report(run, args, extra)
        print(f"\nwhole run {time.monotonic() - bench_start:.0f} s")
    return 0


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    except KeyboardInterrupt:
        raise SystemExit(130) from None
