"""Feed builds after a poll: only the feeds that hold the polled category, and one build
at a time across processes, so the last feed written holds the newest articles."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from syndicator.demo.portal import ReplicaPortal
from syndicator.runtime.service import Service
from tests.support.clock import Clock
from tests.support.configs import make_app, write_config

KJYW = "zgkjcx/kjyw"


def spy_reads(app: Service, monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, Any]]:
    reads: list[tuple[Any, Any]] = []
    original = app.store.articles.newest

    def articles(**kw: Any) -> Any:
        reads.append((kw.get("site"), kw.get("category")))
        return original(**kw)

    monkeypatch.setattr(app.store.articles, "newest", articles)
    return reads


def test_a_poll_rebuilds_only_the_feeds_that_hold_its_category(
    tmp_path: Path, portal: ReplicaPortal, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(write_config(tmp_path, portal), clock)
    try:
        app.poll(app.categories())
        app.rebuild_feeds()
        fresh = portal.publish("kjyw", title="量子计算原型机问世")
        clock.advance(minutes=10)
        app.poll(app.categories([KJYW]))
        reads = spy_reads(app, monkeypatch)
        changed = app.rebuild_feeds(app.categories([KJYW]))
        assert sorted(reads, key=str) == sorted(
            [("zgkjcx", "kjyw"), ("zgkjcx", None), (None, None)], key=str
        )
        assert sorted(changed) == sorted(
            f"{path}.{fmt}"
            for path in ("feeds/zgkjcx/kjyw", "feeds/zgkjcx", "feeds/all")
            for fmt in ("atom", "rss", "json")
        )
        for path in ("feeds/zgkjcx/kjyw", "feeds/zgkjcx", "feeds/all"):
            feed = app.store.feeds.get(path, "atom")
            assert feed is not None and fresh.title.encode() in feed.body
    finally:
        app.close()


@pytest.mark.parametrize("db", ["sqlite", "postgresql"])
def test_builds_take_turns_so_the_newest_read_is_written_last(
    db: str,
    tmp_path: Path,
    portal: ReplicaPortal,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> None:
    """Worker A reads the articles, then stalls; worker B stores a new article and
    builds. B must wait for A, or A's older bytes would overwrite B's feed."""
    storage = request.getfixturevalue("postgres").new_database() if db == "postgresql" else None
    config = write_config(tmp_path, portal, storage)
    a, b = make_app(config, clock), make_app(config, clock)
    try:
        a.poll(a.categories())
        a.rebuild_feeds()
        [spec] = a.categories([KJYW])
        read, go = threading.Event(), threading.Event()
        original = a.store.articles.newest

        def stalled(**kw: Any) -> Any:
            rows = original(**kw)
            if kw.get("category") == "kjyw":
                read.set()
                assert go.wait(10)
            return rows

        monkeypatch.setattr(a.store.articles, "newest", stalled)
        builder_a = threading.Thread(target=a.rebuild_feeds, args=([spec],))
        builder_a.start()
        assert read.wait(10)
        fresh = portal.publish("kjyw", title="新一代超导材料研制成功")
        clock.advance(minutes=10)
        [outcome] = b.poll([spec])
        assert outcome.record.new == 1
        builder_b = threading.Thread(target=b.rebuild_feeds, args=([spec],))
        builder_b.start()
        builder_b.join(0.5)
        assert builder_b.is_alive()  # waiting for A's build to finish
        go.set()
        builder_a.join(10)
        builder_b.join(10)
        assert not builder_a.is_alive() and not builder_b.is_alive()
        feed = b.store.feeds.get("feeds/zgkjcx/kjyw", "atom")
        assert feed is not None and fresh.title.encode() in feed.body
    finally:
        a.close()
        b.close()


def test_no_feed_is_built_for_categories_never_read(
    tmp_path: Path, portal: ReplicaPortal, clock: Clock
) -> None:
    """Before its first successful poll a feed is not built, so the web answers 503 and
    Retry-After rather than an empty feed."""
    app = make_app(write_config(tmp_path, portal), clock)
    try:
        assert app.rebuild_feeds() == []
        assert app.store.feeds.all() == []
        portal.fail_next("kjyw/Index.html", 500, count=10)
        [failed] = app.poll(app.categories([KJYW]))
        assert not failed.record.ok
        assert app.rebuild_feeds() == []
        portal.fail_next("", 0, count=0)
        clock.advance(minutes=10)
        app.poll(app.categories([KJYW]))
        app.rebuild_feeds()
        built = {(f.path, f.format) for f in app.store.feeds.all()}
        assert built == {
            (path, fmt)
            for path in ("feeds/zgkjcx/kjyw", "feeds/zgkjcx", "feeds/all")
            for fmt in ("atom", "rss", "json")
        }
    finally:
        app.close()


def test_out_files_are_the_stored_bytes_and_only_of_feeds_built(
    tmp_path: Path, portal: ReplicaPortal, clock: Clock
) -> None:
    """--out files hold what the store serves: with several workers, the last built; a
    feed never built has no file (a static server's 404, not an empty feed)."""
    app = make_app(write_config(tmp_path, portal), clock)
    out = tmp_path / "out"
    app.write_static(out)
    # The stylesheet a browser shows the feeds with goes out with them.
    names = sorted(p.name for p in out.rglob("*") if p.is_file())
    assert names == ["feed.xsl", "opml", "opml.xml"]
    app.poll(app.categories(["zgkjcx/kjyw"]))
    app.rebuild_feeds()
    written = {p.relative_to(out).as_posix() for p in app.write_static(out)}
    assert "feeds/zgkjcx/kjyw.atom" in written and "feeds/all.rss" in written
    assert not any(p.startswith("feeds/zgkjcx/kjrw") for p in written)  # never read
    for path in ("feeds/zgkjcx/kjyw", "feeds/zgkjcx", "feeds/all"):
        for fmt in ("atom", "rss", "json"):
            stored = app.store.feeds.get(path, fmt)
            assert stored is not None
            assert (out / f"{path}.{fmt}").read_bytes() == stored.body
    app.close()
