"""Notifications: the outbox dispatcher and the email, webhook and Apprise senders.

This room reads and records through the store only; it never fetches portals, extracts
pages or reads the config (``runtime.service`` hands it channel and subscription values).
"""

from syndicator.notify.dispatcher import DeliveryReport, Dispatcher
from syndicator.notify.render import describer
from syndicator.notify.result import SendResult

__all__ = ["DeliveryReport", "Dispatcher", "SendResult", "describer"]
