"""Pure rules: who matches, what a poll plans, when a retry comes."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from syndicator.models import (
    ArticleIntent,
    CategoryState,
    CategoryStatus,
    Change,
    DeliveryState,
    EventType,
    Subscription,
)
from syndicator.notify import backoff
from syndicator.poll.plan import category_event, plan_deliveries
from tests.support.articles import make_article

NOW = datetime(2023, 3, 20, 1, 30, tzinfo=UTC)
MATCHING = json.loads((Path(__file__).parent / "data" / "matching.json").read_text("utf-8"))


@pytest.mark.parametrize("case", MATCHING, ids=lambda c: c["name"])
def test_subscription_matching(case: dict[str, Any]) -> None:
    sub = Subscription(
        channel="c",
        categories=tuple(case["sub"]["categories"]),
        keywords=tuple(case["sub"].get("keywords", ())),
    )
    a = case["article"]
    article = make_article(a["site"], a["category"], a.get("title", "标题"), a.get("text", "正文"))
    assert sub.matches(article) is case["expect"]


SUBS = [
    Subscription("mail", ("zgkjcx/kjyw",)),
    Subscription("hook", ("*",)),
    Subscription("hook", ("zgkjcx/*",)),  # a second subscription: still one delivery
    Subscription("ops", ("other/*",), operator=True),
    Subscription("upd", ("*",), on_update=True),
]
STATE = CategoryState(site="zgkjcx", category="kjyw")


def test_one_delivery_per_new_article_and_matching_channel() -> None:
    intents = [
        ArticleIntent(make_article(key="1"), Change.NEW, True),
        ArticleIntent(make_article(key="2"), Change.NEW, True),
    ]
    plan = plan_deliveries(intents, SUBS, STATE, STATE, now=NOW)
    assert sorted((d.article_key, d.channel) for d in plan) == [
        ("1", "hook"),
        ("1", "mail"),
        ("1", "upd"),
        ("2", "hook"),
        ("2", "mail"),
        ("2", "upd"),
    ]
    assert {d.event for d in plan} == {EventType.PUBLISHED}
    assert len({d.key for d in plan}) == len(plan)
    again = plan_deliveries(intents, SUBS, STATE, STATE, now=NOW.replace(hour=5))
    assert [d.key for d in again] == [d.key for d in plan]  # the same event, the same key


def test_baseline_and_silent_intents_plan_nothing() -> None:
    baseline = ArticleIntent(make_article(baseline=True), Change.NEW, False)
    silent = ArticleIntent(make_article(key="2"), Change.NEW, False)
    assert plan_deliveries([baseline, silent], SUBS, STATE, STATE, now=NOW) == []


def test_changed_content_notifies_only_on_update_subscribers() -> None:
    changed = ArticleIntent(make_article(text="新正文"), Change.CHANGED, True)
    plan = plan_deliveries([changed], SUBS, STATE, STATE, now=NOW)
    assert [(d.channel, d.event) for d in plan] == [("upd", EventType.UPDATED)]
    twice = ArticleIntent(make_article(text="又改了"), Change.CHANGED, True)
    [other] = plan_deliveries([twice], SUBS, STATE, STATE, now=NOW)
    assert other.key != plan[0].key  # each new version is its own event


def test_a_baseline_article_changed_later_is_announced() -> None:
    changed = ArticleIntent(make_article(text="更正", baseline=True), Change.CHANGED, True)
    plan = plan_deliveries([changed], SUBS, STATE, STATE, now=NOW)
    assert [(d.channel, d.event) for d in plan] == [("upd", EventType.UPDATED)]


def test_silent_changes_and_relisted_entries_plan_nothing() -> None:
    silent = ArticleIntent(make_article(text="回填时改的"), Change.CHANGED, False)
    relisted = ArticleIntent(make_article(), Change.RELISTED, True)
    assert plan_deliveries([silent, relisted], SUBS, STATE, STATE, now=NOW) == []


def test_digest_channels_queue_in_digest_state() -> None:
    plan = plan_deliveries(
        [ArticleIntent(make_article(), Change.NEW, True)],
        SUBS,
        STATE,
        STATE,
        now=NOW,
        digest_channels={"mail"},
    )
    states = {d.channel: d.state for d in plan}
    assert states == {
        "mail": DeliveryState.DIGEST,
        "hook": DeliveryState.PENDING,
        "upd": DeliveryState.PENDING,
    }


def test_operator_alerts_once_per_transition() -> None:
    ok = replace(STATE, status=CategoryStatus.OK)
    failing = replace(STATE, status=CategoryStatus.FAILING)
    broken = replace(STATE, status=CategoryStatus.BROKEN, status_since=NOW)
    assert category_event(ok, broken) == EventType.BROKEN
    assert category_event(failing, broken) == EventType.BROKEN
    assert category_event(broken, broken) is None  # still broken: no repeat
    assert category_event(broken, replace(broken, status=CategoryStatus.FAILING)) is None
    assert category_event(broken, ok) == EventType.RECOVERED
    assert category_event(ok, failing) is None and category_event(failing, ok) is None
    [alert] = plan_deliveries([], SUBS, ok, broken, now=NOW, category_name="科技要闻")
    assert (alert.channel, alert.event, alert.data["status"]) == ("ops", EventType.BROKEN, "broken")
    assert plan_deliveries([], SUBS, broken, broken, now=NOW) == []


def test_backoff_schedule_spans_about_three_days() -> None:
    rng = random.Random(7)
    delays = [backoff.next_delay(n, rng=rng) for n in range(1, 11)]
    assert delays[-1] is None
    expected = [5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400]
    for got, want in zip(delays[:-1], expected, strict=True):
        assert got is not None and want * 0.9 <= got <= want * 1.1
    assert 2.5 * 86400 <= backoff.total_span() <= 3.5 * 86400


def test_backoff_honours_retry_after_within_the_attempt_budget() -> None:
    assert backoff.next_delay(1, retry_after=120) == 120
    assert backoff.next_delay(2, retry_after=10 * 86400) == backoff.MAX_RETRY_AFTER
    assert backoff.next_delay(10, retry_after=5) is None
