"""What one attempt to send came to, as a value the dispatcher records."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SendResult:
    """``permanent``: retrying cannot help (dead now); ``disable``: the receiver asked
    us to stop using the channel (410 Gone); ``retry_after``: seconds it asked us to wait."""

    ok: bool
    error: str | None = None
    status: int | None = None
    retry_after: float | None = None
    permanent: bool = False
    disable: bool = False

    def describe(self) -> str:
        if self.ok:
            return "delivered" + (f" (HTTP {self.status})" if self.status else "")
        return f"failed: {self.error or 'unknown error'}"
