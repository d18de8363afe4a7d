"""Webhooks against a real HTTP receiver on 127.0.0.1: registration, Standard Webhooks signatures checked with an
independent implementation, retries after a 500 with the same id, order per endpoint, giving up, once across a
sender that died, milestones, what payloads hold, and the SSRF refusals."""

import base64
import hashlib
import hmac
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.db import get_sessionmaker, utcnow
from app.webhooks import sender
from app.webhooks.events import announce_milestones, milestone
from app.webhooks.models import WebhookDelivery
from app.webhooks.urls import RefusedUrl, check_url
from tests.respond_factories import db_execute, db_scalars, invite, submit
from tests.survey_factories import create_survey
from tests.webhook_receiver import Receiver, webhook_receiver

SECRET = "whsec_" + base64.b64encode(b"k" * 32).decode()
SURVEY_EVENTS = ["survey.opened", "survey.closed", "survey.published", "survey.responses_reached"]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with webhook_receiver() as r:
        yield r


def register(org, url: str, events: list[str] | None = None, **extra) -> dict:
    response = org.admin.post(f"{org.prefix}/webhooks", json={"url": url, "events": events or SURVEY_EVENTS,
                                                              "secret": SECRET, **extra})
    assert response.status_code == 201, response.text
    assert response.headers["location"] == f"{org.prefix}/webhooks/{response.json()['id']}"
    return dict(response.json())


def deliveries(org, hook: dict) -> list[dict]:
    response = org.admin.get(f"{org.prefix}/webhooks/{hook['id']}/deliveries")
    assert response.status_code == 200, response.text
    return list(reversed(response.json()))  # oldest first


def settle(org, hook: dict, count: int, timeout: float = 20) -> list[dict]:
    """Send what is due until `count` deliveries of the endpoint are finished (delivered or given up)."""
    deadline = time.monotonic() + timeout
    while True:
        sender.deliver_due()
        log = deliveries(org, hook)
        if sum(d["state"] != "pending" for d in log) >= count or time.monotonic() > deadline:
            return log
        time.sleep(0.05)


def verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """Standard Webhooks verification, written from the specification (not the sender's code)."""
    key = base64.b64decode(secret.split("_", 1)[1])
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.{body.decode()}".encode()
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return any(part.split(",", 1) == ["v1", expected] for part in headers["webhook-signature"].split(" "))


def make_due(hook: dict) -> None:
    db_execute(update(WebhookDelivery).where(WebhookDelivery.endpoint_id == uuid.UUID(hook["id"]),
                                             WebhookDelivery.next_attempt_at.is_not(None))
               .values(next_attempt_at=utcnow() - timedelta(seconds=1)))


def test_register_read_and_no_secret_afterwards(org, receiver):
    made = register(org, receiver.url, description="HR system")
    assert made["secret"] == SECRET and made["enabled"] and made["events"] == sorted(SURVEY_EVENTS)
    generated = org.admin.post(f"{org.prefix}/webhooks", json={"url": receiver.url, "events": ["survey.opened"]})
    assert generated.status_code == 201 and generated.json()["secret"].startswith("whsec_")
    assert len(base64.b64decode(generated.json()["secret"][6:])) == 32
    listed = org.admin.get(f"{org.prefix}/webhooks", params={"limit": 1})
    assert [h["id"] for h in listed.json()] == [made["id"]] and 'rel="next"' in listed.headers["link"]
    one = org.admin.get(f"{org.prefix}/webhooks/{made['id']}").json()
    assert "secret" not in one and one["description"] == "HR system"
    assert org.admin.patch(f"{org.prefix}/webhooks/{made['id']}", json={"enabled": False}).json()["enabled"] is False
    assert org.admin.delete(f"{org.prefix}/webhooks/{made['id']}").status_code == 204
    assert org.admin.get(f"{org.prefix}/webhooks/{made['id']}").status_code == 404


