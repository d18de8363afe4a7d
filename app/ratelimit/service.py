"""Counting requests per client address in fixed windows: one upsert per request, committed on its own.

The counts are committed apart from the request's transaction: a failed lookup rolls that back but must still count,
and the hot row of a busy address (a whole office behind one NAT) stays locked for one statement, not a request.
The counters have an engine of their own that doesn't wait for the disk at commit (a count lost in a crash costs
nothing): on PostgreSQL autocommit (one round trip per count) with asynchronous commit; on SQLite `synchronous=
NORMAL` (WAL: no fsync per commit, still safe from corruption), so the write lock every count takes is held for
microseconds instead of an fsync, and the app's writers queue behind it no longer than that.

Concurrent requests may pass a limit by the few that are checked at the same moment: the price of one statement.
"""

import hashlib
import ipaddress
import math
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, delete, event
from sqlalchemy.dialects import postgresql, sqlite

from app.config import get_settings
from app.db import get_engine, make_engine
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


def _no_fsync_per_commit(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@lru_cache
def _counter_engine() -> Engine:
    app_engine = get_engine()
    if app_engine.dialect.name != "postgresql":
        engine = make_engine(app_engine.url.render_as_string(hide_password=False))
        event.listen(engine, "connect", _no_fsync_per_commit)  # after make_engine's own pragmas: this one wins
        return engine
    settings = get_settings()
    options = f"{app_engine.url.query.get('options', '')} -c synchronous_commit=off".strip()
    return create_engine(app_engine.url, isolation_level="AUTOCOMMIT", pool_pre_ping=True, hide_parameters=True,
                         pool_size=settings.db_pool_size, max_overflow=settings.db_max_overflow,
                         connect_args={"options": options})


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
    with _counter_engine().begin() as conn:
        counted, failed = _upsert(conn, client, window, requests=1, failures=0)
        if counted == 1:  # the first request of this address in this window: forget windows that have ended
            conn.execute(delete(RateCounter).where(RateCounter.window_start < window.start))
    if counted > limits.requests or failed >= limits.failures:
        retry_after = max(1, math.ceil(window.end - now))
        raise TooManyRequests(f"Too many requests from your network. Try again in {retry_after} seconds.",
                              headers={"Retry-After": str(retry_after)})
    return window


def count_failure(client: str, window: Window) -> None:
    with _counter_engine().begin() as conn:
        _upsert(conn, client, window, requests=0, failures=1)
