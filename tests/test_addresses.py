"""The SSRF guard checks the addresses a name resolves to and pins the connection to
the one it checked (no second lookup for a rebinding resolver to answer differently)."""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime

import pytest

from syndicator import addresses
from syndicator.addresses import Pinned, pin
from syndicator.demo.webhook_sink import WebhookSink
from syndicator.notify.channels.webhook import WebhookSender
from tests.support.outbox import SECRET, webhook

PUBLIC4 = "93.184.216.34"
PUBLIC6 = "2606:2800:220:1:248:1893:25c8:1946"


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    answers: dict[str, list[str]] = {}

    def resolve(host: str, port: int) -> list[addresses.Address]:
        try:
            return [ipaddress.ip_address(host.strip("[]"))]
        except ValueError:
            return [ipaddress.ip_address(a) for a in answers[host]]

    monkeypatch.setattr(addresses, "resolve", resolve)
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


def test_allow_private_still_pins_to_the_checked_address(dns: dict[str, list[str]]) -> None:
    dns["localhost"] = ["127.0.0.1"]
    assert pin("http://localhost:8090/hook", allow_private=True) == Pinned(
        "http://127.0.0.1:8090/hook", "localhost:8090", None
    )
    assert isinstance(pin("http://localhost:8090/hook", allow_private=False), str)


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


# Every range that is not globally routable, and the forms that embed an IPv4 address.
REFUSED = [
    "127.0.0.1",
    "127.255.255.254",
    "0.0.0.0",
    "10.0.0.1",
    "172.16.0.1",
    "172.31.255.254",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "100.100.100.200",
    "100.127.255.254",
    "192.0.0.1",
    "192.0.2.1",
    "198.18.0.1",
    "198.51.100.1",
    "203.0.113.1",
    "224.0.0.1",
    "239.255.255.250",
    "240.0.0.1",
    "255.255.255.255",
    "::1",
    "::",
    "fe80::1",
    "fc00::1",
    "fd12:3456::1",
    "2001:db8::1",
    "ff02::1",
    "ff0e::1",
    "::ffff:127.0.0.1",
    "::ffff:169.254.169.254",
    "::ffff:100.100.100.200",
    "::ffff:10.0.0.1",
    "2002:7f00:1::1",
    "2002:a9fe:a9fe::1",
    "2002:6464:64c8::1",
    "64:ff9b::7f00:1",
    "64:ff9b::a9fe:a9fe",
    "64:ff9b:1::a00:1",
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",
]
ALLOWED = [
    "93.184.216.34",
    "8.8.8.8",
    "2606:2800:220:1:248:1893:25c8:1946",
    "2002:5db8:d822::1",
    "64:ff9b::5db8:d822",
    "::ffff:93.184.216.34",
]


@pytest.mark.parametrize("address", REFUSED)
def test_no_address_that_is_not_global_is_allowed(dns: dict[str, list[str]], address: str) -> None:
    dns["hooks.example.org"] = [address]
    assert isinstance(pin("https://hooks.example.org/in", allow_private=False), str)
    literal = f"[{address}]" if ":" in address else address
    assert isinstance(pin(f"http://{literal}/in", allow_private=False), str)
    assert isinstance(pin(f"http://{literal}/in", allow_private=True), Pinned)


@pytest.mark.parametrize("address", ALLOWED)
def test_global_addresses_are_allowed(dns: dict[str, list[str]], address: str) -> None:
    dns["hooks.example.org"] = [address]
    assert isinstance(pin("https://hooks.example.org/in", allow_private=False), Pinned)


def test_one_private_answer_among_public_ones_refuses(dns: dict[str, list[str]]) -> None:
    dns["hooks.example.org"] = [PUBLIC4, "100.100.100.200"]
    assert isinstance(pin("https://hooks.example.org/in", allow_private=False), str)


def test_an_internationalised_host_name_travels_in_its_ascii_form(
    dns: dict[str, list[str]],
) -> None:
    dns["例子.example.org"] = [PUBLIC4]
    pinned = pin("https://例子.example.org/in", allow_private=False)
    ascii_name = "例子.example.org".encode("idna").decode("ascii")
    assert pinned == Pinned(f"https://{PUBLIC4}/in", ascii_name, ascii_name)
    assert ascii_name.startswith("xn--")
