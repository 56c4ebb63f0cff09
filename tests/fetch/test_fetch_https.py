"""HTTPS to a pinned address: the fetcher and the webhook sender connect to the
address they checked, yet present and verify the name the URL gave (SNI, certificate,
Host), so pinning never weakens TLS."""

from __future__ import annotations

import ipaddress
import shutil
import ssl
import subprocess
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from syndicator import addresses
from syndicator.errors import FetchError
from syndicator.fetch import Fetcher
from syndicator.models import FetchSettings, WebhookChannel
from syndicator.notify.channels.webhook import WebhookSender

# openssl makes the certificates: a process.
pytestmark = pytest.mark.slow

NAME = "portal.example.org"
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


def make_cert(folder: Path, name: str) -> tuple[Path, Path]:
    key, crt = folder / f"{name}.key", folder / f"{name}.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            f"/CN={name}",
            "-addext",
            f"subjectAltName=DNS:{name}",
            "-keyout",
            str(key),
            "-out",
            str(crt),
        ],
        check=True,
        capture_output=True,
    )
    return key, crt


class Handler(BaseHTTPRequestHandler):
    hosts: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).hosts.append(self.headers.get("Host", ""))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.do_GET()

    def log_message(self, format: str, *args: Any) -> None:
        pass


class TlsServer:
    def __init__(self, key: Path, crt: Path) -> None:
        self.sni: list[str | None] = []
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(crt, key)
        context.sni_callback = lambda _sock, name, _ctx: self.sni.append(name)  # type: ignore[assignment,func-returns-value]
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def tls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[TlsServer, Path]]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl not installed")
    key, crt = make_cert(tmp_path, NAME)
    _other_key, other_crt = make_cert(tmp_path, "other.example.org")
    monkeypatch.setattr(
        addresses, "resolve", lambda host, port: [ipaddress.ip_address("127.0.0.1")]
    )
    Handler.hosts = []
    server = TlsServer(key, crt)
    yield server, other_crt
    server.close()


def test_the_fetcher_presents_and_verifies_the_name_not_the_address(
    tls: tuple[TlsServer, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    server, _other = tls
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tmp_path / f"{NAME}.pem"))
    settings = FetchSettings(robots_txt=False, host_delay=0, private_hosts=frozenset({NAME}))
    with Fetcher(settings) as fetcher:
        result = fetcher.get(f"https://{NAME}:{server.port}/list.html")
    assert result.body == b"ok"
    assert server.sni == [NAME]
    assert Handler.hosts == [f"{NAME}:{server.port}"]


def test_a_certificate_for_another_name_is_refused(
    tls: tuple[TlsServer, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    server, other_crt = tls
    # Trusting only another name's certificate: the server's own must then fail.
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(other_crt))
    settings = FetchSettings(
        robots_txt=False, host_delay=0, retries=0, private_hosts=frozenset({NAME})
    )
    with Fetcher(settings) as fetcher, pytest.raises(FetchError):
        fetcher.get(f"https://{NAME}:{server.port}/list.html")
    assert Handler.hosts == []


def test_the_webhook_sender_presents_and_verifies_the_name(
    tls: tuple[TlsServer, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    server, other_crt = tls
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / f"{NAME}.pem"))
    channel = WebhookChannel(
        id="hook", url=f"https://{NAME}:{server.port}/hook", secret=SECRET, allow_private=True
    )
    result = WebhookSender(channel).post("msg_1", {"a": 1}, datetime.now(UTC))
    assert result.ok, result.error
    assert server.sni == [NAME]
    assert Handler.hosts == [f"{NAME}:{server.port}"]
    monkeypatch.setenv("SSL_CERT_FILE", str(other_crt))
    refused = WebhookSender(channel).post("msg_2", {"a": 1}, datetime.now(UTC))
    assert not refused.ok and len(Handler.hosts) == 1
