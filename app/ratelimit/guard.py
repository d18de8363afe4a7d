"""Putting a call under the limits: `counted = await count_request(host)` before it, and
`await count_failure(counted)` when it fails in a way that counts (a failed token lookup)."""

from app.config import Settings, get_settings
from app.ratelimit.service import Limits, Window, client_id
from app.ratelimit.tally import tallies

Counted = tuple[str, Window] | None
"""The client and window a request was counted in; None while the limits are off."""


_limits: tuple[Settings, Limits] | None = None  # the limits of the settings in use, as last read


def limits() -> Limits:
    global _limits
    settings = get_settings()
    if _limits is None or _limits[0] is not settings:
        _limits = settings, Limits(requests=settings.respond_rate_limit, failures=settings.respond_failed_limit,
                                   window=settings.respond_rate_window)
    return _limits[1]


async def count_request(host: str | None) -> Counted:
    """Count the request of the client at `host`; raise 429 when it is past a limit.

    `host` is the connection's peer, or what `X-Forwarded-For` says when the peer is a trusted proxy (uvicorn's
    `FORWARDED_ALLOW_IPS`, applied before the app sees the request)."""
    current = limits()
    if not current.enabled:
        return None
    client = client_id(host)
    return client, await tallies.count_request(client, current)


async def count_failure(counted: Counted) -> None:
    if counted is not None:
        await tallies.count_failure(*counted)
