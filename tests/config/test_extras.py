"""``check`` refuses what ``run`` could not run for want of an optional extra."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from syndicator.config import load_config
from syndicator.errors import ConfigError
from tests.support.configs import ONE_SITE

SITES = ONE_SITE


def hide(monkeypatch: pytest.MonkeyPatch, module: str) -> None:
    real = importlib.util.find_spec

    def find_spec(name: str, package: str | None = None) -> object:
        return None if name == module else real(name, package)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)


@pytest.mark.parametrize(
    ("module", "text", "line", "key", "extra"),
    [
        (
            "psycopg",
            "storage: postgresql+psycopg://u@127.0.0.1/db\n" + SITES,
            1,
            "storage",
            "postgres",
        ),
        (
            "apprise",
            SITES + "notifications:\n  channels:\n"
            "    - {id: ding, type: apprise, url: 'dingtalk://token/'}\n",
            9,
            "notifications.channels[0].url",
            "apprise",
        ),
    ],
)
def test_a_feature_whose_extra_is_missing_is_one_line(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    module: str,
    text: str,
    line: int,
    key: str,
    extra: str,
) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(text, "utf-8")
    load_config(path, env={})  # installed here: accepted
    hide(monkeypatch, module)
    with pytest.raises(ConfigError) as caught:
        load_config(path, env={})
    assert (caught.value.line, caught.value.key) == (line, key)
    assert f"pip install 'syndicator[{extra}]'" in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("url", ["wecom://oops", "dingtalk://", "tgram://only-a-token"])
def test_an_apprise_url_apprise_cannot_use_is_refused_without_showing_it(
    tmp_path: Path, url: str
) -> None:
    path = tmp_path / "c.yaml"
    text = SITES + f"notifications:\n  channels:\n    - {{id: bot, type: apprise, url: '{url}'}}\n"
    path.write_text(text, "utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path, env={})
    message = str(caught.value)
    assert caught.value.line == 9 and "apprise cannot use this" in message.lower()
    assert url.split("://", 1)[1] not in message or not url.split("://", 1)[1]


def test_an_apprise_url_apprise_understands_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    text = (
        SITES
        + "notifications:\n  channels:\n    - {id: bot, type: apprise, url: 'dingtalk://t0ken/'}\n"
    )
    path.write_text(text, "utf-8")
    assert load_config(path, env={}).channels()[0].id == "bot"
