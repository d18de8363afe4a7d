"""The respondent's three calls on PostgreSQL, on psycopg's asyncio connections directly (see app.pgasync for why;
SQLite: see service).

Each statement commits by itself (autocommit): the ticket is one SELECT; a draft is one conditional UPDATE; a
submission is `USE_AND_STORE`, one statement that inserts the token's used-token row and stores the response only
while the survey is open. The statements are app.respond.statements, compiled for psycopg; the checks between them
are the service's own (`check_ticket_row`, `check`, `response_row`).
"""

from datetime import datetime
from typing import Any, cast

from anyio import to_thread

from app.db import get_sessionmaker
from app.pgasync import Connection, LoopPool, compile_for_psycopg
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


async def submit(conn: Connection, token: str | None, body: Answers, now: datetime) -> None:
    ticket = await open_ticket(conn, token, now)
    answers = check(ticket, body, submitting=True)
    response = response_row(ticket, answers)
    params = use_params(ticket, response)
    comments = comment_rows(ticket, answers)
    if not comments:  # the common case: one statement, no transaction round trips
        stored = await USE_AND_STORE.execute(conn, params)
    else:  # the response and its comments commit together, or neither does
        async with conn.transaction():
            stored = await USE_AND_STORE.execute(conn, params)
            if stored.rowcount == 1:
                for row in comments:
                    await STORE_COMMENT.execute(conn, row)
    if stored.rowcount != 1:
        await open_ticket(conn, token, now)  # used or closed meanwhile: raises the error that says which
        raise TokenUnusable(UNUSABLE_DETAIL)
