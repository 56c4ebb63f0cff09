"""A config for the replica portal with notification channels on loopback sinks."""

from __future__ import annotations

from pathlib import Path

from syndicator.demo.portal import ReplicaPortal
from tests.support.configs import CONFIG
from tests.support.outbox import SECRET

NOTIFICATIONS = """\
notifications:
  channels:
    - id: editors
      type: email
      smtp: {{host: 127.0.0.1, port: {smtp_port}, security: none, timeout: 5s}}
      from: "科技要闻 <alerts@example.org>"
      to: [editor@example.org]
    - id: hook
      type: webhook
      url: {hook_url}
      secret: "{secret}"
      allow_private: true
      timeout: 5s
    - id: ops
      type: webhook
      url: {ops_url}
      secret: "{secret}"
      allow_private: true
  subscriptions:
    - channel: editors
      categories: ["zgkjcx/kjyw"]
    - channel: hook
      categories: ["*"]
    - channel: ops
      keywords: ["operator-alerts-only"]
      operator: true
"""


def write_notify_config(
    tmp_path: Path,
    portal: ReplicaPortal,
    *,
    smtp_port: int,
    hook_url: str,
    ops_url: str,
    storage: str | None = None,
) -> Path:
    path = tmp_path / "syndicator.yaml"
    storage = storage or f"sqlite:///{tmp_path / 'db' / 'test.db'}"
    text = CONFIG.format(storage=storage, base=portal.base_url) + NOTIFICATIONS.format(
        smtp_port=smtp_port, hook_url=hook_url, ops_url=ops_url, secret=SECRET
    )
    path.write_text(text, encoding="utf-8")
    return path
