"""Category health over a run of polls, from data files."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from syndicator.models import CategoryState, PollRecord
from syndicator.poll.decide import next_state

CASES = json.loads((Path(__file__).parent / "data" / "health.json").read_text("utf-8"))
T0 = datetime(2023, 3, 1, tzinfo=UTC)

KINDS: dict[str, dict[str, Any]] = {
    "full": {"ok": True, "items": 20, "new": 2},
    "known": {"ok": True, "items": 20, "new": 0},
    "empty": {"ok": True, "items": 0},
    "304": {"ok": True, "items": 0, "not_modified": True},
    "down": {"ok": False, "error": "connection refused"},
    "unreadable": {"ok": True, "items": 20, "new": 0, "failed_articles": 2},
}


@pytest.mark.parametrize("case", CASES, ids=[c["why"] for c in CASES])
def test_status_over_polls(case: dict[str, Any]) -> None:
    state = CategoryState(site="s", category="c")
    seen = []
    for i, kind in enumerate(case["polls"]):
        at = T0 + timedelta(minutes=10 * i)
        record = PollRecord(site="s", category="c", started=at, finished=at, **KINDS[kind])
        new = next_state(state, record)
        if new.status != state.status:
            assert new.status_since == at
        else:
            assert new.status_since == state.status_since
        state = new
        seen.append(state.status)
    assert seen == case["expect"]
    assert state.polls == len(case["polls"])
