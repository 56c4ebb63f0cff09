"""What the web app is given by the command line: plain values and callables, so this
room reads no config and runs in a process apart from the worker (``run --no-worker``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from syndicator.models import CategorySpec
from syndicator.web.feeds import FeedRoute
from syndicator.web.reads import StoreReads


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class WebContext:
    """What the web app is given; ``poll_now``, ``dead_deliveries`` and ``opml`` are
    absent where this process does not poll, notify or know the feed list."""

    store: StoreReads
    routes: Sequence[FeedRoute]
    categories: Sequence[CategorySpec]
    public_url: str
    hubs: tuple[str, ...] = ()
    admin_token: str = ""
    poll_now: Callable[[str], dict[str, object]] | None = None
    dead_deliveries: Callable[[], int] | None = None
    opml: Callable[[], bytes] | None = None
    clock: Callable[[], datetime] = _utcnow
