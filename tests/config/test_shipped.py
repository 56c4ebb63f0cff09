"""The shipped configuration files load, and every key of the format is documented."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from syndicator.config import describe, json_schema, load_config

CONFIG = Path(__file__).resolve().parents[2] / "config"


def test_real_config_loads_with_an_empty_environment() -> None:
    conf = load_config(CONFIG / "syndicator.yaml", env={})
    spec = conf.find_category("zgkjcx/kjyw")
    assert spec.name == "科技要闻"
    assert spec.list_url == "http://www.zgkjcx.com/Article/ShowClass.asp?ClassID=1"
    assert conf.storage == "sqlite:///data/syndicator.db"
    assert conf.server.admin_token == ""
    assert conf.category_schedule("zgkjcx/kjyw").seconds == 600.0


def test_demo_config_points_at_loopback() -> None:
    conf = load_config(CONFIG / "demo.yaml", env={})
    # Every category the replica publishes into, so its new articles are all seen.
    assert [s.key for s in conf.categories()] == [
        "zgkjcx/kjyw",
        "zgkjcx/dfkj",
        "zgkjcx/kjcg",
        "zgkjcx/kjrw",
    ]
    assert [s.list_url for s in conf.categories()] == [
        "http://127.0.0.1:8081/Article/kjyw/Index.html",
        "http://127.0.0.1:8081/Article/dfkj/Index.html",
        "http://127.0.0.1:8081/Article/ShowClass.asp?ClassID=3",
        "http://127.0.0.1:8081/Article/ShowClass.asp?ClassID=5",
    ]
    assert conf.storage == "sqlite:///data/demo.db"
    assert conf.server.public_url == "http://127.0.0.1:8080"
    assert {conf.category_schedule(s).seconds for s in conf.categories()} == {30.0}
    mail, hook = conf.notifications.channels
    assert mail.type == "email" and (mail.smtp.host, mail.smtp.port) == ("127.0.0.1", 8025)
    assert mail.smtp.security == "none"
    assert hook.type == "webhook" and hook.url == "http://127.0.0.1:8090/hook"
    assert hook.allow_private and hook.secret.startswith("whsec_")
    assert {s.channel for s in conf.notifications.subscriptions} == {"mailbox", "hook"}


def schema_keys(schema: dict[str, Any]) -> set[str]:
    keys: set[str] = set()
    for part in [schema, *schema.get("$defs", {}).values()]:
        keys |= set(part.get("properties", {}))
    return keys


def documented_keys(text: str) -> set[str]:
    """Keys written as `key: value  # why` (also inside commented-out examples)."""
    found = set()
    for line in text.splitlines():
        match = re.match(r"^\s*(?:#\s*)?(?:-\s+)?([a-z_]+):(.*)$", line)
        if match and re.search(r"(?:^|\s)#\s*\S", match.group(2)):
            found.add(match.group(1))
    return found


def test_every_key_of_the_schema_is_documented_in_the_real_config() -> None:
    text = (CONFIG / "syndicator.yaml").read_text(encoding="utf-8")
    missing = schema_keys(json_schema()) - documented_keys(text)
    assert not missing, f"keys without a commented example in syndicator.yaml: {missing}"


def test_documentation_check_can_fail() -> None:
    assert documented_keys("a: 1  # the a\nb: 2\n# c: 3   # the c\n  - d: x # d\n") == {
        "a",
        "c",
        "d",
    }


def test_schema_describes_every_key() -> None:
    schema = json_schema()
    json.dumps(schema)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert set(schema["required"]) == {"sites"}
    assert {"storage", "server", "fetch", "defaults", "sites", "feeds", "notifications"} == set(
        schema["properties"]
    )
    for part in [schema, *schema["$defs"].values()]:
        for name, prop in part.get("properties", {}).items():
            assert prop.get("description"), f"{part.get('title')}.{name} has no description"
    assert "from" in schema["$defs"]["EmailChannel"]["properties"]


@pytest.mark.parametrize("key", ["timeout", "host_delay"])
def test_schema_durations_accept_strings_and_numbers(key: str) -> None:
    prop = json_schema()["$defs"]["FetchSection"]["properties"][key]
    assert {alt["type"] for alt in prop["anyOf"]} == {"string", "number"}
    assert re.fullmatch(prop["anyOf"][0]["pattern"], "1h30m")


def test_schema_sizes_accept_strings_and_integers() -> None:
    prop = json_schema()["$defs"]["FetchSection"]["properties"]["max_bytes"]
    assert {alt["type"] for alt in prop["anyOf"]} == {"string", "integer"}


def test_describe_lists_what_would_be_watched() -> None:
    text = describe(load_config(CONFIG / "demo.yaml", env={}))
    for expected in [
        "zgkjcx/kjyw",
        "科技要闻",
        "http://127.0.0.1:8081/Article/kjyw/Index.html",
        "every 30s, Asia/Shanghai",
        "zgkjcx/kjrw",
        "mailbox  email via 127.0.0.1:8025 (none)",
        "hook  webhook http://127.0.0.1:8090/…",
        "hook <- zgkjcx/*",
    ]:
        assert expected in text
    assert "whsec_" not in text


def test_describe_never_prints_secrets(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(
        """\
server: {admin_token: tok-123}
defaults: {every: auto, min: 90s, max: 2h}
sites:
  - id: s
    name: S
    url: http://s.example/
    categories:
      - {id: c, name: C, list_url: "http://s.example/l", cron: "*/5 * * * *"}
      - {id: d, name: D, list_url: "http://s.example/m"}
notifications:
  channels:
    - {id: m, type: email, smtp: {host: mx, password: pw-456}, from: a@x.org, to: [b@x.org],
       digest: "0 8 * * *"}
    - {id: t, type: apprise, url: "tgram://789789:bot789/chat"}
  subscriptions: [{channel: m, keywords: [芯片], operator: true}]
""",
        encoding="utf-8",
    )
    text = describe(load_config(path, env={}))
    assert not any(secret in text for secret in ("tok-123", "pw-456", "bot789"))
    assert 'cron "*/5 * * * *"' in text
    assert "auto, between 1m30s and 2h" in text
    assert 'digest "0 8 * * *"' in text
    assert "m <- *  (keywords 芯片; operator alerts)" in text
