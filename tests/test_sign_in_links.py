"""Sign-in links by e-mail, through a real SMTP server: single use, 15 minutes, stored hashed, the same answer for
known and unknown addresses, in Dutch and English, rate-limited per e-mail address and per client address."""

import hashlib
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, update

from app.db import utcnow
from app.mail.models import OutgoingMail
from app.sessions.models import SignInLink
from tests.factories import OrgContext, new_organisation
from tests.mailbox import Mailbox, smtp_server
from tests.people_factories import create_person, request_link, unique_email
from tests.respond_factories import db_execute, db_scalars
from tests.server_process import ServerProcess

LINK = "/api/v1/sign-in/link"


def test_a_link_signs_in_once_within_its_organisation(org: OrgContext, http: httpx.Client, mailbox: Mailbox):
    person = create_person(org, "analyst", name="Anna Analist")
    token = request_link(http, mailbox, person["email"])
    mail = mailbox.to(person["email"])[-1]
    assert mail.sender == "culturegap@test.invalid" and mail.recipients == [person["email"]]
    assert "Anna Analist" in mail.text and "15 minutes" in mail.text
    assert mail.link().startswith(str(http.base_url).rstrip("/") + "/signin#link=")
    with httpx.Client(base_url=org.base_url) as browser:
        signed_in = browser.post(LINK, json={"token": token})
        assert signed_in.status_code == 200
        assert signed_in.json()["organisation_id"] == org.id and signed_in.json()["person_id"] == person["id"]
        assert browser.get(org.prefix).status_code == 200
    replay = http.post(LINK, json={"token": token})
    assert replay.status_code == 400 and replay.headers["content-type"] == "application/problem+json"
    assert "set-cookie" not in replay.headers


def test_links_are_stored_hashed_and_mails_leave_nothing_behind(org: OrgContext, http: httpx.Client,
                                                                 mailbox: Mailbox):
    person = create_person(org, "analyst")
    token = request_link(http, mailbox, person["email"])
    links = db_scalars(select(SignInLink).where(SignInLink.token_hash == hashlib.sha256(token.encode()).hexdigest()))
    assert len(links) == 1 and token not in repr([(c, getattr(links[0], c)) for c in ("token_hash", "id")])
    assert timedelta(minutes=14) < links[0].expires_at - utcnow() <= timedelta(minutes=15)
    # The mail was sent, so it is gone from the outbox (and the link in it with it): at most in flight.
    outbox = db_scalars(select(OutgoingMail).where(OutgoingMail.recipient == person["email"],
                                                   OutgoingMail.sent_at.is_not(None)))
    assert outbox == []


def test_an_expired_link_and_a_made_up_one_are_refused_alike(org: OrgContext, http: httpx.Client,
                                                              mailbox: Mailbox):
    person = create_person(org, "analyst")
    token = request_link(http, mailbox, person["email"])
    db_execute(update(SignInLink).where(SignInLink.token_hash == hashlib.sha256(token.encode()).hexdigest())
               .values(expires_at=utcnow() - timedelta(seconds=1)))
    expired = http.post(LINK, json={"token": token})
    made_up = http.post(LINK, json={"token": "x" * 43})
    assert expired.status_code == made_up.status_code == 400
    assert expired.json()["detail"] == made_up.json()["detail"]
    for bad in ({"token": "short"}, {"token": "has spaces in it, and more than twenty"}, {}, {"token": 7}):
        assert http.post(LINK, json=bad).status_code == 422
    events = org.admin.get(f"{org.prefix}/audit-events", params={"action": "organisation.sign_in_failed"}).json()
    assert [e["details"] for e in events["events"]] == [{"method": "email_link", "reason": "expired_link"}]


def test_known_and_unknown_addresses_get_the_same_answer(org: OrgContext, http: httpx.Client, mailbox: Mailbox):
    person = create_person(org, "analyst")
    nobody = unique_email("nobody")
    known = http.post("/api/v1/sign-in", json={"email": person["email"], "language": "nl"})
    unknown = http.post("/api/v1/sign-in", json={"email": nobody, "language": "nl"})
    assert known.status_code == unknown.status_code == 200
    assert known.json() == unknown.json() == {"method": "email_link", "organisations": []}
    mailbox.wait_for(person["email"])
    assert mailbox.to(nobody) == []
    for bad in ({"email": "nope"}, {"email": person["email"], "language": "de"}, {"email": ""}, {}):
        assert http.post("/api/v1/sign-in", json=bad).status_code == 422


