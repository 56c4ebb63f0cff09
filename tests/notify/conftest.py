"""Shared pieces of the notification tests: a store on both databases, channels, rows."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from syndicator.store import Store


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    s = Store(f"sqlite:///{tmp_path}/n.db")
    s.upgrade()
    yield s
    s.close()


def load_cases(name: str) -> list[Any]:
    data: list[Any] = json.loads((Path(__file__).parent / "data" / name).read_text("utf-8"))
    return data
