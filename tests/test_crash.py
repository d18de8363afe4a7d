"""Crash durability: the real server, a separate process on a database of its own, is killed with SIGKILL in the
middle of work and started again. Nothing acknowledged is lost, nothing is stored twice or in part, and whatever got
no answer can be sent again.

The moment of the kill is random but seeded (`CRASH_SEED`, printed with every failure), so a failure can be replayed.
Runs on the suite's engine: PostgreSQL, and SQLite too (WAL with synchronous=FULL), where it costs as little. On
PostgreSQL the submissions are committed in groups, and the kill falls amid them.
"""

import os
import random
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from app.auth import service as auth_service
from app.auth.models import Role
from app.db import make_engine
from app.invitations.models import Invitation, UsedToken
from app.invitations.service import hash_token
from app.invitations.used import used_key
from app.migrate import upgrade
from app.responses.codec import pack, unpack
from app.responses.models import Response
from app.units.models import Unit
from tests.conftest import drop_database, make_database
from tests.factories import OrgContext, client, new_organisation
from tests.respond_factories import RESPOND, item_keys, token_headers
from tests.server_process import ServerProcess
from tests.survey_factories import open_survey

SEED = int(os.environ.get("CRASH_SEED", "20261127"))
CLIENTS = 8
TOKENS_PER_CLIENT = 40
IMPORT_ROWS = 60_000
LOST_CONNECTION = (httpx.TransportError,)


class Crashable:
    """A database of the test's own, the server process on it, and a platform key."""

    def __init__(self, url: str, log: Path) -> None:
        self.url = url
        self.engine: Engine = make_engine(url)
        self.server = ServerProcess(url, log)
        with Session(self.engine) as session, session.begin():
            _, self.platform_key = auth_service.create_key(session, role=Role.platform_admin, name="crash test")

    def organisation(self) -> OrgContext:
        with client(self.server.url, self.platform_key) as platform:
            return new_organisation(platform, self.server.url)

    def restart(self) -> None:
        self.server.start()

    def scalars(self, statement: Any) -> list[Any]:
        with Session(self.engine) as session:
            return list(session.scalars(statement))

    def count(self, statement: Any) -> int:
        with Session(self.engine) as session:
            return int(session.scalar(statement) or 0)


@pytest.fixture(scope="module")
def crashable(tmp_path_factory: pytest.TempPathFactory, database_url: str) -> Iterator[Crashable]:
    url = make_database("crash")
    upgrade(url)
    target = Crashable(url, tmp_path_factory.mktemp("crash") / "server.log")
    target.server.start()
    yield target
    target.server.stop()
    target.engine.dispose()
    drop_database(url)


def _answers(token: str, keys: list[str]) -> tuple[dict[str, int], dict[str, int]]:
    """A full set of answers, both frames, derived from the token: the same body whenever it is sent."""
    rng = random.Random(token)
    return {k: rng.randint(1, 5) for k in keys}, {k: rng.randint(1, 5) for k in keys}


def _packed(token: str, keys: list[str]) -> tuple[bytes, bytes]:
    current, desired = _answers(token, keys)
    return pack([current[k] for k in keys]), pack([desired[k] for k in keys])


