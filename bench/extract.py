"""Extraction accuracy and speed on the fixture corpus, beside trafilatura and readability.

Every tool gets the same decoded ``str`` of each article page in tests/data (the
main corpus, the holdout set and, separately, the two third-party sets of real
pages saved by others, tests/data/thirdparty and tests/data/thirdparty2; each was blind
only at its first run, recorded in docs/benchmarks.md).
Fields are scored one by one against the expected JSON: title, published (to the
minute, with offset), source, author, editor, body (holds the first and last
sentences) and no boilerplate in the body.
A field a tool does not produce at all is counted wrong, and the table says so.

    .venv/bin/python bench/extract.py [--repeat N]
"""

from __future__ import annotations

import argparse
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
from syndicator.extract import decode_html, extract_article

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


def _squash(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


def score(result: Result, want: dict[str, Any]) -> dict[str, bool]:
    body = _squash(result.body)
    sentences = [s for s in _SENTENCE.findall(want["content_text"]) if s.strip()]
    first = _squash(sentences[0]) if sentences else ""
    last = _squash(sentences[-1]) if sentences else ""
    published = want["published"][:16] + want["published"][19:] if want["published"] else None
    got_published = (
        result.published[:16] + result.published[19:]
        if result.published and len(result.published) >= 25
        else result.published
    )
    return {
        "title": result.title is not None and result.title.strip() == want["title"],
        # A field the tool does not produce is wrong; one it produces may rightly be null.
        "published": "published" in result.produces and got_published == published,
        "source": "source" in result.produces and result.source == want["source"],
        "author": "author" in result.produces and result.author == want["author"],
        "editor": "editor" in result.produces and result.editor == want["editor"],
        "body": result.body is not None and first in body and last in body,
        "no_boilerplate": result.body is not None
        and not any(b in body and b not in _squash(want["content_text"]) for b in BOILERPLATE),
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    import logging

    logging.disable(logging.CRITICAL)
    table("Corpus (tests/data/articles)", load(DATA / "articles"), args.repeat)
    table("Holdout (tests/data/holdout/articles)", load(DATA / "holdout" / "articles"), args.repeat)
    table(
        "Third-party (tests/data/thirdparty/articles)",
        load(DATA / "thirdparty" / "articles"),
        args.repeat,
    )
    table(
        "Third-party 2 (tests/data/thirdparty2/articles)",
        load(DATA / "thirdparty2" / "articles"),
        args.repeat,
    )


if __name__ == "__main__":
    main()
