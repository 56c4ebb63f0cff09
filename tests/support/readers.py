"""Small readers for feed bytes: lxml trees, sfeed rows, newsboat items, jing verdicts, a
loopback server."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from syndicator.feeds import content_type

ATOM = "{http://www.w3.org/2005/Atom}"
NS = {
    "a": "http://www.w3.org/2005/Atom",
    "atom": "http://www.w3.org/2005/Atom",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "dc": "http://purl.org/dc/elements/1.1/",
}
# RFC 4287 appendix B, the RELAX NG schema of Atom 1.0.
ATOM_RNC = Path(__file__).parents[1] / "data" / "schemas" / "atom.rnc"
SFEED_FIELDS = (
    "timestamp",
    "title",
    "link",
    "content",
    "content_type",
    "id",
    "author",
    "enclosure",
    "category",
)


def tree(data: bytes) -> Any:
    return etree.fromstring(data)


def xpath(data: bytes, path: str) -> list[Any]:
    result = tree(data).xpath(path, namespaces=NS)
    assert isinstance(result, list)
    return result


def missing_tool(reason: str) -> None:
    """Skip where a tool is missing, except under `make test`, which installs them."""
    if os.environ.get("SYNDICATOR_REQUIRE_TOOLS") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


def sfeed_rows(data: bytes) -> list[dict[str, str]]:
    if shutil.which("sfeed") is None:
        missing_tool("sfeed (Debian package) is not installed")
    out = subprocess.run(["sfeed"], input=data, capture_output=True, check=True).stdout
    lines = out.decode("utf-8").splitlines()
    return [dict(zip(SFEED_FIELDS, line.split("\t"), strict=False)) for line in lines]


def jing(*files: Path) -> subprocess.CompletedProcess[str]:
    if shutil.which("jing") is None:
        missing_tool("jing (Debian package) is not installed: Atom schema not checked")
    return subprocess.run(
        ["jing", "-c", str(ATOM_RNC), *map(str, files)], capture_output=True, text=True, check=False
    )


NEWSBOAT_FIELDS = ("feedurl", "guid", "title", "pubDate", "url", "author", "content")


def newsboat_items(urls: list[str], work: Path) -> list[dict[str, Any]]:
    """Reload ``urls`` with newsboat (no config, a cache in ``work``) and read back the
    items it stored, oldest first. newsboat keys items by guid across all feeds of one
    cache, so callers give it one format at a time."""
    if shutil.which("newsboat") is None:
        missing_tool("newsboat (Debian package) is not installed")
    (work / "urls").write_text("\n".join(urls) + "\n", encoding="utf-8")
    cache = work / "cache.db"
    result = subprocess.run(
        ["newsboat", "-u", str(work / "urls"), "-c", str(cache), "-C", "/dev/null", "-x", "reload"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={
            **os.environ,
            "HOME": str(work),
            "XDG_CONFIG_HOME": str(work),
            "XDG_DATA_HOME": str(work),
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    with sqlite3.connect(cache) as db:
        rows = db.execute(
            f"SELECT {', '.join(NEWSBOAT_FIELDS)} FROM rss_item ORDER BY pubDate"
        ).fetchall()
    return [dict(zip(NEWSBOAT_FIELDS, row, strict=True)) for row in rows]


class _FeedHandler(SimpleHTTPRequestHandler):
    """Serves feed files with the media types the real service sends."""

    def guess_type(self, path: Any) -> str:
        suffix = Path(str(path)).suffix.lstrip(".")
        if suffix in ("atom", "rss", "json"):
            return content_type(suffix)
        return str(super().guess_type(path))

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(root: Path) -> Iterator[str]:
    """A loopback HTTP server over root; yields its base URL."""
    handler = partial(_FeedHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
