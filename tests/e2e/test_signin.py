"""People sign in to the dashboard in a real Chromium: with their organisation's single sign-on at a real OpenID
Provider (oidc-provider under Node) and with a link from a mail the real SMTP server received; in English on a
laptop and in Dutch on a phone; the dashboard opens on their own units, and signing out ends the session.
Screenshots go to tests/artifacts/signin-*.png."""

import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import LAPTOP, PHONE
from tests.e2e.dashboard_helpers import SMALL_TARGETS, Demo, fits_the_width, load_demo, loaded, page_errors
from tests.mailbox import Mailbox
from tests.oidc_provider import OidcProvider, oidc_provider
from tests.people_factories import unique_email

pytestmark = pytest.mark.browser

WAVE = "Meting 2026"
DOMAIN = f"zuidhaven-{uuid.uuid4().hex[:8]}.test"


@pytest.fixture(scope="module")
def demo(server_url: str) -> Demo:
    return load_demo(server_url)


@pytest.fixture(scope="module")
def provider(server_url: str, tmp_path_factory: pytest.TempPathFactory, demo: Demo) -> Iterator[OidcProvider]:
    log: Path = tmp_path_factory.mktemp("oidc") / "provider.log"
    with oidc_provider(f"{server_url}/auth/oidc/callback", log) as running:
        with demo.api() as http:
            response = http.put(f"{demo.prefix}/single-sign-on", json=running.settings([DOMAIN]))
            assert response.status_code == 200, response.text
        yield running


def _person(demo: Demo, email: str, role: str = "leader") -> dict[str, Any]:
    with demo.api() as http:
        response = http.post(f"{demo.prefix}/people", json={
            "email": email, "name": "Demo Person", "role": role, "unit_ids": [demo.analyst_unit]})
    assert response.status_code == 201, response.text
    return dict(response.json())


def _on_own_units(page: Any, demo: Demo) -> None:
    """The dashboard shows the person's unit, with no way to pick the whole organisation."""
    loaded(page)
    expect(page.locator("#dashboard-title")).to_have_text(f"{WAVE} · Directie Ruimte")
    expect(page.locator("#unit-select")).to_have_value(demo.analyst_unit)
    values = [o.get_attribute("value") for o in page.locator("#unit-select option").all()]
    assert "" not in values
    expect(page.locator("body")).not_to_contain_text("Directie Sociaal Domein")


def _clean(tab: Any) -> None:
    assert tab.csp_violations() == []
    assert page_errors(tab) == []


def test_single_sign_on_on_a_laptop_in_english(demo: Demo, provider: OidcProvider, open_tab: Any,
                                               artifacts: Path) -> None:
    person = _person(demo, unique_email("leader", DOMAIN))
    tab = open_tab("en-GB", LAPTOP)
    page = tab.page
    page.goto("/signin")
    expect(page.locator("#email-title")).to_have_text("Sign in")
    page.locator("#email-input").fill(person["email"])
    page.locator("#email-submit").click()
    expect(page.locator("#sso-title")).to_be_visible()
    expect(page.locator("#sso-title")).to_have_text("Sign in with your organisation")
    page.screenshot(path=str(artifacts / "signin-sso-laptop-en.png"))
    # this demo's organisation: the worker's database may hold another demo with the same name and domain
    page.get_by_role("link", name="Sign in with Gemeente Zuidhaven (demo)").and_(
        page.locator(f'[href*="organisation={demo.org_id}"]')).click()
    expect(page.get_by_role("heading", name="Test identity provider")).to_be_visible()
    page.get_by_label("E-mail").fill(person["email"])
    page.get_by_role("button", name="Sign in at the provider").click()
    page.wait_for_url("**/dashboard**")
    _on_own_units(page, demo)
    expect(page.locator("#sign-out")).to_be_visible()
    page.screenshot(path=str(artifacts / "signin-dashboard-laptop-en.png"))
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["cg_session"]["httpOnly"] and cookies["cg_session"]["sameSite"] == "Lax"
    assert page.evaluate("document.cookie").find("cg_session") == -1  # no script can read it

    page.locator("#sign-out").click()
    page.wait_for_url("**/signin")
    expect(page.locator("#email-input")).to_be_visible()
    assert httpx.get(f"{demo.server_url}/api/v1/me",
                     cookies={"cg_session": cookies["cg_session"]["value"]}).status_code == 401
    _clean(tab)


