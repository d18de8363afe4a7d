"""Single sign-on with OpenID Connect against a real OpenID Provider (oidc-provider under Node, tests/oidc), walked
the way a browser walks it: the good path, and each way a sign-in must fail (a clear page, no session, no 500)."""

import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sqlalchemy import update

from app.oidc.models import SignInFlow
from app.oidc.web import FLOW_COOKIE
from app.sessions.service import COOKIE
from tests.factories import OrgContext
from tests.oidc_provider import CLIENT_ID, OidcProvider, oidc_provider, sign_in_at_provider
from tests.people_factories import create_person, unique_email
from tests.respond_factories import db_execute
from tests.server_process import free_port

DOMAIN = f"sso-{uuid.uuid4().hex[:8]}.test"  # the module's own: other tests' addresses don't sign in here


@pytest.fixture(scope="module")
def provider(server_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[OidcProvider]:
    log: Path = tmp_path_factory.mktemp("oidc") / "provider.log"
    with oidc_provider(f"{server_url}/auth/oidc/callback", log) as running:
        yield running


@pytest.fixture
def sso_org(org: OrgContext, provider: OidcProvider) -> OrgContext:
    response = org.admin.put(f"{org.prefix}/single-sign-on", json=provider.settings([DOMAIN]))
    assert response.status_code == 200, response.text
    return org


def _start(org: OrgContext, lang: str = "en") -> str:
    return f"{org.base_url}/auth/oidc/start?organisation={org.id}&lang={lang}"


def _callback_prefix(org: OrgContext) -> str:
    return f"{org.base_url}/auth/oidc/callback"


def _failure(org: OrgContext) -> list[dict]:  # type: ignore[type-arg]
    return [e["details"] for e in org.admin.get(f"{org.prefix}/audit-events", params={
        "action": "organisation.sign_in_failed"}).json()["events"]]


def test_a_person_signs_in_with_their_organisations_provider(sso_org: OrgContext, provider: OidcProvider):
    person = create_person(sso_org, "leader", [sso_org.unit("Team")], email=unique_email("lead", DOMAIN))
    with httpx.Client() as browser:
        start = browser.get(_start(sso_org))
        assert start.status_code == 303 and FLOW_COOKIE in start.cookies
        authorize = urlsplit(start.headers["location"])
        query = parse_qs(authorize.query)
        assert f"{authorize.scheme}://{authorize.netloc}" == provider.issuer
        assert query["response_type"] == ["code"] and query["client_id"] == [CLIENT_ID]
        assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) == 43
        assert query["state"][0] and query["nonce"][0] and "openid" in query["scope"][0].split()
        assert query["redirect_uri"] == [_callback_prefix(sso_org)]
        callback = sign_in_at_provider(browser, start.headers["location"], person["email"],
                                       _callback_prefix(sso_org))
        back = browser.get(callback)
        assert back.status_code == 303 and back.headers["location"] == "/dashboard?lang=en"
        assert COOKIE in back.cookies
        session = browser.get(f"{sso_org.base_url}/api/v1/session").json()
        assert (session["person_id"], session["method"], session["role"]) == (person["id"], "oidc", "leader")
    events = sso_org.admin.get(f"{sso_org.prefix}/audit-events", params={"object_id": person["id"]}).json()
    assert events["events"][0]["action"] == "person.signed_in"
    assert events["events"][0]["details"] == {"method": "oidc"}


def test_the_email_can_come_from_another_claim(org: OrgContext, provider: OidcProvider):
    """Entra ID puts the address in `preferred_username` more often than in `email`."""
    org.admin.put(f"{org.prefix}/single-sign-on", json=provider.settings([DOMAIN], email_claim="preferred_username"))
    person = create_person(org, "analyst", email=unique_email("upn", DOMAIN))
    with httpx.Client() as browser:
        callback = sign_in_at_provider(browser, _start(org), person["email"].upper(), _callback_prefix(org))
        assert browser.get(callback).status_code == 303
        assert browser.get(f"{org.base_url}/api/v1/me").json()["person_id"] == person["id"]


def _refused(response: httpx.Response, status: int, reason: str) -> None:
    assert response.status_code == status, response.text[:300]
    assert response.headers["content-type"].startswith("text/html")
    assert f'data-reason="{reason}"' in response.text or reason == "any", response.text[:500]
    assert COOKIE not in response.cookies
    assert "content-security-policy" in response.headers


def test_a_wrong_state_a_replayed_code_and_another_browser_are_refused(sso_org: OrgContext,
                                                                        provider: OidcProvider):
    person = create_person(sso_org, "analyst", email=unique_email("a", DOMAIN))
    with httpx.Client() as browser:
        callback = sign_in_at_provider(browser, _start(sso_org), person["email"], _callback_prefix(sso_org))
        code = parse_qs(urlsplit(callback).query)["code"][0]
        _refused(browser.get(_callback_prefix(sso_org), params={"state": "made-up", "code": code}), 400,
                 "wrong_state")
        with httpx.Client() as other_browser:  # the URL, in another browser (stolen, or planted: login CSRF)
            _refused(other_browser.get(callback), 400, "other_browser")
            assert other_browser.get(f"{sso_org.base_url}/api/v1/me").status_code == 401
        finished = browser.get(callback)
        assert finished.status_code == 303, finished.text  # its own browser still finishes it
        _refused(browser.get(callback), 400, "wrong_state")  # the same code and state again
    assert {"method": "oidc", "reason": "other_browser"} in _failure(sso_org)


