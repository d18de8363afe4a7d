"""The intake path costs a fixed, small number of SQL statements whatever the questionnaire's length: counted on
the real databases (the test server runs in this process), on SQLite with SQLAlchemy's `before_cursor_execute`
event on every engine, on PostgreSQL (where the respondent's calls and the rate counters run on psycopg directly,
see app.pgasync) by recording each `Statement.execute` on its way to the real one. The rate counters' statements
are counted apart: an upsert now and then (batched per worker, see app.ratelimit.tally). And the respondent's
pool, which skips the ping before lending a connection, survives connections the database dropped."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, event, text

from app import pgasync
from app.db import get_engine
from app.ratelimit.service import COUNTER_ENGINE
from tests.factories import OrgContext
from tests.respond_factories import RESPOND, invite, submit, token_headers
from tests.survey_factories import create_questionnaire, open_survey

# PostgreSQL: SELECT the ticket, then one statement that INSERTs the used token and the response.
# SQLite: BEGIN IMMEDIATE (the write lock), SELECT, INSERT (used token), INSERT (its COMMIT goes through the driver).
MOST_STATEMENTS_PER_SUBMIT = 4


@contextmanager
def statements(counters: list[str] | None = None) -> Iterator[list[str]]:
    """The statements sent meanwhile; the rate counters' go to `counters` instead."""
    seen: list[str] = []
    counted = counters if counters is not None else []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        (counted if conn.engine.logging_name == COUNTER_ENGINE else seen).append(statement)

    execute = pgasync.Statement.execute

    async def recording(statement: pgasync.Statement, conn: Any, params: dict[str, Any]) -> Any:
        (counted if "rate_counters" in statement.sql else seen).append(statement.sql)
        return await execute(statement, conn, params)

    event.listen(Engine, "before_cursor_execute", count)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pgasync.Statement, "execute", recording)
        try:
            yield seen
        finally:
            event.remove(Engine, "before_cursor_execute", count)


def _questionnaire(org: OrgContext, items: int) -> dict[str, Any]:
    per_dimension = 5
    dimensions = [{"key": f"d{d}", "names": {"en": f"D{d}", "nl": f"D{d}"}, "items": [
        {"key": f"d{d}_{i}", "texts": {"en": f"Statement {d}.{i}", "nl": f"Stelling {d}.{i}"}}
        for i in range(per_dimension)]} for d in range(items // per_dimension)]
    return create_questionnaire(org, key=f"length-{items}", dimensions=dimensions)


def _submit_counted(org: OrgContext, http: httpx.Client, items: int) -> list[str]:
    questionnaire = _questionnaire(org, items)
    survey = open_survey(org, questionnaire_id=questionnaire["id"], ask_desired=True)
    first, second = invite(org, survey["id"], org.unit(f"Team {items}"), 2)
    # The first respondent of the worker builds the cached definition; the count is for every one after it.
    assert http.get(RESPOND, headers=token_headers(first)).status_code == 200
    keys = [f"d{d}_{i}" for d in range(items // 5) for i in range(5)]
    answers = {key: 1 + n % 5 for n, key in enumerate(keys)}
    counters: list[str] = []
    with statements(counters) as seen:
        response = submit(http, second, answers, desired=answers)
    assert response.status_code == 201, response.text
    assert all("rate_counters" in s or s.startswith("BEGIN") for s in counters), counters
    return seen


def test_a_submission_costs_the_same_few_statements_for_5_and_40_items(org: OrgContext, http: httpx.Client) -> None:
    short, long = _submit_counted(org, http, 5), _submit_counted(org, http, 40)
    assert len(short) == len(long) <= MOST_STATEMENTS_PER_SUBMIT, (short, long)
    kinds = [s.split()[0].upper() for s in long]
    assert kinds[-3:] == ["SELECT", "INSERT", "INSERT"] or kinds == ["SELECT", "WITH"], long
    assert "INSERT INTO responses" in long[-1]


def test_fetching_the_questionnaire_and_saving_a_draft_cost_one_statement_more_at_most(
        org: OrgContext, http: httpx.Client) -> None:
    questionnaire = _questionnaire(org, 40)
    survey = open_survey(org, questionnaire_id=questionnaire["id"])
    [token] = invite(org, survey["id"], org.unit("Team"))
    assert http.get(RESPOND, headers=token_headers(token)).status_code == 200
    with statements() as fetching:
        assert http.get(RESPOND, headers=token_headers(token)).status_code == 200
    with statements() as drafting:
        saved = http.put(f"{RESPOND}/draft", headers=token_headers(token),
                         json={"language": "en", "current": {"d0_0": 2}, "desired": {}})
    assert saved.status_code == 200, saved.text
    assert [s.split()[0].upper() for s in fetching][-1:] == ["SELECT"] and len(fetching) <= 2, fetching
    assert [s.split()[0].upper() for s in drafting][-2:] == ["SELECT", "UPDATE"] and len(drafting) <= 3, drafting


def test_connections_dropped_by_the_database_cost_the_respondent_nothing(
        org: OrgContext, http: httpx.Client, is_postgres: bool) -> None:
    if not is_postgres:
        pytest.skip("SQLite has no server to drop connections")
    survey = open_survey(org)
    [token] = invite(org, survey["id"], org.unit("Team"))
    assert http.get(RESPOND, headers=token_headers(token)).status_code == 200  # the pool now holds a connection
    with get_engine().connect() as admin:  # as a restart or failover would: every other connection of this database
        dropped = admin.execute(text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                     "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar_one()
    assert dropped >= 1
    assert http.get(RESPOND, headers=token_headers(token)).status_code == 200
    response = submit(http, token, {"openness_1": 4})
    assert response.status_code == 201, response.text
