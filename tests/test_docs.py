"""Every command and option a user can type is documented in the README."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest
import yaml

from syndicator.cli.main import HANDLERS, build_parser, main
from syndicator.config import load_config

README = (Path(__file__).parents[1] / "README.md").read_text("utf-8")


def subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_every_command_is_in_the_readme() -> None:
    assert set(subparsers()) == set(HANDLERS)
    for name in HANDLERS:
        assert f"syndicator {name}" in README, name


def test_every_option_is_in_the_readme() -> None:
    missing = []
    for name, sub in subparsers().items():
        for action in sub._actions:
            for flag in action.option_strings:
                documented = flag in README or flag in ("--help", "--config")
                if flag.startswith("--") and not documented:
                    missing.append(f"{name} {flag}")
    assert missing == []


def test_the_everyday_examples_are_a_valid_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The YAML of "Everyday tasks" (chat channels, keywords, recheck) pasted together
    into a config passes the same checks as `syndicator check`."""
    section = README.split("## Everyday tasks", 1)[1].split("\n## ", 1)[0]
    section += README.split("### Corrections", 1)[1].split("\n## ", 1)[0]
    blocks = [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", section, re.DOTALL)]
    channels = [c for b in blocks for c in b.get("notifications", {}).get("channels", [])]
    subs = [s for b in blocks for s in b.get("notifications", {}).get("subscriptions", [])]
    assert {c["id"] for c in channels} >= {"ding", "wecom", "feishu", "telegram"}
    for sub in subs:
        sub["channel"] = channels[0]["id"]
    defaults = next(b["defaults"] for b in blocks if "defaults" in b)
    config = {
        "sites": [
            {
                "id": "zgkjcx",
                "name": "中国科技创新网",
                "url": "http://www.zgkjcx.com/",
                "categories": [
                    {"id": "dfkj", "name": "地方科技", "list_url": "http://www.zgkjcx.com/a/"}
                ],
            }
        ],
        "defaults": defaults,
        "notifications": {"channels": channels, "subscriptions": subs},
    }
    for name, value in {
        "DINGTALK_TOKEN": "0123456789abcdef" * 4,
        "DINGTALK_SECRET": "SECabcdef0123456789",
        "WECOM_BOT_KEY": "0123abcd-1234-5678-9abc-0123456789ab",
        "FEISHU_TOKEN": "0123abcd-1234-5678-9abc-0123456789ab",
        "TG_BOT_TOKEN": "123456789:AAHb-8qNb6Xy1kLmNoPqRsTuVwXyZ012345",
        "TG_CHAT_ID": "-1001234567890",
    }.items():
        monkeypatch.setenv(name, value)
    path = tmp_path / "everyday.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
    loaded = load_config(path)
    assert loaded.find_category("zgkjcx/dfkj").recheck == defaults["recheck"]
    assert main(["check", "-c", str(path)]) == 0
    # The same check refuses a broken chat URL, so the test above can fail.
    monkeypatch.setenv("FEISHU_TOKEN", "")
    assert main(["check", "-c", str(path)]) == 2
