"""Outbox rows and channels for notification tests and benchmarks."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from syndicator.models import (
    DeliveryIntent,
    DeliveryState,
    EmailChannel,
    EventType,
    SmtpSecurity,
    SmtpSettings,
    WebhookChannel,
    delivery_key,
)
from syndicator.store import Store
from syndicator.store.outbox import insert_deliveries

SECRET = "whsec_" + base64.b64encode(b"syndicator-test-secret-0123456789").decode()


def webhook(url: str, cid: str = "hook", **kw: Any) -> WebhookChannel:
    return WebhookChannel(
        id=cid,
        url=url,
        secret=SECRET,
        allow_private=kw.pop("allow_private", True),
        timeout=kw.pop("timeout", 5.0),
        **kw,
    )


def mailbox(
    port: int, cid: str = "editors", digest: str | None = None, security: str = "none"
) -> EmailChannel:
    return EmailChannel(
        id=cid,
        smtp=SmtpSettings(
            host="127.0.0.1", port=port, security=SmtpSecurity(security), timeout=5.0
        ),
        sender="科技要闻 <alerts@example.org>",
        to=("editor@example.org",),
        digest=digest,
    )


def article_data(n: int, title: str | None = None) -> dict[str, Any]:
    return {
        "id": f"tag:syndicator,2024:zgkjcx/{n}",
        "site": "zgkjcx",
        "category": "kjyw",
        "category_name": "科技要闻",
        "url": f"http://portal.test/Article/{n}.html",
        "title": title or f"量子计算取得新进展 第{n}篇",
        "published": "2023-03-20T09:30:00+08:00",
        "source": "科技日报",
        "author": None,
        "editor": "zgkjcx",
        "summary": "我国科研团队在量子计算领域取得重要突破。",
        "images": [],
        "feed_url": "http://feeds.example.test/feeds/zgkjcx/kjyw.atom",
    }


def intent(
    n: int,
    channel: str,
    now: datetime,
    *,
    state: str = DeliveryState.PENDING,
    event: str = EventType.PUBLISHED,
) -> DeliveryIntent:
    return DeliveryIntent(
        key=delivery_key(event, "zgkjcx", str(n), channel, ""),
        channel=channel,
        event=event,
        state=state,
        site="zgkjcx",
        category="kjyw",
        article_key=str(n),
        data=article_data(n),
        created=now,
    )


def enqueue(store: Store, intents: list[DeliveryIntent]) -> int:
    with store.engine.begin() as conn:
        return insert_deliveries(conn, intents)
