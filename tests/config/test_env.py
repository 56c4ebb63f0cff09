"""${VAR} and ${VAR:-default} in values."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from syndicator.config import Config, load_config
from syndicator.errors import ConfigError

Load = Callable[..., Config]

BASE = """\
sites:
  - id: s
    name: Site
    url: http://example.org/
    categories:
      - {id: c, name: C, list_url: "http://example.org/l"}
"""


def test_variable_is_replaced(load: Load) -> None:
    conf = load("server:\n  admin_token: ${TOKEN}\n" + BASE, {"TOKEN": "s3cret"})
    assert conf.server.admin_token == "s3cret"


def test_default_when_unset_or_empty(load: Load) -> None:
    text = "server:\n  admin_token: '${TOKEN:-fallback}'\n  host: ${HOST:-}\n" + BASE
    assert load(text, {}).server.admin_token == "fallback"
    assert load(text, {"TOKEN": ""}).server.admin_token == "fallback"
    assert load(text, {"TOKEN": "set"}).server.admin_token == "set"
    assert load(text, {}).server.host == ""


def test_plain_values_keep_their_type_after_replacement(load: Load) -> None:
    conf = load(
        "server:\n  port: ${PORT:-9000}\nfetch:\n  robots_txt: ${ROBOTS}\n" + BASE,
        {"ROBOTS": "false"},
    )
    assert conf.server.port == 9000
    assert conf.fetch.robots_txt is False


def test_quoted_values_stay_strings(load: Load) -> None:
    conf = load('server: {admin_token: "${T}"}\n' + BASE, {"T": "12345"})
    assert conf.server.admin_token == "12345"


def test_parts_of_a_value(load: Load) -> None:
    text = BASE.replace("http://example.org/l", "http://${HOST}:${PORT:-80}/l?x=$${HOST}")
    conf = load(text, {"HOST": "portal.test"})
    assert conf.categories()[0].list_url == "http://portal.test:80/l?x=${HOST}"


def test_missing_variable_names_it(load: Load) -> None:
    with pytest.raises(ConfigError) as caught:
        load(BASE + "server:\n  admin_token: ${ABSENT}\n")
    assert "'ABSENT'" in str(caught.value)
    assert caught.value.line == 8
    assert caught.value.key == "server.admin_token"


def test_replaced_value_is_validated_where_it_stands(load: Load) -> None:
    with pytest.raises(ConfigError) as caught:
        load(BASE + "fetch:\n  timeout: ${TIMEOUT}\n", {"TIMEOUT": "soon"})
    assert "bad duration 'soon'" in str(caught.value)
    assert caught.value.line == 8


def test_environment_defaults_to_os_environ(
    write: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SYNDICATOR_TEST_TOKEN", "from-os")
    conf = load_config(write("server:\n  admin_token: ${SYNDICATOR_TEST_TOKEN}\n" + BASE))
    assert conf.server.admin_token == "from-os"


def test_keys_are_not_interpolated(load: Load) -> None:
    with pytest.raises(ConfigError, match=r"unknown key '\$\{X\}'"):
        load(BASE + "${X}: 1\n", {"X": "storage"})
