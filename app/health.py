"""Liveness and readiness, both answered on the event loop: a probe must not wait for a worker thread (nor, on
PostgreSQL, behind the respondents: `/ready` has a connection of its own per worker, see app.pgasync)."""

import psycopg
from anyio import to_thread
from fastapi import APIRouter
from fastapi import Response as HTTPResponse
from pydantic import BaseModel
from sqlalchemy import text

from app.db import READ_ONLY, get_engine
from app.errors import AppError, problem_responses
from app.migrate import current_revision, head_revision
from app.pgasync import Connection, LoopPool, Statement

router = APIRouter(tags=["health"])
_probe = LoopPool("ready", size=1)
REVISION = Statement("SELECT version_num FROM alembic_version", {})


class Status(BaseModel):
    status: str


class NotReady(AppError):
    status_code, code, title = 503, "not-ready", "Not ready"


def _json(body: bytes) -> HTTPResponse:
    return HTTPResponse(body, media_type="application/json")


@router.get("/health", name="health", response_model=Status)
async def health() -> HTTPResponse:
    """The process is up."""
    return _json(b'{"status":"ok"}')


@router.get("/ready", name="ready", response_model=Status, responses=problem_responses(503))
async def ready() -> HTTPResponse:
    """The database is reachable and migrated to the version this code expects."""
    try:
        if get_engine().dialect.name == "postgresql":
            revision = await _probe.run(_pg_revision)
        else:
            revision = await to_thread.run_sync(_revision)
    except Exception:  # any failure to reach the database means "not ready", never a 500
        raise NotReady("The database is unreachable.") from None
    if revision != head_revision():
        raise NotReady("The database is not migrated to the current version; run `culturegap migrate`.")
    return _json(b'{"status":"ready"}')


async def _pg_revision(conn: Connection) -> str | None:
    try:
        rows = await (await REVISION.execute_first(conn, {})).fetchall()
    except psycopg.errors.UndefinedTable:
        return None  # never migrated
    return rows[0].version_num if len(rows) == 1 else None


def _revision() -> str | None:
    with get_engine().connect() as conn:
        conn.execution_options(**{READ_ONLY: True})  # on SQLite: not queued behind a writer
        conn.execute(text("SELECT 1"))
        return current_revision(conn)
