"""The SSRF guard checks the addresses a name resolves to and pins the connection to
the one it checked (no second lookup for a rebinding resolver to answer differently)."""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime

import pytest

from syndicator.demo.webhook_sink import WebhookSink
from syndicator.notify import ssrf
from syndicator.notify.channels.webhook import WebhookSender
from syndicator.notify.ssrf import Pinned, pin
from tests.support.outbox import SECRET, webhook

PUBLIC4 = "93.184.216.34"
PUBLIC6 = "2606:2800:220:1:248:1893:25c8:1946"


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    answers: dict[str, list[str]] = {}

    def resolve(host: str, port: int) -> list[ssrf.Address]:
        try:
            return [ipaddress.ip_address(host.strip("[]"))]
        except ValueError:
            return [ipaddress.ip_address(a) for a in answers[host]]

    monkeypatch.setattr(ssrf, "resolve", resolve)
    return answers


@pytest.mark.parametrize(
    ("url", "answer", "expect"),
    [
        (
            "https://hooks.example.org/in",
            [PUBLIC4],
            Pinned(f"https://{PUBLIC4}/in", "hooks.example.org", "hooks.example.org"),
        ),
        (
            "http://hooks.example.org:8080/in?x=1",
            [PUBLIC4],
            Pinned(f"http://{PUBLIC4}:8080/in?x=1", "hooks.example.org:8080", None),
        ),
        (
            "https://hooks.example.org/in",
            [PUBLIC6],
            Pinned(f"https://[{PUBLIC6}]/in", "hooks.example.org", "hooks.example.org"),
        ),
        (f"http://{PUBLIC4}/in", [], Pinned(f"http://{PUBLIC4}/in")),
    ],
)
def test_allowed_targets_are_pinned_to_the_checked_address(
    dns: dict[str, list[str]], url: str, answer: list[str], expect: Pinned
) -> None:
    dns["hooks.example.org"] = answer
    assert pin(url, allow_private=False) == expect


@pytest.mark.parametrize(
    "answer",
    [
        ["127.0.0.1"],
        ["10.0.0.7"],
        ["169.254.169.254"],
        ["::1"],
        ["::ffff:192.168.1.1"],
        [PUBLIC4, "127.0.0.1"],  # one bad address among good ones is enough to refuse
    ],
)
def test_private_answers_are_refused(dns: dict[str, list[str]], answer: list[str]) -> None:
    dns["hooks.example.org"] = answer
    refused = pin("https://hooks.example.org/in", allow_private=False)
    assert isinstance(refused, str) and "allow_private" in refused


def test_allow_private_keeps_the_url_as_it_is(dns: dict[str, list[str]]) -> None:
    assert pin("http://localhost:8090/hook", allow_private=True) == Pinned(
        "http://localhost:8090/hook"
    )


def test_a_pinned_request_carries_the_name_in_its_host_header() -> None:
    with WebhookSink(SECRET) as sink:
        port = sink.url.split(":")[2].split("/")[0]
        named = f"http://hooks.example.org:{port}/hook"

        def guard(url: str) -> Pinned:
            assert url == named
            return Pinned(sink.url, f"hooks.example.org:{port}")

        payload = {"type": "test", "timestamp": "2023-03-20T01:30:00Z", "data": {}}
        result = WebhookSender(webhook(named), guard=guard).post(
            "msg_pin", payload, datetime(2023, 3, 20, tzinfo=UTC)
        )
        assert result.ok
        [got] = sink.received
        assert got.verified and got.headers.get("host") == f"hooks.example.org:{port}"
