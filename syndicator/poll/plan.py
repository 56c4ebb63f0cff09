"""Which notifications a poll causes: pure, so every rule is tested with plain values.

The plan is written by ``Store.apply`` in the poll's own transaction (the outbox), so an
article is never stored without its deliveries, nor a delivery without its article.
Keys are derived from what is announced and the channel; the store keeps one row per
key, so planning the same event twice (a retried poll, two workers) sends it once.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import datetime
from typing import Any

from syndicator.models import (
    Article,
    ArticleIntent,
    CategoryState,
    CategoryStatus,
    Change,
    DeliveryIntent,
    DeliveryState,
    EventType,
    Subscription,
    delivery_key,
)

Describe = Callable[[Article], dict[str, Any]]


def article_data(article: Article) -> dict[str, Any]:
    """The payload of an article event; ``notify`` fills ``id`` and ``feed_url`` from the
    feeds' own rules when the app wires its describer in."""
    return article.event_data(f"{article.site}/{article.key}", None)


def _article_deliveries(
    intent: ArticleIntent,
    subscriptions: Sequence[Subscription],
    digest_channels: Collection[str],
    now: datetime,
    describe: Describe,
) -> list[DeliveryIntent]:
    article = intent.article
    if not intent.notify or intent.change is Change.RELISTED:
        return []
    if intent.change is Change.NEW:
        if article.baseline:
            return []
        event, wanted = EventType.PUBLISHED, [s for s in subscriptions if s.matches(article)]
        version = ""
    else:
        event = EventType.UPDATED
        wanted = [s for s in subscriptions if s.on_update and s.matches(article)]
        version = article.content_hash
    out: list[DeliveryIntent] = []
    for channel in dict.fromkeys(s.channel for s in wanted):
        key = delivery_key(event, article.site, article.key, channel, version)
        state = DeliveryState.DIGEST if channel in digest_channels else DeliveryState.PENDING
        out.append(
            DeliveryIntent(
                key=key,
                channel=channel,
                event=event,
                state=state,
                site=article.site,
                category=article.category,
                article_key=article.key,
                data=describe(article),
                created=now,
            )
        )
    return out


def category_event(previous: CategoryState, state: CategoryState) -> EventType | None:
    """``category.broken`` when a category turns broken, ``category.recovered`` when a
    broken one polls well again; nothing for any other move (failing is a network
    matter and heals by itself)."""
    if previous.status != CategoryStatus.BROKEN and state.status == CategoryStatus.BROKEN:
        return EventType.BROKEN
    if previous.status == CategoryStatus.BROKEN and state.status == CategoryStatus.OK:
        return EventType.RECOVERED
    return None


def operator_channels(subscriptions: Sequence[Subscription]) -> list[str]:
    return list(dict.fromkeys(s.channel for s in subscriptions if s.operator))


def _category_deliveries(
    previous: CategoryState,
    state: CategoryState,
    subscriptions: Sequence[Subscription],
    category_name: str,
    now: datetime,
) -> list[DeliveryIntent]:
    event = category_event(previous, state)
    if event is None:
        return []
    since = (state.status_since or now).isoformat()
    data = {
        "site": state.site,
        "category": state.category,
        "category_name": category_name,
        "status": state.status,
        "previous_status": previous.status,
        "since": since,
        "last_error": state.last_error,
        "empty_polls": state.empty_polls,
        "extract_failures": state.extract_failures,
    }
    return [
        DeliveryIntent(
            key=delivery_key(event, state.site, state.category, since, channel),
            channel=channel,
            event=event,
            state=DeliveryState.PENDING,
            site=state.site,
            category=state.category,
            article_key=None,
            data=data,
            created=now,
        )
        for channel in operator_channels(subscriptions)
    ]


def plan_deliveries(
    intents: Sequence[ArticleIntent],
    subscriptions: Sequence[Subscription],
    previous: CategoryState,
    state: CategoryState,
    *,
    now: datetime,
    category_name: str = "",
    digest_channels: Collection[str] = (),
    describe: Describe = article_data,
) -> list[DeliveryIntent]:
    """Every delivery one poll causes: one per (new article, matching channel), one per
    (changed article, channel subscribed ``on_update``) and one per operator channel
    when the category turns broken or recovers."""
    out: list[DeliveryIntent] = []
    for intent in intents:
        out += _article_deliveries(intent, subscriptions, digest_channels, now, describe)
    out += _category_deliveries(previous, state, subscriptions, category_name, now)
    return out
