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

_STRAY_HTML = ("everything after the header include's stray </html> lands outside the "
               "root element, so no body is found (NotAnArticle)")
_NOT_A_LIST = ("/contents/2020/7/2-<uuid>.html links are not taken for article links "
               "(NotAList)")
_SPACER = "blank <p><br></p> spacer paragraphs are kept in the body"
_ONE_LABEL = "the info line '人气：… 发表时间：…' has one known label, too few to be read"
_NO_CRUMB = "the column name is not in a '>'-separated breadcrumb, so no category"

MISSES: dict[tuple[str, str], str] = {
    ("tp_zsnews_dongqu", "title"): "the topic name after a space in <title> is kept",
    ("tp_zsnews_dongqu", "source"): "the label 来源于： is not a known source label",
    ("tp_gsc_news", "category"): "breadcrumb is the heading '首页 - 新闻动态', no links",
    ("tp_pe_kingdee_53", "category"): "breadcrumb ends '>> 正文 　 <title>' after 金蝶K3",
    ("tp_xds_fund", "category"): "breadcrumb is an <ol> of <li> without separators",
    ("tp_empire_cdjz_16", "published"): _ONE_LABEL,
    ("tp_empire_cdjz_16", "date_only"): _ONE_LABEL,
    ("tp_empire_cdjz_16", "content_html"): _SPACER,
    ("tp_empire_swcy_131", "content_html"): _SPACER,
    ("tp_empire_swcy_132", "content_html"): _SPACER,
    ("tp_empire_t400_40", "published"): "the only date is the signature closing the body",
    ("tp_empire_t400_40", "category"): _NO_CRUMB,
    ("tp_empire_t400_41", "published"): "the only date is the signature closing the body",
    ("tp_empire_t400_41", "category"): _NO_CRUMB,
    ("tp_pe_stzikao_4621", "content_html"): "the reprint line 文章转载请注明来源于 stays",
    ("tp_pe_stzikao_4621", "content_text"): "the reprint line 文章转载请注明来源于 stays",
    **{("tp_trs_govcn_gongbao", field): _STRAY_HTML for field in ARTICLE_FIELDS},
    ("tp_list_dede_chnmedu", "published"): "two-digit-year dates '14-12-25' are not read",
    **{("tp_list_dfa66", field): _NOT_A_LIST for field in LIST_FIELDS},
}

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
