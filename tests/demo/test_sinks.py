"""``python -m syndicator.demo.sinks``: the demo's sinks on their own, printing whole
messages, for a service run in another terminal."""

from __future__ import annotations

import os
import signal
import smtplib
import subprocess
import sys
import time
from email.message import EmailMessage
from pathlib import Path

import httpx
import pytest

from syndicator.demo.sinks import DEMO_SECRET
from syndicator.notify.channels.webhook import encode, sign
from tests.support.net import free_port

pytestmark = pytest.mark.slow  # runs the sinks in a process of their own

ROOT = Path(__file__).parents[2]


def test_sinks_print_whole_messages_and_stop_on_sigterm() -> None:
    smtp_port, hook_port = free_port(), free_port()
    proc = subprocess.Popen(
        [
            *(sys.executable, "-m", "syndicator.demo.sinks"),
            *("--smtp-port", str(smtp_port), "--webhook-port", str(hook_port)),
        ],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert proc.stdout is not None
        banner = [proc.stdout.readline(), proc.stdout.readline()]
        assert f"smtp://127.0.0.1:{smtp_port}" in banner[0]
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = (
            "a@demo.invalid",
            "b@demo.invalid",
            "[科技要闻] 标题",
        )
        msg.set_content("第一段正文。\n\n原文：http://portal.test/1.html\n")
        with smtplib.SMTP("127.0.0.1", smtp_port, timeout=10) as smtp:
            smtp.send_message(msg)
        body = encode({"type": "article.published", "data": {"title": "标题"}})
        stamp = int(time.time())
        headers = {
            "webhook-id": "msg_1",
            "webhook-timestamp": str(stamp),
            "webhook-signature": sign(DEMO_SECRET, "msg_1", stamp, body),
            "content-type": "application/json",
        }
        answer = httpx.post(f"http://127.0.0.1:{hook_port}/hook", content=body, headers=headers)
        assert answer.status_code == 200
        proc.send_signal(signal.SIGTERM)
        output = proc.communicate(timeout=30)[0]
        assert proc.returncode == 0
        assert "Subject: [科技要闻] 标题" in output
        assert "第一段正文。" in output and "原文：http://portal.test/1.html" in output
        assert "id msg_1, signature verified" in output and '"title": "标题"' in output
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
