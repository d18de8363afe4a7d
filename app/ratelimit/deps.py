"""The dependency that puts a route under the limits: `Depends(rate_limited(SomeError), scope="function")`."""

from collections.abc import Callable, Iterator

from fastapi import Request

from app.config import get_settings
from app.ratelimit.service import Limits, client_id, count_failure, count_request


def limits() -> Limits:
    settings = get_settings()
    return Limits(requests=settings.respond_rate_limit, failures=settings.respond_failed_limit,
                  window=settings.respond_rate_window)


def rate_limited(*failures: type[Exception]) -> Callable[[Request], Iterator[None]]:
    """Count each request of the client's address, and each one that ends in one of `failures` as a failure.

    The address is the connection's peer, or what `X-Forwarded-For` says when the peer is a trusted proxy (uvicorn's
    `FORWARDED_ALLOW_IPS`, applied before the app sees the request)."""

    def limit(request: Request) -> Iterator[None]:
        current = limits()
        if not current.enabled:
            yield
            return
        client = client_id(request.client.host if request.client else None)
        window = count_request(client, current)
        try:
            yield
        except failures:
            count_failure(client, window)
            raise

    return limit
