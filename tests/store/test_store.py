"""The store against a real SQLite file and a real PostgreSQL server."""

from __future__ import annotations

import shutil
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect

from syndicator.errors import StoreError
from syndicator.models import Article, ArticleIntent, Change, HttpCache, PollRecord
from syndicator.poll.decide import next_state
from syndicator.store import Store
from tests.support.migrations import migrate

T0 = datetime(2023, 3, 1, 6, 47, tzinfo=UTC)


def article(key: str, minutes: int = 0, **changes: object) -> Article:
    base = Article(
        site="zgkjcx",
        category="kjyw",
        key=key,
        url=f"http://www.zgkjcx.com/{key}.html",
        title=f"标题{key}",
        published=T0 + timedelta(minutes=minutes),
        date_only=False,
        first_seen=T0 + timedelta(minutes=minutes),
        updated=T0 + timedelta(minutes=minutes),
        source="浙江省科技厅",
        author=None,
        editor="zgkjcx",
        category_name="科技要闻",
        content_html="<p>正文。</p>",
        content_text="正文。",
        images=("http://x/a.jpg",),
        attachments=(),
        content_hash=f"h{key}",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def record(ok: bool = True, items: int = 1, **kw: object) -> PollRecord:
    return PollRecord(
        site="zgkjcx", category="kjyw", started=T0, finished=T0, ok=ok, items=items, **kw
    )  # type: ignore[arg-type]


def put(
    store: Store,
    intents: list[ArticleIntent],
    rec: PollRecord,
    caches: list[HttpCache] | None = None,
) -> list[Article]:
    state = next_state(store.categories.state(rec.site, rec.category), rec)
    return store.apply(intents, rec, state, caches or [])


def test_upgrade_creates_schema_and_is_idempotent(store: Store) -> None:
    store.upgrade()
    names = set(inspect(store.engine).get_table_names())
    assert {
        "articles",
        "http_cache",
        "category_state",
        "polls",
        "feeds",
        "alembic_version",
    } <= names


def test_sqlite_runs_in_wal_mode(store: Store) -> None:
    if store.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_apply_stores_articles_poll_and_validators_together(store: Store) -> None:
    a = article("2603")
    stored = put(
        store,
        [ArticleIntent(a, Change.NEW, notify=False)],
        record(),
        [HttpCache("http://l", '"e1"', "Wed, 01 Mar 2023 06:47:00 GMT")],
    )
    assert stored == [a]
    assert store.articles.get("zgkjcx", "2603") == a
    assert store.categories.http_cache("http://l") == HttpCache(
        "http://l", '"e1"', "Wed, 01 Mar 2023 06:47:00 GMT"
    )
    assert store.categories.state("zgkjcx", "kjyw").polls == 1


def test_same_article_twice_is_stored_once_and_reported_once(store: Store) -> None:
    a = article("1")
    assert put(store, [ArticleIntent(a, Change.NEW, False)], record()) == [a]
    assert put(store, [ArticleIntent(a, Change.NEW, False)], record()) == []
    assert store.articles.count(site="zgkjcx") == 1


def test_change_keeps_identity_first_seen_and_baseline(store: Store) -> None:
    a = article("1", baseline=True)
    put(store, [ArticleIntent(a, Change.NEW, False)], record())
    later = T0 + timedelta(hours=1)
    changed = replace(
        a, title="新标题", content_hash="other", first_seen=later, updated=later, baseline=False
    )
    assert put(store, [ArticleIntent(changed, Change.CHANGED, False)], record()) == [changed]
    got = store.articles.get("zgkjcx", "1")
    assert got is not None
    assert (got.title, got.first_seen, got.updated, got.baseline) == ("新标题", T0, later, True)


def test_a_change_keeps_the_version_it_replaced(store: Store) -> None:
    a = article("1", listed="sig1")
    put(store, [ArticleIntent(a, Change.NEW, False)], record())
    later = T0 + timedelta(hours=1)
    first = replace(a, content_text="更正。", content_hash="h2", updated=later)
    second = replace(
        first, content_text="再更正。", content_hash="h3", updated=later + timedelta(hours=1)
    )
    assert put(store, [ArticleIntent(first, Change.CHANGED, True)], record()) == [first]
    # The same change planned twice (two workers) is stored and archived once.
    assert put(store, [ArticleIntent(first, Change.CHANGED, True)], record()) == []
    assert put(store, [ArticleIntent(second, Change.CHANGED, True)], record()) == [second]
    versions = store.articles.versions("zgkjcx", "1")
    assert [(v.content_text, v.content_hash) for v in versions] == [
        ("正文。", "h1"),
        ("更正。", "h2"),
    ]
    assert store.articles.get("zgkjcx", "1") == second
    assert store.articles.versions("zgkjcx", "nothing") == []


def test_relisting_stores_only_the_list_signature(store: Store) -> None:
    a = article("1", listed=None)
    put(store, [ArticleIntent(a, Change.NEW, False)], record())
    # A relisted intent carries other content by mistake: only ``listed`` may move.
    moved = replace(a, listed="sig2", title="不该写入")
    assert put(store, [ArticleIntent(moved, Change.RELISTED, False)], record()) == []
    assert store.articles.get("zgkjcx", "1") == replace(a, listed="sig2")
    assert store.articles.listings("zgkjcx", ["1", "2"]) == {"1": ("kjyw", "sig2")}
    assert store.articles.versions("zgkjcx", "1") == []


def test_the_recheck_time_is_kept_with_the_category_state(store: Store) -> None:
    rec = record()
    state = replace(next_state(store.categories.state("zgkjcx", "kjyw"), rec), rechecked=T0)
    store.apply([], rec, state)
    assert store.categories.state("zgkjcx", "kjyw").rechecked == T0
    # A later poll's state carries it on.
    put(store, [], record())
    assert store.categories.state("zgkjcx", "kjyw").rechecked == T0


def test_articles_newest_first_and_limited(store: Store) -> None:
    intents = [ArticleIntent(article(str(i), minutes=i), Change.NEW, False) for i in range(5)]
    put(store, intents, record())
    assert [a.key for a in store.articles.newest(limit=3)] == ["4", "3", "2"]
    assert store.articles.known_keys("zgkjcx", ["1", "9", "4"]) == {"1", "4"}


def test_category_state_counts_failures_and_empty_lists(store: Store) -> None:
    put(store, [], record(ok=False, error="boom"))
    put(store, [], record(ok=False, error="boom again"))
    state = store.categories.state("zgkjcx", "kjyw")
    assert (state.consecutive_failures, state.last_error, state.last_success) == (
        2,
        "boom again",
        None,
    )
    put(store, [], record(items=0))
    put(store, [], record(items=0, not_modified=True))
    put(store, [], record(items=0))
    state = store.categories.state("zgkjcx", "kjyw")
    # The 304 repeats the empty answer before it, so the streak is three.
    assert (state.consecutive_failures, state.empty_polls, state.polls) == (0, 3, 5)
    assert [p.ok for p in store.categories.recent_polls("zgkjcx", "kjyw")] == [
        True,
        True,
        True,
        False,
        False,
    ]


def test_put_feed_reports_change_only_when_bytes_differ(store: Store) -> None:
    assert store.feeds.put("feeds/all", "atom", b"<feed/>", T0, T0) is True
    first = store.feeds.get("feeds/all", "atom")
    assert store.feeds.put("feeds/all", "atom", b"<feed/>", T0, T0) is False
    assert store.feeds.get("feeds/all", "atom") == first
    assert store.feeds.put("feeds/all", "atom", b"<feed></feed>", T0, T0) is True
    new = store.feeds.get("feeds/all", "atom")
    assert first is not None and new is not None and new.etag != first.etag


def test_datetimes_come_back_aware_whatever_the_input_zone(store: Store) -> None:
    from zoneinfo import ZoneInfo

    local = datetime(2023, 3, 1, 14, 47, tzinfo=ZoneInfo("Asia/Shanghai"))
    a = article("tz", published=local)
    put(store, [ArticleIntent(a, Change.NEW, False)], record())
    got = store.articles.get("zgkjcx", "tz")
    assert got is not None and got.published == local and got.published.tzinfo is UTC


@pytest.mark.slow  # starts a process
def test_processes_started_together_on_a_fresh_database_all_upgrade(
    store: Store, tmp_path: Path
) -> None:
    """A worker and a web process started at once must not race each other's migration
    ("table already exists"); on a fresh database, several times over."""
    import subprocess
    import sys
    import time

    from syndicator.store.tables import metadata

    url = store.url
    for _ in range(3):
        with store.engine.begin() as conn:
            metadata.drop_all(conn)
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        # Each process imports first, then all start migrating at the same instant.
        start = time.time() + 1.5
        code = (
            "import time; from syndicator.store import Store; "
            f"s = Store({url!r}); time.sleep(max(0, {start} - time.time())); s.upgrade()"
        )
        procs = [
            subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE) for _ in range(3)
        ]
        errors = [p.communicate(timeout=60)[1].decode() for p in procs]
        assert [p.returncode for p in procs] == [0, 0, 0], errors
    assert store.categories.state("zgkjcx", "kjyw").polls == 0


