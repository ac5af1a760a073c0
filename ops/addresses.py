"""The address a request came from: REMOTE_ADDR, or, when that is one of the reverse
proxies in settings.TRUSTED_PROXIES, the nearest address in X-Forwarded-For that is not a
trusted proxy (each proxy appends the address it was called from, so only the entries
our own proxies added can be believed; those further left anyone may write)."""

import ipaddress

from django.conf import settings

FORWARDING_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP", "HTTP_FORWARDED")


def address_of(text):
    """An ip_address, or None for text that is not one."""
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address):
    return address is not None and any(address in net for net in settings.TRUSTED_PROXIES)


def from_trusted_proxy(request):
    """Whether REMOTE_ADDR is one of our own reverse proxies."""
    return _trusted(address_of(request.META.get("REMOTE_ADDR", "")))


def client_ip(request):
    """The client's address as text ("" when REMOTE_ADDR is empty, as in some tests)."""
    remote = request.META.get("REMOTE_ADDR", "")
    if not _trusted(address_of(remote)):
        return remote
    nearest = remote
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        address = address_of(hop)
        if address is None:
            break  # a malformed entry: what stands left of it cannot be believed either
        nearest = str(address)
        if not _trusted(address):
            break
    return nearest


def came_through_unknown_proxy(request):
    """A request that names a forwarded client while REMOTE_ADDR is no trusted proxy: the
    real client is unknown (a local reverse proxy makes everyone look like 127.0.0.1)."""
    if _trusted(address_of(request.META.get("REMOTE_ADDR", ""))):
        return False
    return any(request.META.get(header) for header in FORWARDING_HEADERS)
