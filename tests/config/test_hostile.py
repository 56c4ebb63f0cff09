"""Hostile or unlucky config files: every one is the one-line error naming file and line,
in bounded time and memory, never a traceback and never a config ``run`` cannot run."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from syndicator.config import load_config
from syndicator.config.load import MAX_FILE_BYTES
from syndicator.errors import ConfigError
from tests.support.configs import ONE_SITE

SITES = ONE_SITE
BOMB = "\n".join(
    ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    + [f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]" for i in range(8)]
)

# The same anchors under x- keys, which are skipped (never built): only a key can expand.
XBOMB = "\n".join(f"x-{line}" for line in BOMB.splitlines())


def refused(path: Path, *, seconds: float = 5.0, megabytes: float = 200.0) -> ConfigError:
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(ConfigError) as caught:
            load_config(path, env={})
        elapsed = time.monotonic() - started
        peak = tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()
    assert elapsed < seconds and peak < megabytes, (elapsed, peak)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(str(path))
    return caught.value


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (BOMB + "\n" + SITES, 6, "values once aliases are expanded"),
        ("x-deep: " + "[" * 5000 + "]" * 5000 + "\n" + SITES, 1, "nested"),
        (
            "deep:\n"
            + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(60))
            + "  " * 61
            + "v: 1\n"
            + SITES,
            42,
            "nested more than 40",
        ),
        (SITES + "fetch: {timeout: !!float abc}\n", 7, "'abc' is not a valid !!float"),
        (SITES + "fetch: {retries: !!int abc}\n", 7, "'abc' is not a valid !!int"),
        (SITES + "defaults: {timezone: !!timestamp 2024-13-45}\n", 7, "not a valid !!timestamp"),
        (SITES + "defaults: {timezone: !!timestamp every}\n", 7, "not a valid !!timestamp"),
        (SITES + "defaults: {every: .inf}\n", 7, "at most 366d"),
        (SITES + "defaults: {every: 9999999999d}\n", 7, "at most 366d"),
        (SITES + "fetch: {timeout: 1.0e+400}\n", 7, "at most 366d"),
        (SITES + "fetch: {max_bytes: " + "9" * 400 + "GB}\n", 7, "at most 1TB"),
        (SITES + "server: {host: 999.1.1.1}\n", 7, "IP address or a host name"),
        (
            SITES + 'server: {public_url: "http://feeds.test/\\r\\nX-Evil: 1"}\n',
            7,
            "control characters",
        ),
        (SITES + 'feeds: {hubs: ["http://hub.test/\\nx"]}\n', 7, "control characters"),
        (SITES + "server: {public_url: 'http://feeds.test:99999/'}\n", 7, "bad port"),
        (SITES + "x-nul: a\0b\n", 7, "NUL byte"),
        (XBOMB + "\n? *i\n: 1\n" + SITES, 9, "a key must be plain text"),
    ],
    ids=[
        "alias-bomb",
        "deep-flow",
        "deep-block",
        "float",
        "int",
        "timestamp",
        "timestamp-word",
        "inf",
        "huge-every",
        "huge-timeout",
        "huge-size",
        "bad-host",
        "crlf-public-url",
        "lf-hub",
        "bad-port",
        "nul",
        "alias-bomb-in-a-key",
    ],
)
def test_hostile_values_are_one_line_at_their_line(
    tmp_path: Path, text: str, line: int, words: str
) -> None:
    path = tmp_path / "c.yaml"
    path.write_bytes(text.encode("utf-8"))
    error = refused(path)
    assert words in str(error)
    assert error.line == line


def test_a_file_too_large_or_endless_is_refused_unread(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(SITES.encode() + b"# " + b"x" * MAX_FILE_BYTES + b"\n")
    assert "larger than 8 MB" in str(refused(big))
    endless = Path("/dev/zero")
    if endless.exists():
        with pytest.raises(ConfigError, match="larger than 8 MB"):
            load_config(endless, env={})


@settings(max_examples=150, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.sampled_from(
            [
                *"abcs:-[]{}&*!|>'\"#\n ,.0123456789${}\\\t%@`?",
                *("!!int ", "!!float ", "!!timestamp ", "*a", "&a ", "<<: ", "\0", "e", "k"),
                *("  ", "\n  - ", "every: ", "sites:", "${X}", "${X:-", "[" * 50),
            ]
        ),
        max_size=150,
    ).map("".join)
)
def test_fuzzed_files_load_or_fail_in_one_line(
    tmp_path_factory: pytest.TempPathFactory, text: str
) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "c.yaml"
    path.write_bytes((text + "\n" + SITES).encode("utf-8"))
    try:
        load_config(path, env={})
    except ConfigError as exc:
        assert "\n" not in str(exc) and str(exc).startswith(str(path))


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("sites:\n\t- id: s\n", 2, "a tab: YAML indents with spaces only"),
        ("sites:\n  - id: s\n    name: a: b\n", 3, "quote a value that holds ': '"),
        ("server:\n    host: x\n  port: 1\n", 3, "indented less than the lines above"),
        ("a: *x\n", 1, "an *alias with no &anchor"),
        ("a: 'open\n", 2, "ends inside a quoted value"),
    ],
)
def test_yaml_mistakes_are_said_in_plain_words(
    tmp_path: Path, text: str, line: int, words: str
) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(text, "utf-8")
    error = refused(path)
    assert words in str(error) and error.line == line
