"""Privacy of a mailed survey, end to end: invite by mail, answer, remind, close (by the worker at the closing
time). After each step every table of the database -- found by inspection, every column of every row -- and the
logs (the server's, its access log included, and the worker's) are searched for the invitees' addresses and their
links' tokens. While the survey is open the addresses may be only where reminders need them; the tokens never
appear in the clear; no row that holds an address holds anything of a response, and no response holds anything
of an invitation; after the close neither an address nor a token remains anywhere. Drafts are never readable in
any table, and on PostgreSQL no row outside the response's own (its used token, its comments) carries the
transaction id (`xmin`) of a response: a submission writes nothing that names the invitation or the address."""

import json
import logging
import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import MetaData, inspect, select, text, update

from app.db import get_engine
from app.surveys.models import Survey
from tests.factories import OrgContext
from tests.mailbox import Mailbox
from tests.people_factories import unique_email
from tests.respond_factories import csv_upload, db_execute, submit
from tests.survey_factories import create_survey
from tests.test_comments import QUESTION, settings_url
from tests.test_invitation_mail import _token
from tests.worker_process import run_workers

LOGGERS = ("app", "culturegap", "uvicorn", "uvicorn.error", "uvicorn.access", "fastapi")


def _text(value: Any) -> str:
    if isinstance(value, bytes | memoryview):
        return bytes(value).decode("latin-1")
    if isinstance(value, dict | list):
        return json.dumps(value, default=str)
    return "" if value is None else str(value)


