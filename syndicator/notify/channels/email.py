"""Email delivery over SMTP (none / STARTTLS / SSL, optional login).

Messages are ``multipart/alternative`` (plain text first, HTML second) built with
``EmailMessage`` under ``policy.SMTP``, which writes RFC 2047 UTF-8 headers and CRLF
lines. The ``Message-ID`` is derived from the article and the channel, so a resend after
a crash is recognisably the same message to the recipient's client.
"""

from __future__ import annotations

import hashlib
import smtplib
import ssl
from collections.abc import Sequence
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime

from syndicator.models import Delivery, EmailChannel, EventType, SmtpSecurity
from syndicator.notify import render
from syndicator.notify.result import SendResult


def message_id(*parts: str) -> str:
    digest = hashlib.sha256("/".join(parts).encode("utf-8")).hexdigest()[:32]
    return f"<{digest}@syndicator>"


def delivery_message_id(delivery: Delivery) -> str:
    if delivery.event == EventType.PUBLISHED and delivery.site and delivery.article_key:
        return message_id(delivery.site, delivery.article_key, delivery.channel)
    return message_id(delivery.key)


def build(
    channel: EmailChannel, subject: str, text: str, html: str, msg_id: str, now: datetime
) -> EmailMessage:
    msg = EmailMessage(policy=policy.SMTP)
    msg["Subject"] = subject
    msg["From"] = channel.sender
    msg["To"] = ", ".join(channel.to)
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = msg_id
    msg["List-Id"] = f"syndicator {channel.id} <{channel.id}.syndicator.invalid>"
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Auto-Response-Suppress"] = "All"
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    return msg


def build_one(channel: EmailChannel, delivery: Delivery, now: datetime) -> EmailMessage:
    text, html = render.bodies(delivery)
    return build(channel, render.subject(delivery), text, html, delivery_message_id(delivery), now)


def build_digest(
    channel: EmailChannel, deliveries: Sequence[Delivery], now: datetime
) -> EmailMessage:
    text, html = render.digest_bodies(deliveries)
    msg_id = message_id("digest", channel.id, *(d.key for d in deliveries))
    return build(channel, render.digest_subject(deliveries), text, html, msg_id, now)


class EmailSender:
    def __init__(self, channel: EmailChannel, ssl_context: ssl.SSLContext | None = None) -> None:
        self.channel = channel
        self.smtp = channel.smtp
        self.ssl_context = ssl_context

    def _connect(self) -> smtplib.SMTP:
        s = self.smtp
        context = self.ssl_context or ssl.create_default_context()
        if s.security is SmtpSecurity.SSL:
            return smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=context)
        conn = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        if s.security is SmtpSecurity.STARTTLS:
            conn.starttls(context=context)
        return conn

    def send(self, delivery: Delivery, now: datetime) -> SendResult:
        return self.send_message(build_one(self.channel, delivery, now))

    def send_digest(self, deliveries: Sequence[Delivery], now: datetime) -> SendResult:
        return self.send_message(build_digest(self.channel, deliveries, now))

    def close(self) -> None:
        """Each message has a connection of its own: nothing stays open."""

    def send_message(self, msg: EmailMessage) -> SendResult:
        try:
            conn = self._connect()
            try:
                if self.smtp.username:
                    conn.login(self.smtp.username, self.smtp.password or "")
                conn.send_message(msg, from_addr=None, to_addrs=list(self.channel.to))
            finally:
                try:
                    conn.quit()
                except smtplib.SMTPException:
                    conn.close()
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            return SendResult(
                ok=False,
                error=f"recipients refused: {exc.recipients}",
                permanent=all(c >= 500 for c in codes),
            )
        except smtplib.SMTPResponseException as exc:
            text = (
                exc.smtp_error.decode("utf-8", "replace")
                if isinstance(exc.smtp_error, bytes)
                else str(exc.smtp_error)
            )
            # 5xx is the server's final word (no such mailbox, refused, policy):
            # retrying for three days cannot change it, so it is dead at once.
            return SendResult(
                ok=False,
                status=exc.smtp_code,
                error=f"SMTP {exc.smtp_code} {text}",
                permanent=500 <= exc.smtp_code < 600,
            )
        except (smtplib.SMTPException, OSError) as exc:
            return SendResult(ok=False, error=f"{type(exc).__name__}: {exc}")
        return SendResult(ok=True)
