"""What watching for corrections costs: extra requests and bytes per day.

Starts the replica portal on loopback and polls two categories every 10 minutes over a
simulated day (the clock is moved, nothing sleeps): ``kjyw`` (static .html pages with
validators, so a recheck is mostly 304s) and ``kjrw`` (dynamic .asp pages without
validators, so every recheck is a whole page). The portal publishes an article every
2 hours and quietly corrects a body every 6 hours. Each setting runs on a fresh
database; the first (baseline) poll is not counted.

    .venv/bin/python bench/updates.py [--hours 24]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from syndicator.config import load_config
from syndicator.demo.portal import ReplicaPortal
from syndicator.runtime.service import Service
from tests.support.clock import Clock
from tests.support.configs import CONFIG

SETTINGS = [
    ("off (default)", 0, "6h"),
    ("recheck 10 every 6h", 10, "6h"),
    ("recheck 20 every 1h", 20, "1h"),
]
CATEGORIES = {"zgkjcx/kjyw": "kjyw", "zgkjcx/kjrw": "kjrw"}


def run(hours: int, recheck: int, every: str) -> dict[str, tuple[int, int, int, int]]:
    out: dict[str, tuple[int, int, int, int]] = {}
    with tempfile.TemporaryDirectory() as tmp, ReplicaPortal() as portal:
        cfg = Path(tmp) / "bench.yaml"
        text = CONFIG.format(storage=f"sqlite:///{tmp}/b.db", base=portal.base_url)
        text = text.replace(
            "  timezone: Asia/Shanghai\n",
            f"  timezone: Asia/Shanghai\n  recheck: {recheck}\n  recheck_every: {every}\n",
        )
        cfg.write_text(text, "utf-8")
        clock = Clock(datetime(2026, 12, 1, 0, 0, tzinfo=UTC))
        app = Service(load_config(cfg), clock=clock)
        app.upgrade()
        for key, slug in CATEGORIES.items():
            spec = app.config.find_category(key)
            app.poll([spec])
            portal.reset_log()
            requests = not_modified = size = changed = 0
            start = clock()
            for step in range(1, hours * 6 + 1):
                clock.advance(minutes=10)
                if step % 12 == 0:
                    portal.publish(slug)
                if step % 36 == 0:
                    victim = portal.articles(slug)[3]
                    fixed = [f"（第{step}次更正）{victim.paragraphs[0]}", *victim.paragraphs[1:]]
                    portal.edit(victim.id, "\n\n".join(fixed))
                before = app.fetcher.stats
                [outcome] = app.poll([spec])
                after = app.fetcher.stats
                requests += (
                    after.requests
                    - before.requests
                    - (after.robots_requests - before.robots_requests)
                )
                not_modified += after.not_modified - before.not_modified
                size += after.bytes_received - before.bytes_received
                changed += outcome.record.changed
            clock.now = start
            out[key] = (requests, not_modified, size, changed)
        app.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hours", type=int, default=24)
    args = parser.parse_args()
    rows = {name: run(args.hours, n, every) for name, n, every in SETTINGS}
    base = rows[SETTINGS[0][0]]
    per_day = 24 / args.hours
    print(f"{args.hours} h simulated, polls every 10 min; figures per day")
    heads = ("requests", "extra", "304s", "kB", "extra kB", "changes")
    widths = (8, 6, 5, 7, 8, 7)
    print(
        f"{'category':12} {'setting':22} "
        + " ".join(f"{h:>{w}}" for h, w in zip(heads, widths, strict=True))
    )
    for name, _n, _every in SETTINGS:
        for key in CATEGORIES:
            req, nm, size, changed = rows[name][key]
            extra = req - base[key][0]
            extra_kb = (size - base[key][2]) / 1000
            print(
                f"{key.split('/')[1]:12} {name:22} {req * per_day:8.0f} {extra * per_day:6.0f} "
                f"{nm * per_day:5.0f} {size * per_day / 1000:7.0f} {extra_kb * per_day:8.0f} "
                f"{changed * per_day:7.0f}"
            )


if __name__ == "__main__":
    main()
