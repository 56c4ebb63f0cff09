"""Static output: served paths, atomic replacement, and untouched unchanged files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from syndicator.errors import ConfigError
from syndicator.feeds import FeedMeta, build_feed, build_opml, write_feeds
from syndicator.feeds.stylesheet import stylesheet
from syndicator.models import Article
from tests.support.articles import article, meta, sample

SITE = meta(path="feeds/zgkjcx", title="中国科技创新网")
ALL = meta(path="feeds/all", title="全部")
OPML = build_opml(
    [("中国科技创新网", [SITE, meta()]), ("全部", [ALL])], "订阅", "http://localhost:8080"
)


def feeds() -> list[tuple[FeedMeta, list[Article]]]:
    return [(meta(), sample()), (SITE, sample()), (ALL, sample())]


def test_writes_every_feed_at_its_served_path(tmp_path: Path) -> None:
    written = write_feeds(tmp_path, feeds(), ["atom", "rss", "json"], OPML)
    relative = sorted(str(p.relative_to(tmp_path)) for p in written)
    assert relative == sorted(
        [
            "feeds/zgkjcx/kjyw.atom",
            "feeds/zgkjcx/kjyw.rss",
            "feeds/zgkjcx/kjyw.json",
            "feeds/zgkjcx.atom",
            "feeds/zgkjcx.rss",
            "feeds/zgkjcx.json",
            "feeds/all.atom",
            "feeds/all.rss",
            "feeds/all.json",
            "feeds/feed.xsl",
            "opml",
            "opml.xml",
        ]
    )
    # The Atom and RSS files name the stylesheet by a path from the site root.
    assert (tmp_path / "feeds/feed.xsl").read_bytes() == stylesheet()
    assert b'href="/feeds/feed.xsl"' in (tmp_path / "feeds/zgkjcx.rss").read_bytes()
    assert (tmp_path / "feeds/all.rss").read_bytes() == build_feed("rss", ALL, sample())
    assert (tmp_path / "opml").read_bytes() == OPML == (tmp_path / "opml.xml").read_bytes()
    assert (
        json.loads((tmp_path / "feeds/zgkjcx.json").read_bytes())["feed_url"]
        == "http://localhost:8080/feeds/zgkjcx.json"
    )
    assert (tmp_path / "feeds/all.json").stat().st_mode & 0o777 == 0o644
    assert not [p for p in tmp_path.rglob("*.tmp")]


def test_rewrites_only_changed_files(tmp_path: Path) -> None:
    write_feeds(tmp_path, feeds(), ["atom", "json"], OPML)
    changed = [(meta(), [*sample(), article("2999", published=sample()[2].published)])]
    written = write_feeds(
        tmp_path, [*changed, (SITE, sample()), (ALL, sample())], ["atom", "json"], OPML
    )
    assert sorted(p.name for p in written) == ["kjyw.atom", "kjyw.json"]
    assert b"zgkjcx/2999" in (tmp_path / "feeds/zgkjcx/kjyw.atom").read_bytes()


def test_replaces_files_atomically(tmp_path: Path) -> None:
    target = tmp_path / "feeds/all.atom"
    target.parent.mkdir(parents=True)
    target.write_bytes(b"old")
    old_inode = target.stat().st_ino
    held = target.open("rb")  # a server still streaming the old version
    try:
        write_feeds(tmp_path, [(ALL, sample())], ["atom"], OPML)
        assert held.read() == b"old"
    finally:
        held.close()
    assert target.stat().st_ino != old_inode
    assert target.read_bytes().startswith(b"<?xml")


@pytest.mark.parametrize("path", ["../escape", "feeds/../../x", "/", ""])
def test_refuses_paths_outside_the_output_directory(tmp_path: Path, path: str) -> None:
    with pytest.raises(ConfigError):
        write_feeds(tmp_path / "out", [(meta(path=path), [])], ["atom"], OPML)
    assert not (tmp_path / "escape.atom").exists()


def test_leading_slash_stays_inside_like_the_served_url(tmp_path: Path) -> None:
    rooted = meta(path="/feeds/all/")
    assert rooted.url("rss") == "http://localhost:8080/feeds/all.rss"
    assert write_feeds(tmp_path, [(rooted, [])], ["rss"], OPML)[0] == tmp_path / "feeds/all.rss"


def test_rejects_unknown_formats_before_writing(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        write_feeds(tmp_path, [(ALL, sample())], ["atom", "xml"], OPML)
    assert list(tmp_path.iterdir()) == []
