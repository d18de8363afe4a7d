"""Counting requests per client address in fixed windows, in the database, so that every worker on every host shares
one count: an upsert, committed on its own, adds a worker's counts (see tally for when).

The counts are committed apart from the request's transaction: a failed lookup rolls that back but must still count,
and the hot row of a busy address (a whole office behind one NAT) stays locked for one statement, not a request.
The counters have connections of their own that don't wait for the disk at commit (a count lost in a crash costs
nothing): on PostgreSQL a psycopg pool per event loop (app.pgasync) in autocommit (one round trip per count) with
asynchronous commit, so a count awaits on the event loop without a thread; on SQLite `synchronous=NORMAL` (WAL: no
fsync per commit, still safe from corruption), so the write lock every count takes is held for microseconds instead
of an fsync, and the app's writers queue behind it no longer than that.
"""

import ipaddress
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from anyio import to_thread
from sqlalchemy import Engine, Insert, bindparam, delete, event
from sqlalchemy.dialects import postgresql, sqlite

from app import sealing
from app.db import get_engine, make_engine
from app.errors import AppError
from app.pgasync import Connection, LoopPool, compile_for_psycopg
from app.ratelimit.models import RateCounter

COUNTER_ENGINE = "rate-counters"  # the counter engine's logging name and the counter pool's name


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


@lru_cache(maxsize=4096)
def client_id(host: str | None) -> str:
    """The counter's key for a client address: IPv6 by its /64 (one host usually holds a whole /64), hashed under
    SECRET_KEY when there is one (an unkeyed SHA-256 of an IPv4 address is reversed by trying all 2^32 of them).
    Remembered for the addresses seen last (parsing and hashing took 10 µs, on every respondent's request)."""
    network = host or "unknown"
    try:
        address = ipaddress.ip_address(network)
    except ValueError:
        pass
    else:
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is None:
            network = str(ipaddress.IPv6Network(f"{address}/64", strict=False))
    return sealing.keyed_hash(b"culturegap:rate-client", network)


def _no_fsync_per_commit(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@lru_cache
def _sqlite_counter_engine() -> Engine:
    engine = make_engine(get_engine().url.render_as_string(hide_password=False), logging_name=COUNTER_ENGINE)
    event.listen(engine, "connect", _no_fsync_per_commit)  # after make_engine's own pragmas: this one wins
    return engine


def _upsert(insert: Any) -> Insert:
    values = insert(RateCounter).values(client=bindparam("client"), window_start=bindparam("window_start"),
                                        requests=bindparam("requests"), failures=bindparam("failures"))
    upsert: Insert = values.on_conflict_do_update(
        index_elements=[RateCounter.client, RateCounter.window_start],
        set_={"requests": RateCounter.requests + values.excluded.requests,
              "failures": RateCounter.failures + values.excluded.failures},
    ).returning(RateCounter.requests, RateCounter.failures)
    return upsert


SQLITE_UPSERT = _upsert(sqlite.insert)
ENDED = delete(RateCounter).where(RateCounter.window_start < bindparam("window_start"))
PG_UPSERT, PG_ENDED = compile_for_psycopg(_upsert(postgresql.insert)), compile_for_psycopg(ENDED)

_pg_counters = LoopPool(COUNTER_ENGINE, options="-c synchronous_commit=off")


async def _count_on_postgresql(conn: Connection, params: dict[str, Any]) -> tuple[int, int]:
    row = await (await PG_UPSERT.execute_first(conn, params)).fetchone()
    assert row is not None  # an upsert with RETURNING always returns its row
    if row.requests == 1 and params["requests"]:
        await PG_ENDED.execute(conn, {"window_start": params["window_start"]})
    return int(row.requests), int(row.failures)


async def add_counts(client: str, window: Window, requests: int, failures: int) -> tuple[int, int]:
    """Add to the address's counts in `window`, committed; its counts now. The first request of an address in a
    window also forgets the windows that have ended."""
    params = {"client": client, "window_start": window.start, "requests": requests, "failures": failures}
    if get_engine().dialect.name == "postgresql":
        return await _pg_counters.run(_count_on_postgresql, params)

    def in_thread() -> tuple[int, int]:
        with _sqlite_counter_engine().begin() as conn:
            counts = conn.execute(SQLITE_UPSERT, params).one()
            if counts.requests == 1 and requests:
                conn.execute(ENDED, {"window_start": window.start})
            return int(counts.requests), int(counts.failures)

    return await to_thread.run_sync(in_thread)
