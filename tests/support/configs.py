"""Write a config for a replica portal and build an Service on it."""

from __future__ import annotations

from pathlib import Path

from syndicator.config import load_config
from syndicator.demo.portal import ReplicaPortal
from syndicator.runtime.service import Service

# Everything but the sites: the settings every end-to-end config shares.
SETTINGS = """\
storage: {storage}
server:
  host: 127.0.0.1
  port: 8080
  public_url: http://feeds.example.test
fetch:
  user_agent: "syndicator-test/0.1 (+https://example.org/contact)"
  timeout: 5s
  host_delay: 0s
  allow_private: true
  retries: 1
  robots_txt: true
  max_bytes: 5MB
defaults:
  every: 10m
  timezone: Asia/Shanghai
"""
CONFIG = (
    SETTINGS
    + """\
sites:
  - id: zgkjcx
    name: 中国科技创新网
    url: {base}
    categories:
      - id: kjyw
        name: 科技要闻
        list_url: {base}Article/kjyw/Index.html
      - id: kjrw
        name: 科技人物
        list_url: {base}Article/ShowClass.asp?ClassID=5
feeds:
  formats: [atom, rss, json]
  max_items: 50
"""
)


def write_config(tmp_path: Path, portal: ReplicaPortal, storage: str | None = None) -> Path:
    path = tmp_path / "syndicator.yaml"
    storage = storage or f"sqlite:///{tmp_path / 'db' / 'test.db'}"
    path.write_text(CONFIG.format(storage=storage, base=portal.base_url), encoding="utf-8")
    return path


def make_app(config_path: Path, clock: object) -> Service:
    app = Service(load_config(config_path), clock=clock)  # type: ignore[arg-type]
    app.upgrade()
    return app


# The smallest valid ``sites:`` block, for tests of the rest of a config file.
ONE_SITE = """\
sites:
  - id: s
    name: S
    url: http://portal.test/
    categories:
      - {id: c, name: C, list_url: http://portal.test/list.html}
"""
