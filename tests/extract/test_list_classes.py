"""One small page per class of list that detection must read: tests/data/list_classes.

Each page is built like the class it names (the CMS or the layout, not one site): the
JSON beside it states the class, the article links in page order with their titles and
dates, and the next page.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from syndicator.extract import decode_html, extract_list

FOLDER = Path(__file__).resolve().parent.parent / "data" / "list_classes"
TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 4, 12, 0, tzinfo=TZ)
CASES = sorted(FOLDER.glob("*.json"))


def _load(path: Path) -> tuple[str, dict[str, Any]]:
    text, _ = decode_html(path.with_suffix(".html").read_bytes(), "text/html")
    return text, json.loads(path.read_text(encoding="utf-8"))


def test_every_class_has_a_page() -> None:
    assert len(CASES) >= 9


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_list_class(path: Path) -> None:
    text, want = _load(path)
    got = extract_list(text, want["url"], tz=TZ, now=NOW)
    items = [[i.url, i.title, i.published.isoformat() if i.published else None] for i in got.items]
    assert items == want["items"], want["class"]
    assert got.next_page == want["next_page"], want["class"]
