"""Real pages saved by others, each field against its JSON: tests/data/thirdparty and
tests/data/thirdparty2 (provenance in each folder's SOURCES.md).

The corpus and the holdout were written by the people who wrote the extractor; these
pages were not. Each set was scored once as found (docs/benchmarks.md: 85.7% and 81.4%)
and its misses then fixed by general rules, each with its own unit test, so neither set
is blind any more. Each field is its own case: a known miss is an ``xfail(strict=True)``
in ``MISSES`` naming its cause, and the day a fix makes it pass the suite says so and
the mark goes. A third set, gathered after today's fixes, would be the next blind test.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from syndicator.errors import ExtractError
from syndicator.extract import decode_html, extract_article, extract_list

from .conftest import Case, load_cases

SETS = ("thirdparty", "thirdparty2")
ARTICLES = {name: load_cases(f"{name}/articles") for name in SETS}
LISTS = {name: load_cases(f"{name}/lists") for name in SETS}
ARTICLE_FIELDS = (
    "title",
    "published",
    "date_only",
    "source",
    "author",
    "editor",
    "category",
    "content_html",
    "content_text",
    "images",
    "attachments",
    "next_part",
    "external_url",
)
LIST_FIELDS = ("urls", "titles", "published", "next_page")

# (page, field) -> why it is missed. The 34 + 31 misses of the first runs are fixed.
MISSES: dict[tuple[str, str], str] = {}

_results: dict[str, dict[str, Any] | ExtractError] = {}


def _all(by_set: dict[str, list[Case]]) -> list[Case]:
    return [case for name in SETS for case in by_set[name]]


def _params(cases: list[Case], fields: tuple[str, ...]) -> list[Any]:
    params = []
    for case in cases:
        for field in fields:
            reason = MISSES.get((case.name, field))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            params.append(pytest.param(case, field, marks=marks, id=f"{case.name}-{field}"))
    return params


def _article(case: Case) -> dict[str, Any] | ExtractError:
    if case.name not in _results:
        text, _ = decode_html(case.body, case.content_type)
        try:
            _results[case.name] = extract_article(
                text, case.url, tz=case.tz, now=case.now
            ).to_json()
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
    return {
        "urls": [i["url"] for i in items],
        "titles": [i["title"] for i in items],
        "published": [i["published"] for i in items],
        "next_page": listing["next_page"],
    }


def _site(case: Case) -> str:
    """The site a page comes from. Some were saved from a local install and share
    127.0.0.1, so the second set names the site in the file name:
    tp2_[list_]<cms>_<site>[_<id>]."""
    if case.name.startswith("tp2_"):
        return case.name.removeprefix("tp2_").removeprefix("list_").split("_")[1]
    return urlsplit(case.url).hostname or ""


@pytest.mark.parametrize(
    ("name", "articles", "lists", "sites"), [("thirdparty", 12, 4, 4), ("thirdparty2", 10, 3, 6)]
)
def test_each_set_is_large_and_varied(name: str, articles: int, lists: int, sites: int) -> None:
    assert len(ARTICLES[name]) >= articles
    assert len(LISTS[name]) >= lists
    assert len({_site(case) for case in ARTICLES[name] + LISTS[name]}) >= sites


def test_the_sets_share_no_page() -> None:
    first, second = ({urlsplit(c.url).path for c in ARTICLES[n] + LISTS[n]} for n in SETS)
    assert not first & second


@pytest.mark.parametrize("case", _all(ARTICLES) + _all(LISTS), ids=lambda c: c.name)
def test_page_decodes_as_declared(case: Case) -> None:
    text, encoding = decode_html(case.body, case.content_type)
    assert encoding == case.encoding
    assert "\ufffd" not in text


@pytest.mark.parametrize(("case", "field"), _params(_all(ARTICLES), ARTICLE_FIELDS))
def test_article_field(case: Case, field: str) -> None:
    got = _article(case)
    assert not isinstance(got, ExtractError), got
    assert got.get(field) == case.expected.get(field)


@pytest.mark.parametrize(("case", "field"), _params(_all(LISTS), LIST_FIELDS))
def test_list_field(case: Case, field: str) -> None:
    got = _list_fields(case)
    assert not isinstance(got, ExtractError), got
    assert got[field] == _by_field(case.expected)[field]