def test_survey_events_are_signed_and_in_order(org, receiver):
    hook = register(org, receiver.url)
    survey = create_survey(org, title="Wave 2027")
    assert org.admin.post(f"{org.prefix}/surveys/{survey['id']}/open").status_code == 200
    for token in invite(org, survey["id"], org.unit("Team"), count=3):  # a close with responses publishes them
        assert submit(org.admin, token, {"openness_1": 4}).status_code == 201
    assert org.admin.post(f"{org.prefix}/surveys/{survey['id']}/close").status_code == 200
    log = settle(org, hook, 3)
    assert [d["event_type"] for d in log] == ["survey.opened", "survey.closed", "survey.published"]
    assert all(d["state"] == "delivered" and d["attempts"] == 1 for d in log), log
    assert [json.loads(r.body)["type"] for r in receiver.requests] == [d["event_type"] for d in log]
    for request, delivery in zip(receiver.requests, log, strict=True):
        assert request.headers["webhook-id"] == delivery["id"]
        assert abs(int(request.headers["webhook-timestamp"]) - time.time()) < 300
        assert verify(SECRET, request.headers, request.body)
        assert not verify("whsec_" + base64.b64encode(b"x" * 32).decode(), request.headers, request.body)
        body = json.loads(request.body)
        assert body["data"]["survey_id"] == survey["id"] and body["data"]["title"] == "Wave 2027"
        assert set(body["data"]) == {"organisation_id", "survey_id", "title", "status", "opened_at", "closed_at",
                                     "published_at"}
        assert delivery["attempt_log"][0]["status"] == 204 and delivery["payload"] == body


def test_a_500_is_retried_with_the_same_id_after_the_backoff(org, receiver):
    hook = register(org, receiver.url)
    receiver.statuses = [500]
    queued = org.admin.post(f"{org.prefix}/webhooks/{hook['id']}/test")
    assert queued.status_code == 202
    deadline = time.monotonic() + 10
    while deliveries(org, hook)[0]["last_status"] is None and time.monotonic() < deadline:  # the attempt recorded
        sender.deliver_due()
        time.sleep(0.05)
    [pending] = deliveries(org, hook)
    assert pending["state"] == "pending" and pending["last_status"] == 500 and pending["next_attempt_at"]
    sender.deliver_due()
    assert len(receiver.requests) == 1  # not before its backoff
    make_due(hook)
    [done] = settle(org, hook, 1)
    assert done["state"] == "delivered" and done["attempts"] == 2
    assert [a["status"] for a in done["attempt_log"]] == [500, 204]
    assert [r.headers["webhook-id"] for r in receiver.requests] == [queued.json()["delivery_id"]] * 2


def test_order_per_endpoint_holds_while_the_first_is_retried_and_after_giving_up(org, receiver):
    hook = register(org, receiver.url)
    receiver.statuses = [503] * sender.MAX_ATTEMPTS
    ids = [org.admin.post(f"{org.prefix}/webhooks/{hook['id']}/test").json()["delivery_id"] for _ in range(3)]
    deadline = time.monotonic() + 30
    while deliveries(org, hook)[0]["state"] != "failed" and time.monotonic() < deadline:
        assert {r.headers["webhook-id"] for r in receiver.requests} <= {ids[0]}  # the later ones wait
        make_due(hook)
        sender.deliver_due(max_batches=1)
    assert [r.headers["webhook-id"] for r in receiver.requests] == [ids[0]] * sender.MAX_ATTEMPTS
    log = settle(org, hook, 3)
    assert [d["id"] for d in log] == ids
    assert log[0]["state"] == "failed" and log[0]["attempts"] == sender.MAX_ATTEMPTS
    assert [a["status"] for a in log[0]["attempt_log"]] == [503] * sender.MAX_ATTEMPTS
    assert [d["state"] for d in log[1:]] == ["delivered", "delivered"]
    assert [r.headers["webhook-id"] for r in receiver.requests][-2:] == ids[1:]


