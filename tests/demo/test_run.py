"""`syndicator demo` starts everything on loopback and serves feeds (a short smoke run;
the 30-second publishing cadence is exercised by the worker and notification tests)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.support.cli import syndicator
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


def demo_config(tmp_path: Path) -> tuple[Path, dict[int, int]]:
    """config/demo.yaml with its fixed ports moved to free ones."""
    ports = {fixed: free_port() for fixed in (8080, 8081, 8025, 8090)}
    text = (ROOT / "config" / "demo.yaml").read_text("utf-8")
    for fixed, port in ports.items():
        text = text.replace(f":{fixed}", f":{port}").replace(f"port: {fixed}", f"port: {port}")
    path = tmp_path / "demo.yaml"
    path.write_text(text, "utf-8")
    return path, ports


def test_the_demo_of_config_demo_yaml_keeps_its_database(tmp_path: Path) -> None:
    config, ports = demo_config(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "syndicator", "demo", "-c", str(config)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        states: dict[str, object] = {}
        while time.monotonic() < deadline and not (
            states and all(s == "ok" for s in states.values())
        ):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{ports[8080]}/healthz") as r:
                    states = {k: v["state"] for k, v in json.loads(r.read())["categories"].items()}
            except OSError:
                time.sleep(0.3)
        assert states and all(s == "ok" for s in states.values())
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert (tmp_path / "data" / "demo.db").exists()  # the storage config/demo.yaml names
    listed = syndicator("deliveries", "-c", str(config), cwd=tmp_path)
    assert listed.returncode == 0 and "last error" in listed.stdout


def test_a_demo_port_in_use_is_one_line(tmp_path: Path) -> None:
    config, ports = demo_config(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", ports[8081]))
        taken.listen(1)
        result = syndicator("demo", "-c", str(config), cwd=tmp_path)
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        .splitlines()[-1]
        .startswith("syndicator: the replica portal cannot listen")
    )


def test_the_demo_web_port_in_use_is_one_line(tmp_path: Path) -> None:
    config, ports = demo_config(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", ports[8080]))
        taken.listen(1)
        result = syndicator("demo", "-c", str(config), cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "the demo's web server cannot listen" in result.stderr.strip().splitlines()[-1]
