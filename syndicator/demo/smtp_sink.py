"""An SMTP server on loopback (aiosmtpd) that keeps what it receives in memory and,
unless quiet, prints each message whole (its headers and its plain-text part): the
demo's mailbox and the tests' real SMTP peer."""

from __future__ import annotations

import email
import ssl
import threading
import warnings
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from typing import Any, Self

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session


@dataclass(frozen=True)
class Mail:
    sender: str
    recipients: tuple[str, ...]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.raw, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


class _Handler:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_DATA(self, server: Any, session: Session, envelope: Envelope) -> str:
        if self.sink.replies:
            reply = self.sink.replies.pop(0)
            if not reply.startswith("2"):
                return reply
        raw = envelope.original_content or b""
        mail = Mail(str(envelope.mail_from), tuple(envelope.rcpt_tos), raw)
        self.sink._record(mail)
        return "250 Message accepted for delivery"


@dataclass
class SmtpSink:
    """``tls_context`` enables STARTTLS; ``ssl_context`` makes it an implicit-TLS (SSL)
    server; ``login`` requires AUTH with that user and password; ``replies`` are answers
    to the next messages' DATA, in order (``"550 5.1.1 no such user"``), a 2xx one
    accepting as usual."""

    host: str = "127.0.0.1"
    port: int = 0
    quiet: bool = True
    tls_context: ssl.SSLContext | None = None
    ssl_context: ssl.SSLContext | None = None
    login: tuple[str, str] | None = None
    mails: list[Mail] = field(default_factory=list)
    replies: list[str] = field(default_factory=list)
    _controller: Controller | None = None
    _arrived: threading.Condition = field(default_factory=threading.Condition)

    def start(self) -> int:
        import socket

        if not self.port:
            with socket.socket() as s:
                s.bind((self.host, 0))
                self.port = int(s.getsockname()[1])
        kwargs: dict[str, Any] = {}
        if self.tls_context is not None:
            kwargs["tls_context"] = self.tls_context
        if self.ssl_context is not None:
            kwargs["ssl_context"] = self.ssl_context
        if self.login is not None:
            kwargs.update(
                authenticator=self._authenticate,
                auth_required=True,
                auth_require_tls=self.ssl_context is None,
            )
            if self.ssl_context is not None:
                # Implicit TLS is TLS, but aiosmtpd only counts STARTTLS and warns.
                warnings.filterwarnings("ignore", "Requiring AUTH while not requiring TLS")
        self._controller = Controller(
            _Handler(self),
            hostname=self.host,
            port=self.port,
            server_hostname="localhost",
            **kwargs,
        )
        self._controller.start()
        return self.port

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        if (
            isinstance(auth_data, LoginPassword)
            and self.login is not None
            and auth_data.login.decode() == self.login[0]
            and auth_data.password.decode() == self.login[1]
        ):
            return AuthResult(success=True)
        return AuthResult(success=False, handled=False)

    def _record(self, mail: Mail) -> None:
        with self._arrived:
            self.mails.append(mail)
            self._arrived.notify_all()
        if not self.quiet:
            print(show(mail), flush=True)

    def wait_for(self, count: int, timeout: float = 10.0) -> bool:
        with self._arrived:
            return self._arrived.wait_for(lambda: len(self.mails) >= count, timeout)


def show(mail: Mail) -> str:
    """A received message as a reader sees it: the headers that matter, then the text."""
    msg = mail.message
    head = [f"{name}: {msg[name]}" for name in ("From", "To", "Date", "Subject") if msg[name]]
    part = msg.get_body(preferencelist=("plain",))
    text = part.get_content() if isinstance(part, EmailMessage) else "(no plain-text part)"
    rule = "-" * 72
    return "\n".join([rule, f"mail for {', '.join(mail.recipients)}", *head, "", text.rstrip()])
