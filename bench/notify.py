"""Notification figures: latency from publish to webhook arrival, and the dispatcher's
throughput on a backlog.

Latency: the replica portal publishes ``--articles`` articles at random moments while a
worker polls every ``--interval`` seconds and then delivers what is due; the webhook sink
stamps each arrival. The real default interval is 10 minutes and the issue asks about
10 s; a shorter interval is used here to keep the run short, so the figures are the
interval's wait (uniform, mean interval/2) plus our own processing, which is reported
separately as the time from the start of the poll that found an article to its arrival.

Throughput: ``--backlog`` deliveries are written straight into the outbox for one
webhook channel and ``deliver_due`` sends them to the local sink.

    .venv/bin/python bench/notify.py [--articles 100] [--interval 1] [--backlog 10000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from syndicator.config import load_config
from syndicator.demo.portal import ReplicaPortal
from syndicator.demo.webhook_sink import WebhookSink
from syndicator.runtime.service import Service
from tests.support.chaos import write_config
from tests.support.outbox import SECRET, enqueue, intent


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def latency(folder: Path, articles: int, interval: float, seed: int) -> None:
    rng = random.Random(seed)
    with ReplicaPortal() as portal, WebhookSink(SECRET) as sink:
        app = Service(load_config(write_config(folder, portal, sink)))
        app.upgrade()
        spec = app.categories(["zgkjcx/kjyw"])
        app.poll(spec)  # baseline
        published: dict[str, float] = {}
        poll_started: dict[str, float] = {}
        stop = threading.Event()

        def worker() -> None:
            while not stop.wait(interval):
                started = time.monotonic()
                for outcome in app.poll(spec):
                    for article in outcome.stored:
                        poll_started[article.url] = started
                app.deliver_due()

        thread = threading.Thread(target=worker)
        thread.start()
        for _ in range(articles):
            stop.wait(rng.uniform(0, interval))
            published[portal.publish("kjyw").url] = time.monotonic()
        sink.wait_for(articles, timeout=interval * 5 + 30)
        stop.set()
        thread.join()
        app.close()
    arrived = {r.json()["data"]["url"]: r.at for r in sink.accepted()}
    total = [arrived[u] - t for u, t in published.items() if u in arrived]
    own = [arrived[u] - poll_started[u] for u in published if u in arrived and u in poll_started]
    print(f"latency over {len(total)}/{articles} articles, poll every {interval:g}s:")
    print(
        f"  publish -> webhook   p50 {statistics.median(total):.3f}s  "
        f"p95 {percentile(total, 0.95):.3f}s  max {max(total):.3f}s"
    )
    print(
        f"  poll start -> webhook p50 {statistics.median(own):.3f}s  "
        f"p95 {percentile(own, 0.95):.3f}s"
    )


def throughput(folder: Path, backlog: int) -> None:
    with ReplicaPortal() as portal, WebhookSink(SECRET) as sink:
        app = Service(
            load_config(write_config(folder, portal, sink)), clock=lambda: datetime.now(UTC)
        )
        app.upgrade()
        now = datetime.now(UTC)
        start = time.perf_counter()
        for first in range(0, backlog, 1000):
            enqueue(
                app.store,
                [intent(n, "hook", now) for n in range(first, min(backlog, first + 1000))],
            )
        queued = time.perf_counter() - start
        start = time.perf_counter()
        report = app.deliver_due(limit=backlog)
        took = time.perf_counter() - start
        app.close()
    print(
        f"backlog of {backlog}: enqueued in {queued:.2f}s; delivered {report.delivered} "
        f"in {took:.2f}s = {report.delivered / took:.0f} deliveries/s "
        f"({len(sink.received)} requests received)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--interval", type=float, default=1.0)
    parser.add_argument("--backlog", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "a").mkdir()
        (Path(tmp) / "b").mkdir()
        if args.articles:
            latency(Path(tmp) / "a", args.articles, args.interval, args.seed)
        if args.backlog:
            throughput(Path(tmp) / "b", args.backlog)


if __name__ == "__main__":
    main()
