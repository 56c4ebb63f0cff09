"""How fast one chat-bot channel may be sent to. DingTalk, WeCom, Feishu… drop (and
then block for minutes) a bot that posts more than about 20 messages in a minute, so
the dispatcher leaves excess rows pending for later instead.

The rule is a sliding window, the bots' own rule, rather than a token bucket: a full
bucket lets a burst through and then keeps refilling, up to twice the limit in the
first minute. The sends it counts are kept in the store (``Outbox.take_send_slot``), so
several workers on one database share one limit; this module only decides.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

LIMIT = 20
WINDOW = 60.0  # seconds


def admit(
    sent: Sequence[datetime], now: datetime, *, limit: int = LIMIT, window: float = WINDOW
) -> tuple[float, tuple[datetime, ...]]:
    """Whether one more message may go at ``now``, given when the channel's earlier
    messages went (by any worker).

    Returns ``(0, sends to keep, this one included)`` when it may, else ``(seconds until
    it may, sends to keep)``. Only sends still inside the window are kept. A send stamped
    after ``now`` (another worker's clock runs ahead) counts as inside the window: erring
    that way can only make us slower, never get a bot blocked.
    """
    recent = sorted(s for s in sent if (now - s).total_seconds() < window)
    if len(recent) < limit:
        return 0.0, (*recent, now)
    # The window holds ``limit`` sends or more; one more may go once the oldest of the
    # newest ``limit`` has left it.
    leaves = recent[-limit]
    return window - (now - leaves).total_seconds(), tuple(recent)
