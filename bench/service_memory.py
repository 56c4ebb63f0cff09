"""Resident memory of the service watching 100 categories through an hour of polls.

The replica portal stands in for 25 portals of 4 categories each (100 categories); the
worker runs with a simulated clock moved in 10-minute steps for an hour (6 rounds of 100
polls, new articles published between rounds), with the HTTP server answering feed
requests in the same process. Prints resident memory (VmRSS) after start-up, after each
simulated 10 minutes, and the peak.

    .venv/bin/python bench/service_memory.py [--sites 25] [--minutes 60]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import urllib.request
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from syndicator.config import load_config
from syndicator.demo.portal import ReplicaPortal
from syndicator.runtime.service import Service
from syndicator.runtime.worker import Worker
from tests.support.clock import Clock

HEAD = """\
storage: sqlite:///{db}
server: {{host: 127.0.0.1, port: 0, public_url: http://127.0.0.1:8080}}
fetch: {{host_delay: 0s, retries: 0, timeout: 10s, allow_private: true}}
defaults: {{every: 10m, timezone: Asia/Shanghai}}
sites:
"""
SITE = """\
  - id: site{n}
    name: 站点{n}
    url: {base}
    categories:
      - {{id: kjyw, name: 科技要闻, list_url: "{base}Article/kjyw/Index.html"}}
      - {{id: dfkj, name: 地方科技, list_url: "{base}Article/dfkj/Index.html"}}
      - {{id: kjcg, name: 科技成果, list_url: "{base}Article/ShowClass.asp?ClassID=3"}}
      - {{id: kjrw, name: 科技人物, list_url: "{base}Article/ShowClass.asp?ClassID=5"}}
"""


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sites", type=int, default=25)
    parser.add_argument("--minutes", type=int, default=60)
    args = parser.parse_args()
    clock = Clock(datetime(2023, 3, 20, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    with tempfile.TemporaryDirectory() as tmp, ReplicaPortal(now=clock) as portal:
        text = HEAD.format(db=Path(tmp) / "m.db") + "".join(
            SITE.format(n=n, base=portal.base_url) for n in range(args.sites)
        )
        cfg = Path(tmp) / "m.yaml"
        cfg.write_text(text, "utf-8")
        app = Service(load_config(cfg), clock=clock)
        app.upgrade()
        worker = Worker(app, clock=clock, rng=random.Random(1), max_workers=4)
        server = None
        try:
            from syndicator.cli.run import web_context
            from syndicator.web.app import create_web_app
            from syndicator.web.server import ServerThread

            server = ServerThread(create_web_app(web_context(app, worker)), "127.0.0.1", 0)
            base = server.start()
        except ImportError:
            base = None
        worker.load_due()
        print(f"categories: {len(worker.specs)}; start-up RSS {rss_mib():.1f} MiB")
        peak = rss_mib()
        started = time.perf_counter()
        polls = 0
        for step in range(args.minutes // 10):
            for slug in ("kjyw", "dfkj", "kjcg", "kjrw"):
                portal.publish(slug)
            clock.advance(minutes=10, seconds=70)
            polls += len(worker.run_due(wait=True))
            if base:
                for path in ("feeds/all.atom", "feeds/site0/kjyw.rss", "feeds/site3.json"):
                    urllib.request.urlopen(base.rstrip("/") + "/" + path).read()
            peak = max(peak, rss_mib())
            print(
                f"after {10 * (step + 1):3d} simulated minutes: {polls:4d} polls, "
                f"{app.store.articles.count():5d} articles, RSS {rss_mib():.1f} MiB"
            )
        print(f"peak RSS {peak:.1f} MiB; {polls} polls in {time.perf_counter() - started:.1f} s")
        if server is not None:
            server.stop()
        worker.stop()
        app.close()


if __name__ == "__main__":
    main()
