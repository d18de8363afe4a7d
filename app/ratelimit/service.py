"""Counting requests per client address in fixed windows, with one upsert per request in a transaction of its own.

The counts are committed apart from the request's own transaction: a failed lookup rolls that back, but must still
count, and a short transaction keeps the hot row of a busy address locked for microseconds, not for a whole request.
Concurrent requests may pass a limit by the few that check at the same moment; that is the price of one statement.
"""

import hashlib
import ipaddress
import math
import time
from dataclasses import dataclass

from sqlalchemy import Connection, delete
from sqlalchemy.dialects import postgresql, sqlite

from app.db import get_engine
from app.errors import AppError
from app.ratelimit.models import RateCounter


class TooManyRequests(AppError):
    status_code, code, title = 429, "too-many-requests", "Too many requests"


@dataclass(frozen=True)
class Limits:
    requests: int  # token requests per address and window; 0 turns the limits off
    failures: int  # failed token lookups per address and window
    window: int  # seconds

    @property
    def enabled(self) -> bool:
        return self.requests > 0


@dataclass(frozen=True)
class Window:
    start: int
    end: int

    @classmethod
    def of(cls, now: float, seconds: int) -> "Window":
        start = int(now) // seconds * seconds
        return cls(start=start, end=start + seconds)


def client_id(host: str | None) -> str:
    """The counter's key for a client address: IPv6 by its /64 (one host usually holds a whole /64), hashed."""
    network = host or "unknown"
    try:
        address = ipaddress.ip_address(network)
    except ValueError:
        pass
    else:
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is None:
            network = str(ipaddress.IPv6Network(f"{address}/64", strict=False))
    return hashlib.sha256(network.encode()).hexdigest()


def _upsert(conn: Connection, client: str, window: Window, *, requests: int, failures: int) -> tuple[int, int]:
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    values = insert(RateCounter).values(client=client, window_start=window.start, requests=requests,
                                        failures=failures)
    upsert = values.on_conflict_do_update(
        index_elements=[RateCounter.client, RateCounter.window_start],
        set_={"requests": RateCounter.requests + requests, "failures": RateCounter.failures + failures},
    ).returning(RateCounter.requests, RateCounter.failures)
    counted, failed = conn.execute(upsert).one()
    return int(counted), int(failed)


def count_request(client: str, limits: Limits, now: float | None = None) -> Window:
    """Count one request; raise 429 when the address is past either limit in the current window."""
    now = time.time() if now is None else now
    window = Window.of(now, limits.window)
    with get_engine().begin() as conn:
        counted, failed = _upsert(conn, client, window, requests=1, failures=0)
        if counted == 1:  # the first request of this address in this window: forget windows that have ended
            conn.execute(delete(RateCounter).where(RateCounter.window_start < window.start))
    if counted > limits.requests or failed >= limits.failures:
        retry_after = max(1, math.ceil(window.end - now))
        raise TooManyRequests(f"Too many requests from your network. Try again in {retry_after} seconds.",
                              headers={"Retry-After": str(retry_after)})
    return window


def count_failure(client: str, window: Window) -> None:
    with get_engine().begin() as conn:
        _upsert(conn, client, window, requests=0, failures=1)
