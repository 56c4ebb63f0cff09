"""Prometheus metrics of one process, in one registry of our own.

A registry of our own (not prometheus_client's global one) keeps tests and embedders
from seeing each other's series, and lets ``/metrics`` show exactly what this service
records. The worker, the web app and the notifiers call the small ``record_*``
functions; none of them touches prometheus_client directly.
"""

from __future__ import annotations

import collections
from collections.abc import Iterator

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily

from syndicator.models import CategoryStatus, PollStatus

REGISTRY = CollectorRegistry()
ProcessCollector(registry=REGISTRY)

POLLS = Counter(
    "syndicator_polls",
    "Polls of a category, by outcome (ok, not_modified, error).",
    ["category", "status"],
    registry=REGISTRY,
)
POLL_SECONDS = Histogram(
    "syndicator_poll_duration_seconds",
    "Wall time of one poll of a category.",
    ["category"],
    registry=REGISTRY,
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120),
)
NEW_ARTICLES = Counter(
    "syndicator_new_articles",
    "Articles stored for the first time.",
    ["category"],
    registry=REGISTRY,
)
DEFERRED = Gauge(
    "syndicator_articles_waiting",
    "New articles left for the next polls by max_new_per_poll, as of the last poll.",
    ["category"],
    registry=REGISTRY,
)
CATEGORY_STATUS = Gauge(
    "syndicator_category_status",
    "1 for the category's current status, 0 for the others.",
    ["category", "status"],
    registry=REGISTRY,
)


class _FeedRequests:
    """Feed requests by format and status, counted with plain integers: the count is
    made on the event loop's one thread for every request, and a Prometheus counter's
    lock costs more than the rest of a 304 answer. Read out only when scraped."""

    def __init__(self) -> None:
        self.counts: collections.Counter[tuple[str, int]] = collections.Counter()

    def collect(self) -> Iterator[CounterMetricFamily]:
        family = CounterMetricFamily(
            "syndicator_feed_requests",
            "Feed requests answered, by format and HTTP status.",
            labels=["format", "status"],
        )
        for (fmt, status), count in sorted(self.counts.items()):
            family.add_metric([fmt, str(status)], count)
        yield family


FEED_REQUESTS = _FeedRequests()
REGISTRY.register(FEED_REQUESTS)
FETCH_SECONDS = Histogram(
    "syndicator_fetch_duration_seconds",
    "Wall time of one HTTP fetch from a portal "
    "(politeness waits included), by host and outcome (200, 304, error).",
    ["host", "outcome"],
    registry=REGISTRY,
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
DELIVERIES = Counter(
    "syndicator_deliveries",
    "Notification delivery attempts, by channel and outcome "
    "(delivered, failed, dead; deferred: held back by the channel's rate limit). A digest "
    "counts once per message.",
    ["channel", "outcome"],
    registry=REGISTRY,
)

POLL_STATUSES = tuple(PollStatus)
CATEGORY_STATUSES = tuple(CategoryStatus)


def record_deferred(category: str, waiting: int) -> None:
    DEFERRED.labels(category).set(waiting)


def record_poll(category: str, status: PollStatus, new: int, seconds: float) -> None:
    """One finished poll; ``category`` is ``site/category``."""
    POLLS.labels(category, status).inc()
    POLL_SECONDS.labels(category).observe(max(seconds, 0.0))
    if new > 0:
        NEW_ARTICLES.labels(category).inc(new)
    else:
        # Touch the child so a category with no news still shows a 0 series.
        NEW_ARTICLES.labels(category)


def set_category_status(category: str, status: CategoryStatus) -> None:
    """Exactly one status series of a category is 1, so alerts can match on it."""
    for candidate in CATEGORY_STATUSES:
        CATEGORY_STATUS.labels(category, candidate).set(1 if candidate == status else 0)


def record_feed_request(fmt: str, status: int) -> None:
    FEED_REQUESTS.counts[(fmt, status)] += 1


def record_fetch(host: str, outcome: str, seconds: float) -> None:
    FETCH_SECONDS.labels(host=host, outcome=outcome).observe(seconds)


def record_delivery(channel: str, outcome: str) -> None:
    DELIVERIES.labels(channel, outcome).inc()


def render() -> tuple[bytes, str]:
    """The registry in Prometheus text format, and the content type to serve it with."""
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
