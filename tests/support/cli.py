"""This checkout's ``syndicator`` run as a user runs it: a process of its own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]


def syndicator(*args: str, cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """``syndicator ARGS`` in ``cwd``, to its end; output captured as text."""
    return subprocess.run(
        [sys.executable, "-m", "syndicator", *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
