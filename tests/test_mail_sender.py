"""The outbox's sender, as `culturegap worker` processes on a database of the test's own, against real SMTP servers
(aiosmtpd on 127.0.0.1) that refuse, delay or hang on purpose: batches, backoff for transient failures, permanent
ones given up without their body or address, and a worker killed (SIGKILL) in the middle of a batch.

"Once" with SMTP (app/mail/outbox.py says why): no mail whose 250 the sender recorded is sent again; the one
message the killed worker had handed over but whose 250 it never saw is sent again after its claim lapses, with
the same Message-ID. The kill test makes that moment deterministic: the server holds its answer to the tenth
message until the worker is dead.
"""

import asyncio
import os
import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from app.db import make_engine, utcnow
from app.mail.models import OutgoingMail
from app.mail.outbox import BACKOFF, CLAIM_LAPSES, MAX_ATTEMPTS
from app.migrate import upgrade
from tests.conftest import drop_database, make_database
from tests.mailbox import Mailbox
from tests.server_process import free_port
from tests.worker_process import Worker, run_workers


class PickyMailbox(Mailbox):
    """Refuses recipients by their local part (`bounce`: 550, `later`: 451), and holds its answer to the
    `hold_at`-th message until `release` is set."""

    def __init__(self, hold_at: int | None = None) -> None:
        super().__init__()
        self.hold_at, self.release, self.holding = hold_at, threading.Event(), threading.Event()
        self.received = 0

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address.startswith("bounce"):
            return "550 5.1.1 <" + address + ">: no such user"
        if address.startswith("later"):
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        answer = await super().handle_DATA(server, session, envelope)
        self.received += 1
        if self.received == self.hold_at:
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.02)
        return answer


@contextmanager
def picky_server(hold_at: int | None = None) -> Iterator[tuple[PickyMailbox, int]]:
    box, port = PickyMailbox(hold_at), free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box, port
    finally:
        box.release.set()
        controller.stop()


@pytest.fixture(scope="module")
def own_db(database_url: str) -> Iterator[tuple[str, Engine]]:
    url = make_database("mailsender")
    upgrade(url)
    engine = make_engine(url)
    yield url, engine
    engine.dispose()
    drop_database(url)


def _queue(engine: Engine, recipients: list[str]) -> list[uuid.UUID]:
    now = utcnow()
    mails = [OutgoingMail(id=uuid.uuid4(), recipient=r, subject=f"Uitnodiging {i}", body=f"Beste collega {i}\n",
                          attempts=0, expires_at=now + timedelta(days=1), created_at=now + timedelta(microseconds=i))
             for i, r in enumerate(recipients)]
    with Session(engine, expire_on_commit=False) as session, session.begin():
        session.add_all(mails)
    return [m.id for m in mails]


def _rows(engine: Engine, ids: list[uuid.UUID]) -> dict[uuid.UUID, OutgoingMail]:
    with Session(engine) as session:
        return {m.id: m for m in session.scalars(select(OutgoingMail).where(OutgoingMail.id.in_(ids)))}


def _env(url: str, port: int) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": url, "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port),
            "SMTP_SECURITY": "none", "SMTP_TIMEOUT": "20", "PUBLIC_BASE_URL": "http://survey.test"}


def _run(url: str, port: int) -> str:
    [output] = run_workers(_env(url, port))
    return output


def _age(engine: Engine, ids: list[uuid.UUID], **values: Any) -> None:
    with Session(engine) as session, session.begin():
        session.execute(update(OutgoingMail).where(OutgoingMail.id.in_(ids)).values(**values))


def _unique(prefix: str, n: int) -> list[str]:
    run = uuid.uuid4().hex[:8]
    return [f"{prefix}{i}-{run}@example.test" for i in range(n)]


