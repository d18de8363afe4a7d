"""Putting a call under the limits: `async with rate_limited(client_host, SomeError): ...`."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from app.config import get_settings
from app.ratelimit.service import Limits, client_id
from app.ratelimit.tally import tallies


def limits() -> Limits:
    settings = get_settings()
    return Limits(requests=settings.respond_rate_limit, failures=settings.respond_failed_limit,
                  window=settings.respond_rate_window)


@asynccontextmanager
async def rate_limited(host: str | None, *failures: type[Exception]) -> AsyncIterator[None]:
    """Count the request of the client at `host`, and the call as a failure when it raises one of `failures`.

    `host` is the connection's peer, or what `X-Forwarded-For` says when the peer is a trusted proxy (uvicorn's
    `FORWARDED_ALLOW_IPS`, applied before the app sees the request)."""
    current = limits()
    if not current.enabled:
        yield
        return
    client = client_id(host)
    window = await tallies.count_request(client, current)
    try:
        yield
    except failures:
        await tallies.count_failure(client, window)
        raise
