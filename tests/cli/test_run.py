"""`syndicator run` as a user starts it: a real process, real HTTP, a clean SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from email.message import Message
from pathlib import Path

import pytest

from syndicator.demo.portal import ReplicaPortal
from tests.support.cli import syndicator
from tests.support.configs import write_config
from tests.support.net import free_port

# Every test here runs syndicator in a process of its own.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).parents[2]


def get(
    url: str, headers: dict[str, str] | None = None, method: str = "GET"
) -> tuple[int, Message, bytes]:
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def wait_for(check: object, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():  # type: ignore[operator]
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError("service did not get there in time")


@pytest.fixture
def service(tmp_path: Path, portal: ReplicaPortal) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = free_port()
    config = write_config(tmp_path, portal)
    text = config.read_text("utf-8").replace(
        "  port: 8080\n", "  port: 8080\n  admin_token: s3cret\n"
    )
    config.write_text(text, "utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    # --port wins over the config's server.port.
    proc = subprocess.Popen(
        [sys.executable, "-m", "syndicator", "run", "-c", str(config), "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(
            lambda: all(
                c["state"] == "ok"
                for c in json.loads(get(base + "/healthz")[2])["categories"].values()
            )
        )
        yield base, proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_run_serves_feeds_polls_on_demand_and_stops_cleanly(
    service: tuple[str, subprocess.Popen[bytes]], portal: ReplicaPortal
) -> None:
    base, proc = service
    status, headers, body = get(base + "/feeds/zgkjcx/kjyw.atom")
    assert status == 200 and body.startswith(b"<?xml")
    assert headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    etag = headers["ETag"]
    status, _, body = get(base + "/feeds/zgkjcx/kjyw.atom", {"If-None-Match": etag})
    assert (status, body) == (304, b"")
    status, headers, body = get(base + "/feeds/all.json", method="HEAD")
    assert (
        status == 200
        and body == b""
        and headers["Content-Type"].startswith("application/feed+json")
    )
    assert get(base + "/feeds/zgkjcx/nope.atom")[0] == 404
    assert b"<opml" in get(base + "/opml")[2]
    assert b"syndicator_polls_total" in get(base + "/metrics")[2]
    assert b"/feeds/zgkjcx/kjrw.rss" in get(base + "/")[2]

    fresh = portal.publish("kjyw", title="服务进程里立即轮询出的新文章")
    url = base + "/api/poll/zgkjcx/kjyw"
    assert get(url, method="POST")[0] == 401
    status, _, body = get(url, {"Authorization": "Bearer s3cret"}, method="POST")
    assert status == 200 and json.loads(body)["new"] == 1

    # The worker hands its feeds to the web in the same process before the poll
    # answers: no second's wait for the web's own look at the store.
    assert fresh.title.encode() in get(base + "/feeds/zgkjcx/kjyw.atom")[2]

    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0
    output = proc.stdout.read().decode() if proc.stdout else ""
    assert "poll zgkjcx/kjyw status=ok" in output and "stopped" in output


def test_web_and_worker_run_apart_on_one_database(tmp_path: Path, portal: ReplicaPortal) -> None:
    """`--no-web` polls and builds feeds; `--no-worker` serves what it built."""
    port = free_port()
    config = write_config(tmp_path, portal)
    config.write_text(
        config.read_text("utf-8").replace("  port: 8080\n", f"  port: {port}\n"), "utf-8"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = [sys.executable, "-m", "syndicator", "run", "-c", str(config)]
    worker = subprocess.Popen(
        [*run, "--no-web"], cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    web = subprocess.Popen(
        [*run, "--no-worker"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        try:
            wait_for(lambda: get(base + "/feeds/zgkjcx/kjyw.atom")[2].count(b"<entry>") >= 10)
        except AssertionError:
            for proc in (worker, web):
                if proc.poll() is not None and proc.stdout:
                    print(proc.args[-1], proc.returncode, proc.stdout.read().decode()[-3000:])
            raise
        # No admin token configured: the API does not exist.
        assert get(base + "/api/poll/zgkjcx/kjyw", method="POST")[0] == 404
        for proc in (worker, web):
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=30) == 0
    finally:
        for proc in (worker, web):
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def test_a_port_in_use_is_one_line_and_exit_2(tmp_path: Path, portal: ReplicaPortal) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        config = write_config(tmp_path, portal)
        config.write_text(config.read_text("utf-8").replace("port: 8080", f"port: {port}"))
        result = syndicator("run", "-c", str(config), cwd=tmp_path)
    assert result.returncode == 2
    [line] = [ln for ln in result.stderr.splitlines() if ln.startswith("syndicator:")]
    assert f"cannot listen on 127.0.0.1:{port}" in line and "server.port" in line
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("storage", ["sqlite:////proc/syndicator/x.db", "sqlite:///{ro}/sub/x.db"])
def test_a_database_that_cannot_be_made_is_one_line(
    tmp_path: Path, portal: ReplicaPortal, storage: str
) -> None:
    readonly = tmp_path / "ro"
    readonly.mkdir(mode=0o500)
    config = write_config(tmp_path, portal, storage=storage.format(ro=readonly))
    result = syndicator("run", "--once", "-c", str(config), cwd=tmp_path)
    if os.geteuid() == 0 and "{ro}" in storage:
        pytest.skip("root writes into a read-only folder")
    assert result.returncode in (1, 2)
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("syndicator: ")
    assert "cannot create the database folder" in result.stderr


def test_once_without_the_worker_is_one_line(tmp_path: Path, portal: ReplicaPortal) -> None:
    config = write_config(tmp_path, portal)
    result = syndicator("run", "--once", "--no-worker", "-c", str(config), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "syndicator: --once polls, so it cannot go with --no-worker"
    ]
