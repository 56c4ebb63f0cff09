"""FEEDS.md JSON Feed 1.1 rules J1–J6, one test each."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from syndicator.feeds import build_feed, content_type
from tests.support.articles import HOME, HUB, TRICKY_TITLE, article, meta, sample


def feed(**changes: object) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(build_feed("json", meta(**changes), sample()))
    return data


def test_J1_version_exact() -> None:
    data = build_feed("json", meta(), sample())
    assert feed()["version"] == "https://jsonfeed.org/version/1.1"
    assert data.startswith(b'{\n  "version": "https://jsonfeed.org/version/1.1",')


def test_J2_title_home_page_feed_url_items() -> None:
    data = feed()
    assert data["title"] == "中国科技创新网 · 科技要闻"
    assert data["home_page_url"] == HOME
    assert data["feed_url"] == "http://localhost:8080/feeds/zgkjcx/kjyw.json"
    assert [item["title"] for item in data["items"]] == [TRICKY_TITLE, article().title, "第一篇"]
    assert json.loads(build_feed("json", meta(), []))["items"] == []


def test_J3_items_have_unique_string_id_and_content() -> None:
    items = feed()["items"]
    ids = [item["id"] for item in items]
    assert ids == [
        "tag:syndicator,2024:zgkjcx/2605",
        "tag:syndicator,2024:zgkjcx/2603",
        "tag:syndicator,2024:zgkjcx/2601",
    ]
    assert all(isinstance(i, str) for i in ids) and len(set(ids)) == 3
    first = items[0]
    assert first["content_html"].startswith(
        "<p>来源：浙江省科技厅　作者：张三 &amp; 李四　责任编辑：zgkjcx</p><p>2月10日"
    )
    assert first["content_text"].startswith("2月10日，全省科技系统")
    assert first["image"] == "http://www.zgkjcx.com/UploadFiles/a.jpg"
    assert "external_url" not in first
    linked = json.loads(
        build_feed("json", meta(), [article("2900", external_url="https://mp.weixin.qq.com/s/abc")])
    )
    assert linked["items"][0]["external_url"] == "https://mp.weixin.qq.com/s/abc"


def test_J4_rfc3339_dates_language_and_authors_arrays() -> None:
    data = feed()
    assert data["language"] == "zh-CN"
    assert data["authors"] == [{"name": "中国科技创新网"}]
    assert "author" not in data
    first, second, third = data["items"]
    assert first["date_published"] == "2023-03-02T08:30:00+08:00"
    assert first["date_modified"] == "2023-03-02T09:00:00+08:00"
    assert datetime.fromisoformat(second["date_published"]).timestamp() == 1677653220
    assert first["authors"] == [{"name": "张三 & 李四"}]
    assert second["authors"] == [{"name": "浙江省科技厅"}]
    assert "authors" not in third and "author" not in third


def test_J5_hubs_when_configured() -> None:
    assert "hubs" not in feed()
    assert feed(hubs=(HUB,))["hubs"] == [{"type": "WebSub", "url": HUB}]


def test_J6_served_as_feed_json() -> None:
    assert content_type("json") == "application/feed+json; charset=utf-8"
