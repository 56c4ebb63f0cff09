"""The pure decider, driven by data files for the date rules."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from syndicator.models import ArticleData, Attachment, CategorySpec, Change, ListItem
from syndicator.poll.decide import (
    build_article,
    choose_title,
    content_hash,
    decide,
    is_baseline,
    list_signature,
    resolve_published,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
CASES = json.loads((Path(__file__).parent / "data" / "published.json").read_text("utf-8"))


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@pytest.mark.parametrize("case", CASES, ids=[c["why"] for c in CASES])
def test_resolve_published(case: dict[str, Any]) -> None:
    first_seen = _dt(case["first_seen"])
    assert first_seen is not None
    got, date_only = resolve_published(
        _dt(case["page"]),
        case["page_date_only"],
        _dt(case["listed"]),
        case["listed_date_only"],
        first_seen,
        SHANGHAI,
    )
    assert got == _dt(case["expect"])
    assert got.utcoffset() == _dt(case["expect"]).utcoffset()  # type: ignore[union-attr]
    assert date_only is case["expect_date_only"]


@pytest.mark.parametrize(
    ("page", "listed", "expect"),
    [
        ("浙江发布科技创新新政", "浙江发布科技…", "浙江发布科技创新新政"),
        ("", "列表里的完整标题", "列表里的完整标题"),
        ("页面标题被截断…", "列表里的完整标题", "列表里的完整标题"),
        ("  两边空白  ", "x", "两边空白"),
    ],
)
def test_choose_title(page: str, listed: str, expect: str) -> None:
    assert choose_title(page, listed) == expect


SPEC = CategorySpec(
    site_id="zgkjcx",
    site_name="中国科技创新网",
    site_url="http://x/",
    id="kjyw",
    name="科技要闻",
    list_url="http://x/list",
)
DATA = ArticleData(
    url="http://x/2603.html",
    title="标题",
    published=datetime(2023, 3, 1, 14, 47, tzinfo=SHANGHAI),
    date_only=False,
    source="浙江省科技厅",
    author=None,
    editor="zgkjcx",
    category="科技要闻",
    content_html="<p>正文。</p>",
    content_text="正文。",
)
ITEM = ListItem(url="http://x/2603.html", title="标题", published=None)
SEEN = datetime(2023, 3, 1, 7, 0, tzinfo=UTC)


def test_new_article_is_a_new_intent_with_notify_flag() -> None:
    candidate = build_article(SPEC, "2603", ITEM, DATA, SEEN, SHANGHAI, baseline=False)
    intent = decide(candidate, None, notify=True)
    assert intent is not None and intent.change is Change.NEW and intent.notify
    assert candidate.category_name == "科技要闻" and candidate.updated == SEEN


def test_unchanged_content_is_nothing_to_do() -> None:
    first = build_article(SPEC, "2603", ITEM, DATA, SEEN, SHANGHAI, baseline=True)
    again = build_article(SPEC, "2603", ITEM, DATA, SEEN.replace(hour=9), SHANGHAI, baseline=False)
    assert decide(again, first, notify=True) is None


def test_changed_content_moves_updated_only() -> None:
    first = build_article(SPEC, "2603", ITEM, DATA, SEEN, SHANGHAI, baseline=True)
    later = SEEN.replace(hour=9)
    edited = build_article(
        SPEC,
        "2603",
        ITEM,
        replace(DATA, content_html="<p>改。</p>", content_text="改。"),
        later,
        SHANGHAI,
        baseline=False,
    )
    intent = decide(edited, first, notify=True)
    assert intent is not None and intent.change is Change.CHANGED and intent.notify
    a = intent.article
    assert (a.first_seen, a.updated, a.published, a.baseline) == (
        SEEN,
        later,
        first.published,
        True,
    )


def test_a_change_is_never_announced_from_a_backfill() -> None:
    first = build_article(SPEC, "2603", ITEM, DATA, SEEN, SHANGHAI, baseline=True)
    edited = build_article(
        SPEC, "2603", ITEM, replace(DATA, content_text="改。"), SEEN, SHANGHAI, baseline=True
    )
    intent = decide(edited, first, notify=False)
    assert intent is not None and intent.change is Change.CHANGED and not intent.notify


@pytest.mark.parametrize(
    ("edit", "why"),
    [
        ({"content_html": "<p class='x'>同样的文字</p>"}, "new markup, same text"),
        ({"content_text": "  " + "\n"}, "spacing only"),
    ],
)
def test_what_a_reader_cannot_see_is_no_update(edit: dict[str, str], why: str) -> None:
    first = build_article(SPEC, "2603", ITEM, DATA, SEEN, SHANGHAI, baseline=False)
    text = DATA.content_text + edit.get("content_text", "")
    same = replace(
        DATA, content_html=edit.get("content_html", DATA.content_html), content_text=text
    )
    again = build_article(SPEC, "2603", ITEM, same, SEEN.replace(hour=9), SHANGHAI, baseline=False)
    assert decide(again, first, notify=True) is None, why


@pytest.mark.parametrize(
    "edit",
    [
        {"attachments": (Attachment("http://x.cn/a.pdf"),)},
        {"images": ("http://x.cn/a.jpg",)},
        {"title": "更正后的标题"},
        {"source": "另一家媒体"},
    ],
)
def test_a_new_attachment_image_title_or_source_is_an_update(edit: dict[str, Any]) -> None:
    first = build_article(SPEC, "2603", ITEM, DATA, SEEN, SHANGHAI, baseline=False)
    again = build_article(
        SPEC, "2603", ITEM, replace(DATA, **edit), SEEN.replace(hour=9), SHANGHAI, baseline=False
    )
    intent = decide(again, first, notify=True)
    assert intent is not None and intent.change is Change.CHANGED


def test_a_new_list_entry_over_the_same_article_is_relisted_quietly() -> None:
    first = build_article(SPEC, "2603", ITEM, DATA, SEEN, SHANGHAI, baseline=False)
    renamed = replace(ITEM, title="列表上改了的标题")
    again = build_article(
        SPEC, "2603", renamed, DATA, SEEN.replace(hour=9), SHANGHAI, baseline=False
    )
    assert list_signature(renamed) != list_signature(ITEM)
    intent = decide(again, first, notify=True)
    assert intent is not None and intent.change is Change.RELISTED and not intent.notify
    assert intent.article == replace(first, listed=list_signature(renamed))


@pytest.mark.parametrize(
    "edit",
    [{"title": "别的"}, {"url": "http://x.cn/other.html"}, {"published": SEEN.replace(day=1)}],
)
def test_the_list_signature_follows_title_link_and_day(edit: dict[str, Any]) -> None:
    assert list_signature(replace(ITEM, **edit)) != list_signature(ITEM)
    # A time of day the list shows or not is the same entry; spacing too.
    assert list_signature(replace(ITEM, title=f" {ITEM.title}  ")) == list_signature(ITEM)


def test_hash_covers_every_shown_field() -> None:
    base = ("t", "<p>x</p>", "s", "a", "e")
    hashes = {content_hash(*base)}
    for i in range(5):
        parts = list(base)
        parts[i] = parts[i] + "!"
        hashes.add(content_hash(*parts))  # type: ignore[arg-type]
    assert len(hashes) == 6
    # Field boundaries matter: moving text from one field to the next is a change.
    assert content_hash("ab", "", None, None, None) != content_hash("a", "b", None, None, None)
    # An image moved to the attachments is a change.
    assert content_hash("t", "x", None, None, None, ("u",), ()) != content_hash(
        "t", "x", None, None, None, (), ("u",)
    )


@pytest.mark.parametrize(
    ("polls", "stored", "flag", "expect"),
    [
        (0, 0, False, True),
        (0, 0, True, False),
        (1, 0, False, False),
        (0, 5, False, False),
    ],
)
def test_baseline_only_on_the_very_first_poll(
    polls: int, stored: int, flag: bool, expect: bool
) -> None:
    assert is_baseline(polls, stored, flag) is expect


@pytest.mark.parametrize("control", ["\x01", "\x00", "\x0b", "\x1b[31m", "\x7f", "\x85", "\r\n"])
def test_control_characters_never_reach_what_is_stored(control: str) -> None:
    """A page's ``&#1;`` decodes to a control character; titles and names become one clean
    line (they reach mail subjects and webhook JSON), the body keeps only its newlines."""
    data = replace(
        DATA,
        title=f"标{control}题",
        source=f"浙江{control}科技厅",
        editor=f"{control}zgkjcx",
        content_text=f"第一段{control}。\n第二段。",
    )
    got = build_article(SPEC, "2603", ITEM, data, SEEN, SHANGHAI, baseline=False)
    for value in (got.title, got.source, got.editor):
        assert value is not None
        assert all(ch.isprintable() for ch in value), repr(value)
    assert "\n第二段。" in got.content_text
    assert all(ch.isprintable() or ch == "\n" for ch in got.content_text), repr(got.content_text)
