"""Which endpoint URLs the service may call: http(s) only, and, unless WEBHOOK_ALLOW_PRIVATE_ADDRESSES says so,
only hosts whose every address is a public one. Otherwise a webhook would let an organisation admin make the
server call what only the server can reach (its loopback, the cloud's metadata service at 169.254.169.254, the
municipality's internal network): server-side request forgery. Checked when an endpoint is registered or changed
and again before every attempt (a name may point elsewhere by then)."""

import ipaddress
import socket
from urllib.parse import urlsplit


class RefusedUrl(ValueError):
    pass


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_url(url: str, *, allow_private: bool, resolve: bool = True) -> None:
    """Raise RefusedUrl (its message says why) for a URL the service must not call."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise RefusedUrl("the URL must start with https:// (or http://)")
    if not parts.hostname:
        raise RefusedUrl("the URL has no host")
    if parts.username is not None or parts.password is not None:
        raise RefusedUrl("the URL may not carry a user name or password; the signature authenticates the sender")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise RefusedUrl("the URL's port is not a number from 1 to 65535") from None
    if allow_private or not resolve:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise RefusedUrl(f"the host {parts.hostname!r} can't be resolved") from None
    private = sorted({str(info[4][0]) for info in infos if not _public(str(info[4][0]))})
    if private:
        raise RefusedUrl(f"the host {parts.hostname!r} has a private, loopback or reserved address "
                         f"({', '.join(private)}); the operator allows those with WEBHOOK_ALLOW_PRIVATE_ADDRESSES")
