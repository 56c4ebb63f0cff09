"""One entry point for every feed format, so callers never branch on the format."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from syndicator.models import Article
from syndicator.publish.atom_rss import build_atom, build_rss
from syndicator.publish.feedmeta import FeedMeta, check_format
from syndicator.publish.jsonfeed import build_json

_BUILDERS: dict[str, Callable[[FeedMeta, Sequence[Article]], bytes]] = {
    "atom": build_atom,
    "rss": build_rss,
    "json": build_json,
}


def build_feed(fmt: str, meta: FeedMeta, articles: Sequence[Article]) -> bytes:
    """The feed's bytes; a pure function of its inputs, so equal data gives an equal ETag."""
    check_format(fmt)
    return _BUILDERS[fmt](meta, articles)
