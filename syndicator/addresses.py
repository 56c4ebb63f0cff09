"""Refuse targets inside our own network unless the config allows them.

A webhook URL comes from a config file, but the address its name resolves to can
change; checking after resolution (and again on every redirect, which we follow by
hand) keeps a public-looking name from reaching loopback, the LAN or a cloud metadata
endpoint. ``pin`` then connects to the very address it checked (the name travels in the
Host header and as the TLS server name), so a resolver that changes its answer between
the check and the connection (DNS rebinding) gains nothing.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


MAX_FALLBACKS = 3

_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


def embedded(address: Address) -> list[Address]:
    """The address and every IPv4 address it carries: IPv4-mapped, 6to4, Teredo and
    NAT64 forms reach the IPv4 host they embed."""
    found: list[Address] = [address]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            found.append(address.ipv4_mapped)
        if address.sixtofour is not None:
            found.append(address.sixtofour)
        if address.teredo is not None:
            found.extend(address.teredo)
        if any(address in net for net in _NAT64):
            found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return found


def blocked(address: Address) -> bool:
    """Anything not globally routable: loopback, private, link-local, shared (CGNAT,
    where one cloud keeps its metadata service), multicast, reserved, documentation,
    benchmarking, in any of the forms that embed an IPv4 address."""
    return any(not candidate.is_global or candidate.is_multicast for candidate in embedded(address))


def resolve(host: str, port: int) -> list[Address]:
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


@dataclass(frozen=True, slots=True)
class Pinned:
    """Where to connect: ``url`` with its host replaced by the checked address, and the
    name to present (Host header, TLS server name); ``host`` is None when unchanged."""

    url: str
    host: str | None = None
    tls_name: str | None = None
    # The same URL at the name's other checked addresses, in the resolver's order of
    # preference: a host reachable over IPv4 only still answers when its IPv6 address,
    # listed first, does not.
    fallbacks: tuple[str, ...] = ()


def pin(url: str, *, allow_private: bool) -> Pinned | str:
    """The checked connection target of ``url``, or why it may not be requested."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"not an http(s) URL: {url}"
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        addresses = resolve(parts.hostname, port)
    except (OSError, UnicodeError) as exc:
        return f"cannot resolve {parts.hostname}: {exc}"
    if not addresses:
        return f"cannot resolve {parts.hostname}"
    for address in addresses:
        if blocked(address) and not allow_private:
            name = parts.hostname.strip("[]")
            what = name if name == str(address) else f"{name} resolves to {address}, which"
            return f"{what} is a private or local address (set allow_private: true to allow it)"
    first = addresses[0]
    if str(first) == parts.hostname.strip("[]"):
        return Pinned(url)  # already an address: nothing to pin

    def at(address: Address) -> str:
        literal = f"[{address}]" if address.version == 6 else str(address)
        netloc = f"{literal}:{parts.port}" if parts.port else literal
        return urlunsplit(parts._replace(netloc=netloc))

    others = tuple(dict.fromkeys(at(a) for a in addresses[1:] if a != first))[:MAX_FALLBACKS]
    # A name in Host and as the TLS server name goes as the DNS spells it: an
    # internationalised name in its xn-- form (headers are ASCII).
    try:
        name = parts.hostname.encode("idna").decode("ascii")
    except UnicodeError:
        return f"not a valid host name: {parts.hostname}"
    host = f"{name}:{parts.port}" if parts.port else name
    return Pinned(at(first), host, name if parts.scheme == "https" else None, others)


def refusal(url: str, *, allow_private: bool) -> str | None:
    """Why ``url`` may not be requested, or ``None`` when it may."""
    checked = pin(url, allow_private=allow_private)
    return checked if isinstance(checked, str) else None
