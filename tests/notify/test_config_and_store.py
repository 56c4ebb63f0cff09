"""Channels and subscriptions from YAML; the outbox written in the poll's transaction."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from syndicator.config import load_config
from syndicator.errors import StoreError
from syndicator.models import ArticleIntent, Change, PollRecord, Subscription
from syndicator.store import Store
from tests.support.articles import make_article
from tests.support.outbox import intent

YAML = """\
sites:
  - id: zgkjcx
    name: 中国科技创新网
    url: http://www.zgkjcx.com/
    categories:
      - id: kjyw
        name: 科技要闻
        list_url: http://www.zgkjcx.com/Article/ShowClass.asp?ClassID=1
notifications:
  channels:
    - id: editors
      type: email
      smtp: {host: smtp.example.org, security: ssl, username: a, password: b}
      from: "科技要闻 <alerts@example.org>"
      to: [editor@example.org]
      digest: "0 8 * * *"
    - id: hook
      type: webhook
      url: https://example.org/hooks/syndicator
      secret: "whsec_c2VjcmV0c2VjcmV0c2VjcmV0"
    - id: ding
      type: apprise
      url: "dingtalk://token/"
  subscriptions:
    - channel: editors
      categories: ["zgkjcx/kjyw"]
      keywords: [量子]
    - channel: ding
      on_update: true
      operator: true
"""


def test_channels_and_subscriptions_become_frozen_values(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(YAML, encoding="utf-8")
    config = load_config(path)
    editors, hook, ding = config.channels()
    assert (editors.kind, editors.digest, editors.to) == (
        "email",
        "0 8 * * *",
        ("editor@example.org",),
    )
    assert editors.smtp is not None
    assert (editors.smtp.port, editors.smtp.security, editors.smtp.username) == (465, "ssl", "a")
    assert (hook.kind, hook.allow_private, hook.timeout) == ("webhook", False, 15.0)
    assert (ding.kind, ding.url) == ("apprise", "dingtalk://token/")
    assert config.subscriptions() == [
        Subscription("editors", ("zgkjcx/kjyw",), ("量子",)),
        Subscription("ding", ("*",), on_update=True, operator=True),
    ]


def _record() -> PollRecord:
    t = datetime(2023, 3, 20, 1, 30, tzinfo=UTC)
    return PollRecord(
        site="zgkjcx", category="kjyw", started=t, finished=t, ok=True, items=1, new=1
    )


def test_article_and_its_deliveries_share_one_transaction(sqlite_store: Store) -> None:
    rec = _record()
    state = sqlite_store.categories.state("zgkjcx", "kjyw")
    article = ArticleIntent(make_article(key="7"), Change.NEW, True)
    broken = replace(intent(7, "hook", rec.finished), channel=None)  # type: ignore[arg-type]
    with pytest.raises(StoreError):
        sqlite_store.apply([article], rec, state, (), [broken])
    assert sqlite_store.articles.get("zgkjcx", "7") is None  # nothing half-written
    sqlite_store.apply([article], rec, state, (), [intent(7, "hook", rec.finished)])
    assert sqlite_store.articles.get("zgkjcx", "7") is not None
    assert [d.article_key for d in sqlite_store.outbox.list()] == ["7"]