def test_a_feeds_lock_held_by_a_stuck_process_is_a_clear_error_in_bounded_time(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from syndicator.store import engine as engine_module

    monkeypatch.setattr(engine_module, "LOCK_WAIT", 0.5)
    held = threading.Event()
    release = threading.Event()

    def stuck() -> None:
        with store.feeds.lock():
            held.set()
            release.wait(10)

    holder = threading.Thread(target=stuck)
    holder.start()
    try:
        assert held.wait(10)
        started = time.monotonic()
        with pytest.raises(StoreError, match=r"feeds lock .* for over 0s"), store.feeds.lock():
            pass
        assert time.monotonic() - started < 5
    finally:
        release.set()
        holder.join(10)
    with store.feeds.lock():  # free again once the holder is gone
        pass


def test_a_sqlite_file_deleted_or_replaced_in_use_is_a_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "db" / "s.db"
    store = Store(f"sqlite:///{path}")
    store.upgrade()
    assert store.problems() == []
    path.unlink()
    assert store.problems() == [f"the database file {path} was deleted while in use"]
    path.write_bytes(b"")
    assert store.problems() == [f"the database file {path} was replaced while in use"]
    store.close()


def test_a_nearly_full_disk_is_a_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store(f"sqlite:///{tmp_path}/s.db")
    store.upgrade()
    real = shutil.disk_usage
    monkeypatch.setattr(shutil, "disk_usage", lambda p: real(p)._replace(free=10_000_000))
    assert store.problems() == [f"10 MB free on the disk of {tmp_path}"]
    store.close()


def test_a_vanished_database_is_never_silently_started_anew(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    first = Store(f"sqlite:///{path}")
    first.upgrade()
    first.close()
    path.unlink()
    again = Store(f"sqlite:///{path}")
    with pytest.raises(StoreError, match=r"database file is gone but s\.db\.migrate\.lock"):
        again.upgrade()
    assert not path.exists()
    for leftover in tmp_path.glob("s.db*"):
        leftover.unlink()
    again.upgrade()  # the operator's choice: a new history
    again.close()


def test_migration_0006_recomputes_hashes_from_what_a_reader_sees(store: Store) -> None:
    from syndicator.poll.decide import content_hash

    migrate(store, "downgrade", "0005")
    assert "article_versions" not in set(inspect(store.engine).get_table_names())
    with store.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO articles (site, category, key, url, title, published, date_only,"
            " first_seen, updated, source, author, editor, category_name, content_html,"
            " content_text, images, attachments, content_hash, baseline) VALUES ('s', 'c',"
            " 'k', 'http://x/k.html', 'T', '2023-03-01 06:47:00', false, '2023-03-01 06:47:00',"
            " '2023-03-01 06:47:00', '来源', NULL, NULL, '科技要闻', '<p>a  b</p>', 'a  b',"
            " '[\"http://x/i.jpg\"]', '[\"http://x/f.pdf\"]', 'old', false)"
        )
    store.upgrade()
    got = store.articles.get("s", "k")
    assert got is not None and got.listed is None
    assert got.content_hash == content_hash(
        "T", "a b", "来源", None, None, ("http://x/i.jpg",), ("http://x/f.pdf",)
    )
    assert store.categories.state("s", "c").rechecked is None


def test_migration_0007_keeps_feeds_gzipped_and_numbers_their_changes(store: Store) -> None:
    body = "<feed>科技要闻</feed>".encode() * 100
    assert store.feeds.put("feeds/a", "atom", body, T0, T0)
    etag = store.feeds.get("feeds/a", "atom").etag  # type: ignore[union-attr]
    migrate(store, "downgrade", "0006")
    with store.engine.connect() as conn:
        assert bytes(conn.exec_driver_sql("SELECT body FROM feeds").scalar_one()) == body
    migrate(store, "upgrade", "head")
    got = store.feeds.get("feeds/a", "atom")
    assert got is not None and (got.body, got.etag) == (body, etag)
    assert got.gzipped is not None and len(got.gzipped) < len(body) / 4
    assert store.feeds.version() == "1"
    assert store.feeds.put("feeds/b", "rss", b"<rss/>", T0, T0)
    assert store.feeds.version() == "2"
    assert [(c.path, c.seq) for c in store.feeds.changes(1)] == [("feeds/b", 2)]
    assert not store.feeds.put("feeds/b", "rss", b"<rss/>", T0, T0)  # same bytes: no change
    assert store.feeds.version() == "2"


def test_migration_0008_packs_article_bodies_on_sqlite_and_both_ways_read_alike(
    store: Store,
) -> None:
    long_html = "<p>" + "科技创新，" * 400 + "</p>"
    a = article("a", content_html=long_html)
    put(store, [ArticleIntent(a, Change.NEW, False)], record())
    before = store.articles.get("zgkjcx", "a")
    raw = "SELECT content_html, content_text FROM articles"
    packed = store.engine.dialect.name == "sqlite"
    with store.engine.connect() as conn:
        html, _ = conn.exec_driver_sql(raw).one()
    if packed:
        assert isinstance(html, bytes) and len(html) < len(long_html.encode()) / 10
    else:
        assert html == long_html  # PostgreSQL compresses long text itself
    migrate(store, "downgrade", "0007")
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql(raw).one() == (long_html, "正文。")
    assert store.articles.get("zgkjcx", "a") == before  # a plain row still reads
    migrate(store, "upgrade", "head")
    with store.engine.connect() as conn:
        assert isinstance(conn.exec_driver_sql(raw).one()[0], bytes) == packed
    assert store.articles.get("zgkjcx", "a") == before
