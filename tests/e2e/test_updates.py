"""Corrections on the portal reach the store, the feeds and ``on_update`` subscribers:
a changed list entry is read again at once, a changed body by the slower recheck, and a
category without ``recheck`` pays nothing for it."""

from __future__ import annotations

from pathlib import Path

import feedparser

from syndicator.demo.portal import ReplicaPortal
from syndicator.extract import article_key
from syndicator.models import EventType
from syndicator.runtime.service import Service
from tests.support.clock import Clock
from tests.support.configs import make_app
from tests.support.notify_config import write_notify_config
from tests.support.sinks import Sinks

KJYW = "zgkjcx/kjyw"


def build(
    tmp_path: Path, portal: ReplicaPortal, sinks: Sinks, clock: Clock, *, recheck: int
) -> Service:
    path = write_notify_config(
        tmp_path, portal, smtp_port=sinks.smtp.port, hook_url=sinks.hook.url, ops_url=sinks.ops.url
    )
    text = path.read_text("utf-8")
    text = text.replace(
        "  timezone: Asia/Shanghai\n",
        f"  timezone: Asia/Shanghai\n  recheck: {recheck}\n  recheck_every: 1h\n",
        1,
    )
    # The webhook hears of corrections; the mail channel only of new articles.
    text = text.replace(
        '    - channel: hook\n      categories: ["*"]\n',
        '    - channel: hook\n      categories: ["*"]\n      on_update: true\n',
    )
    path.write_text(text, "utf-8")
    return make_app(path, clock)


def test_a_retitled_entry_is_read_again_and_announced_as_an_update(
    tmp_path: Path, portal: ReplicaPortal, sinks: Sinks, clock: Clock
) -> None:
    app = build(tmp_path, portal, sinks, clock, recheck=0)
    spec = app.categories([KJYW])
    try:
        app.poll(spec)
        app.rebuild_feeds()
        target = portal.articles("kjyw")[2]
        stored = app.store.articles.get("zgkjcx", _key(app, target.url))
        assert stored is not None
        portal.edit(target.id, title="更正：" + target.title)
        clock.advance(minutes=10)
        portal.reset_log()
        [outcome] = app.poll(spec)
        assert (outcome.record.new, outcome.record.changed) == (0, 1), outcome.errors
        # Only the retitled article was read again.
        assert [path for path, _status in _reads(app, portal)] == [_path(target.url)]
        now = app.store.articles.get("zgkjcx", stored.key)
        assert now is not None and now.title == "更正：" + target.title
        assert (now.first_seen, now.published) == (stored.first_seen, stored.published)
        assert now.updated == clock()
        assert [v.title for v in app.store.articles.versions("zgkjcx", stored.key)] == [
            stored.title
        ]
        app.rebuild_feeds()
        feed = feedparser.parse(app.store.feeds.get("feeds/zgkjcx/kjyw", "atom").body)
        entry = next(e for e in feed.entries if e.link == target.url)
        assert entry.title == now.title and entry.updated_parsed > entry.published_parsed
        report = app.deliver_due()
        assert (report.delivered, report.failed) == (1, 0)
        [sent] = sinks.hook.received
        assert sent.json()["type"] == EventType.UPDATED
        assert sent.json()["data"]["title"] == now.title
        assert sinks.smtp.mails == []
        # Nothing more to say next time.
        clock.advance(minutes=10)
        [quiet] = app.poll(spec)
        assert (quiet.record.new, quiet.record.changed) == (0, 0)
    finally:
        app.close()


def test_a_corrected_body_is_found_by_the_recheck_with_conditional_gets(
    tmp_path: Path, portal: ReplicaPortal, sinks: Sinks, clock: Clock
) -> None:
    app = build(tmp_path, portal, sinks, clock, recheck=5)
    spec = app.categories([KJYW])
    try:
        app.poll(spec)
        target = portal.articles("kjyw")[1]
        fixed = ["（更正）" + target.paragraphs[0], *target.paragraphs[1:]]
        portal.edit(target.id, "\n\n".join(fixed))
        # Not due yet: the list did not change, so nothing is read.
        clock.advance(minutes=10)
        portal.reset_log()
        [early] = app.poll(spec)
        assert early.record.changed == 0
        assert _reads(app, portal) == []
        clock.advance(hours=1)
        portal.reset_log()
        [outcome] = app.poll(spec)
        assert outcome.record.changed == 1, outcome.errors
        reads = _reads(app, portal)
        assert len(reads) == 5
        # The four unchanged articles answered 304: a recheck costs requests, not bytes.
        assert sorted(status for _path, status in reads) == [200, 304, 304, 304, 304]
        now = app.store.articles.get("zgkjcx", _key(app, target.url))
        assert now is not None and "（更正）" in now.content_text
        assert app.store.categories.state("zgkjcx", "kjyw").rechecked == clock()
        assert app.deliver_due().delivered == 1
        assert [r.json()["type"] for r in sinks.hook.received] == [EventType.UPDATED]
    finally:
        app.close()


def test_without_recheck_a_quiet_correction_costs_no_request(
    tmp_path: Path, portal: ReplicaPortal, sinks: Sinks, clock: Clock
) -> None:
    app = build(tmp_path, portal, sinks, clock, recheck=0)
    spec = app.categories([KJYW])
    try:
        app.poll(spec)
        portal.edit(portal.articles("kjyw")[1].id, "悄悄改过的正文。")
        for _ in range(3):
            clock.advance(hours=2)
            portal.reset_log()
            [outcome] = app.poll(spec)
            assert outcome.record.changed == 0
            assert _reads(app, portal) == []
    finally:
        app.close()


def _list_path(app: Service) -> str:
    [spec] = app.categories([KJYW])
    return _path(spec.list_url)


def _path(url: str) -> str:
    rest = url.split("://", 1)[1]
    return "/" + rest.split("/", 1)[1]


def _reads(app: Service, portal: ReplicaPortal) -> list[tuple[str, int]]:
    """Requests other than the category's list page (and robots.txt)."""
    skip = {_list_path(app), "/robots.txt"}
    return [(r.path, r.status) for r in portal.requests if r.path not in skip]


def _key(app: Service, url: str) -> str:
    return article_key(url)
