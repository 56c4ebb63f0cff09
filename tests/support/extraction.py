"""How an extraction is checked against a labelled page: shared by the tests of the
real-page sets and by bench/extract.py, so both count a field right the same way."""

from __future__ import annotations

import re
from typing import Any

from syndicator.models import ArticleData, ListPage

ARTICLE_FIELDS = ("title", "published", "source", "author", "editor", "body", "no_boilerplate")
LIST_FIELDS = ("precision", "recall", "titles", "published", "next_page")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff]")


def spaced(text: str) -> str:
    """Text with every run of spaces (U+3000, nbsp…) one space and invisible ones gone."""
    return " ".join(_INVISIBLE.sub("", text).split())


def same_words(got: str, want: str) -> bool:
    """Equal but for the kind and number of spaces: a reader sees no difference."""
    return spaced(got) == spaced(want)


def squash(text: str | None) -> str:
    return re.sub(r"\s+", "", _INVISIBLE.sub("", text or ""))


def to_minute(stamp: str | None) -> str | None:
    """An ISO time without its seconds: labels state what pages print, to the minute."""
    if stamp is None or len(stamp) < 25:
        return stamp
    return stamp[:16] + stamp[19:]


def article_checks(got: ArticleData | None, want: dict[str, Any]) -> dict[str, bool]:
    """Field -> right, for a page labelled with body_first/body_last/body_not."""
    if got is None:
        return dict.fromkeys(ARTICLE_FIELDS, False)
    body = squash(got.content_text)
    published = got.published.isoformat() if got.published else None
    return {
        "title": same_words(got.title, want["title"]),
        "published": to_minute(published) == to_minute(want["published"]),
        "source": got.source == want["source"],
        "author": got.author == want["author"],
        "editor": got.editor == want["editor"],
        "body": squash(want["body_first"]) in body and squash(want["body_last"]) in body,
        "no_boilerplate": not any(squash(b) in body for b in want["body_not"]),
    }


def list_checks(got: ListPage | None, want: dict[str, Any]) -> dict[str, bool]:
    """Field -> right for a list page: every link found is wanted, every wanted one is
    found, the titles and dates of those found right, and the next page."""
    wanted = {i["url"]: i for i in want["items"]}
    if got is None:
        return {**dict.fromkeys(LIST_FIELDS, False), "next_page": want["next_page"] is None}
    found = {i.url: i for i in got.items}
    right = [u for u in found if u in wanted]
    return {
        "precision": len(right) == len(found),
        "recall": len(right) == len(wanted),
        "titles": all(same_words(found[u].title, wanted[u]["title"]) for u in right),
        "published": all(
            (found[u].published.isoformat() if found[u].published else None)
            == wanted[u]["published"]
            for u in right
        ),
        "next_page": got.next_page == want["next_page"],
    }
