"""The worker: decides which categories are due, polls them, rebuilds feeds, pings hubs.
Leases (``leases``) and the delivery pump and digests (``deliveries``) are rooms of their
own that the worker starts.

APScheduler (a ``BackgroundScheduler``) only beats the clock: a one-second tick looks at
the due times, which live in the store so a restart neither stampedes nor forgets. All
the deciding is in ``run_due``, which tests call directly with their own clock.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from syndicator import metrics
from syndicator.errors import StoreError
from syndicator.models import CategorySpec, CategoryState, Schedule, ScheduleKind
from syndicator.poll import PollOutcome
from syndicator.runtime.deliveries import DeliveryJobs
from syndicator.runtime.leases import PollLeases
from syndicator.runtime.pool import ElasticPool
from syndicator.runtime.schedule import first_due, next_due
from syndicator.runtime.service import Service
from syndicator.runtime.websub import HubPinger

log = logging.getLogger("syndicator.runtime.worker")

# A category another worker holds is asked for again this much later, unless that
# worker has set its next due time meanwhile.
LEASE_RETRY = 30.0
# A poll that raised is tried again this much later.
CRASH_RETRY = 300.0
# How long run_due(wait=True) waits for the deliveries its polls kicked off.
DELIVERY_WAIT = 120.0
# While a category has articles left over by the per-poll cap, it is polled this often.
BACKLOG_POLL = 60.0
# Overdue categories at start-up, taken host by host in turn, start this far apart.
START_STAGGER = 0.2


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _period(schedule: Schedule) -> float:
    """The shortest time between two polls a schedule allows."""
    if schedule.kind is ScheduleKind.INTERVAL and schedule.seconds is not None:
        return schedule.seconds
    return schedule.min


def interleave(keys: Sequence[str], hosts: dict[str, str]) -> list[str]:
    """``keys`` reordered round-robin over their hosts (first the first category of
    each host, then the second...), keeping each host's own order."""
    queues: dict[str, list[str]] = {}
    for key in keys:
        queues.setdefault(hosts[key], []).append(key)
    out: list[str] = []
    rounds = max((len(q) for q in queues.values()), default=0)
    for position in range(rounds):
        out += [queue[position] for queue in queues.values() if position < len(queue)]
    return out


