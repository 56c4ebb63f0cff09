"""One entry point for every feed format, so callers never branch on the format."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from syndicator.feeds.atom_rss import build_atom, build_rss
from syndicator.feeds.jsonfeed import build_json
from syndicator.feeds.meta import FeedMeta, check_format
from syndicator.models import Article

_BUILDERS: dict[str, Callable[[FeedMeta, Sequence[Article]], bytes]] = {
    "atom": build_atom,
    "rss": build_rss,
    "json": build_json,
}


def build_feed(fmt: str, meta: FeedMeta, articles: Sequence[Article]) -> bytes:
    """The feed's bytes; a pure function of its inputs, so equal data gives an equal ETag."""
    check_format(fmt)
    return _BUILDERS[fmt](meta, articles)
