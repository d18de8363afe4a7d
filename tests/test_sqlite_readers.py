"""SQLite: a request that only reads (GET) begins a deferred transaction, so a report or a list answers while a
writer holds the database's one write lock, and no writer waits for a report; a writing request still takes the
lock at BEGIN (BEGIN IMMEDIATE), so writers queue. A reader's transaction can't write (`query_only`).

PostgreSQL has no database-wide write lock: its readers never wait for writers."""

import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from sqlalchemy import delete, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from app.db import READ_ONLY, get_engine, make_engine
from app.orgs.models import Organisation
from tests.factories import OrgContext
from tests.report_factories import Population, survey_with_responses
from tests.respond_factories import RESPOND, invite, token_headers
from tests.survey_factories import open_survey


@pytest.fixture
def sqlite_file(database_url: str, is_postgres: bool) -> str:
    if is_postgres:
        pytest.skip("SQLite only: its write lock and query_only (PostgreSQL's readers never wait for writers)")
    return str(make_url(database_url).database)


@contextmanager
def write_lock_held(path: str) -> Iterator[None]:
    """Another connection in a write transaction: SQLite's write lock held until the block ends."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        yield
        conn.execute("ROLLBACK")
    finally:
        conn.close()


@contextmanager
def statements() -> Iterator[list[str]]:
    seen: list[str] = []

    def note(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(get_engine(), "before_cursor_execute", note)  # the test server runs in this process
    try:
        yield seen
    finally:
        event.remove(get_engine(), "before_cursor_execute", note)


def test_reads_answer_while_a_writer_holds_the_lock(sqlite_file: str, org: OrgContext, http: httpx.Client) -> None:
    survey = survey_with_responses(org, Population([("Team", "employee", 6, 0.0)]), ask_desired=False)
    base = f"{org.prefix}/surveys/{survey.id}"
    reads = [f"{org.prefix}/surveys", base, f"{base}/reports/profile", f"{base}/reports/response-rates",
             f"{base}/invitations/summary", f"{base}/responses/export", f"{org.prefix}/units"]
    with write_lock_held(sqlite_file):
        # Under BEGIN IMMEDIATE each of these would wait out the busy timeout and answer 503.
        answers = {path: org.admin.get(path) for path in reads}
        ready = http.get("/ready")
    assert {path: r.status_code for path, r in answers.items()} == dict.fromkeys(reads, 200)
    assert ready.status_code == 200, ready.text
    assert len(answers[f"{base}/responses/export"].text.splitlines()) == 2 + 6  # summary, header, rows


def test_a_respondent_fetching_the_questionnaire_reads_without_the_lock(
        sqlite_file: str, org: OrgContext, http: httpx.Client) -> None:
    """The fetch's own transaction begins deferred. (Its rate count is a write of its own, on the counters' engine,
    holding the lock for microseconds: so unlike the API's reads it still waits for a writer holding the lock.)"""
    survey = open_survey(org)
    [token] = invite(org, survey["id"], org.unit("Team"))
    with statements() as fetching:
        fetched = http.get(RESPOND, headers=token_headers(token))
    assert fetched.status_code == 200, fetched.text
    assert fetching[0] == "BEGIN" and "BEGIN IMMEDIATE" not in fetching, fetching


def test_a_write_queues_behind_the_lock_and_then_succeeds(sqlite_file: str, org: OrgContext) -> None:
    created: list[httpx.Response] = []
    with write_lock_held(sqlite_file):
        writer = threading.Thread(target=lambda: created.append(org.admin.post(f"{org.prefix}/units",
                                                                               json={"name": "Queued"})))
        writer.start()
        writer.join(timeout=0.5)
        assert not created  # waiting for the lock
    writer.join(timeout=30)
    assert created[0].status_code == 201, created[0].text


def test_a_get_begins_deferred_and_a_post_immediate(sqlite_file: str, org: OrgContext) -> None:
    with statements() as reading:
        assert org.admin.get(f"{org.prefix}/units").status_code == 200
    with statements() as writing:
        assert org.admin.post(f"{org.prefix}/units", json={"name": "Written"}).status_code == 201
    assert reading[0] == "BEGIN" and "BEGIN IMMEDIATE" not in reading, reading
    assert writing[0] == "BEGIN IMMEDIATE", writing


def test_a_reader_can_not_write_and_its_connection_writes_again_afterwards(sqlite_file: str, database_url: str,
                                                                          ) -> None:
    engine = make_engine(database_url, pool_size=1, max_overflow=0)  # one connection: the same one each time
    nothing = delete(Organisation).where(Organisation.id == uuid.uuid4())
    try:
        with engine.connect() as conn:
            conn.execution_options(**{READ_ONLY: True})
            with pytest.raises(OperationalError, match="readonly"):
                conn.execute(nothing)
        with engine.connect() as conn:
            conn.execute(nothing)
            conn.rollback()
    finally:
        engine.dispose()
