"""Kill the worker at random moments while the portal publishes and the receiver fails
now and then; afterwards every new article must have been delivered, once per channel,
under one webhook-id. Shared by the test (a few rounds) and ``bench/crash.py`` (many)."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from syndicator.config import load_config
from syndicator.demo.portal import ReplicaPortal
from syndicator.demo.webhook_sink import WebhookSink
from syndicator.models import DeliveryState
from syndicator.runtime.service import Service
from tests.support.configs import CONFIG
from tests.support.outbox import SECRET

ROOT = Path(__file__).resolve().parents[2]

HOOK_ONLY = """\
notifications:
  channels:
    - id: hook
      type: webhook
      url: {url}
      secret: "{secret}"
      allow_private: true
      timeout: 5s
  subscriptions:
    - channel: hook
      categories: ["zgkjcx/kjyw"]
"""


@dataclass
class ChaosReport:
    rounds: int = 0
    killed: int = 0
    finished: int = 0
    published: int = 0
    requests: int = 0
    repeats: int = 0
    problems: list[str] = field(default_factory=list)


def write_config(folder: Path, portal: ReplicaPortal, sink: WebhookSink) -> Path:
    path = folder / "chaos.yaml"
    text = CONFIG.format(storage=f"sqlite:///{folder / 'chaos.db'}", base=portal.base_url)
    # Killed workers store nothing, so articles can slide off the first list page
    # before a poll completes; reading on (until a page holds only known articles)
    # is how a real deployment catches up after an outage too.
    kjyw = "list_url: " + portal.base_url + "Article/kjyw/Index.html"
    text = text.replace(kjyw, kjyw + "\n        pages: 10")
    path.write_text(text + HOOK_ONLY.format(url=sink.url, secret=SECRET), encoding="utf-8")
    return path


def _worker(config: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "syndicator", "poll", "-c", str(config), "zgkjcx/kjyw"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def run_chaos(
    folder: Path, rounds: int, rng: random.Random, *, max_life: float | None = 2.0
) -> ChaosReport:
    """``rounds`` workers, each killed after a random 0.3 s..``max_life`` unless done by
    then. With ``max_life`` None the range is 0.3..1.2 times one uninterrupted round
    timed first: a fixed range killed no worker at all on a quiet machine."""
    report = ChaosReport(rounds=rounds)
    with ReplicaPortal() as portal, WebhookSink(SECRET) as sink:
        config = write_config(folder, portal, sink)
        app = Service(load_config(config))
        app.upgrade()
        app.poll(app.categories(["zgkjcx/kjyw"]))  # the silent baseline
        app.close()
        sink.fail_every(1, 3)
        low, high = 0.3, max_life
        if high is None:
            portal.publish("kjyw")
            report.published += 1
            started = time.monotonic()
            _worker(config).wait(timeout=120)
            took = time.monotonic() - started
            low, high = 0.3 * took, 1.2 * took
        for _ in range(rounds):
            for _ in range(rng.randint(1, 3)):
                portal.publish("kjyw")
                report.published += 1
            proc = _worker(config)
            try:
                proc.wait(timeout=rng.uniform(low, high))
                report.finished += 1
            except subprocess.TimeoutExpired:
                proc.kill()  # SIGKILL: no cleanup, no finally
                proc.wait()
                report.killed += 1
        sink.fail_every(0, 1)
        _drain(config)
        _check(config, sink, report)
    return report


def _drain(config: Path) -> None:
    """One clean poll, then deliveries with a clock days ahead: every retry and every
    lease a killed worker held is due by then."""
    app = Service(load_config(config))
    try:
        app.poll(app.categories(["zgkjcx/kjyw"]))
    finally:
        app.close()
    later = datetime.now(UTC) + timedelta(days=2)
    app = Service(load_config(config), clock=lambda: later)
    try:
        while app.deliver_due().claimed:
            pass
    finally:
        app.close()


def _check(config: Path, sink: WebhookSink, report: ChaosReport) -> None:
    app = Service(load_config(config))
    try:
        fresh = [
            a
            for a in app.store.articles.newest(site="zgkjcx", category="kjyw", limit=None)
            if not a.baseline
        ]
        rows = app.store.outbox.list(limit=None)
    finally:
        app.close()
    if len(fresh) != report.published:
        report.problems.append(f"{report.published} published, {len(fresh)} stored")
    by_article = defaultdict(list)
    for row in rows:
        by_article[row.article_key].append(row)
    for article in fresh:
        mine = by_article.get(article.key, [])
        if [r.state for r in mine] != [DeliveryState.DELIVERED]:
            report.problems.append(f"{article.key}: rows {[r.state for r in mine]}")
    ids: dict[str, set[str]] = defaultdict(set)
    accepted: set[str] = set()
    for req in sink.received:
        url = req.json()["data"]["url"]
        ids[url].add(req.webhook_id)
        if 200 <= req.status < 300:
            accepted.add(url)
        if not req.verified:
            report.problems.append(f"unverified request for {url}")
    report.requests = len(sink.received)
    report.repeats = len(sink.received) - len(ids)
    for article in fresh:
        if article.url not in accepted:
            report.problems.append(f"{article.url}: never accepted by the receiver")
    for url, seen in ids.items():
        if len(seen) != 1:
            report.problems.append(f"{url}: {len(seen)} different webhook-ids")
