"""Notification jobs of a worker: the delivery pump (every few seconds: what polls
queued, what earlier runs left, what waits for a retry) and each digest channel's cron.
A failure is logged and retried at the next beat; it never stops the worker."""

from __future__ import annotations

import logging
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
