"""Every saved page in tests/data must extract to exactly the JSON stored beside it."""

from __future__ import annotations

import pytest

from syndicator.extract import decode_html, extract_article, extract_list

from .conftest import Case, load_cases

ARTICLES = load_cases("articles")
LISTS = load_cases("lists")


def test_corpus_is_not_empty() -> None:
    assert len(ARTICLES) >= 6
    assert len(LISTS) >= 4


@pytest.mark.parametrize("case", ARTICLES, ids=lambda c: c.name)
def test_article_page(case: Case) -> None:
    text, encoding = decode_html(case.body, case.content_type)
    assert encoding == "gb18030"
    assert "\ufffd" not in text
    got = extract_article(text, case.url, tz=case.tz, now=case.now).to_json()
    for field in sorted(set(got) | set(case.expected)):
        assert got.get(field) == case.expected.get(field), field
    assert got == case.expected


@pytest.mark.parametrize("case", LISTS, ids=lambda c: c.name)
def test_list_page(case: Case) -> None:
    text, _ = decode_html(case.body, case.content_type)
    got = extract_list(text, case.url, tz=case.tz, now=case.now).to_json()
    assert got["next_page"] == case.expected["next_page"]
    assert [i["url"] for i in got["items"]] == [i["url"] for i in case.expected["items"]]
    for got_item, want_item in zip(got["items"], case.expected["items"], strict=True):
        assert got_item == want_item
    assert got == case.expected


@pytest.mark.parametrize("case", ARTICLES, ids=lambda c: c.name)
def test_gbk_only_characters_near_the_end_survive(case: Case) -> None:
    """The fixtures carry 镕/堃/喆 late in the body: nothing after them may be lost."""
    text, _ = decode_html(case.body, case.content_type)
    tail = text[-400:]
    assert "zgkjcx08@126.com" in tail
    if not case.expected.get("external_url"):
        assert any(ch in case.expected["content_text"] for ch in "镕堃喆")
