"""Exactly-once submission under real concurrency: many threads, each with its own connection, against the real
server, on SQLite and on PostgreSQL. One submission of a token is accepted; every other gets 409."""

import threading
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from sqlalchemy import select

from app.invitations.models import Invitation
from tests.factories import OrgContext
from tests.respond_factories import RESPOND, db_scalars, exported, invite, item_keys, summary, token_headers
from tests.survey_factories import open_survey

THREADS = 16


def _race(server_url: str, calls: list[tuple[str, str, str, dict[str, Any]]]) -> list[httpx.Response]:
    """Send every call at once (as far as threads allow): each thread opens its own connection, then waits at a
    barrier until all are ready."""
    barrier = threading.Barrier(len(calls))

    def call(method: str, path: str, token: str, body: dict[str, Any]) -> httpx.Response:
        with httpx.Client(base_url=server_url, timeout=60) as client:
            client.get("/health")  # connect before the barrier
            barrier.wait()
            return client.request(method, path, headers=token_headers(token), json=body)

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(lambda c: call(*c), calls))


def test_one_token_submitted_by_many_threads_at_once(org: OrgContext, server_url: str) -> None:
    survey = open_survey(org)
    [token] = invite(org, survey["id"], org.unit("Team"))
    first = item_keys(org)[0]
    bodies = [{"language": "en", "current": {first: n % 5 + 1}} for n in range(THREADS)]
    responses = _race(server_url, [("POST", f"{RESPOND}/submit", token, body) for body in bodies])
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: 1, 409: THREADS - 1}, [r.text for r in responses if r.status_code not in (201, 409)]
    assert all(r.json()["type"].endswith(":token-unusable") for r in responses if r.status_code == 409)
    [winner] = [body for body, r in zip(bodies, responses, strict=True) if r.status_code == 201]
    [row] = exported(org, survey["id"])
    assert row[first] == str(winner["current"][first])
    assert summary(org, survey["id"])["submitted"] == 1


def test_many_tokens_each_raced_by_two_submissions_and_a_draft(org: OrgContext, server_url: str) -> None:
    survey = open_survey(org)
    tokens = invite(org, survey["id"], org.unit("Team"), 30)
    first = item_keys(org)[0]
    calls = []
    for token in tokens:
        calls += [("POST", f"{RESPOND}/submit", token, {"language": "en", "current": {first: 1}}),
                  ("POST", f"{RESPOND}/submit", token, {"language": "en", "current": {first: 5}}),
                  ("PUT", f"{RESPOND}/draft", token, {"language": "en", "current": {first: 3}})]
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        # Each thread sends its calls as fast as it can: the two submissions of a token often overlap.
        responses = list(pool.map(lambda c: httpx.request(c[0], server_url + c[1], headers=token_headers(c[2]),
                                                          json=c[3], timeout=60), calls))
    submits = Counter(r.status_code for c, r in zip(calls, responses, strict=True) if c[0] == "POST")
    drafts = Counter(r.status_code for c, r in zip(calls, responses, strict=True) if c[0] == "PUT")
    assert submits == {201: 30, 409: 30}, submits
    assert set(drafts) <= {200, 409}, drafts
    rows = exported(org, survey["id"])
    assert len(rows) == 30 and {row[first] for row in rows} <= {"1", "5"}
    # A draft saved in the race never survives the submission: no answers stay with a used token.
    invitations = db_scalars(select(Invitation).where(Invitation.survey_id == uuid.UUID(survey["id"])))
    assert all(i.submitted_at is not None and i.draft is None for i in invitations)
    for token in tokens:
        assert httpx.get(server_url + RESPOND, headers=token_headers(token)).status_code == 409
