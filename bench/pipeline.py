"""What a poll costs, and how fast pages are extracted.

Starts the replica portal on loopback, polls a 304-capable category (generated .html
lists, like the real portal's static pages) and a dynamic one (.asp lists, no
validators) twice each: a first poll and a steady-state poll of an unchanged list.
Prints requests made, bytes downloaded and article pages fetched, then the extraction
rate over every article and list page of the replica.

    .venv/bin/python bench/pipeline.py [--repeat N]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from syndicator.config import load_config
from syndicator.demo.portal import ReplicaPortal
from syndicator.extract import decode_html, extract_article, extract_list
from syndicator.runtime.service import Service
from tests.support.configs import CONFIG


def poll_costs(app: Service, portal: ReplicaPortal, key: str) -> list[tuple[str, int, int, int]]:
    rows = []
    spec = app.config.find_category(key)
    for label in ("first poll", "steady state"):
        before = app.fetcher.stats
        portal.reset_log()
        [outcome] = app.poll([spec])
        after = app.fetcher.stats
        articles = sum(
            1
            for r in portal.requests
            if "ShowArticle" in r.path or r.path.split("/")[-1][:1].isdigit()
        )
        assert outcome.record.ok, outcome.errors
        rows.append(
            (
                f"{key} {label}",
                after.requests - before.requests,
                after.bytes_received - before.bytes_received,
                articles,
            )
        )
    return rows


def page_bodies(portal: ReplicaPortal) -> tuple[list[tuple[str, bytes]], list[tuple[str, bytes]]]:
    articles, lists = [], []
    for slug in ("kjyw", "dfkj", "kjrw"):
        lists.append((portal.list_url(slug), urllib.request.urlopen(portal.list_url(slug)).read()))
        for a in portal.articles(slug):
            articles.append((a.url, urllib.request.urlopen(a.url).read()))
    return articles, lists


def rate(pages: list[tuple[str, bytes]], fn: object, repeat: int) -> float:
    tz = ZoneInfo("Asia/Shanghai")
    now = datetime.now(UTC)
    start = time.perf_counter()
    for _ in range(repeat):
        for url, body in pages:
            text, _ = decode_html(body, "text/html")
            fn(text, url, tz=tz, now=now)  # type: ignore[operator]
    return len(pages) * repeat / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, ReplicaPortal() as portal:
        cfg = Path(tmp) / "bench.yaml"
        storage = f"sqlite:///{tmp}/b.db"
        cfg.write_text(CONFIG.format(storage=storage, base=portal.base_url), "utf-8")
        app = Service(load_config(cfg))
        app.upgrade()
        rows = poll_costs(app, portal, "zgkjcx/kjyw") + poll_costs(app, portal, "zgkjcx/kjrw")
        print(f"{'poll':32} {'requests':>8} {'bytes':>9} {'articles':>8}")
        for name, requests, size, articles in rows:
            print(f"{name:32} {requests:8d} {size:9d} {articles:8d}")
        articles, lists = page_bodies(portal)
        app.close()
    print()
    a_rate = rate(articles, extract_article, args.repeat)
    l_rate = rate(lists, extract_list, args.repeat * 10)
    print(
        f"article pages extracted per second (decode + extract, {len(articles)} pages "
        f"x {args.repeat}): {a_rate:.0f}"
    )
    print(
        f"list pages extracted per second ({len(lists)} pages x {args.repeat * 10}): {l_rate:.0f}"
    )


if __name__ == "__main__":
    main()
