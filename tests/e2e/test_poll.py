"""The foundation end to end: replica portal over HTTP → poll → store → feeds."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
import pytest

from syndicator.demo.portal import ReplicaPortal
from syndicator.poll.pipeline import list_cache_key
from tests.support.clock import Clock
from tests.support.configs import make_app, write_config

KJYW = "zgkjcx/kjyw"


def article_requests(portal: ReplicaPortal) -> list[str]:
    return [
        r.path
        for r in portal.requests
        if "ShowArticle.asp" in r.path or r.path.rstrip("/").split("/")[-1][:1].isdigit()
    ]


def test_first_poll_stores_every_listed_article_as_baseline(
    tmp_path: Path, portal: ReplicaPortal, clock: Clock
) -> None:
    app = make_app(write_config(tmp_path, portal), clock)
    [outcome] = app.poll(app.categories([KJYW]))
    assert outcome.record.ok, outcome.errors
    listed = portal.articles("kjyw")[: outcome.record.items]
    assert outcome.record.items >= 10
    assert outcome.record.new == outcome.record.items
    stored = {
        a.url: a for a in app.store.articles.newest(site="zgkjcx", category="kjyw", limit=None)
    }
    assert len(stored) == len(listed)
    for truth in listed:
        article = stored[truth.url]
        assert article.title == truth.title
        assert article.source == truth.source
        assert article.baseline is True
        assert article.published.astimezone(truth.published.tzinfo) == truth.published
        assert "\ufffd" not in article.content_text
        # The last paragraph is on the page's last lines: nothing was cut off.
        assert truth.paragraphs[-1].strip("　 ")[:20] in article.content_text


def test_second_poll_of_unchanged_list_fetches_no_article(
    tmp_path: Path, portal: ReplicaPortal, clock: Clock
) -> None:
    app = make_app(write_config(tmp_path, portal), clock)
    app.poll(app.categories())
    portal.reset_log()
    clock.advance(minutes=10)
    outcomes = app.poll(app.categories())
    assert all(o.record.ok and o.record.new == 0 for o in outcomes)
    assert article_requests(portal) == []
    static = [r for r in portal.requests if r.path.endswith("Index.html")]
    assert [r.status for r in static] == [304]


def test_new_article_appears_after_next_poll_and_old_ids_stay(
    tmp_path: Path, portal: ReplicaPortal, clock: Clock
) -> None:
    app = make_app(write_config(tmp_path, portal), clock)
    app.poll(app.categories([KJYW]))
    app.rebuild_feeds()
    before = feedparser.parse(app.store.feeds.get("feeds/zgkjcx/kjyw", "atom").body)
    clock.advance(minutes=10)
    fresh = portal.publish("kjyw", title="新型储能技术取得突破 & 产业化提速")
    [outcome] = app.poll(app.categories([KJYW]))
    assert outcome.record.new == 1
    [stored] = outcome.stored
    assert stored.title == fresh.title and stored.baseline is False
    app.rebuild_feeds()
    after = feedparser.parse(app.store.feeds.get("feeds/zgkjcx/kjyw", "atom").body)
    assert after.entries[0].title == fresh.title
    old_ids = [e.id for e in before.entries]
    assert [e.id for e in after.entries[1 : len(old_ids) + 1]] == old_ids[: len(after.entries) - 1]


def test_failing_article_does_not_stop_the_others(
    tmp_path: Path, portal: ReplicaPortal, clock: Clock
) -> None:
    app = make_app(write_config(tmp_path, portal), clock)
    victim = portal.articles("kjrw")[2]
    portal.fail_next(victim.url.split("//", 1)[1].split("/", 1)[1], 500, count=10)
    [outcome] = app.poll(app.categories(["zgkjcx/kjrw"]))
    assert outcome.record.ok
    assert outcome.record.failed_articles == 1
    assert outcome.record.new == outcome.record.items - 1
    # The failed one is still "new" next time and is picked up once the page works.
    portal.fail_next("nothing-matches-this", 500, count=0)
    clock.advance(minutes=10)
    [again] = app.poll(app.categories(["zgkjcx/kjrw"]))
    assert [a.url for a in again.stored] == [victim.url]


def test_unreachable_portal_is_one_failed_poll_not_a_crash(tmp_path: Path, clock: Clock) -> None:
    with ReplicaPortal(now=clock) as gone:
        config = write_config(tmp_path, gone)
    app = make_app(config, clock)
    outcomes = app.poll(app.categories())
    assert [o.record.ok for o in outcomes] == [False, False]
    assert all(o.record.error and "127.0.0.1" in o.record.error for o in outcomes)


@pytest.mark.slow  # starts a process
def test_cli_poll_then_feeds_writes_readable_feeds(tmp_path: Path, portal: ReplicaPortal) -> None:
    config = write_config(tmp_path, portal)
    run = [sys.executable, "-m", "syndicator"]
    poll = subprocess.run(
        [*run, "poll", "-c", str(config)], capture_output=True, text=True, timeout=120
    )
    assert poll.returncode == 0, poll.stderr
    out = tmp_path / "public"
    feeds = subprocess.run(
        [*run, "feeds", "-c", str(config), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert feeds.returncode == 0, feeds.stderr
    truth = portal.articles("kjyw")
    for fmt in ("atom", "rss", "json"):
        body = (out / "feeds" / "zgkjcx" / f"kjyw.{fmt}").read_bytes()
        if fmt == "json":
            items = json.loads(body)["items"]
            titles = [i["title"] for i in items]
            assert items[0]["date_published"].endswith("+08:00")
        else:
            parsed = feedparser.parse(body)
            assert parsed.bozo == 0, fmt
            titles = [e.title for e in parsed.entries]
        assert titles == [a.title for a in truth[: len(titles)]], fmt
        assert len(titles) >= 10
    assert (out / "feeds" / "all.atom").exists() and (out / "opml").exists()


def test_same_pipeline_on_postgresql(
    tmp_path: Path, portal: ReplicaPortal, clock: Clock, postgres: object
) -> None:
    url = postgres.new_database()  # type: ignore[attr-defined]
    app = make_app(write_config(tmp_path, portal, storage=url), clock)
    first = app.poll(app.categories())
    assert all(o.record.ok and o.record.new == o.record.items > 0 for o in first)
    clock.advance(minutes=10)
    portal.publish("kjyw", title="第二次轮询只带来这一篇")
    second = app.poll(app.categories())
    assert [o.record.new for o in second] == [1, 0]
    app.rebuild_feeds()
    atom = app.store.feeds.get("feeds/zgkjcx/kjyw", "atom")
    assert atom is not None and "第二次轮询只带来这一篇".encode() in atom.body


@pytest.mark.slow  # starts a process
def test_pipeline_feeds_pass_the_atom_schema_and_a_real_client(
    tmp_path: Path, portal: ReplicaPortal, clock: Clock
) -> None:
    from tests.support.readers import jing, sfeed_rows

    app = make_app(write_config(tmp_path, portal), clock)
    app.poll(app.categories())
    app.rebuild_feeds()
    written = app.write_static(tmp_path / "out")
    atoms = [p for p in written if p.suffix == ".atom"]
    assert len(atoms) == 4  # two categories, the site, everything
    result = jing(*atoms)
    assert result.returncode == 0, result.stdout + result.stderr
    rows = sfeed_rows((tmp_path / "out" / "feeds" / "zgkjcx" / "kjyw.rss").read_bytes())
    truth = {a.url: a for a in portal.articles("kjyw")}
    assert len(rows) >= 10
    for row in rows:
        article = truth[row["link"]]
        assert row["title"] == article.title
        assert int(row["timestamp"]) == int(article.published.timestamp())


def test_empty_list_three_times_turns_broken_and_feed_keeps_its_items(
    tmp_path: Path, portal: ReplicaPortal, clock: Clock
) -> None:
    app = make_app(write_config(tmp_path, portal), clock)
    [first] = app.poll(app.categories([KJYW]))
    app.rebuild_feeds()
    portal.set_empty("kjyw", True)
    statuses = []
    for _ in range(3):
        clock.advance(minutes=10)
        [outcome] = app.poll(app.categories([KJYW]))
        statuses.append(outcome.state.status)
    assert statuses == ["ok", "ok", "broken"]
    app.rebuild_feeds()
    feed = app.store.feeds.get("feeds/zgkjcx/kjyw", "atom")
    assert feed is not None
    assert len(feedparser.parse(feed.body).entries) == first.record.new
    portal.set_empty("kjyw", False)
    clock.advance(minutes=10)
    [healed] = app.poll(app.categories([KJYW]))
    assert (healed.previous.status, healed.state.status) == ("broken", "ok")


def test_failed_article_on_a_static_list_is_retried_not_hidden_by_304(
    tmp_path: Path, portal: ReplicaPortal, clock: Clock
) -> None:
    app = make_app(write_config(tmp_path, portal), clock)
    victim = portal.articles("kjyw")[3]
    portal.fail_next(victim.url.split("/", 3)[3], 503, count=10)
    [first] = app.poll(app.categories([KJYW]))
    assert first.record.failed_articles == 1
    portal.fail_next("", 0, count=0)
    clock.advance(minutes=10)
    [second] = app.poll(app.categories([KJYW]))
    assert [a.url for a in second.stored] == [victim.url]
    clock.advance(minutes=10)
    [third] = app.poll(app.categories([KJYW]))
    assert third.record.not_modified


def test_backfill_walks_the_pager_and_never_notifies(
    tmp_path: Path, portal: ReplicaPortal, clock: Clock
) -> None:
    app = make_app(write_config(tmp_path, portal), clock)
    [spec] = app.categories([KJYW])
    seen: list[tuple[int, int]] = []
    report = app.backfill(spec, pages=5, on_page=lambda r: seen.append((r.pages, r.stored)))
    truth = portal.articles("kjyw")
    assert report.ok and report.listed == len(truth)  # every page, in order
    stored = app.store.articles.newest(site="zgkjcx", category="kjyw", limit=None)
    assert {a.url for a in stored} == {a.url for a in truth}
    assert all(a.baseline for a in stored)
    # Stored page by page: each page's articles were kept as it was read.
    assert [pages for pages, _ in seen] == [1, 2, 3] and seen[-1][1] == len(truth)
    assert seen[0][1] == 20 and report.pages == 3
    # Reversed List_N numbering: the pages were followed by their 下一页 links.
    pages = [
        r.path
        for r in portal.requests
        if "/Article/kjyw/" in r.path and ("Index" in r.path or "List_" in r.path)
    ]
    assert pages[0].endswith("Index.html") and len(pages) == 3
    assert app.store.outbox.list() == []  # nothing planned: a backfill never notifies
    app.close()


def test_backfill_after_polls_reads_the_whole_pager(
    tmp_path: Path, portal: ReplicaPortal, clock: Clock
) -> None:
    """The polls' stored validators would answer 304 for page 1: a backfill reads it
    whole, and leaves the category's health as the polls left it."""
    app = make_app(write_config(tmp_path, portal), clock)
    [spec] = app.categories([KJYW])
    app.poll([spec])
    assert app.store.categories.http_cache(list_cache_key(spec, spec.list_url)) is not None
    # A worker has meanwhile set the next poll: a backfill must not write it back.
    far = clock() + timedelta(hours=5)
    app.store.categories.set_next_due("zgkjcx", "kjyw", far)
    state = app.store.categories.state("zgkjcx", "kjyw")
    report = app.backfill(spec, pages=3)
    assert report.ok and report.pages == 3 and report.listed == len(portal.articles("kjyw"))
    assert report.stored == len(portal.articles("kjyw")) - 20
    after = app.store.categories.state("zgkjcx", "kjyw")
    assert (after.polls, after.status, after.consecutive_failures, after.next_due) == (
        state.polls,
        state.status,
        state.consecutive_failures,
        far,
    )
    app.close()


