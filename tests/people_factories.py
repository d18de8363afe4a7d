"""People and their sessions, made through the real API: a person is added by the organisation's admin and signs in
with the link the real SMTP server received (tests.mailbox)."""

import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from tests.factories import OrgContext, closing_client
from tests.mailbox import Mailbox


def unique_email(prefix: str = "person", domain: str = "gemeente.test") -> str:
    return f"{prefix}.{uuid.uuid4().hex[:10]}@{domain}"


def create_person(org: OrgContext, role: str = "analyst", unit_ids: list[str] | None = None,
                  email: str | None = None, name: str = "Test Person") -> dict[str, Any]:
    body = {"email": email or unique_email(role), "name": name, "role": role, "unit_ids": unit_ids or []}
    response = org.admin.post(f"{org.prefix}/people", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


@dataclass
class SignedIn:
    """A browser-like client holding a person's session cookie, and the session's CSRF token."""

    client: httpx.Client
    person: dict[str, Any]
    csrf: str

    @property
    def cookie(self) -> str:
        return next(iter(self.client.cookies.values()))

    def write_headers(self) -> dict[str, str]:
        return {"X-CSRF-Token": self.csrf}


def request_link(http: httpx.Client, mailbox: Mailbox, email: str, language: str = "en") -> str:
    """Ask for a sign-in link and return its token, read from the mail the SMTP server received."""
    before = len(mailbox.to(email))
    response = http.post("/api/v1/sign-in", json={"email": email, "language": language})
    assert response.status_code == 200, response.text
    return mailbox.wait_for(email, before + 1)[-1].token()


def sign_in(base_url: str, mailbox: Mailbox, person: dict[str, Any]) -> SignedIn:
    client = closing_client(base_url=base_url, timeout=30)
    token = request_link(client, mailbox, person["email"])
    response = client.post("/api/v1/sign-in/link", json={"token": token})
    assert response.status_code == 200, response.text
    return SignedIn(client=client, person=person, csrf=response.json()["csrf_token"])


def person_session(org: OrgContext, mailbox: Mailbox, role: str = "analyst",
                   unit_ids: list[str] | None = None) -> SignedIn:
    return sign_in(org.base_url, mailbox, create_person(org, role, unit_ids))
