"""Screenshots of the index page and of a feed opened in a browser, for the README.

Everything stays on loopback: the bundled replica of the portal is polled into a
temporary SQLite store, one column is made to fail so the page shows what trouble looks
like, one article is given attachments, and the web app serves the result to headless
Chromium (Debian: ``apt-get install chromium``).

    .venv/bin/python scripts/screenshots.py            # writes docs/*.png
    .venv/bin/python scripts/screenshots.py --out /tmp/shots
"""

from __future__ import annotations

import argparse
import dataclasses
import shutil
import socket
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from syndicator.cli.run import web_context
from syndicator.config import load_config
from syndicator.demo.portal import ReplicaPortal
from syndicator.models import Article, ArticleIntent, Attachment, Change, PollRecord
from syndicator.runtime.service import Service
from syndicator.web.app import create_web_app
from syndicator.web.server import ServerThread

SHANGHAI = ZoneInfo("Asia/Shanghai")
DESKTOP = (1280, 900)
PHONE = (390, 844)
CHROMIUM = "/usr/bin/chromium"
TIMEOUT = 60

CONFIG = """\
storage: sqlite:///{db}
server: {{host: 127.0.0.1, port: {port}, public_url: "http://127.0.0.1:{port}"}}
fetch: {{user_agent: "syndicator-screenshots/0.1", timeout: 5s, host_delay: 0s,
        allow_private: true, retries: 0}}
defaults: {{every: 10m, timezone: Asia/Shanghai}}
sites:
  - id: zgkjcx
    name: 中国科技创新网
    url: {portal}
    categories:
      - {{id: kjyw, name: 科技要闻, list_url: "{portal}Article/kjyw/Index.html"}}
      - {{id: dfkj, name: 地方科技, list_url: "{portal}Article/dfkj/Index.html"}}
      - {{id: kjcg, name: 科技成果, list_url: "{portal}Article/ShowClass.asp?ClassID=3"}}
      - {{id: kjrw, name: 科技人物, list_url: "{portal}Article/ShowClass.asp?ClassID=5"}}
feeds: {{formats: [atom, rss, json], max_items: 30}}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def with_files(article: Article) -> Article:
    base = "http://www.zgkjcx.com/UploadFiles/2023/"
    files = (
        Attachment(f"{base}申报指南.pdf", "2023年度项目申报指南.pdf", "application/pdf", 482133),
        Attachment(f"{base}申报书模板.doc", "申报书模板.doc", "application/msword", None),
    )
    # A new hash, so the store takes it as the correction it is.
    return dataclasses.replace(article, attachments=files, content_hash=article.content_hash[::-1])


def seed(service: Service, portal: ReplicaPortal) -> None:
    service.poll(service.categories())
    store = service.store
    newest = store.articles.newest(limit=1)[0]
    finished = datetime.now(SHANGHAI)
    record = PollRecord(newest.site, newest.category, finished, finished, ok=True)
    state = store.categories.state(newest.site, newest.category)
    store.apply([ArticleIntent(with_files(newest), Change.CHANGED, False)], record, state)
    # One column the portal answers with an error, as a real outage looks on the page.
    portal.fail_next("ClassID=5", 502, count=10)
    service.poll(service.categories(["zgkjcx/kjrw"]))
    for spec in service.categories():
        due = finished + timedelta(minutes=10 if spec.id != "kjrw" else 4)
        store.categories.set_next_due(spec.site_id, spec.id, due)
    service.rebuild_feeds()


def shoot(url: str, size: tuple[int, int], target: Path, profile: Path) -> None:
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        # Chromium announces in a banner that it is removing XSLT; the shots show the
        # page under it, which browsers without the banner show too.
        "--disable-features=GenerateXSLTWarningBanner",
        f"--user-data-dir={profile}",
        f"--window-size={size[0]},{size[1]}",
        f"--screenshot={target}",
        url,
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=TIMEOUT)
    print(f"{target} ({size[0]}x{size[1]}) ← {url}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parent.parent / "docs")
    args = parser.parse_args(argv)
    if shutil.which(CHROMIUM) is None:
        print(f"{CHROMIUM} is missing (Debian: apt-get install chromium)", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, ReplicaPortal() as portal:
        port = free_port()
        config = Path(tmp) / "syndicator.yaml"
        db = Path(tmp) / "shots.db"
        config.write_text(CONFIG.format(db=db, port=port, portal=portal.base_url), encoding="utf-8")
        service = Service(load_config(config))
        service.upgrade()
        try:
            seed(service, portal)
            server = ServerThread(create_web_app(web_context(service, None)), "127.0.0.1", port)
            base = server.start()
            try:
                profile = Path(tmp) / "profile"
                shots = (
                    ("index-desktop.png", "/", DESKTOP),
                    ("index-phone.png", "/", PHONE),
                    ("feed-desktop.png", "/feeds/all.atom", DESKTOP),
                    ("feed-phone.png", "/feeds/all.atom", PHONE),
                )
                for name, path, size in shots:
                    shoot(base + path, size, args.out / name, profile)
            finally:
                server.stop()
        finally:
            service.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
