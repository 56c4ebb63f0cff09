"""Real pages saved by others (tests/data/thirdparty), each field against its JSON.

The corpus and the holdout were written by the people who wrote the extractor; these
pages were not (provenance in tests/data/thirdparty/SOURCES.md). Each field is its own
case so the first number stays honest: a known miss is an ``xfail(strict=True)`` naming
its cause, and the day a fix makes it pass the suite says so and the mark goes.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from syndicator.errors import ExtractError
from syndicator.extract import decode_html, extract_article, extract_list

from .conftest import Case, load_cases

ARTICLES = load_cases("thirdparty/articles")
LISTS = load_cases("thirdparty/lists")
ARTICLE_FIELDS = ("title", "published", "date_only", "source", "author", "editor",
                  "category", "content_html", "content_text", "images", "attachments",
                  "next_part", "external_url")
LIST_FIELDS = ("urls", "titles", "published", "next_page")

# (page, field) -> why it is missed. The 34 misses of the first run were fixed by
# general rules, each with its own unit test (docs/benchmarks.md); none is left.
MISSES: dict[tuple[str, str], str] = {}

_results: dict[str, dict[str, Any] | ExtractError] = {}


def _params(cases: list[Case], fields: tuple[str, ...]) -> list[Any]:
    params = []
    for case in cases:
        for field in fields:
            reason = MISSES.get((case.name, field))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            params.append(pytest.param(case, field, marks=marks,
                                       id=f"{case.name}-{field}"))
    return params


def _article(case: Case) -> dict[str, Any] | ExtractError:
    if case.name not in _results:
        text, _ = decode_html(case.body, case.content_type)
        try:
            _results[case.name] = extract_article(text, case.url, tz=case.tz,
                                                  now=case.now).to_json()
        except ExtractError as exc:
            _results[case.name] = exc
    return _results[case.name]


def _list_fields(case: Case) -> dict[str, Any] | ExtractError:
    if case.name not in _results:
        text, _ = decode_html(case.body, case.content_type)
        try:
            got = extract_list(text, case.url, tz=case.tz, now=case.now).to_json()
        except ExtractError as exc:
            _results[case.name] = exc
        else:
            _results[case.name] = _by_field(got)
    return _results[case.name]


def _by_field(listing: dict[str, Any]) -> dict[str, Any]:
    items = listing["items"]
    return {"urls": [i["url"] for i in items], "titles": [i["title"] for i in items],
            "published": [i["published"] for i in items], "next_page": listing["next_page"]}


def test_the_set_is_large_and_varied() -> None:
    assert len(ARTICLES) >= 12
    assert len(LISTS) >= 4
    hosts = {urlsplit(case.url).hostname for case in ARTICLES + LISTS}
    assert len(hosts) >= 4


@pytest.mark.parametrize("case", ARTICLES + LISTS, ids=lambda c: c.name)
def test_page_decodes_as_declared(case: Case) -> None:
    text, encoding = decode_html(case.body, case.content_type)
    assert encoding == case.encoding
    assert "\ufffd" not in text


@pytest.mark.parametrize(("case", "field"), _params(ARTICLES, ARTICLE_FIELDS))
def test_article_field(case: Case, field: str) -> None:
    got = _article(case)
    assert not isinstance(got, ExtractError), got
    assert got.get(field) == case.expected.get(field)


@pytest.mark.parametrize(("case", "field"), _params(LISTS, LIST_FIELDS))
def test_list_field(case: Case, field: str) -> None:
    got = _list_fields(case)
    assert not isinstance(got, ExtractError), got
    assert got[field] == _by_field(case.expected)[field]
