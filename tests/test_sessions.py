"""Sessions: server-side, in the database; the cookie HttpOnly, SameSite=Lax (and Secure, __Host- behind HTTPS); a
new session at every sign-in; idle and absolute expiry; sign-out and sign-out everywhere; CSRF on every write by
session; a key or a session, both in the OpenAPI document; sign-ins and sign-outs in the audit log."""

import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, update

from app.db import utcnow
from app.sessions.models import UserSession
from app.sessions.service import COOKIE, SECURE_COOKIE
from tests.factories import OrgContext
from tests.mailbox import Mailbox, smtp_server
from tests.people_factories import create_person, person_session, request_link, sign_in
from tests.respond_factories import db_execute, db_scalars
from tests.server_process import ServerProcess


def _session_row(cookie: str) -> UserSession:
    import hashlib

    return db_scalars(select(UserSession).where(
        UserSession.secret_hash == hashlib.sha256(cookie.encode()).hexdigest()))[0]


def test_the_cookie_is_http_only_lax_and_new_at_every_sign_in(org: OrgContext, mailbox: Mailbox):
    person = create_person(org, "analyst")
    planted = httpx.get(f"{org.base_url}/api/v1/me", cookies={COOKIE: "planted-by-someone-else"})
    assert planted.status_code == 401  # a cookie value the server did not make signs nobody in
    with httpx.Client(base_url=org.base_url) as browser:
        token = request_link(browser, mailbox, person["email"])
        response = browser.post("/api/v1/sign-in/link", json={"token": token})
        assert response.status_code == 200
        set_cookie = response.headers["set-cookie"]
        assert set_cookie.startswith(f"{COOKIE}=")
        attributes = {a.strip().split("=")[0].lower() for a in set_cookie.split(";")}
        assert {"httponly", "path", "max-age"} <= attributes and "secure" not in attributes
        assert "samesite=lax" in set_cookie.lower()
        assert response.headers["cache-control"] == "no-store"
        first = browser.cookies[COOKIE]
        again = browser.post("/api/v1/sign-in/link", json={"token": request_link(browser, mailbox, person["email"])})
        assert again.status_code == 200 and browser.cookies[COOKIE] != first
        assert _session_row(first).id != _session_row(browser.cookies[COOKIE]).id
        assert not db_scalars(select(UserSession).where(UserSession.secret_hash == first))  # only its hash is kept


def test_a_session_reaches_only_its_own_organisation(org: OrgContext, other_org: OrgContext, mailbox: Mailbox):
    ours = person_session(org, mailbox, "org_admin")
    session = ours.client.get("/api/v1/session").json()
    assert session["organisation_id"] == org.id and session["role"] == "org_admin" and session["unit_ids"] is None
    assert session["method"] == "email_link" and session["csrf_token"] == ours.csrf
    assert ours.client.get(org.prefix).status_code == 200
    assert ours.client.get(other_org.prefix).status_code == 404
    assert [o["id"] for o in ours.client.get("/api/v1/organisations").json()] == [org.id]
    assert org.admin.get("/api/v1/session").status_code == 404  # a key has no session


def test_every_write_by_session_needs_its_csrf_token(org: OrgContext, mailbox: Mailbox):
    admin = person_session(org, mailbox, "org_admin")
    other = person_session(org, mailbox, "org_admin")
    c = admin.client
    assert c.post(f"{org.prefix}/units", json={"name": "No token"}).status_code == 403
    assert c.post(f"{org.prefix}/units", json={"name": "Wrong"}, headers={"X-CSRF-Token": other.csrf}
                  ).status_code == 403
    assert c.patch(org.prefix, json={"name": "Renamed"}, headers={"X-CSRF-Token": ""}).status_code == 403
    assert c.delete("/api/v1/session").status_code == 403
    assert [u["name"] for u in org.admin.get(f"{org.prefix}/units").json()] == []
    created = c.post(f"{org.prefix}/units", json={"name": "With token"}, headers=admin.write_headers())
    assert created.status_code == 201
    assert c.get(f"{org.prefix}/units").status_code == 200  # reads need none
    idempotent = c.post(f"{org.prefix}/units", json={"name": "Again"},
                        headers={**admin.write_headers(), "Idempotency-Key": str(uuid.uuid4())})
    assert idempotent.status_code == 422  # Idempotency-Key is for API keys


def test_a_key_in_the_authorization_header_wins_over_a_cookie(org: OrgContext, mailbox: Mailbox):
    leader = person_session(org, mailbox, "leader", [org.unit("Team")])
    me = leader.client.get("/api/v1/me", headers=dict(org.admin.headers)).json()
    assert me["kind"] == "key" and me["role"] == "org_admin"
    assert leader.client.get("/api/v1/me", headers={"Authorization": "Bearer cgk_wrong"}).status_code == 401


def test_idle_and_absolute_expiry(org: OrgContext, mailbox: Mailbox):
    idle, old = person_session(org, mailbox, "analyst"), person_session(org, mailbox, "analyst")
    assert idle.client.get("/api/v1/me").status_code == 200
    db_execute(update(UserSession).where(UserSession.id == _session_row(idle.cookie).id)
               .values(last_seen_at=utcnow() - timedelta(minutes=31)))
    assert idle.client.get("/api/v1/me").status_code == 401
    db_execute(update(UserSession).where(UserSession.id == _session_row(old.cookie).id)
               .values(expires_at=utcnow() - timedelta(seconds=1)))
    assert old.client.get("/api/v1/me").status_code == 401


