"""What the commands print, as functions (the process-level tests are in test_main.py)."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta

from syndicator.cli import main
from syndicator.cli.commands import _line
from syndicator.models import Delivery, DeliveryState, EventType

CREATED = datetime(2023, 3, 20, 1, 30, tzinfo=UTC)


def delivery(**changes: object) -> Delivery:
    values: dict[str, object] = {
        "id": 7,
        "key": "msg_1",
        "channel": "mailbox",
        "event": EventType.PUBLISHED,
        "state": DeliveryState.PENDING,
        "site": "zgkjcx",
        "category": "kjyw",
        "article_key": "2603",
        "data": {"title": "标题"},
        "created": CREATED,
    }
    values.update(changes)
    return Delivery(**values)  # type: ignore[arg-type]


def test_a_delivered_row_shows_when_it_went_out() -> None:
    sent = CREATED + timedelta(seconds=42)
    line = _line(delivery(state=DeliveryState.DELIVERED, attempts=1, delivered_at=sent))
    assert "2023-03-20 01:30:42Z" in line and "delivered" in line


def test_a_waiting_row_shows_its_next_try() -> None:
    later = CREATED + timedelta(minutes=5)
    line = _line(delivery(attempts=1, next_attempt=later, last_error="HTTP 500"))
    assert "2023-03-20 01:35:00Z" in line and "HTTP 500" in line


def test_log_lines_carry_utc_times_marked_z(capsys: object) -> None:
    root = logging.getLogger()
    saved = list(root.handlers)
    for handler in saved:
        root.removeHandler(handler)
    try:
        main.main(["check", "-c", "no/such/file.yaml"])  # sets logging up, then fails
        [handler] = root.handlers
        assert handler.formatter is not None
        assert handler.formatter.converter is time.gmtime
        record = logging.LogRecord("x", logging.INFO, __file__, 1, "m", None, None)
        stamp = handler.formatter.formatTime(record, handler.formatter.datefmt)
        assert stamp.endswith("Z") and "T" in stamp
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in saved:
            root.addHandler(handler)