def _id(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _every_row() -> Iterator[tuple[str, dict[str, Any]]]:
    """Every row of every table, as found by inspection (not by the models: a column nobody declared counts)."""
    engine = get_engine()
    metadata = MetaData()
    metadata.reflect(engine, only=inspect(engine).get_table_names())
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            for row in conn.execute(select(table)):
                yield table.name, dict(row._mapping)


def _holding(needles: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Table -> the rows in which any of `needles` occurs (case-insensitively, in any column)."""
    lowered = [n.lower() for n in needles]
    found: dict[str, list[dict[str, Any]]] = {}
    for table, row in _every_row():
        text = " ".join(_text(v) for v in row.values()).lower()
        if any(n in text for n in lowered):
            found.setdefault(table, []).append(row)
    return found


def _responses(survey_id: str) -> list[dict[str, Any]]:
    return [row for table, row in _every_row() if table == "responses"
            and uuid.UUID(str(row["survey_id"])) == uuid.UUID(survey_id)]


def _shared_transactions(survey_id: str) -> dict[str, int]:
    """PostgreSQL: table -> how many of its rows carry the transaction id (`xmin`) of one of the survey's responses,
    for every table but the responses and what a submission stores with them (their used tokens and comments)."""
    engine = get_engine()
    if engine.dialect.name != "postgresql":
        return {}
    own = {"responses", "used_tokens", "comments"}
    with engine.connect() as conn:
        xids = set(conn.scalars(text("SELECT xmin::text FROM responses WHERE survey_id = :s"), {"s": survey_id}))
        assert xids
        shared = {table: len([x for x in conn.scalars(text(f'SELECT xmin::text FROM "{table}"')) if x in xids])
                  for table in inspect(engine).get_table_names() if table not in own}
    return {table: n for table, n in shared.items() if n}


def _check(addresses: list[str], tokens: list[str], survey_id: str, logs: str, *, closed: bool,
           drafts: tuple[str, ...] = ()) -> None:
    if drafts:
        assert _holding(list(drafts)) == {}  # a draft's answers are nowhere in the clear
    by_address = _holding(addresses)
    assert set(by_address) <= ({"invitation_mails", "outgoing_mail"} if not closed else set()), by_address.keys()
    assert _holding(tokens) == {}  # sealed while open, then gone
    responses = _responses(survey_id)
    response_ids = {_id(r["id"]) for r in responses}
    linked = {_id(v) for rows in by_address.values() for row in rows for v in row.values()} - {None}
    assert not response_ids & linked  # no row with an address names a response
    # nor does a response name anything of a row with an address (but their survey)
    assert not linked & {_id(v) for r in responses for k, v in r.items() if k != "survey_id"}
    for response in responses:
        text = " ".join(_text(v) for v in response.values()).lower()
        assert not any(a.lower() in text for a in addresses) and not any(t.lower() in text for t in tokens)
    for needle in (*addresses, *tokens):
        assert needle.lower() not in logs.lower(), needle


@pytest.fixture
def server_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Everything the in-process server logs at INFO and above, its access log too (which does not propagate)."""
    access = logging.getLogger("uvicorn.access")
    access.addHandler(caplog.handler)
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    yield caplog
    access.removeHandler(caplog.handler)


def test_no_address_or_token_survives_the_close_and_none_is_ever_tied_to_an_answer(
        org: OrgContext, http: httpx.Client, database_url: str, mailbox: Mailbox,
        server_logs: pytest.LogCaptureFixture):
    from app.responses.models import Response

    assert not any(isinstance(c.type, type(Survey.__table__.c.created_at.type))
                   for c in Response.__table__.columns)  # a response stores no time
    org.unit("Team Privacy")
    survey = create_survey(org, title="Privacymeting", languages=["nl", "en"])
    sid = survey["id"]
    assert org.admin.put(settings_url(org, sid), json={"questions": [QUESTION]}).status_code == 200
    assert org.admin.post(f"{org.prefix}/surveys/{sid}/open").status_code == 200
    addresses = [unique_email(f"invitee{i}") for i in range(4)]
    lines = "".join(f"{a},Team Privacy,employee,{'nl' if i % 2 else 'en'}\n" for i, a in enumerate(addresses))
    mailed = org.admin.post(f"{org.prefix}/surveys/{sid}/invitations/mail",
                            files=csv_upload("email,unit,layer,language\n" + lines))
    assert mailed.status_code == 201, mailed.text
    tokens = [_token(mailbox.wait_for(a)[0]) for a in addresses]
    worker_logs: list[str] = []

    def logs() -> str:
        return server_logs.text + "\n".join(worker_logs)

    _check(addresses, tokens, sid, logs(), closed=False)

    # Drafts first (one of them is submitted after, one never is), each with an open answer nobody else wrote.
    drafts = (f"kladversie {uuid.uuid4().hex[:8]} tekst", f"concept {uuid.uuid4().hex[:8]} antwoord")
    for token, words in zip((tokens[0], tokens[3]), drafts, strict=True):
        saved = http.put("/api/v1/respond/draft", headers={"X-Survey-Token": token}, json={
            "language": "nl", "current": {"openness_1": 3}, "comments": {QUESTION["key"]: words}})
        assert saved.status_code == 200, saved.text
        assert http.get("/api/v1/respond", headers={"X-Survey-Token": token}).json()["draft"]["comments"] == {
            QUESTION["key"]: words}  # the token opens it
    _check(addresses, tokens, sid, logs(), closed=False, drafts=drafts)

    for token in tokens[:2]:
        assert submit(http, token, {"openness_1": 4, "openness_2": 2}).status_code == 201
    _check(addresses, tokens, sid, logs(), closed=False, drafts=drafts)
    assert _shared_transactions(sid) == {}

    reminded = org.admin.post(f"{org.prefix}/surveys/{sid}/invitations/reminders")
    assert reminded.json() == {"reminded": 2}  # not to those who answered
    for address in addresses[2:]:
        mailbox.wait_for(address, 2)
    assert [len(mailbox.to(a)) for a in addresses] == [1, 1, 2, 2]
    assert submit(http, tokens[2], {"openness_1": 1}).status_code == 201
    _check(addresses, tokens, sid, logs(), closed=False, drafts=drafts)
    assert _shared_transactions(sid) == {}
    # no time of use anywhere: the invitations and the used tokens hold none
    for table in ("invitations", "used_tokens"):
        columns = {c["name"] for c in inspect(get_engine()).get_columns(table)}
        assert not columns & {"submitted_at", "used_at", "used_on", "draft_saved_at"}, (table, columns)

    db_execute(update(Survey).where(Survey.id == uuid.UUID(sid)).values(closes_at=datetime.now(UTC)))
    env = {**os.environ, "DATABASE_URL": database_url, "LOG_LEVEL": "debug", "PUBLIC_BASE_URL": "http://x.test"}
    worker_logs.extend(run_workers(env))
    assert org.admin.get(f"{org.prefix}/surveys/{sid}").json()["status"] == "closed"
    _check(addresses, tokens, sid, logs(), closed=True, drafts=drafts)
    # (no xmin check after the close: its publication rewrites all the responses in the close's own transaction)
    assert len(_responses(sid)) == 3
    assert org.admin.get(f"{org.prefix}/surveys/{sid}/invitations/summary").json()["submitted"] == 3  # after close
    assert "/invitations/mail" in server_logs.text and "closed survey" in worker_logs[0]  # the logs were searched
