"""``syndicator demo``: everything on loopback, nothing from the network.

A replica of the portal publishing a new article every 30 seconds, an SMTP sink and a
webhook sink that print what they receive (the sink checks each webhook's signature),
and the service polling the replica every 10 seconds and serving its feeds — so a
newcomer sees feeds fill and notifications arrive within a minute.
"""

from __future__ import annotations

import argparse
import logging
import signal
import socket
import tempfile
import threading
from pathlib import Path
from types import FrameType

from syndicator.config import load_config
from syndicator.demo.portal import ReplicaPortal
from syndicator.demo.sinks import DEMO_SECRET as SECRET
from syndicator.demo.smtp_sink import SmtpSink
from syndicator.demo.webhook_sink import WebhookSink
from syndicator.runtime.service import Service
from syndicator.runtime.worker import Worker

log = logging.getLogger("syndicator.demo")

PUBLISH_EVERY = 30.0

CONFIG = """\
storage: sqlite:///{db}
server: {{host: 127.0.0.1, port: {port}, public_url: "http://127.0.0.1:{port}",
         admin_token: demo}}
fetch: {{user_agent: "syndicator-demo/0.1", timeout: 5s, host_delay: 0s, retries: 1}}
defaults: {{every: 10s, timezone: Asia/Shanghai}}
sites:
  - id: zgkjcx
    name: 中国科技创新网
    url: {portal}
    allow_private: true
    categories:
      - {{id: kjyw, name: 科技要闻, list_url: "{portal}Article/kjyw/Index.html"}}
      - {{id: dfkj, name: 地方科技, list_url: "{portal}Article/dfkj/Index.html"}}
      - {{id: kjcg, name: 科技成果, list_url: "{portal}Article/ShowClass.asp?ClassID=3"}}
      - {{id: kjrw, name: 科技人物, list_url: "{portal}Article/ShowClass.asp?ClassID=5"}}
feeds: {{formats: [atom, rss, json], max_items: 50}}
notifications:
  channels:
    - id: mailbox
      type: email
      smtp: {{host: 127.0.0.1, port: {smtp}, security: none, timeout: 5s}}
      from: "科技要闻 <syndicator@demo.invalid>"
      to: [reader@demo.invalid]
    - id: hook
      type: webhook
      url: "{hook}"
      secret: "{secret}"
      allow_private: true
  subscriptions:
    - {{channel: mailbox, categories: ["*"], operator: true}}
    - {{channel: hook, categories: ["*"]}}
"""


def _free(port: int) -> int:
    """``port`` if it is free on loopback, else any free one."""
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cmd_demo(args: argparse.Namespace) -> int:
    from syndicator.cli.run import web_context
    from syndicator.web.app import create_web_app
    from syndicator.web.server import ServerThread

    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    with (
        tempfile.TemporaryDirectory(prefix="syndicator-demo-") as tmp,
        ReplicaPortal(port=_free(8081)) as portal,
        SmtpSink(port=_free(8025), quiet=False) as smtp,
        WebhookSink(SECRET, port=_free(8090), quiet=False) as hook,
    ):
        portal.publish_every(PUBLISH_EVERY)
        path = Path(tmp) / "demo.yaml"
        path.write_text(
            CONFIG.format(
                db=Path(tmp) / "demo.db",
                port=args.port,
                portal=portal.base_url,
                smtp=smtp.port,
                hook=hook.url,
                secret=SECRET,
            ),
            encoding="utf-8",
        )
        service = Service(load_config(path))
        service.upgrade()
        worker = Worker(service)
        server = ServerThread(create_web_app(web_context(service, worker)), "127.0.0.1", args.port)
        url = server.start()
        worker.start()
        print(
            f"""
syndicator demo — nothing leaves this machine
  replica portal  {portal.base_url}  (a new article every {PUBLISH_EVERY:.0f} s)
  feeds           {url}/feeds/zgkjcx/kjyw.atom  (.rss, .json; all: {url}/feeds/all.atom)
  index           {url}/
  health          {url}/healthz
  mail sink       smtp://127.0.0.1:{smtp.port}  (prints each message)
  webhook sink    {hook.url}  (verifies each signature)
The first poll is a silent baseline; new articles are mailed and posted as they appear.
Ctrl-C stops.
""",
            flush=True,
        )
        try:
            stop.wait()
        finally:
            server.stop()
            worker.stop()
            service.close()
    return 0
