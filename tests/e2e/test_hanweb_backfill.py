"""Backfill of a Hanweb JCMS column over HTTP: the column page, then dataproxy.jsp
windows derived from the jpage numbers, until the last record."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from syndicator.runtime.service import Service
from tests.e2e.hanweb_site import HanwebSite
from tests.support.clock import Clock
from tests.support.configs import SETTINGS, make_app

CONFIG = (
    SETTINGS
    + """\
sites:
  - id: zjkjt
    name: 浙江省科学技术厅
    url: {base}
    categories:
      - id: gzdt
        name: 工作动态
        list_url: {base}col/col1229/index.html
"""
)


@pytest.fixture
def site() -> Iterator[HanwebSite]:
    # 23 records, 5 a page, 2 pages a group: records 1-10 on the column page, then
    # windows 11-20 and 21-30 (three records).
    with HanwebSite(total=23, per_page=5, group_size=2) as server:
        yield server


def hanweb_app(tmp_path: Path, site: HanwebSite, clock: Clock) -> Service:
    path = tmp_path / "syndicator.yaml"
    path.write_text(
        CONFIG.format(storage=f"sqlite:///{tmp_path / 'test.db'}", base=site.base_url),
        encoding="utf-8",
    )
    return make_app(path, clock)


def test_backfill_follows_dataproxy_windows_to_the_last_record(
    tmp_path: Path, site: HanwebSite, clock: Clock
) -> None:
    app = hanweb_app(tmp_path, site, clock)
    [spec] = app.categories(["zjkjt/gzdt"])
    report = app.backfill(spec, pages=10)
    assert report.ok, report.error
    assert report.listed == 23 and report.stored == 23 and report.pages == 3
    stored = app.store.articles.newest(site="zjkjt", category="gzdt", limit=None)
    assert {a.url for a in stored} == {site.base_url + r.path[1:] for r in site.records}
    assert {a.title for a in stored} == {r.title for r in site.records}
    assert all(a.baseline for a in stored)
    # Three list pages: no window past <totalrecord>, although --pages allowed ten.
    assert site.proxy_windows() == [(11, 20, 5), (21, 30, 5)]
    assert site.requests.count("/col/col1229/index.html") == 1
    app.close()


def test_backfill_stops_at_the_pages_asked_for(
    tmp_path: Path, site: HanwebSite, clock: Clock
) -> None:
    app = hanweb_app(tmp_path, site, clock)
    [spec] = app.categories(["zjkjt/gzdt"])
    report = app.backfill(spec, pages=2)
    assert report.ok, report.error
    assert report.listed == 20 and report.stored == 20 and report.pages == 2
    assert site.proxy_windows() == [(11, 20, 5)]
    app.close()


def test_poll_after_backfill_reads_only_the_column_page(
    tmp_path: Path, site: HanwebSite, clock: Clock
) -> None:
    app = hanweb_app(tmp_path, site, clock)
    [spec] = app.categories(["zjkjt/gzdt"])
    app.backfill(spec, pages=10)
    site.requests.clear()
    clock.advance(minutes=10)
    [outcome] = app.poll([spec])
    assert outcome.record.ok and outcome.record.new == 0
    # Every record on the column page is known: the proxy is not asked for more.
    assert site.requests == ["/col/col1229/index.html"]
    app.close()
