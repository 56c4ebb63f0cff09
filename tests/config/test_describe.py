"""What ``check`` prints never shows a secret, wherever the config keeps one."""

from __future__ import annotations

from pathlib import Path

import pytest

from syndicator.config import describe, load_config
from syndicator.models import redact_database_url, redact_url
from tests.support.configs import ONE_SITE

SECRETS = [
    "S3cretPW",
    "T0KEN-PATH",
    "ACCESS-T0KEN",
    "SMTP-PASS",
    "ADMIN-T0KEN",
    "DINGT0KEN",
    "whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0",
    "QUERY-PW",
]

CONFIG = (
    """\
storage: postgresql+psycopg://bob:S3cretPW@db.internal:5432/syndicator?password=QUERY-PW
server: {admin_token: ADMIN-T0KEN}
"""
    + ONE_SITE
    + """\
notifications:
  channels:
    - id: slack
      type: webhook
      url: https://hooks.example.org/services/T0KEN-PATH
      secret: whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0
    - id: ding
      type: webhook
      url: https://robot.example.org/send?access_token=ACCESS-T0KEN
      secret: whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0
    - id: mail
      type: email
      smtp: {host: smtp.example.org, username: me, password: SMTP-PASS}
      from: me@example.org
      to: [you@example.org]
    - id: bot
      type: apprise
      url: dingtalk://DINGT0KEN/
  subscriptions:
    - {channel: slack, categories: ["*"]}
"""
)


def test_check_shows_no_secret(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(CONFIG, "utf-8")
    shown = describe(load_config(path, env={}))
    assert "postgresql+psycopg://bob:***@db.internal:5432/syndicator?password=***" in shown
    assert "https://hooks.example.org/…" in shown
    for secret in SECRETS:
        assert secret not in shown


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://hooks.example.org/services/T/B/X", "https://hooks.example.org/…"),
        ("https://robot.example.org/send?access_token=x", "https://robot.example.org/…"),
        ("http://u:p@h.example.org:8080/", "http://u:***@h.example.org:8080/"),
        ("http://h.example.org", "http://h.example.org"),
        ("not a url", "not a url"),
    ],
)
def test_redact_url(url: str, shown: str) -> None:
    assert redact_url(url) == shown


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql+psycopg://bob:pw@db/x", "postgresql+psycopg://bob:***@db/x"),
        (
            "postgresql://bob@db/x?password=pw&sslmode=require",
            "postgresql://bob@db/x?password=***&sslmode=***",
        ),
        ("sqlite:////var/lib/s.db", "sqlite:////var/lib/s.db"),
        ("sqlite:///data/s.db", "sqlite:///data/s.db"),
    ],
)
def test_redact_database_url(url: str, shown: str) -> None:
    assert redact_database_url(url) == shown