class SubmissionStream:
    """CLIENTS threads, each submitting its own fresh tokens one after another until the server goes away."""

    def __init__(self, base_url: str, tokens: list[str], keys: list[str], kill_after: int) -> None:
        self.base_url, self.keys, self.kill_after = base_url, keys, kill_after
        self.slices = [tokens[i::CLIENTS] for i in range(CLIENTS)]
        self.accepted: set[str] = set()
        self.unanswered: set[str] = set()  # sent, but the connection died before an answer came
        self.other: list[tuple[str, int, str]] = []
        self.lock = threading.Lock()
        self.kill_now = threading.Event()

    def _client(self, tokens: list[str]) -> None:
        with httpx.Client(base_url=self.base_url, timeout=30) as http:
            for token in tokens:
                current, desired = _answers(token, self.keys)
                try:
                    response = http.post(f"{RESPOND}/submit", headers=token_headers(token),
                                         json={"language": "en", "current": current, "desired": desired})
                except LOST_CONNECTION:
                    with self.lock:
                        self.unanswered.add(token)
                    return
                with self.lock:
                    if response.status_code == 201:
                        self.accepted.add(token)
                        if len(self.accepted) >= self.kill_after:
                            self.kill_now.set()
                    else:
                        self.other.append((token, response.status_code, response.text))

    def run_until_killed(self, server: ServerProcess) -> None:
        threads = [threading.Thread(target=self._client, args=(s,)) for s in self.slices]
        for thread in threads:
            thread.start()
        fired = self.kill_now.wait(timeout=60)
        server.kill()
        for thread in threads:
            thread.join(timeout=60)
        assert fired, "the stream never reached the moment of the kill"