class Worker:
    def __init__(
        self,
        service: Service,
        *,
        clock: Callable[[], datetime] | None = None,
        rng: random.Random | None = None,
        max_workers: int = 100,
        pinger: HubPinger | None = None,
        on_feeds_changed: Callable[[list[str]], None] | None = None,
        give_back_memory: Callable[[], bool] | None = None,
    ) -> None:
        self.service = service
        self.clock = clock or service.clock
        self.rng = rng or random.Random()
        self.specs = {spec.key: spec for spec in service.categories()}
        self.hosts = {key: _host(spec.list_url) for key, spec in self.specs.items()}
        self.schedules: dict[str, Schedule] = {
            key: service.schedule(spec) for key, spec in self.specs.items()
        }
        self.due: dict[str, datetime] = {}
        self.pinger = pinger
        self.on_feeds_changed = on_feeds_changed
        self._running: dict[str, Future[PollOutcome | None]] = {}
        self._quiet_until = datetime.min.replace(tzinfo=UTC)
        self.leases = PollLeases(service.store, self.clock, owner=service.owner)
        self.owner = self.leases.owner
        self._locks = {key: threading.Lock() for key in self.specs}
        self._feeds_lock = threading.Lock()
        self._state_lock = threading.Lock()
        self.give_back_memory = give_back_memory
        # Set by a poll thread that ends for want of work; the next beat gives its
        # memory back (only once it has ended is its cache freed into the heap).
        self._retired = threading.Event()
        self._pool = ElasticPool(max_workers, name="poll", on_retire=self._retired.set)
        self._scheduler: Any = None
        self._startup: threading.Thread | None = None
        self.deliveries = DeliveryJobs(service, self.clock)

    # ------------------------------------------------------------ due times

    def load_due(self) -> None:
        """Take over the stored due times; overdue or unknown ones are spread out, host
        by host in turn: a site's categories one after another kept every poll thread
        waiting on that one host while the others sat idle."""
        now = self.clock()
        kept = {f"{st.site}/{st.category}": st for st in self.service.store.categories.states()}
        states = {
            key: kept.get(key) or CategoryState(site=s.site_id, category=s.id)
            for key, s in self.specs.items()
        }
        overdue: list[str] = []
        for key in self.specs:
            stored = states[key].next_due
            if stored is not None and stored > now:
                self.due[key] = stored
            else:
                overdue.append(key)
            metrics.set_category_status(key, states[key].status)
        for index, key in enumerate(interleave(overdue, self.hosts)):
            spec = self.specs[key]
            # Within one interval whatever the count: at 10,000 categories the fixed
            # step put the last first poll 33 minutes out on a 10-minute interval.
            step = min(START_STAGGER, _period(self.schedules[key]) / len(overdue))
            due = first_due(now, None, index, stagger=step)
            self.service.store.categories.set_next_due(spec.site_id, spec.id, due)
            self.due[key] = due

    def due_now(self) -> list[CategorySpec]:
        """The due categories to start now, earliest first, at most one per host and
        none of a host this worker is polling already: the host's politeness gate would
        only make a second poll thread wait while other hosts are due."""
        now = self.clock()
        with self._state_lock:
            busy = {self.hosts[k] for k in self._running}
            chosen: list[CategorySpec] = []
            for key, due in sorted(self.due.items(), key=lambda kv: kv[1]):
                if due > now:
                    break
                host = self.hosts[key]
                if key in self._running or host in busy:
                    continue
                busy.add(host)
                chosen.append(self.specs[key])
            return chosen

    # ------------------------------------------------------------ polling

    def poll(self, spec: CategorySpec, *, force: bool = False) -> PollOutcome | None:
        """Poll one category now (a scheduled poll, or with ``force`` the admin API's
        "poll now"), then rebuild feeds, tell hubs, and set the next due time. Returns
        None when another worker on the same database holds the category's lease or has
        just polled it; its due time is then adopted."""
        problems = self.service.store.problems()
        if problems:
            raise StoreError("not polling: " + "; ".join(problems))
        with self._locks[spec.key]:
            if not self.leases.claim(spec, force=force):
                now = self.clock()
                stored = self.service.store.categories.state(spec.site_id, spec.id).next_due
                with self._state_lock:
                    self.due[spec.key] = (
                        stored
                        if stored is not None and stored > now
                        else now + timedelta(seconds=LEASE_RETRY)
                    )
                return None
            try:
                return self._poll_claimed(spec)
            finally:
                self.leases.release(spec)

    def renew_leases(self) -> list[str]:
        return self.leases.renew()

    def _poll_claimed(self, spec: CategorySpec) -> PollOutcome:
        [outcome] = self.service.poll([spec])
        record = outcome.record
        metrics.record_poll(
            spec.key, record.status, record.new, (record.finished - record.started).total_seconds()
        )
        metrics.set_category_status(spec.key, outcome.state.status)
        metrics.record_deferred(spec.key, outcome.deferred)
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
        published = (
            self.service.store.articles.published_times(spec.site_id, spec.id)
            if schedule.kind == ScheduleKind.AUTO
            else []
        )
        due = next_due(
            schedule,
            self.clock(),
            failures=outcome.state.consecutive_failures,
            retry_after=outcome.retry_after,
            published=published,
            rng=self.rng,
        )
        if outcome.deferred:
            # Articles wait for the next poll: it comes soon, not an interval later.
            due = min(due, self.clock() + timedelta(seconds=BACKLOG_POLL))
        self.service.store.categories.set_next_due(spec.site_id, spec.id, due)
        with self._state_lock:
            self.due[spec.key] = due

    def run_due(self, *, wait: bool = False) -> list[str]:
        """Start a poll for every due category not already being polled (one per host
        at a time); with ``wait`` block until they and the due categories their hosts
        held back have finished (tests, ``run --once``)."""
        started: list[str] = []
        give_back = self.give_back_memory
        if give_back is not None and self._retired.is_set() and give_back():
            self._retired.clear()
        problems = self.service.store.problems()
        if problems:
            # Polls would report ok while their articles go nowhere safe.
            now = self.clock()
            if now >= self._quiet_until:
                log.error("not polling: %s", "; ".join(problems))
                self._quiet_until = now + timedelta(minutes=1)
            return started
        failures: list[BaseException | None] = []
        while True:
            futures = self._start_due(started)
            if not wait or not futures:
                break
            # Every poll is let finish before the first failure is raised: the others
            # must not be left running (or half-recorded) behind the caller's back.
            failures += [f.exception() for f in futures]
            with self._state_lock:
                # Done callbacks may not have run yet: what finished frees its host now.
                for key in [k for k, f in self._running.items() if f.done()]:
                    del self._running[key]
        if wait:
            self.deliveries.wait_idle(DELIVERY_WAIT)
            first = next((exc for exc in failures if exc is not None), None)
            if first is not None:
                raise first
        return started

    def _start_due(self, started: list[str]) -> list[Future[PollOutcome | None]]:
        futures = []
        for spec in self.due_now():
            with self._state_lock:
                if spec.key in self._running or spec.key in started:
                    continue
                future = self._pool.submit(self._poll_logged, spec)
                self._running[spec.key] = future
            future.add_done_callback(self._done_callback(spec.key))
            started.append(spec.key)
            futures.append(future)
        return futures

    def _poll_logged(self, spec: CategorySpec) -> PollOutcome | None:
        try:
            return self.poll(spec)
        except Exception:
            # A bug in one poll must not kill the worker; the category is retried later,
            # not at the next beat (a crash each second, each with its traceback).
            log.exception("poll %s crashed; next try in %.0fs", spec.key, CRASH_RETRY)
            with self._state_lock:
                self.due[spec.key] = self.clock() + timedelta(seconds=CRASH_RETRY)
            raise

    def _done_callback(self, key: str) -> Callable[[Future[PollOutcome | None]], None]:
        def done(_future: Future[PollOutcome | None]) -> None:
            with self._state_lock:
                self._running.pop(key, None)

        return done

    # ------------------------------------------------------------ life

    def start(self) -> None:
        from apscheduler.schedulers.background import BackgroundScheduler

        for owner, rows in self.service.reclaim_dead_leases().items():
            log.warning("took back %d leases of %s, which died on this host", rows, owner)
        self.load_due()
        # Built on a thread of its own: the web serves the stored feeds meanwhile, and
        # polls start at once (they wait only for the feeds lock). A thousand feeds take
        # seconds to rebuild, which a restart should not spend answering nothing.
        self._startup = threading.Thread(
            target=self._rebuild_at_start, name="feeds-startup", daemon=True
        )
        self._startup.start()
        if self.pinger is not None:
            self.pinger.start()
        scheduler = BackgroundScheduler(timezone="UTC")
        # Each beat at a random point of its second: with fixed phases, the worker whose
        # beat came first after a due time won nearly every claim, and a second worker
        # on the database added no capacity (bench/replicas.py: 2 of 226 polls).
        scheduler.add_job(
            self.run_due,
            "interval",
            seconds=1,
            jitter=1,
            id="tick",
            max_instances=1,
            coalesce=True,
            misfire_grace_time=30,
        )
        self.deliveries.add_jobs(scheduler)
        scheduler.start()
        self._scheduler = scheduler

    def _rebuild_at_start(self) -> None:
        try:
            self.rebuild_feeds()
        except Exception:
            log.exception("rebuilding the feeds at start-up failed; each poll rebuilds its own")

    def after_poll(self, outcome: PollOutcome) -> None:
        """Send at once what a poll queued, rather than at the next pump beat."""
        if outcome.record.new or outcome.state.status != outcome.previous.status:
            self.deliveries.kick()

    def stop(self, timeout: float = 30.0) -> bool:
        """Stop ticking, tell polls in progress to fetch nothing more, and let them
        store what they read (bounded by one request's timeout) while their leases are
        still renewed. False when some were still running after ``timeout``."""
        self.service.stopping.set()
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
            self._scheduler = None
        if self._startup is not None:
            self._startup.join(timeout)
        done = threading.Event()

        def drain() -> None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            done.set()

        threading.Thread(target=drain, daemon=True).start()
        drained = done.wait(timeout)
        if not drained:
            with self._state_lock:
                running = sorted(self._running)
            log.warning(
                "stopping with %d polls still running after %.0fs (%s): what they had not "
                "stored comes at the next start",
                len(running),
                timeout,
                ", ".join(running[:5]),
            )
        self.deliveries.stop(timeout)
        self.leases.stop()
        if self.pinger is not None:
            self.pinger.stop()
        return drained
