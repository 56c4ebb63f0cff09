"""Extraction accuracy and speed on the page sets, beside trafilatura and readability.

Every tool gets the same decoded ``str`` of each article page of a set in tests/data:
the written corpus and holdout, the third-party sets, and the real-page corpus and its
holdouts (tests/data/real, tests/data/real_holdout*; each holdout was blind only at its
first run, recorded in docs/benchmarks.md).
Article fields are scored one by one against the expected JSON: title, published (to
the minute, with offset), source, author, editor, body (holds the first and last
sentences) and no boilerplate in the body (for the real sets: none of the strings the
labeller saw beside the article). A field a tool does not produce is counted wrong.
List pages are scored by the article links found: precision and recall (pooled over the
set), exact titles and dates of the links found right, and the next page.

    .venv/bin/python bench/extract.py [--repeat N] [--only SET ...]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import lxml.html

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from syndicator.errors import ExtractError
from syndicator.extract import decode_html, extract_article, extract_list
from tests.support.extraction import same_words, squash, to_minute

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
FIELDS = ("title", "published", "source", "author", "editor", "body", "no_boilerplate")
BOILERPLATE = (
    "上一篇",
    "下一篇",
    "您现在的位置",
    "当前位置",
    "版权所有",
    "责任编辑",
    "文章录入",
    "点击数",
    "打印",
    "关闭窗口",
    "热门",
    "推荐",
    "分享到",
    "ICP",
)
_SENTENCE = re.compile(r"[^。！？]+[。！？]?")


@dataclass(frozen=True)
class Page:
    name: str
    text: str
    url: str
    now: datetime
    expected: dict[str, Any]


@dataclass(frozen=True)
class Result:
    """What one tool read from one page; None where it produces no such field."""

    title: str | None = None
    published: str | None = None
    source: str | None = None
    author: str | None = None
    editor: str | None = None
    body: str | None = None
    produces: frozenset[str] = frozenset()


def load(folder: Path) -> list[Page]:
    pages = []
    if not folder.is_dir():
        return pages
    for meta_path in sorted(folder.glob("*.json")):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta["expected"].get("external_url"):
            continue  # redirect stubs have no body to compare
        text, _ = decode_html(meta_path.with_suffix(".html").read_bytes(), meta.get("content_type"))
        pages.append(
            Page(
                meta_path.stem,
                text,
                meta["url"],
                datetime.fromisoformat(meta["now"]),
                meta["expected"],
            )
        )
    return pages


TZ = ZoneInfo("Asia/Shanghai")


def ours(page: Page) -> Result:
    try:
        got = extract_article(page.text, page.url, tz=TZ, now=page.now)
    except ExtractError:
        return Result()
    return Result(
        got.title,
        got.published.isoformat() if got.published else None,
        got.source,
        got.author,
        got.editor,
        got.content_text,
        frozenset(("published", "source", "author", "editor")),
    )


def with_trafilatura(page: Page) -> Result:
    import trafilatura

    doc = trafilatura.bare_extraction(
        page.text, url=page.url, include_tables=False, with_metadata=True
    )
    if doc is None:
        return Result()
    date = getattr(doc, "date", None)
    published = f"{date}T00:00:00+08:00" if date else None
    return Result(
        getattr(doc, "title", None),
        published,
        None,
        getattr(doc, "author", None),
        None,
        getattr(doc, "text", None),
        frozenset(("published", "author")),
    )


def with_readability(page: Page) -> Result:
    from readability import Document

    doc = Document(page.text)
    summary = doc.summary()
    body = lxml.html.fromstring(summary).text_content() if summary.strip() else ""
    return Result(doc.title(), None, None, None, None, body)


def _body_marks(want: dict[str, Any]) -> tuple[str, str, list[str]]:
    """The first and last sentences a body must hold, and what it must not."""
    if "body_first" in want:
        return squash(want["body_first"]), squash(want["body_last"]), want["body_not"]
    sentences = [s for s in _SENTENCE.findall(want["content_text"]) if s.strip()]
    first = squash(sentences[0]) if sentences else ""
    last = squash(sentences[-1]) if sentences else ""
    return first, last, [b for b in BOILERPLATE if b not in squash(want["content_text"])]


def score(result: Result, want: dict[str, Any]) -> dict[str, bool]:
    body = squash(result.body)
    first, last, never = _body_marks(want)
    return {
        "title": result.title is not None and same_words(result.title, want["title"]),
        # A field the tool does not produce is wrong; one it produces may rightly be null.
        "published": "published" in result.produces
        and to_minute(result.published) == to_minute(want["published"]),
        "source": "source" in result.produces and result.source == want["source"],
        "author": "author" in result.produces and result.author == want["author"],
        "editor": "editor" in result.produces and result.editor == want["editor"],
        "body": result.body is not None and first in body and last in body,
        "no_boilerplate": result.body is not None and not any(squash(b) in body for b in never),
    }


def run(
    tool: Callable[[Page], Result], pages: list[Page], repeat: int
) -> tuple[dict[str, float], float]:
    hits = dict.fromkeys(FIELDS, 0)
    for page in pages:
        for field, ok in score(tool(page), page.expected).items():
            hits[field] += ok
    start = time.perf_counter()
    for _ in range(repeat):
        for page in pages:
            tool(page)
    rate = repeat * len(pages) / (time.perf_counter() - start)
    return {f: hits[f] / len(pages) for f in FIELDS}, rate


def table(title: str, pages: list[Page], repeat: int) -> None:
    tools = {
        "syndicator": ours,
        "trafilatura": with_trafilatura,
        "readability-lxml": with_readability,
    }
    print(f"\n{title}: {len(pages)} article pages, {repeat} timed passes\n")
    print("| tool | " + " | ".join(FIELDS) + " | all fields | pages/s |")
    print("|---|" + "---:|" * (len(FIELDS) + 2))
    for name, tool in tools.items():
        acc, rate = run(tool, pages, repeat)
        mean = sum(acc.values()) / len(acc)
        cells = " | ".join(f"{acc[f]:.0%}" for f in FIELDS)
        print(f"| {name} | {cells} | **{mean:.1%}** | {rate:.1f} |")
    print(
        "\ntrafilatura produces no source/editor and only a date (no time); readability"
        " produces no date, source, author or editor: those count as wrong."
    )


@dataclass(frozen=True)
class ListScore:
    found: int
    wanted: int
    right: int
    titles: int
    dates: int
    next_right: bool
    failed: bool


def score_list(page: Page) -> ListScore:
    want = page.expected
    wanted = {i["url"]: i for i in want["items"]}
    try:
        got = extract_list(page.text, page.url, tz=TZ, now=page.now)
    except ExtractError:
        return ListScore(0, len(wanted), 0, 0, 0, want.get("next_page") is None, True)
    found = {i.url: i for i in got.items}
    right = [u for u in found if u in wanted]
    titles = sum(1 for u in right if same_words(found[u].title, wanted[u]["title"]))
    dates = sum(
        1
        for u in right
        if (found[u].published.isoformat() if found[u].published else None)
        == wanted[u]["published"]
    )
    return ListScore(
        len(found),
        len(wanted),
        len(right),
        titles,
        dates,
        got.next_page == want.get("next_page"),
        False,
    )


def list_table(title: str, pages: list[Page], repeat: int, verbose: bool) -> None:
    if not pages:
        return
    scores = [score_list(p) for p in pages]
    start = time.perf_counter()
    for _ in range(repeat):
        for page in pages:
            with contextlib.suppress(ExtractError):
                extract_list(page.text, page.url, tz=TZ, now=page.now)
    rate = repeat * len(pages) / (time.perf_counter() - start)
    found = sum(s.found for s in scores)
    wanted = sum(s.wanted for s in scores)
    right = sum(s.right for s in scores)
    print(f"\n{title}: {len(pages)} list pages, {wanted} article links, {repeat} timed passes\n")
    print("| precision | recall | titles exact | dates exact | next page | lists found | pages/s |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    precision = right / found if found else 0.0
    recall = right / wanted if wanted else 0.0
    titles = sum(s.titles for s in scores) / right if right else 0.0
    dates = sum(s.dates for s in scores) / right if right else 0.0
    nexts = sum(s.next_right for s in scores)
    listed = sum(not s.failed for s in scores)
    print(
        f"| {precision:.1%} | {recall:.1%} | {titles:.1%} | {dates:.1%} | "
        f"{nexts} of {len(pages)} | {listed} of {len(pages)} | {rate:.1f} |"
    )
    if verbose:
        for page, s in zip(pages, scores, strict=True):
            print(
                f"  {page.name}: found {s.found} wanted {s.wanted} right {s.right} "
                f"titles {s.titles} dates {s.dates} next {'ok' if s.next_right else 'WRONG'}"
                + (" NOT A LIST" if s.failed else "")
            )


SETS = {
    "corpus": ("Corpus", "articles", "lists"),
    "holdout": ("Holdout", "holdout/articles", "holdout/lists"),
    "thirdparty": ("Third-party", "thirdparty/articles", "thirdparty/lists"),
    "thirdparty2": ("Third-party 2", "thirdparty2/articles", "thirdparty2/lists"),
    "real": ("Real pages", "real/articles", "real/lists"),
    "real_holdout1": ("Real holdout 1", "real_holdout1/articles", "real_holdout1/lists"),
    "real_holdout2": ("Real holdout 2", "real_holdout2/articles", "real_holdout2/lists"),
    "real_holdout3": ("Real holdout 3", "real_holdout3/articles", "real_holdout3/lists"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", nargs="*", choices=sorted(SETS), help="sets to run")
    parser.add_argument("--verbose", action="store_true", help="one line per list page")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    import logging

    logging.disable(logging.CRITICAL)
    for key in args.only or SETS:
        name, articles, lists = SETS[key]
        pages = load(DATA / articles)
        if pages:
            table(f"{name} (tests/data/{articles})", pages, args.repeat)
        list_table(f"{name} (tests/data/{lists})", load(DATA / lists), args.repeat, args.verbose)


if __name__ == "__main__":
    main()
