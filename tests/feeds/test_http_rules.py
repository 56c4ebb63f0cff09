"""FEEDS.md HTTP rules H1–H4, as far as the bytes and files decide them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from syndicator.errors import ConfigError
from syndicator.feeds import EMPTY_FEED_UPDATED, FORMATS, build_feed, content_type, write_feeds
from tests.support.articles import article, meta, sample


def test_H1_content_types_carry_charset() -> None:
    assert content_type("atom") == "application/atom+xml; charset=utf-8"
    assert content_type("rss") == "application/rss+xml; charset=utf-8"
    with pytest.raises(ConfigError, match="unknown feed format 'xml'"):
        content_type("xml")
    with pytest.raises(ConfigError):
        build_feed("rdf", meta(), sample())


@pytest.mark.parametrize("fmt", FORMATS)
def test_H2_utf8_only(fmt: str) -> None:
    data = build_feed(fmt, meta(), sample())
    text = data.decode("utf-8")  # raises on anything but UTF-8
    assert "新进展：“芯片”突破！🚀" in text
    assert "浙江：全省科技系统“创新深化 实干争先”动员部署会召开" in text
    assert "🚀".encode() in data
    assert b"&#" not in data  # characters are written, not escaped as references


@pytest.mark.parametrize("fmt", FORMATS)
def test_H3_same_data_same_bytes(fmt: str) -> None:
    first = build_feed(fmt, meta(hubs=("https://hub.example.org/",)), sample())
    shuffled = list(reversed(sample()))
    again = build_feed(fmt, meta(hubs=("https://hub.example.org/",)), shuffled)
    assert first == again
    changed = build_feed(
        fmt,
        meta(hubs=("https://hub.example.org/",)),
        [*sample()[:2], article("2605", title="新标题")],
    )
    assert changed != first
    # An empty feed is dated at a fixed instant, not at build time.
    assert build_feed(fmt, meta(), []) == build_feed(fmt, meta(), [])


def test_H3_empty_feed_uses_fixed_epoch() -> None:
    assert EMPTY_FEED_UPDATED.isoformat() == "2000-01-01T00:00:00+00:00"
    assert b"<updated>2000-01-01T08:00:00+08:00</updated>" in build_feed("atom", meta(), [])
    assert b"<lastBuildDate>Sat, 01 Jan 2000 08:00:00 +0800</lastBuildDate>" in build_feed(
        "rss", meta(), []
    )


def test_H4_unchanged_feed_files_keep_their_mtime(tmp_path: Path) -> None:
    """A static server derives ETag/Last-Modified from mtime: unchanged feeds keep theirs."""
    feeds = [(meta(), sample())]
    first = write_feeds(tmp_path, feeds, ["atom", "json"], b"<opml/>")
    atom_file = tmp_path / "feeds/zgkjcx/kjyw.atom"
    old = atom_file.stat().st_mtime_ns - 10_000_000_000
    os.utime(atom_file, ns=(old, old))
    assert write_feeds(tmp_path, feeds, ["atom", "json"], b"<opml/>") == []
    assert atom_file.stat().st_mtime_ns == old
    assert atom_file in first
