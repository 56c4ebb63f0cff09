"""The loopback receivers a notification test sends to: a real SMTP server and two
webhook receivers (one subscribed to articles, one for operator alerts)."""

from __future__ import annotations

from syndicator.demo.smtp_sink import SmtpSink
from syndicator.demo.webhook_sink import WebhookSink
from tests.support.outbox import SECRET


class Sinks:
    def __init__(self) -> None:
        self.smtp = SmtpSink()
        self.hook = WebhookSink(SECRET)
        self.ops = WebhookSink(SECRET)
