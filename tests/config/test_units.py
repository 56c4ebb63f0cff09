"""Durations and sizes as users write them."""

from __future__ import annotations

import pytest

from syndicator.config import parse_duration, parse_size


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("30s", 30.0),
        ("10m", 600.0),
        ("2h", 7200.0),
        ("1d", 86400.0),
        ("1h30m", 5400.0),
        ("1h 30m", 5400.0),
        ("1.5s", 1.5),
        ("250ms", 0.25),
        ("0s", 0.0),
        (" 10M ", 600.0),
        (45, 45.0),
        (0.5, 0.5),
        (0, 0.0),
    ],
)
def test_durations(text: object, seconds: float) -> None:
    assert parse_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize(
    "text", ["", "10", "10x", "m10", "1h30", "h", "-5s", "1.2.3s", "ten", True, None, [], -1]
)
def test_bad_durations(text: object) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("500KB", 500_000),
        ("5MB", 5_000_000),
        ("1GB", 1_000_000_000),
        ("64KiB", 65_536),
        ("2MiB", 2_097_152),
        ("1GiB", 2**30),
        ("100B", 100),
        ("100", 100),
        ("5mb", 5_000_000),
        ("1.5MB", 1_500_000),
        ("5 MB", 5_000_000),
        (4096, 4096),
    ],
)
def test_sizes(text: object, size: int) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["5XB", "MB", "", "0", "-1MB", "five MB", True, 1.5, 0, None])
def test_bad_sizes(text: object) -> None:
    with pytest.raises(ValueError):
        parse_size(text)
