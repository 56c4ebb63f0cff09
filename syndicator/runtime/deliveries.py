"""Notification jobs of a worker: the delivery pump (every few seconds: what polls
queued, what earlier runs left, what waits for a retry) and each digest channel's cron.
A failure is logged and retried at the next beat; it never stops the worker.

A poll that queued something kicks the pump on a thread of its own rather than
sending in the poll's thread: a slow receiver must not hold a poll, or an admin's
"poll now", for as long as it takes to answer."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from syndicator.runtime.service import Service

log = logging.getLogger("syndicator.runtime.deliveries")

PUMP_SECONDS = 5


class DeliveryJobs:
    def __init__(self, service: Service, clock: Callable[[], datetime]) -> None:
        self.service = service
        self.clock = clock
        specs = service.categories()
        # Digest crons read like the portal's day ("0 8 * * *" is 08:00 there).
        self.digest_tz = specs[0].timezone if specs else "Asia/Shanghai"
        self._wake = threading.Condition()
        self._asked = 0  # kicks not yet served
        self._busy = False
        self._kicker: threading.Thread | None = None
        self._stopping = False

    def kick(self) -> None:
        """Run the pump soon on the kick thread; kicks while it runs are one more run."""
        with self._wake:
            self._asked += 1
            if self._kicker is None:
                self._kicker = threading.Thread(
                    target=self._serve_kicks, name="deliveries", daemon=True
                )
                self._kicker.start()
            self._wake.notify_all()

    def _serve_kicks(self) -> None:
        while True:
            with self._wake:
                self._wake.wait_for(lambda: self._asked > 0 or self._stopping)
                if self._stopping:
                    return
                self._asked = 0
                self._busy = True
            try:
                self.pump()
            finally:
                with self._wake:
                    self._busy = False
                    self._wake.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        """Wait until every kick so far has been served (tests, ``run --once``)."""
        with self._wake:
            return self._wake.wait_for(lambda: not self._asked and not self._busy, timeout)

    def stop(self, timeout: float = 30.0) -> None:
        self.wait_idle(timeout)
        with self._wake:
            self._stopping = True
            self._wake.notify_all()

    def add_jobs(self, scheduler: Any) -> None:
        """The delivery pump (every few seconds: also what earlier runs left or what
        waits for a retry), and each digest channel's own cron."""
        from apscheduler.triggers.cron import CronTrigger

        scheduler.add_job(
            self.pump,
            "interval",
            seconds=PUMP_SECONDS,
            id="deliveries",
            max_instances=1,
            coalesce=True,
            misfire_grace_time=60,
        )
        for channel in self.service.channels:
            if channel.digest:
                trigger = CronTrigger.from_crontab(channel.digest, timezone=self.digest_tz)
                scheduler.add_job(
                    self.send_digest,
                    trigger,
                    args=[channel.id],
                    id=f"digest:{channel.id}",
                    max_instances=1,
                    coalesce=True,
                    misfire_grace_time=3600,
                )

    def pump(self) -> None:
        try:
            report = self.service.deliver_due()
        except Exception:
            log.exception("delivery pump failed; retrying at the next beat")
            return
        if report.claimed:
            log.info(
                "deliveries: %d claimed, %d delivered, %d failed, %d dead, %d deferred",
                report.claimed,
                report.delivered,
                report.failed,
                report.dead,
                report.deferred,
            )

    def send_digest(self, channel: str) -> None:
        try:
            sent = self.service.send_digests(self.clock(), channel)
        except Exception:
            log.exception("digest for %s failed; its articles wait for the next run", channel)
            return
        log.info("digest %s: %s", channel, sent)
