"""What counts as one client, and how often it may act (reports, verification mail).

INTERFACE (used by comments/services.py and comments/views/):
- network(ip) -> str: one client on the network: an IPv4 address, or the /64 an IPv6 address
  belongs to (a single subscriber line usually gets a whole /64, so counting IPv6 addresses one
  by one would hand one person millions of "clients"); "unknown" when there is no address.
- keyed_hash(value, *, purpose) -> str: an HMAC of `value` under the SECRET_KEY, so a table or
  a cache key can tell clients apart without holding their address.
- over_limit(key, *, limit, window) -> bool: counts one more hit on `key` in the current
  window of `window` seconds and says whether that went over `limit`.
"""

import ipaddress

from django.utils.crypto import salted_hmac

from core import ratelimit

IPV6_CLIENT_PREFIX = 64


def network(ip) -> str:
    if not ip:
        return "unknown"
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return "unknown"
    if address.version == 6 and address.ipv4_mapped:
        address = address.ipv4_mapped
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/{IPV6_CLIENT_PREFIX}", strict=False))
    return str(address)


def keyed_hash(value, *, purpose) -> str:
    # The purpose is the HMAC's salt: a hash made for one table is useless for another.
    return salted_hmac(f"comments.limits.{purpose}", str(value), algorithm="sha256").hexdigest()


def over_limit(key, *, limit, window) -> bool:
    """One more event under `key`; True once more than `limit` happened in this window."""
    return ratelimit.hit("comments", key, limit=limit, window=window)
