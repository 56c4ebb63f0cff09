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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import TypeVar
from urllib.parse import urlsplit

from syndicator.config import Config, load_config
from syndicator.demo.portal import ReplicaPortal
from syndicator.demo.sinks import DEMO_SECRET as SECRET
from syndicator.demo.smtp_sink import SmtpSink
from syndicator.demo.webhook_sink import WebhookSink
from syndicator.errors import ConfigError
from syndicator.models import EmailChannel, WebhookChannel
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


@dataclass(frozen=True)
class _Places:
    """Where the demo's parts listen, as a demo config names them."""

    portal: int
    smtp: int
    hook: int
    secret: str


def _places(config: Config) -> _Places:
    """The replica's, the mail sink's and the webhook sink's ports from a config whose
    first site is the replica on loopback and whose channels go to the sinks."""
    site = urlsplit(config.sites[0].url)
    if site.hostname not in ("127.0.0.1", "localhost") or site.port is None:
        raise ConfigError(
            "the demo serves the replica portal on loopback: sites[0].url must be "
            "http://127.0.0.1:PORT/",
            file=str(config.source_path),
            key="sites[0].url",
        )
    channels = config.channels()
    mail = next((c for c in channels if isinstance(c, EmailChannel)), None)
    hook = next((c for c in channels if isinstance(c, WebhookChannel)), None)
    if mail is None or hook is None:
        raise ConfigError(
            "the demo needs one email and one webhook channel, sent to its sinks",
            file=str(config.source_path),
            key="notifications.channels",
        )
    return _Places(site.port, mail.smtp.port, urlsplit(hook.url).port or 80, hook.secret)


def cmd_demo(args: argparse.Namespace) -> int:
    from syndicator.cli.run import web_context
    from syndicator.web.app import create_web_app
    from syndicator.web.server import ServerThread

    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        stop.set()

    given = load_config(args.demo_config) if args.demo_config else None
    places = _places(given) if given else None
    port = args.port if args.port is not None else (given.server.port if given else 8080)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    portal = ReplicaPortal(port=places.portal if places else _free(8081))
    smtp = SmtpSink(port=places.smtp if places else _free(8025), quiet=False)
    hook = WebhookSink(
        places.secret if places else SECRET,
        port=places.hook if places else _free(8090),
        quiet=False,
    )
    with (
        tempfile.TemporaryDirectory(prefix="syndicator-demo-") as tmp,
        _listening(portal, "replica portal") as portal,
        _listening(smtp, "mail sink") as smtp,
        _listening(hook, "webhook sink") as hook,
    ):
        portal.publish_every(PUBLISH_EVERY)
        if given is None:
            path = Path(tmp) / "demo.yaml"
            path.write_text(
                CONFIG.format(
                    db=Path(tmp) / "demo.db",
                    port=port,
                    portal=portal.base_url,
                    smtp=smtp.port,
                    hook=hook.url,
                    secret=SECRET,
                ),
                encoding="utf-8",
            )
            config = load_config(path)
        else:
            config = given
        service = Service(config)
        service.upgrade()
        worker = Worker(service)
        server = ServerThread(create_web_app(web_context(service, worker)), "127.0.0.1", port)
        try:
            url = server.start()
        except OSError as exc:
            service.close()
            raise ConfigError(
                f"the demo's web server cannot listen on 127.0.0.1:{port}: "
                f"{exc.strerror or exc} (use --port)"
            ) from None
        worker.start()
        kept = (
            f"{service.store.safe_url()} (see `syndicator deliveries -c {args.demo_config}`)"
            if given
            else "a temporary database, gone when the demo stops"
        )
        print(
            f"""
syndicator demo — nothing leaves this machine
  replica portal  {portal.base_url}  (a new article every {PUBLISH_EVERY:.0f} s)
  feeds           {url}/feeds/zgkjcx/kjyw.atom  (.rss, .json; all: {url}/feeds/all.atom)
  index           {url}/
  health          {url}/healthz
  mail sink       smtp://127.0.0.1:{smtp.port}  (prints each message whole)
  webhook sink    {hook.url}  (verifies each signature)
  database        {kept}
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


_Part = TypeVar("_Part", ReplicaPortal, SmtpSink, WebhookSink)


@contextmanager
def _listening(part: _Part, what: str) -> Iterator[_Part]:
    """Start a demo part; a port in use is the one-line error naming the part."""
    try:
        part.__enter__()
    except OSError as exc:
        raise ConfigError(f"the {what} cannot listen: {exc.strerror or exc}") from None
    try:
        yield part
    finally:
        part.__exit__(None, None, None)
