"""Every saved page in tests/data must extract to exactly the JSON stored beside it."""

from __future__ import annotations

import pytest

from syndicator.extract import decode_html, extract_article, extract_list

from .conftest import Case, load_cases

ARTICLES = load_cases("articles")
LISTS = load_cases("lists")
HOLDOUT_ARTICLES = load_cases("holdout/articles")
HOLDOUT_LISTS = load_cases("holdout/lists")
FAMILIES = ("pe", "hanweb", "trs", "dede", "empire", "phpcms", "modern", "legacy")


def test_corpus_is_large_and_varied() -> None:
    assert len(ARTICLES) >= 30
    assert len(LISTS) >= 10
    assert len(HOLDOUT_ARTICLES) + len(HOLDOUT_LISTS) >= 12
    names = [c.name for c in ARTICLES + LISTS]
    assert all(
        any(f"_{family}_" in n or n.startswith(f"gen_{family}") for n in names)
        for family in FAMILIES
    )
    assert {c.encoding for c in ARTICLES} == {"gb18030", "utf-8"}


@pytest.mark.parametrize("case", ARTICLES, ids=lambda c: c.name)
def test_article_page(case: Case) -> None:
    text, encoding = decode_html(case.body, case.content_type)
    assert encoding == case.encoding
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
    if case.name.startswith("gen_") and "gen_redirect" not in case.name:
        return
    text, _ = decode_html(case.body, case.content_type)
    tail = text[-400:]
    assert "zgkjcx08@126.com" in tail
    if not case.expected.get("external_url"):
        assert any(ch in case.expected["content_text"] for ch in "镕堃喆")


@pytest.mark.parametrize("case", HOLDOUT_ARTICLES, ids=lambda c: c.name)
def test_holdout_article(case: Case) -> None:
    text, encoding = decode_html(case.body, case.content_type)
    assert encoding == case.encoding
    got = extract_article(text, case.url, tz=case.tz, now=case.now).to_json()
    assert got == case.expected


@pytest.mark.parametrize("case", HOLDOUT_LISTS, ids=lambda c: c.name)
def test_holdout_list(case: Case) -> None:
    text, _ = decode_html(case.body, case.content_type)
    got = extract_list(text, case.url, tz=case.tz, now=case.now).to_json()
    assert got == case.expected
