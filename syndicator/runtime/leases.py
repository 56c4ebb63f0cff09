"""Poll leases: a category is polled by one worker at a time across every process on
the database. A poll holds its category's lease, renewed every ``RENEW_SECONDS`` by a
thread while the poll runs however long it takes; a worker killed mid-poll renews
nothing, so its categories are free for the others within ``LEASE`` (a fixed 30 min
lease kept them unpolled for that long)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from syndicator.models import CategorySpec
from syndicator.owners import owner_id
from syndicator.store import Store

log = logging.getLogger("syndicator.runtime.leases")

LEASE = timedelta(seconds=90)
RENEW_SECONDS = 30.0


class PollLeases:
    def __init__(
        self, store: Store, clock: Callable[[], datetime], owner: str | None = None
    ) -> None:
        self.store = store
        self.clock = clock
        self.owner = owner or owner_id()
        self._held: dict[str, CategorySpec] = {}
        self._lock = threading.Lock()
        self._renewer: threading.Thread | None = None
        self._stopping = threading.Event()

    def claim(self, spec: CategorySpec, *, force: bool = False) -> bool:
        """Take the category's lease (only if it is due, unless ``force``) and keep it
        renewed until ``release``."""
        now = self.clock()
        if not self.store.categories.claim_poll(
            spec.site_id, spec.id, self.owner, now, now + LEASE, force=force
        ):
            return False
        with self._lock:
            self._held[spec.key] = spec
            if self._renewer is None:
                self._renewer = threading.Thread(
                    target=self._renew_loop, daemon=True, name="poll-leases"
                )
                self._renewer.start()
        return True

    def release(self, spec: CategorySpec) -> None:
        with self._lock:
            self._held.pop(spec.key, None)
        self.store.categories.release_poll(spec.site_id, spec.id, self.owner)

    def _renew_loop(self) -> None:
        while not self._stopping.wait(RENEW_SECONDS):
            try:
                self.renew()
            except Exception:
                # The database may be briefly away; the lease has two more beats to go.
                log.exception("renewing poll leases failed")

    def renew(self) -> list[str]:
        """Extend the lease of every poll in progress; returns the categories whose
        lease was no longer ours (held past its end by a stalled process and taken)."""
        with self._lock:
            held = sorted(self._held.items())
        until = self.clock() + LEASE
        refused = [
            key
            for key, spec in held
            if not self.store.categories.renew_poll(spec.site_id, spec.id, self.owner, until)
        ]
        with self._lock:
            # A poll that ended meanwhile released its lease: that one was not taken.
            lost = [key for key in refused if key in self._held]
        for key in lost:
            log.warning("poll lease of %s was taken over; another worker may poll it too", key)
        return lost

    def stop(self) -> None:
        self._stopping.set()