def test_an_emailed_link_on_a_phone_in_dutch(demo: Demo, provider: OidcProvider, mailbox: Mailbox, open_tab: Any,
                                             artifacts: Path) -> None:
    person = _person(demo, unique_email("consultant", "adviesbureau.test"), role="analyst")
    tab = open_tab("nl-NL", PHONE)
    page = tab.page
    page.goto("/signin")
    expect(page.locator("#email-title")).to_have_text("Aanmelden")
    page.locator("#email-input").fill(person["email"])
    page.locator("#email-submit").click()
    expect(page.locator("#sent-title")).to_be_visible()
    expect(page.locator("#sent-title")).to_have_text("Kijk in uw e-mail")
    expect(page.locator("#sent-text")).to_contain_text(person["email"])
    assert page.evaluate(SMALL_TARGETS) == []
    assert fits_the_width(page)  # a long address wraps inside the card
    page.screenshot(path=str(artifacts / "signin-sent-phone-nl.png"), full_page=True)

    mail = mailbox.wait_for(person["email"])[-1]
    assert mail.subject.startswith("Uw aanmeldlink")
    page.goto(mail.link())
    expect(page.locator("#link-title")).to_be_visible()
    expect(page.locator("#link-title")).to_have_text("Aanmelden afronden")
    assert "link=" not in page.evaluate("location.href")  # the token left the address bar (and history) at once
    page.locator("#link-submit").click()
    page.wait_for_url("**/dashboard")
    _on_own_units(page, demo)
    expect(page.locator("#sign-out")).to_have_text("Uitloggen")
    page.screenshot(path=str(artifacts / "signin-dashboard-phone-nl.png"))

    again = tab.page.context.new_page()  # the same link, opened again: used up, said so in Dutch
    again.goto(mail.link())
    expect(again.locator("#link-title")).to_be_visible()
    again.locator("#link-submit").click()
    expect(again.locator("#link-error-title")).to_have_text("Deze aanmeldlink werkt niet")
    expect(again.locator("#link-new")).to_be_visible()
    _clean(tab)


def test_a_refused_sign_in_and_an_ended_session_say_so(demo: Demo, provider: OidcProvider, open_tab: Any) -> None:
    tab = open_tab("en-GB", LAPTOP)
    page = tab.page
    stranger = unique_email("stranger", DOMAIN)  # the provider knows them; the dashboard does not
    page.goto("/signin")
    page.locator("#email-input").fill(stranger)
    page.locator("#email-submit").click()
    # this demo's organisation: the worker's database may hold another demo with the same name and domain
    page.get_by_role("link", name="Sign in with Gemeente Zuidhaven (demo)").and_(
        page.locator(f'[href*="organisation={demo.org_id}"]')).click()
    page.get_by_label("E-mail").fill(stranger)
    page.get_by_role("button", name="Sign in at the provider").click()
    expect(page.locator("#sign-in-error")).to_have_text("Signing in did not work")
    expect(page.locator("[data-reason]")).to_contain_text("you have no access to this dashboard")
    page.get_by_role("link", name="Back to sign-in").click()
    expect(page.locator("#email-input")).to_be_visible()

    page.locator("#email-input").fill("not an address")
    page.locator("#email-submit").click()
    expect(page.locator("#email-error-title")).to_have_text("This is not an e-mail address.")
    assert tab.csp_violations() == []


def test_every_language_has_every_sign_in_string(open_tab: Any) -> None:
    page = open_tab("en-GB", LAPTOP).page
    page.goto("/signin")
    keys = page.evaluate("""async () => {
      const { SIGNIN_STRINGS } = await import("/static/signin-i18n.js");
      return Object.fromEntries(Object.entries(SIGNIN_STRINGS).map(([lang, strings]) => [lang, Object.keys(strings)]));
    }""")
    assert set(keys) == {"en", "nl"}
    assert sorted(keys["en"]) == sorted(keys["nl"])


def test_the_sign_in_page_is_served_under_the_strict_headers(http: httpx.Client) -> None:
    page = http.get("/signin")
    assert page.status_code == 200
    assert page.headers["content-security-policy"] == (
        "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
    assert page.headers["referrer-policy"] == "no-referrer" and page.headers["x-frame-options"] == "DENY"
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>|\son\w+=|\sstyle=", page.text)
    for name in ("signin.js", "signin-i18n.js", "dashboard-session.js"):
        script = http.get(f"/static/{name}").text
        for unsafe in (".innerHTML", ".outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function",
                       "console.log", "sessionStorage", "document.cookie"):
            assert unsafe not in script, (name, unsafe)
