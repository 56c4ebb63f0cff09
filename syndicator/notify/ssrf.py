"""Refuse webhook targets inside our own network unless a channel allows them.

A webhook URL comes from a config file, but the address its name resolves to can
change; checking after resolution (and again on every redirect, which we follow by
hand) keeps a public-looking name from reaching loopback, the LAN or a cloud metadata
endpoint. The check and the connection resolve separately, so a resolver that changes
its answer in between (DNS rebinding) is not covered; ``allow_private`` stays off for
targets you do not control.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def blocked(address: Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return bool(address.is_loopback or address.is_private or address.is_link_local
                or address.is_unspecified or address.is_multicast or address.is_reserved)


def resolve(host: str, port: int) -> list[Address]:
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


def refusal(url: str, *, allow_private: bool) -> str | None:
    """Why ``url`` may not be requested, or ``None`` when it may."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"not an http(s) URL: {url}"
    if allow_private:
        return None
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        addresses = resolve(parts.hostname, port)
    except (OSError, UnicodeError) as exc:
        return f"cannot resolve {parts.hostname}: {exc}"
    for address in addresses:
        if blocked(address):
            return (f"{parts.hostname} resolves to {address}, a private or local address "
                    f"(set allow_private: true to allow it)")
    return None