def test_an_interrupted_backfill_keeps_the_pages_it_finished(
    tmp_path: Path, portal: ReplicaPortal, clock: Clock
) -> None:
    app = make_app(write_config(tmp_path, portal), clock)
    [spec] = app.categories([KJYW])
    portal.fail_next("List_", 404, count=50)  # no page past the first can be read
    report = app.backfill(spec, pages=5)
    assert not report.ok and report.pages == 1 and "404" in (report.error or "")
    assert app.store.articles.count(site="zgkjcx", category="kjyw") == report.stored == 20
    app.close()


@pytest.mark.slow  # starts a process
def test_cli_backfill_reports_what_it_stored(tmp_path: Path, portal: ReplicaPortal) -> None:
    config = write_config(tmp_path, portal)
    result = subprocess.run(
        [sys.executable, "-m", "syndicator", "backfill", "-c", str(config), KJYW, "--pages", "2"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "zgkjcx/kjyw: 2 pages read, 40 listed, 40 stored, 0 failed" in result.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "syndicator", "backfill", "-c", str(config), KJYW, "--pages", "0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 1 and len(bad.stderr.strip().splitlines()) == 1


def test_a_long_list_is_read_a_capped_number_of_articles_per_poll(
    tmp_path: Path, portal: ReplicaPortal, clock: Clock
) -> None:
    config = write_config(tmp_path, portal)
    config.write_text(
        config.read_text("utf-8").replace("  every: 10m\n", "  every: 10m\n  max_new_per_poll: 6\n")
    )
    app = make_app(config, clock)
    [spec] = app.categories([KJYW])
    listed = len(portal.articles("kjyw")[:20])
    stored = []
    for n in range(10):
        [outcome] = app.poll([spec])
        stored.append(outcome.record.new)
        if n == 0:  # newest first: the first poll takes the top of the list
            urls = {a.url for a in app.store.articles.newest(site="zgkjcx", category="kjyw")}
            assert {a.url for a in portal.articles("kjyw")[:6]} == urls
        if outcome.deferred == 0:
            break
        assert (
            outcome.record.new == 6
            and app.store.categories.http_cache(list_cache_key(spec, spec.list_url)) is None
        )
    assert sum(stored) == app.store.articles.count(site="zgkjcx", category="kjyw")
    assert stored[:-1] == [6] * (len(stored) - 1) and 0 < stored[-1] <= 6
    assert sum(stored) >= min(listed, 20)
    app.close()


class _Ticking(Clock):
    """A clock that moves on by itself each time it is read: a slow portal."""

    def __call__(self) -> datetime:
        self.now = self.now + timedelta(seconds=7)
        return self.now


def test_a_poll_past_its_deadline_leaves_the_rest_for_the_next_poll(
    tmp_path: Path, portal: ReplicaPortal
) -> None:
    config = write_config(tmp_path, portal)
    config.write_text(
        config.read_text("utf-8").replace(
            "  timeout: 5s\n", "  timeout: 5s\n  poll_deadline: 60s\n"
        )
    )
    clock = _Ticking(datetime(2023, 3, 20, 1, 0, tzinfo=UTC))
    app = make_app(config, clock)
    [spec] = app.categories([KJYW])
    [first] = app.poll([spec])
    assert first.record.ok and 0 < first.record.new < 20 and first.deferred > 0
    assert first.record.new + first.deferred == first.record.items
    # Nothing was lost: the next polls take the rest, and no validator hid it.
    assert app.store.categories.http_cache(list_cache_key(spec, spec.list_url)) is None
    total = first.record.new
    for _ in range(10):
        [outcome] = app.poll([spec])
        total += outcome.record.new
        if outcome.deferred == 0:
            break
    assert total == app.store.articles.count(site="zgkjcx", category="kjyw") == first.record.items
    app.close()


def test_a_stopping_process_stores_what_its_polls_read_and_fetches_no_more(
    tmp_path: Path, portal: ReplicaPortal, clock: Clock
) -> None:
    app = make_app(write_config(tmp_path, portal), clock)
    [spec] = app.categories([KJYW])

    class Signal(threading.Event):
        """Set, as SIGTERM would, once the fourth article is next."""

        asked = 0

        def is_set(self) -> bool:
            self.asked += 1
            return self.asked >= 4

    app.stopping = Signal()
    portal.reset_log()
    [outcome] = app.poll([spec])
    assert outcome.record.ok and outcome.record.new == 3
    assert outcome.deferred == outcome.record.items - 3
    assert app.store.articles.count(site="zgkjcx", category="kjyw") == 3
    app.close()


def test_two_categories_on_one_list_url_each_read_it_whole(
    tmp_path: Path, portal: ReplicaPortal, clock: Clock
) -> None:
    """A list watched by two categories (two sites, or one list under two names): one
    category's validators must not turn the other's first poll into a 304."""
    config = write_config(tmp_path, portal)
    text = config.read_text("utf-8")
    base = portal.base_url
    twin = (
        f"  - id: twin\n    name: Twin\n    url: {base}\n    categories:\n"
        f"      - id: kjyw\n        name: 科技要闻\n"
        f"        list_url: {base}Article/kjyw/Index.html\n"
    )
    config.write_text(text.replace("feeds:\n", twin + "feeds:\n", 1), "utf-8")
    app = make_app(config, clock)
    first, second = app.categories(["zgkjcx/kjyw", "twin/kjyw"])
    [one] = app.poll([first])
    [two] = app.poll([second])
    assert one.record.new > 0 and not two.record.not_modified
    assert two.record.new == one.record.new
    app.close()
