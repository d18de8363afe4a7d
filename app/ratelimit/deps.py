"""The dependency that puts a route under the limits: `Depends(rate_limited(SomeError), scope="function")`."""

from collections.abc import AsyncIterator, Callable

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from app.config import get_settings
from app.ratelimit.service import Limits, client_id, count_failure, count_request


def limits() -> Limits:
    settings = get_settings()
    return Limits(requests=settings.respond_rate_limit, failures=settings.respond_failed_limit,
                  window=settings.respond_rate_window)


def rate_limited(*failures: type[Exception]) -> Callable[[Request], AsyncIterator[None]]:
    """Count each request of the client's address, and each one that ends in one of `failures` as a failure.

    The address is the connection's peer, or what `X-Forwarded-For` says when the peer is a trusted proxy (uvicorn's
    `FORWARDED_ALLOW_IPS`, applied before the app sees the request)."""

    async def limit(request: Request) -> AsyncIterator[None]:
        current = limits()
        if not current.enabled:
            yield
            return
        client = client_id(request.client.host if request.client else None)
        window = await run_in_threadpool(count_request, client, current)
        try:
            yield
        except failures:
            await run_in_threadpool(count_failure, client, window)
            raise

    return limit
