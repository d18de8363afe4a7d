"""The respondent's three calls on PostgreSQL, on psycopg's asyncio connections directly (see app.pgasync for why;
SQLite: see service).

Each statement commits by itself (autocommit): the ticket is one SELECT; a draft is one conditional UPDATE; a
submission is `USE_AND_STORE`, one statement that inserts the token's used-token row and stores the response only
while the survey is open. Submissions without comments are committed in groups (`stored`, app.pgasync.GroupCommit):
those that arrive while the previous group commits share one transaction and one wait for the disk, each answered
only after that commit, each with its own row count. The statements are app.respond.statements, compiled for
psycopg; the checks between them are the service's own (`check_ticket_row`, `check`, `response_row`).
"""

from datetime import datetime
from typing import Any, cast

from anyio import to_thread

from app.db import get_sessionmaker
from app.pgasync import Connection, GroupCommit, LoopPool, compile_for_psycopg
from app.questionnaires.service import QuestionnaireDefinition, cached_definition
from app.respond import statements as sql
from app.respond.schemas import Answers
from app.respond.service import (
    UNUSABLE_DETAIL,
    Ticket,
    TokenUnusable,
    check,
    check_ticket_row,
    comment_rows,
    draft_params,
    load_ticket_definition,
    response_row,
    ticket_of,
    ticket_params,
    use_params,
)
from app.surveys.models import SurveyStatus

pool = LoopPool("respondent")
"""DB_POOL_SIZE connections per worker; at most that many calls hold one at a time, the rest wait on the loop."""
stored = GroupCommit(pool)


TICKET, SAVE_DRAFT, USE_AND_STORE, STORE_COMMENT = map(compile_for_psycopg, (
    sql.TICKET, sql.SAVE_DRAFT, sql.USE_AND_STORE, sql.STORE_COMMENT))


async def open_ticket(conn: Connection, token: str | None, now: datetime) -> Ticket:
    """As `service.open_ticket`: the invitation of this token, if it may answer now."""
    params = ticket_params(token)
    row = await (await TICKET.execute_first(conn, params)).fetchone()
    if row is not None:
        row = row._replace(status=SurveyStatus(row.status))
    check_ticket_row(row, now)
    return ticket_of(row, await _definition(row), cast(str, token), params)


async def _definition(row: Any) -> QuestionnaireDefinition:
    cached = cached_definition(row.questionnaire_id, row.stamp)
    if cached is not None:
        return cached

    def load() -> QuestionnaireDefinition:
        with get_sessionmaker()() as session:
            return load_ticket_definition(session, row.questionnaire_id)

    return await to_thread.run_sync(load)


async def read(conn: Connection, token: str | None, now: datetime) -> Ticket:
    return await open_ticket(conn, token, now)


async def save_draft(conn: Connection, token: str | None, body: Answers, now: datetime) -> datetime:
    ticket = await open_ticket(conn, token, now)
    answers = check(ticket, body, submitting=False)
    saved = await SAVE_DRAFT.execute(conn, draft_params(ticket, token, answers, now))
    if saved.rowcount != 1:
        raise TokenUnusable(UNUSABLE_DETAIL)
    return now


async def submit(token: str | None, body: Answers, now: datetime) -> None:
    """The checks on a pooled connection, released before the response is stored: in its group (the common case,
    see `stored`), or with its comments in a transaction of its own."""
    params, comments = await pool.run(_checked, token, body, now)
    if not comments:
        count = await stored.execute(USE_AND_STORE, params)
    else:
        count = await pool.run(_store_with_comments, params, comments)
    if count != 1:
        await pool.run(open_ticket, token, now)  # used or closed meanwhile: raises the error that says which
        raise TokenUnusable(UNUSABLE_DETAIL)


async def _checked(conn: Connection, token: str | None, body: Answers,
                   now: datetime) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    ticket = await open_ticket(conn, token, now)
    answers = check(ticket, body, submitting=True)
    response = response_row(ticket, answers)
    return use_params(ticket, response), comment_rows(ticket, answers)


async def _store_with_comments(conn: Connection, params: dict[str, Any], comments: list[dict[str, Any]]) -> int:
    """The response and its comments commit together, or neither does."""
    async with conn.transaction():
        count = (await USE_AND_STORE.execute(conn, params)).rowcount
        if count == 1:
            for row in comments:
                await STORE_COMMENT.execute(conn, row)
    return count
