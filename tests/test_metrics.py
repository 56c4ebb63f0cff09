"""The lean metric families expose what prometheus_client's own classes would for the
same observations: names, labels, bucket bounds and values."""

from __future__ import annotations

import random

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from syndicator import metrics

BOUNDS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120)


def samples(registry: CollectorRegistry) -> set[tuple[str, tuple[tuple[str, str], ...], float]]:
    text = generate_latest(registry).decode()
    return {
        (s.name, tuple(sorted(s.labels.items())), s.value)
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if not s.name.endswith("_created")
    }


def test_histogram_counter_and_gauge_match_prometheus_client() -> None:
    ours, theirs = CollectorRegistry(), CollectorRegistry()
    hist = metrics._Histograms("t_seconds", "doc", ("category",), BOUNDS)
    counts = metrics._Counts("t_polls", "doc", ("category", "status"))
    levels = metrics._Levels("t_waiting", "doc", ("category",))
    for family in (hist, counts, levels):
        ours.register(family)
    ref_hist = Histogram("t_seconds", "doc", ["category"], registry=theirs, buckets=BOUNDS)
    ref_counts = Counter("t_polls", "doc", ["category", "status"], registry=theirs)
    ref_levels = Gauge("t_waiting", "doc", ["category"], registry=theirs)
    rng = random.Random(7)
    # Values on the bounds themselves, below the first, beyond the last.
    values = [*BOUNDS, 0.0, 0.01, 500.0, *(rng.uniform(0, 150) for _ in range(200))]
    for value in values:
        category = rng.choice(["a/x", "b/y", "c/z"])
        hist.observe((category,), value)
        ref_hist.labels(category).observe(value)
        status = rng.choice(["ok", "error"])
        counts.add((category, status))
        ref_counts.labels(category, status).inc()
        levels.set((category,), value)
        ref_levels.labels(category).set(value)
    assert samples(ours) == samples(theirs)


def test_category_status_shows_one_series_per_status() -> None:
    registry = CollectorRegistry()
    statuses = metrics._Statuses("t_status", "doc")
    registry.register(statuses)
    statuses.set("a/x", metrics.CATEGORY_STATUSES[0])
    statuses.set("a/x", metrics.CATEGORY_STATUSES[-1])
    shown = {dict(labels)["status"]: v for _, labels, v in samples(registry)}
    assert shown == {
        str(s): (1.0 if s == metrics.CATEGORY_STATUSES[-1] else 0.0)
        for s in metrics.CATEGORY_STATUSES
    }


def test_a_category_without_news_still_shows_zero_new_articles() -> None:
    metrics.record_poll("quiet/site", metrics.POLL_STATUSES[0], 0, 0.1)
    value = metrics.REGISTRY.get_sample_value(
        "syndicator_new_articles_total", {"category": "quiet/site"}
    )
    assert value == 0.0