def test_the_mail_speaks_dutch_or_english(org: OrgContext, http: httpx.Client, mailbox: Mailbox):
    person = create_person(org, "leader", [org.unit("Team")], name="Kees")
    request_link(http, mailbox, person["email"], language="nl")
    request_link(http, mailbox, person["email"], language="en")
    dutch, english = mailbox.to(person["email"])[-2:]
    assert dutch.subject.startswith("Uw aanmeldlink") and "Beste Kees" in dutch.text and "15 minuten" in dutch.text
    assert english.subject.startswith("Your sign-in link") and "Hello Kees" in english.text
    assert dutch.token() != english.token()  # each request its own link; both work once
    for mail in (dutch, english):  # each in a browser of its own: the suite's shared client stays signed out
        assert httpx.post(f"{org.base_url}{LINK}", json={"token": mail.token()}).status_code == 200


def test_a_domain_with_single_sign_on_is_sent_there_not_mailed(org: OrgContext, http: httpx.Client,
                                                              mailbox: Mailbox, platform: httpx.Client):
    domain = f"{org.id[:8]}.sso.test"
    sso = {"issuer": "https://login.example.test/t/v2.0", "client_id": "cg", "client_secret": "s3cret",
           "allowed_domains": [domain]}
    assert org.admin.put(f"{org.prefix}/single-sign-on", json=sso).status_code == 200
    insider = create_person(org, "analyst", email=f"in@{domain}")
    consultant = create_person(org, "analyst", email=unique_email("consultant", "consultancy.test"))
    answer = http.post("/api/v1/sign-in", json={"email": insider["email"], "language": "nl"}).json()
    assert answer["method"] == "single_sign_on"
    assert answer["organisations"] == [{"organisation_id": org.id, "name": org.admin.get(org.prefix).json()["name"],
                                        "start_url": f"/auth/oidc/start?organisation={org.id}&lang=nl"}]
    request_link(http, mailbox, consultant["email"])  # an address outside the domain still gets a link
    # Another organisation listing the same domain gets its button shown, and nothing more: its people still get
    # their links.
    other = new_organisation(platform, org.base_url)
    assert other.admin.put(f"{other.prefix}/single-sign-on", json=sso).status_code == 200
    claimed = create_person(org, "analyst", email=f"x@{domain}")
    assert org.admin.delete(f"{org.prefix}/single-sign-on").status_code == 204  # our organisation: links again
    answer = http.post("/api/v1/sign-in", json={"email": claimed["email"]}).json()
    assert answer["method"] == "single_sign_on" and [o["organisation_id"] for o in answer["organisations"]] == \
        [other.id]
    assert mailbox.wait_for(claimed["email"])[0].token()
    assert mailbox.to(insider["email"]) == []  # asked while our single sign-on was on: no link
    other.close()


@pytest.fixture(scope="module")
def limited(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Mailbox]]:
    """A server process with small sign-in limits: 2 per e-mail address, 4 per client address."""
    with smtp_server() as (box, port):
        log: Path = tmp_path_factory.mktemp("limits") / "server.log"
        server = ServerProcess(database_url, log, env={
            "SIGN_IN_EMAIL_LIMIT": "2", "SIGN_IN_ADDRESS_LIMIT": "4", "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(port), "SMTP_SECURITY": "none"}, args=("--proxy-headers", "--forwarded-allow-ips",
                                                                    "127.0.0.1"))
        server.start()
        try:
            yield server.url, box
        finally:
            server.stop()


def test_requests_are_limited_per_address_and_per_client(limited: tuple[str, Mailbox], org: OrgContext):
    url, box = limited
    person = create_person(org, "analyst")
    with httpx.Client(base_url=url, headers={"X-Forwarded-For": "2001:db8:13::1"}) as client:
        statuses = [client.post("/api/v1/sign-in", json={"email": person["email"]}).status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
        box.wait_for(person["email"], 2)
        nobody = [client.post("/api/v1/sign-in", json={"email": unique_email("nobody")}) for _ in range(3)]
        assert [r.status_code for r in nobody] == [200, 200, 429]  # the client's 4 were used up, known or not
        assert nobody[-1].headers["retry-after"] and nobody[-1].json()["status"] == 429
    with httpx.Client(base_url=url, headers={"X-Forwarded-For": "2001:db8:14::1"}) as elsewhere:
        # Another client: its own four, but the address is still at its limit of two.
        assert elsewhere.post("/api/v1/sign-in", json={"email": person["email"]}).status_code == 429
        assert elsewhere.post("/api/v1/sign-in", json={"email": unique_email("x")}).status_code == 200
    assert len(box.to(person["email"])) == 2
