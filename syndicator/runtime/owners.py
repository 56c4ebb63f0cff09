"""Who holds a lease: ``host:pid:tag``, unique per process start. A lease outlives a
process that died holding it until it runs out; a process starting on the same host
can tell the dead from the living and take their leases back at once."""

from __future__ import annotations

import os
import socket
import uuid


def owner_id() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def dead_here(owner: str, me: str) -> bool:
    """Whether ``owner`` was a process on this host that no longer runs: another start
    under our own pid (a restarted container's pid 1), or a pid nothing runs under.
    A pid another process reuses counts as alive: its leases then simply run out."""
    theirs, ours = owner.split(":"), me.split(":")
    if len(theirs) != 3 or len(ours) != 3 or owner == me or theirs[0] != ours[0]:
        return False
    if not theirs[1].isdigit():
        return False
    pid = int(theirs[1])
    return pid == os.getpid() or not _running(pid)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True
