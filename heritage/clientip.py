"""The real client address: the one place that reads REMOTE_ADDR and X-Forwarded-For.

Rate limits (heritage/limits.py, registry/api/throttles.py) and login lockouts (django-axes,
`AXES_CLIENT_IP_CALLABLE`) key on it, so a client cannot choose its own key:

- REMOTE_ADDR, the socket's peer, unless it is one of MURA_TRUSTED_PROXIES (CIDRs; empty by
  default: no forwarding header is trusted, e.g. when gunicorn is reached directly);
- from a trusted proxy, X-Forwarded-For read from the right: each trusted hop appended the
  address it was connected from, so the right-most entry that is not itself a trusted proxy
  is the real client. Entries to its left were written by the client (nginx's
  `$proxy_add_x_forwarded_for` appends to what the client sent) and are never read.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=4096)
def _trusted(address: str, networks: tuple[IPNetwork, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_ip(request: HttpRequest) -> str:
    """The address of whoever sent the request to the first proxy we trust (or to us)."""
    remote = request.META.get("REMOTE_ADDR", "")
    networks = settings.MURA_TRUSTED_PROXIES
    if not networks or not _trusted(remote, networks):
        return remote
    nearest = remote
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        hop = hop.strip()
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            break  # not an address our proxy wrote: stop at the last hop we can vouch for
        if not _trusted(hop, networks):
            return hop
        nearest = hop
    return nearest


def axes_client_ip(request: HttpRequest) -> str:
    """AXES_CLIENT_IP_CALLABLE: axes may pass DRF's or Django's request; both carry META."""
    return client_ip(getattr(request, "_request", request))
