"""The respondent's three calls, from the async routes, on the database in use.

PostgreSQL: on the event loop, on psycopg's asyncio connections (see pg): no thread hop, and no thread held while a
statement waits. SQLite: the service's calls in a worker thread, inside one transaction committed at the end (see
app.db): BEGIN IMMEDIATE for a draft or a submission, a deferred BEGIN for fetching the questionnaire, which only
reads; at most DB_POOL_SIZE at once, as many as the pool holds.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from anyio import CapacityLimiter, to_thread
from anyio.lowlevel import RunVar

from app.config import get_settings
from app.db import READ_ONLY, get_engine
from app.respond import pg, service
from app.respond.schemas import Answers
from app.respond.service import Ticket

T = TypeVar("T")

_limiter: RunVar[CapacityLimiter] = RunVar("respond_limiter")  # one per event loop, i.e. per worker


def _on_postgresql() -> bool:
    return get_engine().dialect.name == "postgresql"


async def read(token: str | None, now: datetime) -> Ticket:
    if _on_postgresql():
        return await pg.pool.run(pg.read, token, now)
    return await _in_thread(service.read, token, now, read_only=True)


async def save_draft(token: str | None, body: Answers, now: datetime) -> datetime:
    if _on_postgresql():
        return await pg.pool.run(pg.save_draft, token, body, now)
    return await _in_thread(service.save_draft, token, body, now)


async def submit(token: str | None, body: Answers, now: datetime) -> None:
    if _on_postgresql():
        return await pg.submit(token, body, now)
    return await _in_thread(service.submit, token, body, now)


async def _in_thread(call: Callable[..., T], *args: Any, read_only: bool = False) -> T:
    return await to_thread.run_sync(_in_transaction, call, args, read_only, limiter=_thread_limiter())


def _in_transaction(call: Callable[..., T], args: tuple[Any, ...], read_only: bool) -> T:
    engine = get_engine()
    with (engine.execution_options(**{READ_ONLY: True}) if read_only else engine).begin() as conn:
        return call(conn, *args)


def _thread_limiter() -> CapacityLimiter:
    try:
        return _limiter.get()
    except LookupError:
        limiter = CapacityLimiter(get_settings().db_pool_size)
        _limiter.set(limiter)
        return limiter