def test_submissions_survive_sigkill_exactly_once(crashable: Crashable) -> None:
    rng = random.Random(SEED)
    org = crashable.organisation()
    survey = open_survey(org, ask_desired=True)
    keys = item_keys(org)
    tokens = [t["token"] for t in org.admin.post(
        f"{org.prefix}/surveys/{survey['id']}/invitations",
        json={"unit_id": org.unit("Team"), "layer_id": org.layers["employee"],
              "count": CLIENTS * TOKENS_PER_CLIENT}).json()["invitations"]]
    org.close()
    kill_after = rng.randint(2 * CLIENTS, len(tokens) // 2)
    stream = SubmissionStream(crashable.server.url, tokens, keys, kill_after)
    stream.run_until_killed(crashable.server)
    context = (f"CRASH_SEED={SEED}: killed after {kill_after} acknowledged submissions; {len(stream.accepted)} "
               f"acknowledged, {len(stream.unanswered)} without an answer")
    assert stream.other == [], context
    assert stream.unanswered, f"no submission was in flight at the kill ({context})"
    crashable.restart()

    survey_id = uuid.UUID(survey["id"])
    by_hash = {hash_token(t): t for t in tokens}
    used_tokens = set(crashable.scalars(select(UsedToken.key).where(UsedToken.survey_id == survey_id)))
    invitations = crashable.scalars(select(Invitation).where(Invitation.survey_id == survey_id))
    used = {by_hash[i.token_hash] for i in invitations if used_key(i.token_hash) in used_tokens}
    stored = crashable.scalars(select(Response).where(Response.survey_id == survey_id))
    # Every acknowledged submission is stored; nothing was stored for a token that was never sent.
    assert stream.accepted <= used, context
    assert used <= stream.accepted | stream.unanswered, context
    # No partial submission: an invitation is used exactly when its response exists, and every response is whole.
    assert len(stored) == len(used), context
    for response in stored:
        assert None not in unpack(response.current) and len(response.current) == len(keys), context
        assert response.desired is not None and None not in unpack(response.desired), context
    assert len(used_tokens) == len(used), context  # every used-token row is of one of these invitations
    if crashable.url.startswith("postgresql"):
        # The stream was committed in groups (app.pgasync.GroupCommit): some transaction (a row version's `xmin`)
        # stored several responses, and the kill fell amid them; the checks above hold all the same.
        transactions = crashable.count(text(
            "SELECT count(DISTINCT xmin::text) FROM responses WHERE survey_id = :survey").bindparams(survey=survey_id))
        assert transactions < len(used), context

    # What got no answer can be sent again: accepted now, or refused as used because it was committed.
    with httpx.Client(base_url=crashable.server.url, timeout=30) as http:
        for token in sorted(stream.unanswered):
            current, desired = _answers(token, keys)
            retried = http.post(f"{RESPOND}/submit", headers=token_headers(token),
                                json={"language": "en", "current": current, "desired": desired})
            assert retried.status_code == (409 if token in used else 201), (token in used, retried.text, context)
        for token in stream.accepted:
            assert http.get(RESPOND, headers=token_headers(token)).status_code == 409

    # Each token that was ever sent is stored exactly once, with exactly the answers it sent.
    sent = stream.accepted | stream.unanswered
    final = crashable.scalars(select(Response).where(Response.survey_id == survey_id))
    assert Counter((r.current, r.desired) for r in final) == Counter(_packed(t, keys) for t in sent), context
    assert crashable.count(select(func.count()).select_from(UsedToken).where(
        UsedToken.survey_id == survey_id)) == len(sent)


def _storage_size(crashable: Crashable) -> int:
    """Bytes the database has written for the responses so far, committed or not: the table's files on
    PostgreSQL, the write-ahead log on SQLite (a large transaction spills its pages there before it commits)."""
    if crashable.url.startswith("postgresql"):
        with crashable.engine.connect() as conn:
            return int(conn.execute(text("SELECT pg_total_relation_size('responses')")).scalar_one())
    wal = Path(f"{make_url(crashable.url).database}-wal")
    return wal.stat().st_size if wal.exists() else 0


def _slow_multipart(body: bytes, boundary: str, chunk: int = 256 * 1024) -> Iterator[bytes]:
    yield (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"responses.csv\"\r\n"
           f"Content-Type: text/csv\r\n\r\n").encode()
    for start in range(0, len(body), chunk):
        yield body[start:start + chunk]
        time.sleep(0.01)
    yield f"\r\n--{boundary}--\r\n".encode()


def test_an_import_killed_midway_stores_nothing(crashable: Crashable) -> None:
    rng = random.Random(SEED + 1)
    org = crashable.organisation()
    survey = open_survey(org)
    team = org.unit("Team")
    keys = item_keys(org)
    header = ",".join(["unit", "layer", *keys])
    row = ",".join([team, "employee", *(str(1 + n % 5) for n in range(len(keys)))])
    body = "\n".join([header, *[row] * IMPORT_ROWS]).encode()
    import_url = f"{crashable.server.url}{org.prefix}/surveys/{survey['id']}/responses/import"
    before = {"responses": crashable.count(select(func.count()).select_from(Response)),
              "units": crashable.count(select(func.count()).select_from(Unit))}
    baseline = _storage_size(crashable)
    threshold = rng.randint(256 * 1024, 2 * 1024 * 1024)  # how much of the import is written when it dies
    outcome: list[Any] = []

    def upload() -> None:
        boundary = uuid.uuid4().hex
        try:
            outcome.append(httpx.post(import_url, headers={**org.admin.headers,
                                                           "Content-Type": f"multipart/form-data; boundary={boundary}"},
                                      content=_slow_multipart(body, boundary), timeout=120))
        except LOST_CONNECTION as error:
            outcome.append(error)

    thread = threading.Thread(target=upload)
    thread.start()
    deadline = time.monotonic() + 60
    while _storage_size(crashable) < baseline + threshold and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.01)
    crashable.server.kill()
    thread.join(timeout=30)
    context = f"CRASH_SEED={SEED}, killed with {threshold} bytes of the import written"
    assert outcome and isinstance(outcome[0], httpx.TransportError), (outcome, context)
    crashable.restart()

    assert crashable.count(select(func.count()).select_from(Response)) == before["responses"], context
    assert crashable.count(select(func.count()).select_from(Unit)) == before["units"], context
    with client(crashable.server.url, str(org.admin.headers["Authorization"]).removeprefix("Bearer ")) as admin:
        export = admin.get(f"{org.prefix}/surveys/{survey['id']}/responses/export")
        assert export.status_code == 200 and export.text.strip().count("\n") == 1, context  # summary and header
        again = admin.post(f"{org.prefix}/surveys/{survey['id']}/responses/import",
                           files={"file": ("again.csv", "\n".join([header, *[row] * 50]).encode(), "text/csv")})
        assert again.status_code == 201, again.text
    assert crashable.count(select(func.count()).select_from(Response).where(
        Response.survey_id == uuid.UUID(survey["id"]))) == 50
    org.close()
