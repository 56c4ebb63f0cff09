"""Shared loading of the page corpus in tests/data (raw bytes beside expected JSON)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

DATA = Path(__file__).resolve().parent.parent / "data"


@dataclass(frozen=True)
class Case:
    name: str
    body: bytes
    url: str
    now: datetime
    tz: ZoneInfo
    content_type: str | None
    expected: dict[str, Any]
    encoding: str = "gb18030"


def load_cases(kind: str) -> list[Case]:
    cases = []
    for meta_path in sorted((DATA / kind).glob("*.json")):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        cases.append(
            Case(
                name=meta_path.stem,
                body=meta_path.with_suffix(".html").read_bytes(),
                url=meta["url"],
                now=datetime.fromisoformat(meta["now"]),
                tz=ZoneInfo(meta.get("timezone", "Asia/Shanghai")),
                content_type=meta.get("content_type"),
                expected=meta["expected"],
                encoding=meta.get("encoding", "gb18030"),
            )
        )
    return cases


def read_case(kind: str, name: str) -> Case:
    return next(case for case in load_cases(kind) if case.name == name)


def page(name: str) -> str:
    """A small UTF-8 page of another CMS family from tests/data/pages."""
    return (DATA / "pages" / name).read_text(encoding="utf-8")
