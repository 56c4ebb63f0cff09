"""Apprise delivery (DingTalk, WeCom, Feishu, Telegram, Slack…): one ``Apprise``
object per channel target, so the result recorded is that target's own."""

from __future__ import annotations

import logging
import warnings
from datetime import datetime
from typing import Any

from syndicator.models import AppriseChannel, Delivery
from syndicator.notify import render
from syndicator.notify.result import SendResult


class AppriseSender:
    def __init__(self, channel: AppriseChannel) -> None:
        with warnings.catch_warnings():
            # Its plugins import modules deprecated in Python 3.13; not ours to fix.
            warnings.simplefilter("ignore", DeprecationWarning)
            import apprise  # an optional extra: imported only when a channel uses it

            target = apprise.Apprise()
            added = target.add(channel.url)
        self.channel = channel
        self._apprise = apprise
        self.target: Any = target if added else None

    def send(self, delivery: Delivery, now: datetime) -> SendResult:
        text, _html = render.bodies(delivery)
        return self.notify(render.subject(delivery), text)

    def close(self) -> None:
        """Apprise opens a connection per notification: nothing stays open."""

    def notify(self, title: str, body: str) -> SendResult:
        if self.target is None:
            return SendResult(
                ok=False,
                permanent=True,
                error=f"Apprise does not understand the URL of {self.channel.id}",
            )
        capture: Any = self._apprise.LogCapture
        with capture(level=logging.WARNING) as captured:
            ok = bool(self.target.notify(title=title, body=body))
        if ok:
            return SendResult(ok=True)
        lines = [line for line in captured.getvalue().splitlines() if line.strip()]
        return SendResult(ok=False, error=" / ".join(lines[-2:]) or "Apprise reported failure")
