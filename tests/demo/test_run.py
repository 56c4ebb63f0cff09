"""`syndicator demo` starts everything on loopback and serves feeds (a short smoke run;
the 30-second publishing cadence is exercised by the worker and notification tests)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.support.net import free_port

# Every test here runs syndicator in a process of its own.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).parents[2]


def test_demo_serves_feeds_and_stops_on_sigint(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "syndicator", "demo", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        states: dict[str, object] = {}
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz") as answer:
                    states = {
                        k: v["state"] for k, v in json.loads(answer.read())["categories"].items()
                    }
            except OSError:
                states = {}
            if states and all(s == "ok" for s in states.values()):
                break
            time.sleep(0.3)
        assert sorted(states) == ["zgkjcx/dfkj", "zgkjcx/kjcg", "zgkjcx/kjrw", "zgkjcx/kjyw"]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/feeds/all.atom") as answer:
            assert answer.read().count(b"<entry>") == 50
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0
        output = proc.stdout.read().decode() if proc.stdout else ""
        assert "nothing leaves this machine" in output
        assert "Running job" not in output  # scheduler chatter stays out of the way
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
