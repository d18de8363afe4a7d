"""Liveness and readiness, both answered on the event loop: a probe must not wait for a worker thread (nor, on
PostgreSQL, behind the respondents: `/ready` has a connection of its own per worker, see app.pgasync).

Ready means: the database answers, is migrated to this code's version, and no survey that is not closed had its
invitations made under another SECRET_KEY than this process holds (app.invitations.used): such a wave refuses its
links until the key is restored, so a server started with the wrong key is kept out of rotation (and a rolling
deploy with it stops) instead of refusing respondents. The answer names neither the key nor its fingerprint, nor
the surveys: `culturegap serve` and `worker` name them in their warning."""

import psycopg
from anyio import to_thread
from fastapi import APIRouter
from fastapi import Response as HTTPResponse
from pydantic import BaseModel
from sqlalchemy import String, bindparam, func, select, text

from app import sealing
from app.db import READ_ONLY, get_engine
from app.errors import AppError, problem_responses
from app.invitations.used import under_another_key
from app.migrate import current_revision, head_revision
from app.pgasync import Connection, LoopPool, Statement, compile_for_psycopg
from app.surveys.models import Survey

router = APIRouter(tags=["health"])
_probe = LoopPool("ready", size=1)
REVISION = Statement("SELECT version_num FROM alembic_version", {})
_UNDER_ANOTHER_KEY = (select(func.count().label("n")).select_from(Survey)
                      .where(under_another_key(bindparam("fingerprint", type_=String))))
UNDER_ANOTHER_KEY = compile_for_psycopg(_UNDER_ANOTHER_KEY)


class Status(BaseModel):
    status: str


class NotReady(AppError):
    status_code, code, title = 503, "not-ready", "Not ready"


class KeyNotReady(NotReady):
    code, title = "secret-key-changed", "The server's SECRET_KEY changed"


KEY_DETAIL = ("This server's SECRET_KEY is not the one the invitations of one or more surveys that are not closed "
              "were made under: their links are refused until the service's operator restores that SECRET_KEY on "
              "every worker and host (or closes those surveys). `culturegap serve` and `culturegap worker` name "
              "them when they start.")


def _json(body: bytes) -> HTTPResponse:
    return HTTPResponse(body, media_type="application/json")


@router.get("/health", name="health", response_model=Status)
async def health() -> HTTPResponse:
    """The process is up."""
    return _json(b'{"status":"ok"}')


@router.get("/ready", name="ready", response_model=Status, responses=problem_responses(503))
async def ready() -> HTTPResponse:
    """The database is reachable and migrated to the version this code expects, and every survey that takes
    answers was set up under this server's SECRET_KEY (503 `secret-key-changed` otherwise)."""
    try:
        if get_engine().dialect.name == "postgresql":
            revision, under_another_key = await _probe.run(_pg_state)
        else:
            revision, under_another_key = await to_thread.run_sync(_state)
    except Exception:  # any failure to reach the database means "not ready", never a 500
        raise NotReady("The database is unreachable.") from None
    if revision != head_revision():
        raise NotReady("The database is not migrated to the current version; run `culturegap migrate`.")
    if under_another_key:
        raise KeyNotReady(KEY_DETAIL)
    return _json(b'{"status":"ready"}')


async def _pg_state(conn: Connection) -> tuple[str | None, int]:
    try:
        rows = await (await REVISION.execute_first(conn, {})).fetchall()
    except psycopg.errors.UndefinedTable:
        return None, 0  # never migrated
    revision = rows[0].version_num if len(rows) == 1 else None
    if revision != head_revision():
        return revision, 0  # the surveys table may not be as this code knows it
    counted = await (await UNDER_ANOTHER_KEY.execute(conn, {"fingerprint": sealing.fingerprint()})).fetchall()
    return revision, int(counted[0].n)


def _state() -> tuple[str | None, int]:
    with get_engine().connect() as conn:
        conn.execution_options(**{READ_ONLY: True})  # on SQLite: not queued behind a writer
        conn.execute(text("SELECT 1"))
        revision = current_revision(conn)
        if revision != head_revision():
            return revision, 0
        return revision, int(conn.scalar(_UNDER_ANOTHER_KEY, {"fingerprint": sealing.fingerprint()}) or 0)
