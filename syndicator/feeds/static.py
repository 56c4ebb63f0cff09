"""Feeds as plain files, for any static web server, at the same paths as the HTTP routes.

Each file is replaced atomically (temporary file in the same directory, then
os.replace), so a web server never serves half a feed. Files whose bytes did not change
are left alone: their mtime, and so the Last-Modified/ETag a static server derives from
it, stays put and readers get 304s.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path, PurePosixPath

from syndicator.errors import ConfigError
from syndicator.feeds.build import build_feed
from syndicator.feeds.meta import EMPTY_FEED_UPDATED, FeedMeta, check_format
from syndicator.feeds.stylesheet import STYLESHEET_PATH, stylesheet
from syndicator.models import Article, StoredFeed

OPML_NAMES = ("opml", "opml.xml")
_FILE_MODE = 0o644


def write_feeds(
    out_dir: Path,
    feeds: Iterable[tuple[FeedMeta, Sequence[Article]]],
    formats: Sequence[str],
    opml: bytes,
) -> list[Path]:
    """Build every feed in every format and write it with the OPML; return only the files
    rewritten."""
    for fmt in formats:
        check_format(fmt)
    built = (
        StoredFeed(meta.path, fmt, build_feed(fmt, meta, articles), "", EMPTY_FEED_UPDATED)
        for meta, articles in feeds
        for fmt in formats
    )
    return write_stored(out_dir, built, opml)


def write_stored(out_dir: Path, feeds: Iterable[StoredFeed], opml: bytes) -> list[Path]:
    """Write feeds as the store keeps them (the bytes the web serves, built by whichever
    worker built them last) plus the OPML and the feeds' stylesheet; return only the
    files rewritten. A feed not
    built yet has no file: a static server answers 404 rather than an empty feed."""
    written: list[Path] = []
    for feed in feeds:
        check_format(feed.format)
        target = path_file(out_dir, feed.path, feed.format)
        if write_if_changed(target, feed.body):
            written.append(target)
    for name in OPML_NAMES:
        target = out_dir / name
        if write_if_changed(target, opml):
            written.append(target)
    # The Atom and RSS files name it, so a static server must have it beside them.
    target = out_dir.joinpath(*PurePosixPath(STYLESHEET_PATH).parts)
    if write_if_changed(target, stylesheet()):
        written.append(target)
    return written


def feed_file(out_dir: Path, meta: FeedMeta, fmt: str) -> Path:
    return path_file(out_dir, meta.path, fmt)


def path_file(out_dir: Path, path: str, fmt: str) -> Path:
    """Where a feed goes under out_dir; a path climbing out of it is a config mistake."""
    relative = PurePosixPath(f"{path.strip('/')}.{fmt}")
    if not path.strip("/") or relative.is_absolute() or ".." in relative.parts:
        raise ConfigError(
            f"feed path {path!r} does not stay inside the output directory", key="feeds"
        )
    return out_dir.joinpath(*relative.parts)


def write_if_changed(target: Path, data: bytes) -> bool:
    try:
        if target.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp_name, _FILE_MODE)
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return True
