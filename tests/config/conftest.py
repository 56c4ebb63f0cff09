from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from syndicator.config import Config, load_config


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str], Path]:
    def write(text: str) -> Path:
        path = tmp_path / "syndicator.yaml"
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def load(write: Callable[[str], Path]) -> Callable[..., Config]:
    def load(text: str, env: dict[str, str] | None = None) -> Config:
        return load_config(write(text), env=env or {})

    return load
