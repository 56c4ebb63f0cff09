"""Replica portal → poll → outbox → real SMTP and webhook receivers, exactly once."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from syndicator import metrics
from syndicator.cli.main import main
from syndicator.demo.portal import ReplicaPortal
from syndicator.models import EventType
from syndicator.runtime.service import Service
from tests.support.clock import Clock
from tests.support.configs import make_app
from tests.support.notify_config import write_notify_config
from tests.support.sinks import Sinks

KJYW = "zgkjcx/kjyw"


def delivered_total() -> float:
    return sum(
        sample.value
        for family in metrics.REGISTRY.collect()
        if family.name == "syndicator_deliveries"
        for sample in family.samples
        if sample.name.endswith("_total") and sample.labels["outcome"] == "delivered"
    )


def build(
    tmp_path: Path, portal: ReplicaPortal, sinks: Sinks, clock: Clock, storage: str | None = None
) -> Service:
    cfg = write_notify_config(
        tmp_path,
        portal,
        smtp_port=sinks.smtp.port,
        hook_url=sinks.hook.url,
        ops_url=sinks.ops.url,
        storage=storage,
    )
    return make_app(cfg, clock)


@pytest.mark.parametrize("db", ["sqlite", "postgresql"])
def test_new_articles_are_sent_once_per_channel_and_baseline_never(
    db: str,
    tmp_path: Path,
    portal: ReplicaPortal,
    sinks: Sinks,
    clock: Clock,
    request: pytest.FixtureRequest,
) -> None:
    storage = request.getfixturevalue("postgres").new_database() if db == "postgresql" else None
    app = build(tmp_path, portal, sinks, clock, storage)
    try:
        app.poll(app.categories())
        assert app.deliver_due().claimed == 0  # the baseline poll is silent
        fresh = [portal.publish("kjyw"), portal.publish("kjyw"), portal.publish("kjrw")]
        clock.advance(minutes=10)
        outcomes = app.poll(app.categories())
        assert sum(o.record.new for o in outcomes) == 3
        before = delivered_total()
        report = app.deliver_due()
        assert (report.delivered, report.failed) == (5, 0)  # 2 mails (kjyw) + 3 webhooks
        assert delivered_total() == before + 5  # what /metrics shows
        clock.advance(minutes=10)
        app.poll(app.categories())
        assert app.deliver_due().claimed == 0
    finally:
        app.close()
    subjects = sorted(str(m.message["Subject"]) for m in sinks.smtp.mails)
    assert subjects == sorted(f"[科技要闻] {a.title}" for a in fresh[:2])
    urls = Counter(r.json()["data"]["url"] for r in sinks.hook.received)
    assert urls == Counter({a.url: 1 for a in fresh})
    assert all(r.verified for r in sinks.hook.received)
    assert sinks.ops.received == []


def test_operator_is_told_once_when_a_category_breaks_and_recovers(
    tmp_path: Path, portal: ReplicaPortal, sinks: Sinks, clock: Clock
) -> None:
    app = build(tmp_path, portal, sinks, clock)
    spec = app.categories([KJYW])
    try:
        app.poll(spec)
        portal.set_empty("kjyw", True)
        for _ in range(6):
            clock.advance(minutes=10)
            app.poll(spec)
            app.deliver_due()
        portal.set_empty("kjyw", False)
        for _ in range(2):
            clock.advance(minutes=10)
            app.poll(spec)
            app.deliver_due()
    finally:
        app.close()
    events = [r.json()["type"] for r in sinks.ops.received]
    assert events == [EventType.BROKEN, EventType.RECOVERED]
    assert sinks.ops.received[0].json()["data"]["category"] == "kjyw"


def test_cli_deliveries_and_notify_test(
    tmp_path: Path,
    portal: ReplicaPortal,
    sinks: Sinks,
    clock: Clock,
    capsys: pytest.CaptureFixture[str],
) -> None:
    app = build(tmp_path, portal, sinks, clock)
    try:
        app.poll(app.categories([KJYW]))
        portal.publish("kjyw", title="高温超导研究获重要进展")
        clock.advance(minutes=10)
        sinks.hook.answer([500])
        app.poll(app.categories([KJYW]))
        app.deliver_due()
    finally:
        app.close()
    cfg = str(tmp_path / "syndicator.yaml")
    assert main(["deliveries", "-c", cfg, "--state", "pending"]) == 0
    out = capsys.readouterr().out
    assert "hook" in out and "HTTP 500" in out and "高温超导研究获重要进展" in out
    pending = [line.split()[0] for line in out.splitlines() if " pending " in line]
    assert main(["deliveries", "-c", cfg, "--retry", pending[0]]) == 0
    assert "delivered" in capsys.readouterr().out
    assert [r.status for r in sinks.hook.received] == [500, 200]
    assert len({r.webhook_id for r in sinks.hook.received}) == 1
    assert main(["notify-test", "-c", cfg, "editors"]) == 0
    assert "editors: delivered" in capsys.readouterr().out
    assert "测试消息" in str(sinks.smtp.mails[-1].message["Subject"])
    assert main(["notify-test", "-c", cfg, "editorz"]) == 2
    assert "did you mean 'editors'" in capsys.readouterr().err
