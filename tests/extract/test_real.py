"""Real pages from many sites, labelled by reading them: tests/data/real (the training
set) and tests/data/real_holdout1 and _holdout2 (holdouts, each scored once when added;
docs/benchmarks.md).

Each field of each page is its own case. A field the extractor gets wrong today is
listed in the set's MISSES.json and runs as ``xfail(strict=True)``: the list is what
is known to fail, so a fix that makes one pass shows, and the entry goes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest

from syndicator.errors import ExtractError
from syndicator.extract import decode_html, extract_article, extract_list
from tests.support.extraction import ARTICLE_FIELDS, LIST_FIELDS, article_checks, list_checks

from .conftest import DATA, Case, load_cases

SETS = ("real", "real_holdout1", "real_holdout2", "real_holdout3")
ARTICLES = {name: load_cases(f"{name}/articles") for name in SETS}
LISTS = {name: load_cases(f"{name}/lists") for name in SETS}
MISSES: dict[str, set[str]] = {
    name: set(json.loads((DATA / name / "MISSES.json").read_text(encoding="utf-8")))
    for name in SETS
}
_checked: dict[str, dict[str, bool]] = {}


def _article(case: Case) -> dict[str, bool]:
    if case.name not in _checked:
        text, _ = decode_html(case.body, case.content_type)
        try:
            got = extract_article(text, case.url, tz=case.tz, now=case.now)
        except ExtractError:
            got = None
        _checked[case.name] = article_checks(got, case.expected)
    return _checked[case.name]


def _list(case: Case) -> dict[str, bool]:
    if case.name not in _checked:
        text, _ = decode_html(case.body, case.content_type)
        try:
            got = extract_list(text, case.url, tz=case.tz, now=case.now)
        except ExtractError:
            got = None
        _checked[case.name] = list_checks(got, case.expected)
    return _checked[case.name]


def _params(by_set: dict[str, list[Case]], fields: tuple[str, ...]) -> list[Any]:
    params = []
    for name in SETS:
        for case in by_set[name]:
            for field in fields:
                key = f"{case.name}:{field}"
                marks = [pytest.mark.xfail(strict=True)] if key in MISSES[name] else []
                params.append(pytest.param(case, field, marks=marks, id=key))
    return params


def _host(case: Case) -> str:
    host = urlsplit(case.url).hostname or ""
    return case.name.split("_")[3] if host in ("127.0.0.1", "localhost") else host


@pytest.mark.parametrize(
    ("name", "articles", "lists", "hosts"),
    [
        ("real", 120, 65, 70),
        ("real_holdout1", 28, 12, 18),
        ("real_holdout2", 20, 12, 14),
        ("real_holdout3", 16, 4, 11),
    ],
)
def test_each_set_is_large_and_varied(name: str, articles: int, lists: int, hosts: int) -> None:
    assert len(ARTICLES[name]) >= articles
    assert len(LISTS[name]) >= lists
    assert len({_host(c) for c in ARTICLES[name] + LISTS[name]}) >= hosts


def test_no_two_sets_share_a_site() -> None:
    hosts = [{_host(c) for c in ARTICLES[n] + LISTS[n]} for n in SETS]
    for i, first in enumerate(hosts):
        for second in hosts[i + 1 :]:
            assert not first & second


def test_every_listed_miss_names_a_case() -> None:
    for name in SETS:
        keys = {f"{c.name}:{f}" for c in ARTICLES[name] for f in ARTICLE_FIELDS}
        keys |= {f"{c.name}:{f}" for c in LISTS[name] for f in LIST_FIELDS}
        assert MISSES[name] <= keys


@pytest.mark.parametrize(
    "case", [c for n in SETS for c in ARTICLES[n] + LISTS[n]], ids=lambda c: c.name
)
def test_page_decodes_as_declared(case: Case) -> None:
    _, encoding = decode_html(case.body, case.content_type)
    assert encoding == case.encoding


def _check(pick: Callable[[Case], dict[str, bool]], case: Case, field: str) -> None:
    assert pick(case)[field], f"{case.name}: {field}"


@pytest.mark.parametrize(("case", "field"), _params(ARTICLES, ARTICLE_FIELDS))
def test_article_field(case: Case, field: str) -> None:
    _check(_article, case, field)


@pytest.mark.parametrize(("case", "field"), _params(LISTS, LIST_FIELDS))
def test_list_field(case: Case, field: str) -> None:
    _check(_list, case, field)
