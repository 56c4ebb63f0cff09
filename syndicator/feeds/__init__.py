"""Publishing: stored articles in, feed bytes and files out.

This package only receives data (``models.Article``) and never fetches, extracts or
reads the config, so feeds can be rebuilt from the store alone.
"""

from syndicator.feeds.build import build_feed
from syndicator.feeds.meta import (
    CONTENT_TYPES,
    EMPTY_FEED_UPDATED,
    FORMATS,
    FeedMeta,
    content_type,
    entry_id,
)
from syndicator.feeds.opml import build_opml
from syndicator.feeds.static import write_feeds

__all__ = [
    "CONTENT_TYPES",
    "EMPTY_FEED_UPDATED",
    "FORMATS",
    "FeedMeta",
    "build_feed",
    "build_opml",
    "content_type",
    "entry_id",
    "write_feeds",
]
