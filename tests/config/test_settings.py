"""Defaults flow down to categories; settings come out in the shared types."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from syndicator import models
from syndicator.config import Config
from syndicator.errors import ConfigError
from syndicator.models import Schedule, ScheduleKind

Load = Callable[..., Config]

LAYERED = """\
defaults:
  every: 15m
  timezone: Asia/Shanghai
  notify_on_first_poll: true
  min: 1m
sites:
  - id: a
    name: A
    url: http://a.example/
    timezone: Asia/Hong_Kong
    cron: "0 * * * *"
    categories:
      - {id: inherit, name: 继承, list_url: "http://a.example/1"}
      - {id: own, name: 自定, list_url: "http://a.example/2", every: 5m,
         timezone: Europe/Berlin, notify_on_first_poll: false}
      - {id: adaptive, name: 自适应, list_url: "http://a.example/3", every: auto, max: 30m}
  - id: b
    name: B
    url: http://b.example/
    categories:
      - {id: plain, name: 默认, list_url: "http://b.example/1", pages: 2,
         selectors: {body: "#fontzoom", exclude: [".pager"]}}
"""


def test_categories_take_the_nearest_setting(load: Load) -> None:
    conf = load(LAYERED)
    specs = {spec.key: spec for spec in conf.categories()}
    assert list(specs) == ["a/inherit", "a/own", "a/adaptive", "b/plain"]
    assert specs["a/inherit"].timezone == "Asia/Hong_Kong"
    assert specs["a/own"].timezone == "Europe/Berlin"
    assert specs["b/plain"].timezone == "Asia/Shanghai"
    assert specs["a/inherit"].notify_on_first_poll is True
    assert specs["a/own"].notify_on_first_poll is False
    assert specs["b/plain"].pages == 2
    assert specs["b/plain"].selectors == models.Selectors(body="#fontzoom", exclude=(".pager",))
    assert specs["a/inherit"].site_name == "A"
    assert specs["a/inherit"].site_url == "http://a.example/"


def test_schedules(load: Load) -> None:
    conf = load(LAYERED)
    assert conf.category_schedule("a/inherit") == Schedule(
        ScheduleKind.CRON, cron="0 * * * *", min=60.0, max=3600.0, timezone="Asia/Hong_Kong"
    )
    assert conf.category_schedule("a/own") == Schedule(
        ScheduleKind.INTERVAL, seconds=300.0, min=60.0, max=3600.0, timezone="Europe/Berlin"
    )
    assert conf.category_schedule("a/adaptive") == Schedule(
        ScheduleKind.AUTO, min=60.0, max=1800.0, timezone="Asia/Hong_Kong"
    )
    assert conf.category_schedule(conf.find_category("b/plain")) == Schedule(
        ScheduleKind.INTERVAL, seconds=900.0, min=60.0, max=3600.0, timezone="Asia/Shanghai"
    )


def test_spec_defaults_without_any_defaults_section(load: Load) -> None:
    conf = load(
        "sites: [{id: s, name: S, url: 'http://s.example/', categories: "
        "[{id: c, name: C, list_url: 'http://s.example/l'}]}]\n"
    )
    assert conf.category_schedule("s/c") == Schedule(ScheduleKind.INTERVAL, seconds=600.0)
    assert conf.categories()[0] == models.CategorySpec(
        site_id="s",
        site_name="S",
        site_url="http://s.example/",
        id="c",
        name="C",
        list_url="http://s.example/l",
    )
    assert conf.fetch_settings() == models.FetchSettings()
    assert conf.feed_settings() == models.FeedSettings()


def test_min_above_max_across_levels(load: Load) -> None:
    with pytest.raises(ConfigError, match=r"min \(1800s\) is longer than max \(600s\)"):
        load(LAYERED.replace("min: 1m", "min: 30m").replace("max: 30m", "max: 10m"))


def test_find_category_rejects_unknown_names(load: Load) -> None:
    conf = load(LAYERED)
    with pytest.raises(ConfigError) as caught:
        conf.find_category("a/inheri")
    assert "unknown category 'a/inheri' (did you mean 'a/inherit'?)" in str(caught.value)
    assert caught.value.file == str(conf.source_path)


def test_fetch_and_feed_settings(load: Load) -> None:
    conf = load(
        LAYERED
        + """\
server: {public_url: "https://feeds.example/"}
fetch: {user_agent: ua/1, timeout: 1m, host_delay: 1500ms, retries: 0,
        robots_txt: false, max_bytes: 2MiB}
feeds: {formats: [rss, json], max_items: 10, full_content: false,
        hubs: ["https://hub.example/"]}
"""
    )
    assert conf.fetch_settings() == models.FetchSettings(
        user_agent="ua/1",
        timeout=60.0,
        host_delay=1.5,
        retries=0,
        robots_txt=False,
        max_bytes=2 * 1024 * 1024,
    )
    assert conf.feed_settings() == models.FeedSettings(
        public_url="https://feeds.example/",
        formats=("rss", "json"),
        max_items=10,
        full_content=False,
        hubs=("https://hub.example/",),
    )


def test_config_is_frozen(load: Load) -> None:
    conf = load(LAYERED)
    with pytest.raises(ValueError):
        conf.storage = "sqlite:///elsewhere.db"


def test_relative_sqlite_path_is_resolved_against_the_working_directory(
    load: Load, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    conf = load("storage: sqlite:///data/x.db\n" + LAYERED)
    assert conf.storage == "sqlite:///data/x.db"
    assert conf.database_url == f"sqlite:///{tmp_path}/data/x.db"
    assert not (tmp_path / "data").exists()
    for url in ("sqlite:////abs/x.db", "sqlite:///:memory:", "postgresql+psycopg://u:p@h/db"):
        assert load(f"storage: '{url}'\n" + LAYERED).database_url == url


def test_yaml_anchors_and_merge_keys(load: Load) -> None:
    conf = load("""\
x-common: &common {url: "http://a.example/", name: A}
sites:
  - <<: *common
    id: a
    categories: [{id: c, name: C, list_url: "http://a.example/1"}]
""")
    assert conf.categories()[0].site_url == "http://a.example/"
    assert conf.categories()[0].site_name == "A"


def test_private_addresses_are_allowed_only_where_the_config_says(load: Load) -> None:
    conf = load(
        """\
sites:
  - id: intra
    name: 内网
    url: http://intranet.example.org/
    allow_private: true
    categories:
      - {id: a, name: A, list_url: "http://news.intranet.example.org/list.html"}
  - id: pub
    name: P
    url: http://www.example.org/
    categories:
      - {id: b, name: B, list_url: "http://www.example.org/list.html"}
"""
    )
    settings = conf.fetch_settings()
    assert settings.private_hosts == {"intranet.example.org", "news.intranet.example.org"}
    assert settings.may_reach_private("News.Intranet.Example.Org.")
    assert not settings.may_reach_private("www.example.org")
    assert not settings.allow_private
    everywhere = load("fetch: {allow_private: true}\n" + conf_sites_only())
    assert everywhere.fetch_settings().may_reach_private("www.example.org")


def conf_sites_only() -> str:
    return """\
sites:
  - id: pub
    name: P
    url: http://www.example.org/
    categories:
      - {id: b, name: B, list_url: "http://www.example.org/list.html"}
"""