def test_a_request_moves_the_idle_deadline(org: OrgContext, mailbox: Mailbox):
    person = person_session(org, mailbox, "analyst")
    row = _session_row(person.cookie)
    db_execute(update(UserSession).where(UserSession.id == row.id)
               .values(last_seen_at=utcnow() - timedelta(minutes=20)))
    assert person.client.get("/api/v1/me").status_code == 200
    assert _session_row(person.cookie).last_seen_at > utcnow() - timedelta(minutes=1)


def test_signing_out_ends_only_that_session(org: OrgContext, mailbox: Mailbox):
    person = create_person(org, "analyst")
    laptop, phone = sign_in(org.base_url, mailbox, person), sign_in(org.base_url, mailbox, person)
    cookie = laptop.cookie
    out = laptop.client.delete("/api/v1/session", headers=laptop.write_headers())
    assert out.status_code == 204 and COOKIE in out.headers.get("set-cookie", "")
    assert COOKIE not in laptop.client.cookies
    old = httpx.get(f"{org.base_url}/api/v1/me", cookies={COOKIE: cookie})  # the cookie, kept by a thief
    assert old.status_code == 401
    assert phone.client.get("/api/v1/me").status_code == 200


def test_signing_out_everywhere_ends_every_session(org: OrgContext, mailbox: Mailbox):
    person = create_person(org, "analyst")
    sessions = [sign_in(org.base_url, mailbox, person) for _ in range(3)]
    assert sessions[0].client.delete("/api/v1/sessions", headers=sessions[0].write_headers()).status_code == 204
    for s in sessions[1:]:
        assert s.client.get("/api/v1/me").status_code == 401
    again = sign_in(org.base_url, mailbox, person)
    assert org.admin.post(f"{org.prefix}/people/{person['id']}/sign-out").status_code == 204  # by the admin
    assert again.client.get("/api/v1/me").status_code == 401


def test_sign_ins_and_sign_outs_are_audited(org: OrgContext, mailbox: Mailbox):
    person = create_person(org, "analyst", name="Audited Person")
    signed_in = sign_in(org.base_url, mailbox, person)
    signed_in.client.delete("/api/v1/session", headers=signed_in.write_headers())
    events = org.admin.get(f"{org.prefix}/audit-events", params={"object_id": person["id"]}).json()["events"]
    assert [e["action"] for e in events] == ["person.signed_out", "person.signed_in", "person.sign_in_link_sent",
                                             "person.created"]
    signed_out, signed_in_event, link_sent, _ = events
    assert signed_in_event["actor"] == {"kind": "person", "key_id": person["id"], "key_name": "Audited Person"}
    assert signed_in_event["details"] == {"method": "email_link"}
    assert link_sent["actor"]["kind"] == "none" and signed_out["actor"]["kind"] == "person"


def test_the_openapi_document_offers_a_key_or_a_session(http: httpx.Client):
    document = http.get("/openapi.json").json()
    schemes = document["components"]["securitySchemes"]
    assert schemes["apiKey"]["scheme"] == "bearer"
    assert (schemes["session"]["type"], schemes["session"]["in"], schemes["session"]["name"]) == \
        ("apiKey", "cookie", COOKIE)
    assert document["paths"]["/api/v1/organisations/{organisation_id}/units"]["get"]["security"] == \
        [{"apiKey": []}, {"session": []}]
    assert "security" not in document["paths"]["/api/v1/sign-in"]["post"]


@pytest.fixture(scope="module")
def behind_https(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Mailbox]]:
    """A server process that knows it is reached over HTTPS (PUBLIC_BASE_URL), with its own SMTP server."""
    with smtp_server() as (box, port):
        log: Path = tmp_path_factory.mktemp("https") / "server.log"
        server = ServerProcess(database_url, log, env={
            "PUBLIC_BASE_URL": "https://culturegap.example.test", "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port),
            "SMTP_SECURITY": "none"})
        server.start()
        try:
            yield server.url, box
        finally:
            server.stop()


def test_behind_https_the_cookie_is_secure_and_host_only(behind_https: tuple[str, Mailbox], org: OrgContext):
    url, box = behind_https
    person = create_person(org, "analyst")
    with httpx.Client(base_url=url) as browser:
        assert browser.post("/api/v1/sign-in", json={"email": person["email"]}).status_code == 200
        mail = box.wait_for(person["email"])[0]
        assert mail.link().startswith("https://culturegap.example.test/signin#link=")
        response = browser.post("/api/v1/sign-in/link", json={"token": mail.token()})
        assert response.status_code == 200
        set_cookie = response.headers["set-cookie"]
        assert set_cookie.startswith(f"{SECURE_COOKIE}=") and "; secure" in set_cookie.lower()
        assert "domain=" not in set_cookie.lower() and "path=/" in set_cookie.lower()
