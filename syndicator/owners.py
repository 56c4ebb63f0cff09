"""Who holds a lease: ``host:pidns:pid:tag``, unique per process start. A lease
outlives a process that died holding it until it runs out; a process starting on the
same host, in the same pid namespace, can tell the dead from the living and take their
leases back at once. Containers sharing a host name (host networking, pod names cut
short) have pid namespaces of their own, so one never takes another's leases."""

from __future__ import annotations

import hashlib
import os
import socket
import uuid


def owner_id() -> str:
    return f"{_host()}:{_pid_namespace()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _host() -> str:
    """The host name, or for a long one its head and a digest of the whole: names that
    differ only at the end (pods of one deployment) stay apart, and the owner fits the
    64 characters the lease columns hold."""
    name = socket.gethostname()
    if len(name) <= 24:
        return name
    return f"{name[:15]}~{hashlib.sha256(name.encode()).hexdigest()[:8]}"


def _pid_namespace() -> str:
    """The pid namespace this process runs in; "-" where it cannot be told."""
    try:
        return str(os.stat("/proc/self/ns/pid").st_ino)
    except OSError:
        return "-"


def dead_here(owner: str, me: str) -> bool:
    """Whether ``owner`` was a process on this host that no longer runs: another start
    under our own pid (a restarted container's pid 1), or a pid nothing runs under.
    A pid another process reuses counts as alive: its leases then simply run out."""
    theirs, ours = owner.rsplit(":", 3), me.rsplit(":", 3)
    if len(theirs) != 4 or len(ours) != 4 or owner == me or theirs[:2] != ours[:2]:
        return False
    if ours[1] == "-" or not theirs[2].isdigit():
        return False  # no namespace to tell whose pids these are
    pid = int(theirs[2])
    return pid == os.getpid() or not _running(pid)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True
