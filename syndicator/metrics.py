"""Prometheus metrics of one process, in one registry of our own.

A registry of our own (not prometheus_client's global one) keeps tests and embedders
from seeing each other's series, and lets ``/metrics`` show exactly what this service
records. The worker, the web app and the notifiers call the small ``record_*``
functions; none of them touches prometheus_client directly.
"""

from __future__ import annotations

import bisect
import itertools
import threading
from collections.abc import Iterator

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)

from syndicator.models import CategoryStatus, PollStatus

REGISTRY = CollectorRegistry()
ProcessCollector(registry=REGISTRY)

Labels = tuple[str, ...]


class _Counts:
    """A counter family kept as plain numbers by label values. prometheus_client makes
    an object with a lock and a dict per series: with a series or more per category,
    the metrics of 1,000 categories took about 10 MiB. Here a series costs one dict
    entry; the family's one lock keeps concurrent polls from losing counts."""

    def __init__(self, name: str, doc: str, labels: Labels) -> None:
        self.name, self.doc, self.labels = name, doc, labels
        self._values: dict[Labels, float] = {}
        self._lock = threading.Lock()

    def add(self, labels: Labels, amount: float = 1.0) -> None:
        with self._lock:
            self._values[labels] = self._values.get(labels, 0.0) + amount

    def collect(self) -> Iterator[Metric]:
        family = CounterMetricFamily(self.name, self.doc, labels=self.labels)
        with self._lock:
            items = sorted(self._values.items())
        for labels, value in items:
            family.add_metric(labels, value)
        yield family


class _Levels:
    """A gauge family by label values, kept as plain numbers (see ``_Counts``)."""

    def __init__(self, name: str, doc: str, labels: Labels) -> None:
        self.name, self.doc, self.labels = name, doc, labels
        self._values: dict[Labels, float] = {}

    def set(self, labels: Labels, value: float) -> None:
        self._values[labels] = value  # one store: atomic under the GIL

    def collect(self) -> Iterator[Metric]:
        family = GaugeMetricFamily(self.name, self.doc, labels=self.labels)
        for labels, value in sorted(self._values.copy().items()):
            family.add_metric(labels, value)
        yield family


class _Histograms:
    """A histogram family by label values: per series one list of bucket counts and
    the sum, instead of an object and a lock per bucket."""

    def __init__(self, name: str, doc: str, labels: Labels, buckets: tuple[float, ...]) -> None:
        self.name, self.doc, self.labels = name, doc, labels
        self.bounds = buckets
        self._series: dict[Labels, list[float]] = {}
        self._lock = threading.Lock()

    def observe(self, labels: Labels, value: float) -> None:
        # bisect_left: a value equal to a bound counts in that bucket (le = "<=").
        slot = bisect.bisect_left(self.bounds, value)
        with self._lock:
            series = self._series.get(labels)
            if series is None:
                # One count per bound, one for +Inf, then the sum.
                series = self._series[labels] = [0.0] * (len(self.bounds) + 2)
            series[slot] += 1
            series[-1] += value

    def collect(self) -> Iterator[Metric]:
        family = HistogramMetricFamily(self.name, self.doc, labels=self.labels)
        # The bounds as prometheus_client writes them: 1 as "1.0".
        names = [*(repr(float(b)) for b in self.bounds), "+Inf"]
        with self._lock:
            items = sorted((labels, list(s)) for labels, s in self._series.items())
        for labels, series in items:
            family.add_metric(
                labels, list(zip(names, itertools.accumulate(series[:-1]), strict=True)), series[-1]
            )
        yield family


class _Statuses:
    """Each category's status, shown as one gauge per status, 1 for the current one:
    stored as the status alone."""

    def __init__(self, name: str, doc: str) -> None:
        self.name, self.doc = name, doc
        self._current: dict[str, CategoryStatus] = {}

    def set(self, category: str, status: CategoryStatus) -> None:
        self._current[category] = status

    def collect(self) -> Iterator[Metric]:
        family = GaugeMetricFamily(self.name, self.doc, labels=("category", "status"))
        for category, status in sorted(self._current.copy().items()):
            for candidate in CATEGORY_STATUSES:
                family.add_metric((category, candidate), 1 if candidate == status else 0)
        yield family


POLLS = _Counts(
    "syndicator_polls",
    "Polls of a category, by outcome (ok, not_modified, error).",
    ("category", "status"),
)
POLL_SECONDS = _Histograms(
    "syndicator_poll_duration_seconds",
    "Wall time of one poll of a category.",
    ("category",),
    (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120),
)
NEW_ARTICLES = _Counts(
    "syndicator_new_articles",
    "Articles stored for the first time.",
    ("category",),
)
DEFERRED = _Levels(
    "syndicator_articles_waiting",
    "New articles left for the next polls by max_new_per_poll, as of the last poll.",
    ("category",),
)
CATEGORY_STATUS = _Statuses(
    "syndicator_category_status",
    "1 for the category's current status, 0 for the others.",
)


# Counted on the event loop for every feed answer; one uncontended lock is a small
# part of even a 304.
FEED_REQUESTS = _Counts(
    "syndicator_feed_requests",
    "Feed requests answered, by format and HTTP status.",
    ("format", "status"),
)
FETCH_SECONDS = _Histograms(
    "syndicator_fetch_duration_seconds",
    "Wall time of one HTTP fetch from a portal "
    "(politeness waits included), by host and outcome (200, 304, error).",
    ("host", "outcome"),
    (0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
DELIVERIES = _Counts(
    "syndicator_deliveries",
    "Notification delivery attempts, by channel and outcome "
    "(delivered, failed, dead; deferred: held back by the channel's rate limit). A digest "
    "counts once per message.",
    ("channel", "outcome"),
)

POLL_STATUSES = tuple(PollStatus)
CATEGORY_STATUSES = tuple(CategoryStatus)
for _series in (
    POLLS,
    POLL_SECONDS,
    NEW_ARTICLES,
    DEFERRED,
    CATEGORY_STATUS,
    FEED_REQUESTS,
    FETCH_SECONDS,
    DELIVERIES,
):
    REGISTRY.register(_series)


def record_deferred(category: str, waiting: int) -> None:
    DEFERRED.set((category,), waiting)


def record_poll(category: str, status: PollStatus, new: int, seconds: float) -> None:
    """One finished poll; ``category`` is ``site/category``."""
    POLLS.add((category, str(status)))
    POLL_SECONDS.observe((category,), max(seconds, 0.0))
    # Added even when 0, so a category with no news still shows a 0 series.
    NEW_ARTICLES.add((category,), max(new, 0))


def set_category_status(category: str, status: CategoryStatus) -> None:
    """Exactly one status series of a category is 1, so alerts can match on it."""
    CATEGORY_STATUS.set(category, status)


def record_feed_request(fmt: str, status: int) -> None:
    FEED_REQUESTS.add((fmt, str(status)))


def record_fetch(host: str, outcome: str, seconds: float) -> None:
    FETCH_SECONDS.observe((host, outcome), seconds)


def record_delivery(channel: str, outcome: str) -> None:
    DELIVERIES.add((channel, outcome))


def render() -> tuple[bytes, str]:
    """The registry in Prometheus text format, and the content type to serve it with."""
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
