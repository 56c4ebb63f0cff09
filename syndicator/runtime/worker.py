"""The worker: decides which categories are due, polls them, rebuilds feeds, pings hubs.

APScheduler (a ``BackgroundScheduler``) only beats the clock: a one-second tick looks at
the due times, which live in the store so a restart neither stampedes nor forgets. All
the deciding is in ``run_due``, which tests call directly with their own clock.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

from syndicator import metrics
from syndicator.models import CategorySpec, Schedule, ScheduleKind
from syndicator.poll import PollOutcome
from syndicator.runtime.schedule import first_due, next_due
from syndicator.runtime.service import Service
from syndicator.runtime.websub import HubPinger

log = logging.getLogger("syndicator.runtime.worker")

PUMP_SECONDS = 5
# A poll holds its category's lease, renewed every RENEW_SECONDS while it runs however
# long it takes; a worker killed mid-poll renews nothing, so its categories are free for
# the others within LEASE (a fixed 30 min lease kept them unpolled for that long).
LEASE = timedelta(seconds=90)
RENEW_SECONDS = 30.0
LEASE_RETRY = 30.0


class Worker:
    def __init__(self, service: Service, *, clock: Callable[[], datetime] | None = None,
                 rng: random.Random | None = None, max_workers: int = 4,
                 pinger: HubPinger | None = None,
                 on_feeds_changed: Callable[[list[str]], None] | None = None) -> None:
        self.service = service
        self.clock = clock or service.clock
        self.rng = rng or random.Random()
        self.specs = {spec.key: spec for spec in service.categories()}
        self.schedules: dict[str, Schedule] = {
            key: service.schedule(spec) for key, spec in self.specs.items()
        }
        self.due: dict[str, datetime] = {}
        self.pinger = pinger
        self.on_feeds_changed = on_feeds_changed
        self._running: dict[str, Future[PollOutcome | None]] = {}
        self._leased: set[str] = set()
        self._renewer: threading.Thread | None = None
        self._stopping = threading.Event()
        self.owner = f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._locks = {key: threading.Lock() for key in self.specs}
        self._feeds_lock = threading.Lock()
        self._state_lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="poll")
        self._scheduler: Any = None
        specs = list(self.specs.values())
        # Digest crons read like the portal's day ("0 8 * * *" is 08:00 there).
        self.digest_tz = specs[0].timezone if specs else "Asia/Shanghai"

    # ------------------------------------------------------------ due times

    def load_due(self) -> None:
        """Take over the stored due times; overdue or unknown ones are spread out."""
        now = self.clock()
        overdue = 0
        for key, spec in self.specs.items():
            stored = self.service.store.categories.state(spec.site_id, spec.id).next_due
            due = first_due(now, stored, overdue)
            if due != stored:
                overdue += 1
                self.service.store.categories.set_next_due(spec.site_id, spec.id, due)
            self.due[key] = due
            metrics.set_category_status(key, self.service.store.categories.state(
                spec.site_id, spec.id).status)

    def due_now(self) -> list[CategorySpec]:
        now = self.clock()
        with self._state_lock:
            return [self.specs[k] for k, due in sorted(self.due.items(), key=lambda kv: kv[1])
                    if due <= now and k not in self._running]

    # ------------------------------------------------------------ polling

    def poll(self, spec: CategorySpec, *, force: bool = False) -> PollOutcome | None:
        """Poll one category now (a scheduled poll, or with ``force`` the admin API's
        "poll now"), then rebuild feeds, tell hubs, and set the next due time. Returns
        None when another worker on the same database holds the category's lease or has
        just polled it; its due time is then adopted."""
        with self._locks[spec.key]:
            now = self.clock()
            store = self.service.store
            if not store.categories.claim_poll(spec.site_id, spec.id, self.owner, now, now + LEASE,
                                    force=force):
                stored = store.categories.state(spec.site_id, spec.id).next_due
                with self._state_lock:
                    self.due[spec.key] = (stored if stored is not None and stored > now
                                          else now + timedelta(seconds=LEASE_RETRY))
                return None
            self._hold(spec.key)
            try:
                return self._poll_claimed(spec)
            finally:
                with self._state_lock:
                    self._leased.discard(spec.key)
                store.categories.release_poll(spec.site_id, spec.id, self.owner)

    def _hold(self, key: str) -> None:
        with self._state_lock:
            self._leased.add(key)
            if self._renewer is None:
                self._renewer = threading.Thread(target=self._renew_loop, daemon=True,
                                                 name="poll-leases")
                self._renewer.start()

    def _renew_loop(self) -> None:
        while not self._stopping.wait(RENEW_SECONDS):
            try:
                self.renew_leases()
            except Exception:
                # The database may be briefly away; the lease has two more beats to go.
                log.exception("renewing poll leases failed")

    def renew_leases(self) -> list[str]:
        """Extend the lease of every poll in progress; returns the categories whose
        lease was no longer ours (held past its end by a stalled process and taken)."""
        with self._state_lock:
            keys = sorted(self._leased)
        until = self.clock() + LEASE
        refused = [key for key in keys if not self.service.store.categories.renew_poll(
            self.specs[key].site_id, self.specs[key].id, self.owner, until)]
        with self._state_lock:
            # A poll that ended meanwhile released its lease: that one was not taken.
            lost = [key for key in refused if key in self._leased]
        for key in lost:
            log.warning("poll lease of %s was taken over; another worker may poll it too",
                        key)
        return lost

    def _poll_claimed(self, spec: CategorySpec) -> PollOutcome:
        [outcome] = self.service.poll([spec])
        record = outcome.record
        metrics.record_poll(spec.key, record.status, record.new,
                            (record.finished - record.started).total_seconds())
        metrics.set_category_status(spec.key, outcome.state.status)
        if outcome.stored or outcome.state.status != outcome.previous.status:
            self.rebuild_feeds([spec])
        self._schedule_next(spec, outcome)
        self.after_poll(outcome)
        return outcome

    def rebuild_feeds(self, specs: Sequence[CategorySpec] | None = None) -> list[str]:
        with self._feeds_lock:
            changed = self.service.rebuild_feeds(specs)
        if changed:
            base = self.service.feed_settings.public_url.rstrip("/")
            if self.pinger is not None:
                self.pinger.publish(f"{base}/{path}" for path in changed)
            if self.on_feeds_changed is not None:
                self.on_feeds_changed(changed)
        return changed

    def _schedule_next(self, spec: CategorySpec, outcome: PollOutcome) -> None:
        schedule = self.schedules[spec.key]
        # Only `every: auto` reads the publishing rate; every poll, 304s included, gets
        # here, so the others skip the query.
        published = (self.service.store.articles.published_times(spec.site_id, spec.id)
                     if schedule.kind == ScheduleKind.AUTO else [])
        due = next_due(schedule, self.clock(),
                       failures=outcome.state.consecutive_failures,
                       retry_after=outcome.retry_after, published=published, rng=self.rng)
        self.service.store.categories.set_next_due(spec.site_id, spec.id, due)
        with self._state_lock:
            self.due[spec.key] = due

    def run_due(self, *, wait: bool = False) -> list[str]:
        """Start a poll for every due category not already being polled; with
        ``wait`` block until they finish (tests, ``run --once``)."""
        started = []
        futures = []
        for spec in self.due_now():
            with self._state_lock:
                if spec.key in self._running:
                    continue
                future = self._pool.submit(self._poll_logged, spec)
                self._running[spec.key] = future
            future.add_done_callback(self._done_callback(spec.key))
            started.append(spec.key)
            futures.append(future)
        if wait:
            for future in futures:
                future.result()
        return started

    def _poll_logged(self, spec: CategorySpec) -> PollOutcome | None:
        try:
            return self.poll(spec)
        except Exception:
            # A bug in one poll must not kill the worker; the category is retried later.
            log.exception("poll %s crashed", spec.key)
            raise

    def _done_callback(self, key: str) -> Callable[[Future[PollOutcome | None]], None]:
        def done(_future: Future[PollOutcome | None]) -> None:
            with self._state_lock:
                self._running.pop(key, None)

        return done

    # ------------------------------------------------------------ life

    def start(self) -> None:
        from apscheduler.schedulers.background import BackgroundScheduler

        self.load_due()
        self.rebuild_feeds()
        if self.pinger is not None:
            self.pinger.start()
        scheduler = BackgroundScheduler(timezone="UTC")
        # Each beat at a random point of its second: with fixed phases, the worker whose
        # beat came first after a due time won nearly every claim, and a second worker
        # on the database added no capacity (bench/replicas.py: 2 of 226 polls).
        scheduler.add_job(self.run_due, "interval", seconds=1, jitter=1, id="tick",
                          max_instances=1, coalesce=True, misfire_grace_time=30)
        self.add_jobs(scheduler)
        scheduler.start()
        self._scheduler = scheduler

    def add_jobs(self, scheduler: Any) -> None:
        """The delivery pump (every few seconds: also what earlier runs left or what
        waits for a retry), and each digest channel's own cron."""
        from apscheduler.triggers.cron import CronTrigger

        scheduler.add_job(self.deliver, "interval", seconds=PUMP_SECONDS, id="deliveries",
                          max_instances=1, coalesce=True, misfire_grace_time=60)
        for channel in self.service.channels:
            if channel.digest:
                trigger = CronTrigger.from_crontab(channel.digest, timezone=self.digest_tz)
                scheduler.add_job(self.send_digest, trigger, args=[channel.id],
                                  id=f"digest:{channel.id}", max_instances=1, coalesce=True,
                                  misfire_grace_time=3600)

    def deliver(self) -> None:
        try:
            report = self.service.deliver_due()
        except Exception:
            log.exception("delivery pump failed; retrying at the next beat")
            return
        if report.claimed:
            log.info("deliveries: %d claimed, %d delivered, %d failed, %d dead, %d deferred",
                     report.claimed, report.delivered, report.failed, report.dead,
                     report.deferred)

    def send_digest(self, channel: str) -> None:
        try:
            sent = self.service.send_digests(self.clock(), channel)
        except Exception:
            log.exception("digest for %s failed; its articles wait for the next run", channel)
            return
        log.info("digest %s: %s", channel, sent)

    def after_poll(self, outcome: PollOutcome) -> None:
        """Send at once what a poll queued, rather than at the next pump beat."""
        if outcome.record.new or outcome.state.status != outcome.previous.status:
            self.deliver()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop ticking, let polls in progress finish (bounded by fetch timeouts) while
        their leases are still renewed."""
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
            self._scheduler = None
        done = threading.Event()

        def drain() -> None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            done.set()

        threading.Thread(target=drain, daemon=True).start()
        if not done.wait(timeout):
            log.warning("stopping with polls still running after %.0fs", timeout)
        self._stopping.set()
        if self.pinger is not None:
            self.pinger.stop()