def test_a_wrong_nonce_is_refused(sso_org: OrgContext, provider: OidcProvider):
    person = create_person(sso_org, "analyst", email=unique_email("n", DOMAIN))
    with httpx.Client() as browser:
        callback = sign_in_at_provider(browser, _start(sso_org), person["email"], _callback_prefix(sso_org))
        # The ID token will carry the nonce of the request; the flow now expects another (an injected token).
        db_execute(update(SignInFlow).where(SignInFlow.organisation_id == uuid.UUID(sso_org.id))
                   .values(nonce="another-nonce"))
        _refused(browser.get(callback), 400, "wrong_nonce")
    assert _failure(sso_org) == [{"method": "oidc", "reason": "wrong_nonce"}]


def test_an_expired_id_token_is_refused(sso_org: OrgContext, provider: OidcProvider):
    person = create_person(sso_org, "analyst", email=unique_email("e", DOMAIN))
    with httpx.Client() as browser:
        callback = sign_in_at_provider(browser, _start(sso_org), person["email"], _callback_prefix(sso_org))
        provider.control("clock", offset=-3 * 3600)  # its tokens now expire before they are issued here
        try:
            _refused(browser.get(callback), 400, "bad_token")
        finally:
            provider.control("clock", offset=0)


def test_a_badly_signed_id_token_is_refused(sso_org: OrgContext, provider: OidcProvider):
    person = create_person(sso_org, "analyst", email=unique_email("s", DOMAIN))
    with httpx.Client() as browser:
        callback = sign_in_at_provider(browser, _start(sso_org), person["email"], _callback_prefix(sso_org))
        provider.control("jwks", mode="rogue")  # it publishes another key under the kid it signs with
        try:
            _refused(browser.get(callback), 400, "bad_token")
        finally:
            provider.control("jwks", mode="real")


@pytest.mark.parametrize(("who", "reason"), [("unknown", "unknown_person"), ("deactivated", "deactivated"),
                                             ("outside", "domain_not_allowed")])
def test_people_who_may_not_sign_in_get_a_clear_page(sso_org: OrgContext, provider: OidcProvider, who: str,
                                                     reason: str):
    email = unique_email(who, "elsewhere.test" if who == "outside" else DOMAIN)
    if who != "unknown":
        person = create_person(sso_org, "analyst", email=email)
    if who == "deactivated":
        sso_org.admin.patch(f"{sso_org.prefix}/people/{person['id']}", json={"active": False})
    with httpx.Client(headers={"Accept-Language": "nl-NL"}) as browser:
        callback = sign_in_at_provider(browser, _start(sso_org, "nl"), email, _callback_prefix(sso_org))
        page = browser.get(callback)
        _refused(page, 403, reason)
        assert '<html lang="nl">' in page.text and "Terug naar aanmelden" in page.text
    assert _failure(sso_org) == [{"method": "oidc", "reason": reason}]


def test_a_provider_that_is_down_gets_a_clear_page(org: OrgContext, provider: OidcProvider):
    down = f"http://127.0.0.1:{free_port()}"
    org.admin.put(f"{org.prefix}/single-sign-on", json={**provider.settings([DOMAIN]), "issuer": down})
    with httpx.Client() as browser:
        page = browser.get(_start(org))
        _refused(page, 502, "provider_unreachable")
        assert "right now" in page.text
    assert _failure(org) == [{"method": "oidc", "reason": "provider_unreachable"}]


def test_a_provider_error_and_bad_requests_get_a_page_not_a_500(sso_org: OrgContext, provider: OidcProvider):
    with httpx.Client() as browser:
        start = browser.get(_start(sso_org))
        state = parse_qs(urlsplit(start.headers["location"]).query)["state"][0]
        _refused(browser.get(_callback_prefix(sso_org), params={"state": state, "error": "access_denied"}), 502,
                 "provider_error")
        _refused(browser.get(_callback_prefix(sso_org)), 400, "wrong_state")
        malformed = browser.get(f"{sso_org.base_url}/auth/oidc/start", params={"organisation": "not-a-uuid"})
        assert malformed.status_code == 422 and malformed.headers["content-type"] == "application/problem+json"
        _refused(browser.get(f"{sso_org.base_url}/auth/oidc/start"), 404, "wrong_state")


def test_single_sign_on_settings_keep_the_secret(org: OrgContext, provider: OidcProvider):
    url = f"{org.prefix}/single-sign-on"
    assert org.admin.get(url).status_code == 404
    first = {"issuer": provider.issuer, "client_id": CLIENT_ID, "allowed_domains": [DOMAIN]}
    assert org.admin.put(url, json=first).status_code == 422  # the secret is required the first time
    saved = org.admin.put(url, json=provider.settings([DOMAIN.upper(), DOMAIN])).json()
    assert saved["allowed_domains"] == [DOMAIN] and "client_secret" not in saved
    assert saved["redirect_uri"] == f"{org.base_url}/auth/oidc/callback"
    assert org.admin.put(url, json={**first, "enabled": False}).json()["enabled"] is False  # the secret stays
    for bad in ({**first, "issuer": "http://login.example.test"}, {**first, "issuer": "ftp://x.test"},
                {**first, "allowed_domains": []}, {**first, "allowed_domains": ["not a domain"]},
                {**first, "email_claim": "a b"}, {**first, "client_id": ""}):
        assert org.admin.put(url, json=bad).status_code == 422, bad
    assert org.admin.delete(url).status_code == 204 and org.admin.get(url).status_code == 404
