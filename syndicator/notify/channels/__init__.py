"""Channel senders behind one seam: a ``Sender`` sends one delivery and says what came
of it, whatever the kind. A kind that batches (email digests) is also a
``DigestSender``. The registry maps each ``ChannelKind`` to the class that sends it,
imported only when a channel of that kind is used (Apprise and httpx are heavy, and
Apprise is an optional extra)."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol, runtime_checkable

from syndicator.models import Channel, ChannelKind, Delivery
from syndicator.notify.result import SendResult

__all__ = ["DigestSender", "Sender", "sender_for"]


class Sender(Protocol):
    def send(self, delivery: Delivery, now: datetime) -> SendResult:
        """One attempt; a receiver's failure is a result, never an exception."""
        ...

    def close(self) -> None: ...


@runtime_checkable
class DigestSender(Sender, Protocol):
    def send_digest(self, deliveries: Sequence[Delivery], now: datetime) -> SendResult:
        """One message listing every delivery."""
        ...


REGISTRY: dict[ChannelKind, str] = {
    ChannelKind.EMAIL: "syndicator.notify.channels.email:EmailSender",
    ChannelKind.WEBHOOK: "syndicator.notify.channels.webhook:WebhookSender",
    ChannelKind.APPRISE: "syndicator.notify.channels.apprise:AppriseSender",
}


def sender_for(channel: Channel) -> Sender:
    module, _, name = REGISTRY[channel.kind].partition(":")
    factory = getattr(importlib.import_module(module), name)
    sender: Sender = factory(channel)
    return sender