def test_sent_once_even_when_a_sender_dies_after_claiming(org, receiver):
    hook = register(org, receiver.url, events=["survey.opened"])
    survey = create_survey(org)
    with get_sessionmaker().begin() as session:  # a sender takes the event, then dies before sending
        from app.surveys.models import Survey
        from app.surveys.service import open_survey

        open_survey(session, session.get(Survey, uuid.UUID(survey["id"])))
    [delivery_id] = db_scalars(select(WebhookDelivery.id).where(WebhookDelivery.endpoint_id == uuid.UUID(hook["id"])))
    with get_sessionmaker().begin() as session:
        assert [c.id for c in sender._claim(session, utcnow(), [delivery_id]).claimed] == [delivery_id]
    sender.deliver_due()
    assert receiver.requests == []  # claimed: nobody else sends it while that sender might
    db_execute(update(WebhookDelivery).where(WebhookDelivery.id == delivery_id)
               .values(claimed_at=utcnow() - sender.CLAIM_LAPSES - timedelta(seconds=1)))
    [done] = settle(org, hook, 1)
    for _ in range(3):  # a restarted sender, again and again
        sender.deliver_due()
    assert done["state"] == "delivered" and len(receiver.requests) == 1
    assert receiver.requests[0].headers["webhook-id"] == str(delivery_id)


def test_milestones_only_at_or_above_the_minimum_group_and_once(org, receiver):
    assert [milestone(n, 5) for n in (0, 4, 9, 10, 24, 25, 99, 100)] == [0, 0, 0, 10, 10, 25, 50, 100]
    assert milestone(10, 12) == 0 and milestone(30, 12) == 25
    hook = register(org, receiver.url, events=["survey.responses_reached"])
    survey = create_survey(org, min_group_size=5)
    assert org.admin.post(f"{org.prefix}/surveys/{survey['id']}/open").status_code == 200
    unit = org.unit("Team")
    tokens = invite(org, survey["id"], unit, count=11)
    for token in tokens[:9]:
        assert submit(org.admin, token, {"openness_1": 4}).status_code == 201
    with get_sessionmaker().begin() as session:
        announce_milestones(session)
    assert deliveries(org, hook) == []
    for token in tokens[9:]:
        assert submit(org.admin, token, {"openness_1": 4}).status_code == 201
    for _ in range(2):
        with get_sessionmaker().begin() as session:
            announce_milestones(session)
    [done] = settle(org, hook, 1)
    assert done["payload"]["type"] == "survey.responses_reached"
    assert done["payload"]["data"] == {"organisation_id": org.id, "survey_id": survey["id"], "title": survey["title"],
                                       "responses_at_least": 10}
    assert len(receiver.requests) == 1 and verify(SECRET, receiver.requests[0].headers, receiver.requests[0].body)


def test_only_its_organisations_admins_manage_it(org, other_org, receiver):
    hook = register(org, receiver.url)
    assert other_org.admin.get(f"{org.prefix}/webhooks/{hook['id']}").status_code == 404
    assert other_org.admin.get(f"{other_org.prefix}/webhooks/{hook['id']}").status_code == 404
    from tests.factories import client

    with client(org.base_url, org.key("analyst")) as analyst:
        assert analyst.get(f"{org.prefix}/webhooks").status_code == 403


@pytest.mark.parametrize("url", ["http://127.0.0.1/x", "http://localhost:8000/", "https://10.1.2.3/",
                                 "http://192.168.0.10/", "http://169.254.169.254/latest/meta-data/",
                                 "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://100.64.0.1/",
                                 "http://0.0.0.0/"])
def test_private_and_loopback_addresses_are_refused_by_default(url):
    with pytest.raises(RefusedUrl, match="WEBHOOK_ALLOW_PRIVATE_ADDRESSES"):
        check_url(url, allow_private=False)
    check_url(url, allow_private=True)


@pytest.mark.parametrize("url", ["ftp://example.org/", "file:///etc/passwd", "https://user:pw@example.org/",
                                 "http:///nohost", "https://example.org:99999/"])
def test_only_plain_http_urls(url):
    with pytest.raises(RefusedUrl):
        check_url(url, allow_private=True)


def test_a_public_address_is_accepted():
    check_url("https://93.184.215.14/hooks", allow_private=False)  # a literal: no DNS needed


def test_the_api_refuses_a_bad_url_with_a_422(org):
    response = org.admin.post(f"{org.prefix}/webhooks", json={"url": "ftp://x.test/", "events": ["survey.opened"]})
    assert response.status_code == 422 and response.json()["errors"][0]["type"] == "url_refused"


