"""PostgreSQL from the event loop, on psycopg's asyncio connections directly: the respondent's calls
(app.respond.pg) and the rate counters (app.ratelimit), the two things every respondent's request does, and the
readiness probe (app.health).

On them SQLAlchemy's own execution costs more than the database: on the project's 2-core machine a one-row SELECT
took 500 µs of CPU through an async engine (plus 240 µs to check a connection out) against 220 µs on psycopg. So
their statements are still written with SQLAlchemy, but compiled once to psycopg's SQL (`compile_for_psycopg`) and
run on a pool of the event loop (`LoopPool`); the server prepares them after a few executions on a connection.
"""

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import psycopg
from anyio.lowlevel import RunVar
from psycopg.rows import namedtuple_row
from psycopg_pool import AsyncConnectionPool
from sqlalchemy import ClauseElement, make_url
from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg
from sqlalchemy.sql.compiler import SQLCompiler

from app.config import get_settings

Connection = psycopg.AsyncConnection[Any]
T = TypeVar("T")


class Stale(Exception):
    """The pooled connection was dead at the call's first statement, before anything was written."""


@dataclass(frozen=True)
class Statement:
    sql: str
    fixed: dict[str, Any]  # the statement's own parameters (literals in the SQLAlchemy form), as psycopg takes them

    async def execute(self, conn: Connection, params: dict[str, Any]) -> psycopg.AsyncCursor[Any]:
        """Rows come as named tuples (see LoopPool)."""
        return await conn.execute(self.sql, {**self.fixed, **params})

    async def execute_first(self, conn: Connection, params: dict[str, Any]) -> psycopg.AsyncCursor[Any]:
        """`execute` for a call's first statement: a connection found dead raises `Stale`, and `LoopPool.run` runs
        the call again on another."""
        try:
            return await self.execute(conn, params)
        except psycopg.OperationalError as error:
            if conn.broken:
                raise Stale from error
            raise


def compile_for_psycopg(statement: ClauseElement) -> Statement:
    dialect = PGDialect_psycopg()  # type: ignore[no-untyped-call]
    compiled = statement.compile(dialect=dialect)
    assert isinstance(compiled, SQLCompiler)
    fixed = {}
    for name, value in compiled.params.items():
        if value is not None:
            processor = compiled.binds[name].type.bind_processor(dialect)
            fixed[name] = processor(value) if processor else value
    return Statement(compiled.string, fixed)


BEGIN, COMMIT = Statement("BEGIN", {}), Statement("COMMIT", {})


class LoopPool:
    """A psycopg `AsyncConnectionPool` per event loop, opened when the loop first asks (an asyncio connection belongs
    to the loop that opened it): one per worker process, one per in-process test server. PostgreSQL only.

    A statement awaits the database on the event loop itself, so a request makes no thread hop and holds no thread
    while it waits. Connections are in autocommit mode: each statement commits by itself."""

    def __init__(self, name: str, *, options: str = "", size: int | None = None) -> None:
        self.name = name
        self.options = options
        self.size = size  # connections; DB_POOL_SIZE when None
        self._opening: RunVar[asyncio.Task[AsyncConnectionPool]] = RunVar(name)
        _loop_pools.append(self)

    async def run(self, call: Callable[..., Awaitable[T]], *args: Any) -> T:
        """`call(conn, *args)` on a pooled connection. The pool doesn't ping a connection before lending it (a round
        trip per request): one that the database dropped (a restart, a failover) fails at the call's first statement
        instead (see `execute_first`); then the idle ones are checked (the database usually dropped them all) and
        the call runs once more. A second failure is the database's error (503)."""
        pool = await self.get()
        try:
            async with pool.connection() as conn:
                return await call(conn, *args)
        except Stale:
            await pool.check()
        try:
            async with pool.connection() as conn:
                return await call(conn, *args)
        except Stale as again:
            assert isinstance(again.__cause__, psycopg.OperationalError)
            raise again.__cause__ from None

    async def get(self) -> AsyncConnectionPool:
        try:
            opening = self._opening.get()
        except LookupError:
            opening = None
        if opening is None or (opening.done() and opening.exception() is not None):
            # The first caller on this loop starts the opening (again, if the last one failed); the others await
            # the same task.
            opening = asyncio.get_running_loop().create_task(self._open())
            self._opening.set(opening)
        return await opening

    async def _open(self) -> AsyncConnectionPool:
        settings = get_settings()
        url = make_url(settings.database_url)
        options = " ".join(filter(None, [str(url.query.get("options", "")), self.options]))
        kwargs: dict[str, Any] = {"autocommit": True, "row_factory": namedtuple_row}
        if options:
            kwargs["options"] = options
        pool = AsyncConnectionPool(url.set(drivername="postgresql").render_as_string(hide_password=False),
                                   min_size=self.size or settings.db_pool_size,
                                   max_size=self.size or settings.db_pool_size, kwargs=kwargs,
                                   name=self.name, timeout=settings.db_pool_timeout, open=False)
        await pool.open()
        return pool

    async def close(self) -> None:
        try:
            opening = self._opening.get()
        except LookupError:
            return
        await (await opening).close()