def test_permanent_failures_are_given_up_and_transient_ones_retried_with_backoff(own_db):
    url, engine = own_db
    ok, bounce, later = _unique("ok", 1)[0], _unique("bounce", 1)[0], _unique("later", 1)[0]
    ids = _queue(engine, [ok, bounce, later])
    with picky_server() as (box, port):
        output = _run(url, port)
        assert len(box.to(ok)) == 1 and box.to(bounce) == [] and box.to(later) == []
        rows = _rows(engine, ids)
        assert ids[0] not in rows  # sent: gone
        given_up, waiting = rows[ids[1]], rows[ids[2]]
        assert given_up.failed_at is not None and given_up.body is None and given_up.attempts == 1
        assert given_up.last_error.startswith("550") and bounce not in given_up.last_error  # counts, no address
        assert waiting.failed_at is None and waiting.body and waiting.attempts == 1
        assert waiting.last_error.startswith("451") and waiting.claimed_at is None
        due = waiting.next_attempt_at - utcnow()
        assert BACKOFF[0] - timedelta(minutes=1) < due <= BACKOFF[0]
        assert bounce not in output and later not in output  # nor in the logs

        _run(url, port)  # not due yet: not tried
        assert _rows(engine, ids)[ids[2]].attempts == 1
        for attempt in range(2, MAX_ATTEMPTS + 1):  # as if each backoff had passed
            _age(engine, [ids[2]], next_attempt_at=utcnow() - timedelta(seconds=1))
            _run(url, port)
            row = _rows(engine, ids)[ids[2]]
            assert row.attempts == attempt
            if attempt < MAX_ATTEMPTS:
                assert row.failed_at is None and row.next_attempt_at - utcnow() > BACKOFF[attempt - 1] - \
                    timedelta(minutes=1)
        assert row.failed_at is not None and row.body is None  # the fifth 4xx: given up

    # no server at all: a connection error is transient
    [unreachable] = _queue(engine, _unique("nobody", 1))
    _run(url, free_port())
    row = _rows(engine, [unreachable])[unreachable]
    assert row.attempts == 1 and row.failed_at is None and row.next_attempt_at is not None
    assert "Connection" in row.last_error or "Errno" in row.last_error


def test_a_worker_killed_mid_batch_and_restarted_sends_every_mail_once(own_db):
    url, engine = own_db
    recipients = _unique("crash", 30)
    ids = _queue(engine, recipients)
    with picky_server(hold_at=10) as (box, port):
        worker = Worker(_env(url, port))
        assert box.holding.wait(timeout=60), "the worker never reached the tenth mail"
        worker.kill()  # SIGKILL: the tenth is handed over; its 250 never reaches the worker
        box.release.set()

        left = _rows(engine, ids)
        assert set(ids) - set(left) == set(ids[:9])  # the nine acknowledged ones are gone, and only they
        assert all(m.claimed_at is not None and m.attempts == 1 for m in left.values())  # the batch was claimed

        _run(url, port)  # restarted at once: the dead worker's claims have not lapsed, nothing is sent
        assert sum(len(box.to(r)) for r in recipients) == 10

        _age(engine, list(left), claimed_at=utcnow() - CLAIM_LAPSES - timedelta(seconds=1))  # five minutes on
        _run(url, port)
        assert _rows(engine, ids) == {}
        counts = Counter(r for r in recipients for _ in box.to(r))
        assert set(counts) == set(recipients)
        # every mail arrived once, except the one whose 250 was never recorded: it came again, as the same message
        assert {r for r, n in counts.items() if n != 1} == {recipients[9]} and counts[recipients[9]] == 2
        first, again = box.to(recipients[9])
        assert first.message["Message-ID"] == again.message["Message-ID"]
        assert len({box.to(r)[0].message["Message-ID"] for r in recipients}) == 30


def test_concurrent_workers_take_disjoint_batches(own_db):
    """Three batches' worth of mail and two workers at once: every mail arrives once (SKIP LOCKED on PostgreSQL,
    queued writers on SQLite)."""
    url, engine = own_db
    recipients = _unique("many", 250)
    ids = _queue(engine, recipients)
    with picky_server() as (box, port):
        run_workers(_env(url, port), 2)
        assert Counter(r for r in recipients for _ in box.to(r)) == Counter(recipients)
    assert _rows(engine, ids) == {}
