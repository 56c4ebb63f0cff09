"""Mail through a real SMTP server (aiosmtpd), read back with Python's email package."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from syndicator.demo.smtp_sink import SmtpSink
from syndicator.models import (
    DeliveryState,
    EmailChannel,
    EventType,
    SmtpSecurity,
    SmtpSettings,
    Subscription,
)
from syndicator.notify import Dispatcher
from syndicator.notify.channels.email import EmailSender, build_one
from syndicator.store import Store
from tests.support.clock import Clock
from tests.support.outbox import enqueue, intent, mailbox


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    with SmtpSink() as sink:
        yield sink


def test_one_article_one_multipart_mail(sqlite_store: Store, smtp: SmtpSink, clock: Clock) -> None:
    enqueue(sqlite_store, [intent(1, "editors", clock())])
    report = Dispatcher(sqlite_store.outbox, [mailbox(smtp.port)], [], clock=clock).deliver_due()
    assert report.delivered == 1
    [mail] = smtp.mails
    assert mail.recipients == ("editor@example.org",)
    raw_headers = mail.raw.split(b"\r\n\r\n", 1)[0]
    assert b"=?utf-8?" in raw_headers.lower()  # RFC 2047, not raw UTF-8
    msg = mail.message
    assert msg["Subject"] == "[科技要闻] 量子计算取得新进展 第1篇"
    assert msg["From"] == "科技要闻 <alerts@example.org>"
    assert msg["Auto-Submitted"] == "auto-generated"
    assert msg["List-Id"] and "editors" in msg["List-Id"]
    assert msg["Date"]
    assert msg.get_content_type() == "multipart/alternative"
    text = msg.get_body(("plain",))
    html = msg.get_body(("html",))
    assert text is not None and html is not None
    assert "量子计算取得新进展" in text.get_content()
    assert "http://portal.test/Article/1.html" in text.get_content()
    assert '<a href="http://portal.test/Article/1.html">' in html.get_content()


def test_message_id_is_stable_per_article_and_channel(sqlite_store: Store, clock: Clock) -> None:
    enqueue(
        sqlite_store,
        [intent(1, "editors", clock()), intent(1, "other", clock()), intent(2, "editors", clock())],
    )
    rows = {(d.article_key, d.channel): d for d in sqlite_store.outbox.list()}
    channel = mailbox(25)
    first = build_one(channel, rows[("1", "editors")], clock())
    clock.advance(hours=3)
    again = build_one(channel, rows[("1", "editors")], clock())
    assert first["Message-ID"] == again["Message-ID"]
    assert first["Message-ID"].endswith("@syndicator>")
    assert build_one(channel, rows[("1", "other")], clock())["Message-ID"] != first["Message-ID"]
    assert build_one(channel, rows[("2", "editors")], clock())["Message-ID"] != first["Message-ID"]


def test_digest_is_one_mail_for_many_articles_and_none_for_nothing(
    sqlite_store: Store, smtp: SmtpSink, clock: Clock
) -> None:
    channel = mailbox(smtp.port, digest="0 8 * * *")
    dispatcher = Dispatcher(sqlite_store.outbox, [channel], [], clock=clock)
    assert dispatcher.send_digests(clock()) == {}
    enqueue(
        sqlite_store,
        [intent(n, "editors", clock(), state=DeliveryState.DIGEST) for n in range(1, 6)],
    )
    assert dispatcher.deliver_due().claimed == 0  # digest rows wait for the digest
    assert dispatcher.send_digests(clock()) == {"editors": 5}
    [mail] = smtp.mails
    body = mail.message.get_body(("plain",))
    assert body is not None
    assert all(f"第{n}篇" in body.get_content() for n in range(1, 6))
    assert "5 篇新文章" in str(mail.message["Subject"])
    assert dispatcher.send_digests(clock()) == {}  # nothing since the previous digest
    assert len(smtp.mails) == 1
    assert {d.state for d in sqlite_store.outbox.list()} == {"delivered"}


def test_smtp_down_is_a_retry_not_a_loss(sqlite_store: Store, clock: Clock) -> None:
    enqueue(sqlite_store, [intent(1, "editors", clock())])
    with SmtpSink() as probe:
        port = probe.port
    dispatcher = Dispatcher(sqlite_store.outbox, [mailbox(port)], [], clock=clock)
    assert dispatcher.deliver_due().failed == 1
    with SmtpSink(port=port) as smtp:
        clock.advance(seconds=10)
        assert dispatcher.deliver_due().delivered == 1
        assert len(smtp.mails) == 1


@pytest.mark.parametrize(
    ("reply", "state", "alerts"),
    [
        ("550 5.1.1 <editor@example.org>: no such user", "dead", 1),
        ("554 5.7.1 message refused by policy", "dead", 1),
        ("451 4.3.0 mail server busy, try later", "pending", 0),
        ("421 4.7.0 too many connections", "pending", 0),
    ],
)
def test_a_permanent_refusal_is_dead_at_once_a_transient_one_retried(
    sqlite_store: Store, clock: Clock, reply: str, state: str, alerts: int
) -> None:
    enqueue(sqlite_store, [intent(1, "editors", clock())])
    with SmtpSink(replies=[reply]) as smtp:
        operators = [Subscription(channel="ops", operator=True)]
        channels = [mailbox(smtp.port), mailbox(smtp.port, cid="ops")]
        dispatcher = Dispatcher(sqlite_store.outbox, channels, operators, clock=clock)
        dispatcher.deliver_due()
        rows = sqlite_store.outbox.list(limit=None)
        [row] = [r for r in rows if r.channel == "editors"]
        assert row.state == state and reply.split()[0] in (row.last_error or "")
        told = [r for r in rows if r.event == EventType.DEAD]
        assert len(told) == alerts


@pytest.fixture(scope="module")
def cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl not installed")
    folder = tmp_path_factory.mktemp("tls")
    key, crt = folder / "key.pem", folder / "cert.pem"
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
            "/CN=localhost",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(crt),
        ],
        check=True,
        capture_output=True,
    )
    return key, crt


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_tls_and_login(
    security: str, cert: tuple[Path, Path], clock: Clock, sqlite_store: Store
) -> None:
    key, crt = cert
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(crt, key)
    client_ctx = ssl.create_default_context(cafile=str(crt))
    tls = {"tls_context": server_ctx} if security == "starttls" else {"ssl_context": server_ctx}
    with SmtpSink(login=("alerts", "s3cret"), **tls) as smtp:  # type: ignore[arg-type]
        channel = EmailChannel(
            id="editors",
            sender="alerts@example.org",
            to=("e@example.org",),
            smtp=SmtpSettings(
                host="127.0.0.1",
                port=smtp.port,
                security=SmtpSecurity(security),
                username="alerts",
                password="s3cret",
                timeout=5,
            ),
        )
        enqueue(sqlite_store, [intent(1, "editors", clock())])
        [row] = sqlite_store.outbox.list()
        result = EmailSender(channel, ssl_context=client_ctx).send(row, clock())
        assert result.ok, result.error
        assert len(smtp.mails) == 1
        wrong = EmailChannel(
            id="x",
            sender="a@example.org",
            to=("e@example.org",),
            smtp=SmtpSettings(
                host="127.0.0.1",
                port=smtp.port,
                security=SmtpSecurity(security),
                username="alerts",
                password="wrong",
                timeout=5,
            ),
        )
        refused = EmailSender(wrong, ssl_context=client_ctx).send(row, clock())
        assert not refused.ok and "535" in (refused.error or "")


def test_attachments_are_listed_with_their_size(
    sqlite_store: Store, smtp: SmtpSink, clock: Clock
) -> None:
    from dataclasses import replace

    from syndicator.models import Attachment

    files = [
        Attachment("http://portal.test/a.pdf", "申报指南.pdf", "application/pdf", 182_304),
        Attachment("http://portal.test/down.asp?id=3&x=<b>"),
    ]
    sent = intent(1, "editors", clock())
    sent = replace(sent, data={**sent.data, "attachments": [f.to_json() for f in files]})
    enqueue(sqlite_store, [sent])
    assert Dispatcher(sqlite_store.outbox, [mailbox(smtp.port)], [], clock=clock).deliver_due()
    [mail] = smtp.mails
    text = mail.message.get_body(("plain",))
    html = mail.message.get_body(("html",))
    assert text is not None and html is not None
    assert "- 申报指南.pdf（182 KB） http://portal.test/a.pdf" in text.get_content()
    assert '<a href="http://portal.test/a.pdf">申报指南.pdf</a>（182 KB）' in html.get_content()
    # A name-less file shows its address, escaped in HTML.
    assert "down.asp?id=3&amp;x=&lt;b&gt;" in html.get_content()


@pytest.mark.parametrize(
    ("size", "shown"),
    [
        (None, ""),
        (0, "0 B"),
        (999, "999 B"),
        (1000, "1 KB"),
        (182_304, "182 KB"),
        (3_400_000, "3.4 MB"),
        (-1, ""),
        (True, ""),
    ],
)
def test_file_sizes_read_as_people_write_them(size: object, shown: str) -> None:
    from syndicator.notify.render import file_size

    assert file_size(size) == shown