_loop_pools: list[LoopPool] = []


async def close_loop_pools() -> None:
    """Close this event loop's async pools (at the app's shutdown)."""
    for pool in _loop_pools:
        await pool.close()


@dataclass
class _Waiting:
    params: dict[str, Any]
    done: asyncio.Future[int]


class GroupCommit:
    """Executions of one statement, each with its own parameters, committed together: one transaction and one wait
    for the disk for all the executions that arrived while the previous group was being committed, instead of one
    each. PostgreSQL only; one group in flight per event loop (a worker) and statement, so a group holds whatever
    came in during the last one's round trips and commit, usually a millisecond or two: nothing waits for a timer,
    and a lone execution goes at once, by itself in autocommit as before.

    `execute` returns the execution's row count once its group has committed. The statements run one by one in
    that transaction (psycopg's pipeline: one round trip), each with its own result, so a row that the statement's
    conditions leave out (row count 0) fails only its own caller. A database error in the group rolls it back, and
    then each execution runs alone, in autocommit, so that one bad row doesn't fail the others; a connection lost
    meanwhile fails the whole group with that error, since whether its commit got through is unknown (as for a
    single statement)."""

    def __init__(self, pool: LoopPool) -> None:
        self.pool = pool
        self._state: RunVar[dict[str, list[_Waiting]]] = RunVar(f"{pool.name}-group-commit")

    async def execute(self, statement: Statement, params: dict[str, Any]) -> int:
        try:
            waiting = self._state.get()
        except LookupError:
            waiting = {}
            self._state.set(waiting)
        done: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        queue = waiting.get(statement.sql)
        if queue is not None:  # a group is in flight: join the next one
            queue.append(_Waiting(params, done))
        else:
            waiting[statement.sql] = []
            _keep(asyncio.create_task(self._commit_groups(statement, waiting, [_Waiting(params, done)])))
        return await done

    async def _commit_groups(self, statement: Statement, waiting: dict[str, list[_Waiting]],
                             group: list[_Waiting]) -> None:
        """Commit `group`, then whatever came meanwhile, until nothing waits."""
        try:
            while group:
                counts = None
                if len(group) > 1:
                    counts = await self.pool.run(_together, statement, [w.params for w in group])
                if counts is None:  # alone, or after a database error (one bad row, a deadlock...): each alone
                    await self.pool.run(_each_alone, statement, group)
                else:
                    for w, count in zip(group, counts, strict=True):
                        _settle(w.done, count)
                group, waiting[statement.sql] = waiting[statement.sql], []
        except BaseException as error:  # the connection was lost, no connection came, the worker stops
            failed = error if isinstance(error, Exception) else psycopg.OperationalError("the worker is stopping")
            for w in [*group, *waiting[statement.sql]]:
                _settle(w.done, failed)
            if not isinstance(error, Exception):
                raise
        finally:
            del waiting[statement.sql]


async def _together(conn: Connection, statement: Statement, params: list[dict[str, Any]]) -> list[int] | None:
    """The row count of each execution, committed; None after a database error (rolled back)."""
    await BEGIN.execute_first(conn, {})  # a connection found dead here is replaced (see LoopPool.run)
    try:
        cursor = conn.cursor()
        await cursor.executemany(statement.sql, [{**statement.fixed, **p} for p in params], returning=True)
        counts = [cursor.rowcount]
        while cursor.nextset():
            counts.append(cursor.rowcount)
        await COMMIT.execute(conn, {})
    except psycopg.Error:
        if conn.broken:
            raise
        await conn.rollback()
        return None
    return counts


async def _each_alone(conn: Connection, statement: Statement, group: list[_Waiting]) -> None:
    """Each in autocommit; a connection found dead at the first is replaced (see LoopPool.run)."""
    for n, w in enumerate(group):
        try:
            count = (await (statement.execute if n else statement.execute_first)(conn, w.params)).rowcount
        except psycopg.Error as error:
            if conn.broken:
                raise
            _settle(w.done, error)
        else:
            _settle(w.done, count)


def _settle(done: asyncio.Future[int], outcome: int | Exception) -> None:
    if done.done():  # its caller went away
        return
    if isinstance(outcome, Exception):
        done.set_exception(outcome)
    else:
        done.set_result(outcome)


_tasks: set[asyncio.Task[None]] = set()


def _keep(task: asyncio.Task[None]) -> None:
    """A strong reference to a running task (the loop keeps only weak ones)."""
    _tasks.add(task)
    task.add_done_callback(_tasks.discard)
