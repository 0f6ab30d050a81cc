"""The client's real IP address, also behind reverse proxies.

A request that comes straight from a browser has its address in ``REMOTE_ADDR``; a header it sends
(X-Forwarded-For) is not believed, since anyone can write one. A request that comes from a trusted proxy
(setting ``TRUSTED_PROXIES``: addresses or networks, from ``DANGBO_TRUSTED_PROXIES``) carries the chain of
addresses in the client-IP header (``CLIENT_IP_HEADER``, default X-Forwarded-For), each proxy appending the
address it received the request from: read from the right, the first address that is not a trusted proxy is the
client. The login lock (django-axes, ``AXES_CLIENT_IP_CALLABLE``) counts failures per this address, so behind a
proxy one person cannot lock everyone out of an account by failing from the proxy's address.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _address(text: str):
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # "203.0.113.7:51234"
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _trusted(address, networks) -> bool:
    return any(address in network for network in networks)


def client_ip(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR") or None
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    remote_address = _address(remote) if remote else None
    if not networks or remote_address is None or not _trusted(remote_address, networks):
        return remote
    chain = request.META.get(getattr(settings, "CLIENT_IP_HEADER", "HTTP_X_FORWARDED_FOR"), "")
    for hop in reversed(chain.split(",")):
        address = _address(hop)
        if address is None:
            break  # a malformed entry: what lies to its left cannot be trusted either
        if not _trusted(address, networks):
            return str(address)
    return remote
