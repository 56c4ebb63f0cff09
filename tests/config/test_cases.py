"""Every file in cases/ is a configuration with its expected outcome in its header:

# expect: ok                      or a substring of the one-line error
# line: N                         the line the error must name
# key: dotted.path[0]             the key the error must name (optional)
# env: NAME=value                 environment for ${...} (repeatable)
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from syndicator.config import Config, load_config
from syndicator.errors import ConfigError

CASES = sorted((Path(__file__).parent / "cases").glob("*.yaml"))


def header(path: Path) -> tuple[dict[str, str], dict[str, str]]:
    fields: dict[str, str] = {}
    env: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"# (expect|line|key|env): (.*)$", line)
        if not match:
            break
        name, value = match.groups()
        if name == "env":
            var, _, val = value.partition("=")
            env[var] = val
        else:
            fields[name] = value
    return fields, env


def test_there_are_cases() -> None:
    assert len(CASES) > 40


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_case(path: Path) -> None:
    fields, env = header(path)
    expect = fields["expect"]
    if expect == "ok":
        assert isinstance(load_config(path, env=env), Config)
        return
    with pytest.raises(ConfigError) as caught:
        load_config(path, env=env)
    error = caught.value
    message = str(error)
    assert expect in message
    assert "\n" not in message
    assert error.file == str(path)
    assert error.line == int(fields["line"]), message
    assert message.startswith(f"{path}:{error.line}: ")
    if "key" in fields:
        assert error.key == fields["key"], message
        assert message.endswith(f"(key: {fields['key']})")