def test_an_import_says_it_finished_and_published_without_a_count(org, receiver):
    hook = register(org, receiver.url, events=["survey.responses_imported", "survey.published"])
    survey = create_survey(org, min_group_size=3)
    unit = org.unit("Imported")
    rows = "".join(f"{unit},employee,{v}\n" for v in (1, 3, 5))
    imported = org.admin.post(f"{org.prefix}/surveys/{survey['id']}/responses/import",
                              files={"file": ("r.csv", f"unit,layer,openness_1\n{rows}".encode(), "text/csv")})
    assert imported.status_code == 201, imported.text
    log = settle(org, hook, 2)
    assert [d["event_type"] for d in log] == ["survey.responses_imported", "survey.published"]
    assert all(d["state"] == "delivered" for d in log)
    for delivery in log:
        assert set(delivery["payload"]["data"]) == {"organisation_id", "survey_id", "title", "status", "opened_at",
                                                    "closed_at", "published_at"}
    assert [json.loads(r.body)["type"] for r in receiver.requests] == ["survey.responses_imported",
                                                                       "survey.published"]


def _queue_test_event(hook: dict) -> uuid.UUID:
    """A delivery written here rather than by a request, whose own send after the response would race the key's
    change around it."""
    from app.webhooks.events import EventType, enqueue
    from app.webhooks.models import WebhookEndpoint

    with get_sessionmaker().begin() as session:
        endpoint = session.get_one(WebhookEndpoint, uuid.UUID(hook["id"]))
        return enqueue(session, endpoint, EventType.test, {"organisation_id": str(endpoint.organisation_id)}).id


def test_a_sender_under_another_key_leaves_the_deliveries_pending_for_one_that_holds_it(org, receiver,
                                                                                       database_url):
    """Before: a sender that could not unseal an endpoint's secret gave its deliveries up for good, so one host
    started with a wrong SECRET_KEY emptied every organisation's webhook outbox; now it leaves them pending, says
    why, and a sender holding the key delivers them."""
    from tests.test_key_change import ANOTHER_KEY, secret_key

    old = register(org, receiver.url, events=["survey.opened"])
    with secret_key(ANOTHER_KEY):
        new = org.admin.post(f"{org.prefix}/webhooks", json={"url": receiver.url + "/new", "events": ["survey.opened"],
                                                             "secret": SECRET}).json()  # sealed under the new key
    waits, goes = _queue_test_event(old), _queue_test_event(new)
    with secret_key(ANOTHER_KEY):
        for _ in range(sender.MAX_ATTEMPTS + 1):  # round after round of a worker: never given up
            tally = sender.deliver_due(ids=[waits, goes])
            assert tally.failed == 0 and tally.waiting == 1, tally
    [pending] = deliveries(org, old)
    assert pending["state"] == "pending" and pending["attempts"] == 0 and pending["attempt_log"] == []
    assert "SECRET_KEY" in pending["last_error"] and ANOTHER_KEY not in pending["last_error"]
    assert [r.path for r in receiver.requests] == ["/hooks/new"]  # the endpoint it can open is served
    with secret_key(""):  # no key at all: nothing opens, nothing is given up, nothing raises
        assert sender.deliver_due(ids=[waits]).waiting == 1
    tally = sender.deliver_due(ids=[waits])  # the key restored
    assert (tally.delivered, tally.waiting) == (1, 0)
    [done] = deliveries(org, old)
    assert done["state"] == "delivered" and done["attempts"] == 1 and done["last_error"] is None
    assert receiver.requests[-1].headers["webhook-id"] == str(waits)
    assert verify(SECRET, receiver.requests[-1].headers, receiver.requests[-1].body)

    # `culturegap serve` and `worker` count the endpoints waiting for another key when they start
    check = [sys.executable, "-c", "from app.startup import warn_if_key_changed; warn_if_key_changed()"]
    warned = subprocess.run(check, env={**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": ANOTHER_KEY},
                            capture_output=True, text=True, timeout=120)
    assert warned.returncode == 0 and "webhook endpoint(s) were sealed under another SECRET_KEY" in warned.stderr
    assert ANOTHER_KEY not in warned.stderr and SECRET not in warned.stderr
    assert org.admin.delete(f"{org.prefix}/webhooks/{new['id']}").status_code == 204  # none left under that key
