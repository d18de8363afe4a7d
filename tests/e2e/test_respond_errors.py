"""Every way the respondent's form can fail says so clearly, in the respondent's language, with a retry button where
retrying can help: invalid, used and expired links, surveys not yet open or closed, and network failures."""

import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import LAPTOP, PHONE
from tests.e2e.respond_helpers import CONTRAST_FAILURES, dimensions, exported, invite, option
from tests.factories import OrgContext
from tests.survey_factories import open_survey

pytestmark = pytest.mark.browser

UNUSABLE = "This link is not valid or has already been used"


def _message(page: Any, title: str, *, retry: bool = False) -> None:
    expect(page.locator("#message-title")).to_have_text(title)
    expect(page.locator("#message-title")).to_be_focused()
    expect(page.locator("#message-retry")).to_be_visible() if retry else expect(
        page.locator("#message-retry")).to_be_hidden()
    expect(page.locator("#view-form")).to_be_hidden()


def _expire(token: str) -> None:
    """Let a day pass for this invitation: the API (rightly) refuses to issue one that has already expired."""
    from sqlalchemy import update

    from app.db import get_sessionmaker
    from app.invitations.models import Invitation
    from app.invitations.service import hash_token

    with get_sessionmaker().begin() as session:
        changed = session.execute(update(Invitation).where(Invitation.token_hash == hash_token(token))
                                  .values(expires_at=datetime.now(UTC) - timedelta(minutes=1)))
        assert changed.rowcount == 1  # type: ignore[attr-defined]


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def test_an_unknown_token_and_a_used_token_look_the_same(org: OrgContext, http: Any, open_tab: Any,
                                                         artifacts: Path) -> None:
    survey = open_survey(org)
    [token] = invite(org, survey["id"], org.unit("Team"))
    first = dimensions(org)[0].item_keys[0]
    submitted = http.post("/api/v1/respond/submit", headers={"X-Survey-Token": token},
                          json={"language": "en", "current": {first: 4}, "desired": {}})
    assert submitted.status_code == 201, submitted.text

    page = open_tab("en-GB", LAPTOP).page
    page.goto(f"/respond#{token}")
    _message(page, UNUSABLE)
    used_text = page.locator("#message-text").text_content()
    page.screenshot(path=artifacts / "respond-laptop-en-used-link.png", full_page=True)
    page.goto(f"/respond#{secrets.token_urlsafe(24)}")
    _message(page, UNUSABLE)
    assert page.locator("#message-text").text_content() == used_text
    assert page.evaluate(CONTRAST_FAILURES) == []
    assert len(exported(org, survey["id"])) == 1


def test_a_link_without_its_token(open_tab: Any) -> None:
    page = open_tab("en-GB", LAPTOP).page
    page.goto("/respond")
    _message(page, "This link is incomplete")
    page.goto("about:blank")
    page.goto("/respond#short")
    _message(page, "This link is incomplete")


def test_a_closed_survey_in_dutch(org: OrgContext, open_tab: Any, artifacts: Path) -> None:
    survey = open_survey(org)
    [token] = invite(org, survey["id"], org.unit("Team"))
    closed = org.admin.post(f"{org.prefix}/surveys/{survey['id']}/close")
    assert closed.status_code == 200, closed.text
    tab = open_tab("nl-NL", PHONE)
    tab.page.goto(f"/respond#{token}")
    _message(tab.page, "Deze vragenlijst is gesloten")
    tab.page.screenshot(path=artifacts / "respond-phone-nl-closed.png", full_page=True)
    # The message follows the language switch.
    tab.page.locator(".lang-button[data-lang=en]").click()
    expect(tab.page.locator("#message-title")).to_have_text("This survey is closed")
    assert tab.csp_violations() == []


def test_a_survey_not_open_yet(org: OrgContext, open_tab: Any) -> None:
    survey = open_survey(org, opens_at=_iso(datetime.now(UTC) + timedelta(days=3)))
    [token] = invite(org, survey["id"], org.unit("Team"))
    page = open_tab("en-GB", LAPTOP).page
    page.goto(f"/respond#{token}")
    _message(page, "This survey is not open yet")


def test_an_expired_link(org: OrgContext, open_tab: Any) -> None:
    survey = open_survey(org)
    [token] = invite(org, survey["id"], org.unit("Team"), expires_at=_iso(datetime.now(UTC) + timedelta(days=1)))
    _expire(token)
    page = open_tab("en-GB", LAPTOP).page
    page.goto(f"/respond#{token}")
    _message(page, "This link has expired")


def test_network_failures_offer_a_retry_and_lose_nothing(org: OrgContext, open_tab: Any, artifacts: Path) -> None:
    survey = open_survey(org)
    [token] = invite(org, survey["id"], org.unit("Team"))
    first_part = dimensions(org)[0]
    page = open_tab("en-GB", LAPTOP).page

    # Loading fails: a message with a retry button, which loads the form.
    page.route("**/api/v1/respond?*", lambda route: route.abort("internetdisconnected"))
    page.goto(f"/respond#{token}")
    _message(page, "We could not reach the server", retry=True)
    page.screenshot(path=artifacts / "respond-laptop-en-offline.png", full_page=True)
    page.unroute("**/api/v1/respond?*")
    page.locator("#message-retry").click()
    expect(page.locator("#next")).to_have_text("Start")
    page.locator("#next").click()

    # Saving a draft fails: the form says so and offers to save again.
    page.route("**/api/v1/respond/draft", lambda route: route.abort("internetdisconnected"))
    option(page, "current", first_part.item_keys[0], 2).click()
    expect(page.locator("#form-alert")).to_contain_text("Your latest answers are not saved yet.")
    page.unroute("**/api/v1/respond/draft")
    page.locator("#form-alert-retry").click()
    expect(page.locator("#save-state")).to_have_attribute("data-state", "saved")
    expect(page.locator("#form-alert")).to_be_hidden()

    # Submitting fails: the answers stay on the page, and the retry submits them.
    option(page, "current", first_part.item_keys[1], 5).click()
    for _ in dimensions(org):
        page.locator("#next").click()
    expect(page.locator("#step-heading")).to_have_text("Check and submit")
    page.route("**/api/v1/respond/submit", lambda route: route.abort("internetdisconnected"))
    page.locator("#next").click()
    expect(page.locator("#form-alert")).to_contain_text("Check your internet connection")
    page.screenshot(path=artifacts / "respond-laptop-en-submit-failed.png", full_page=True)
    assert exported(org, survey["id"]) == []
    page.unroute("**/api/v1/respond/submit")
    page.locator("#form-alert-retry").click()
    _message(page, "Thank you!")
    [row] = exported(org, survey["id"])
    assert (row[first_part.item_keys[0]], row[first_part.item_keys[1]]) == ("2", "5")


def test_nothing_to_submit_until_something_is_answered(org: OrgContext, open_tab: Any) -> None:
    survey = open_survey(org)
    [token] = invite(org, survey["id"], org.unit("Team"))
    page = open_tab("en-GB", LAPTOP).page
    page.goto(f"/respond#{token}")
    page.locator("#next").click()
    for _ in dimensions(org):
        page.locator("#next").click()
    expect(page.locator("#review-summary")).to_have_text(
        "You have not answered any statement yet. Answer at least one to submit.")
    expect(page.locator("#next")).to_be_disabled()


def test_every_language_has_every_interface_string(open_tab: Any) -> None:
    page = open_tab("en-GB", LAPTOP).page
    page.goto("/respond")
    keys = page.evaluate("""async () => {
      const { STRINGS } = await import("/static/respond-i18n.js");
      return Object.fromEntries(Object.entries(STRINGS).map(([lang, strings]) => [lang, Object.keys(strings)]));
    }""")
    assert set(keys) == {"en", "nl"}
    assert sorted(keys["en"]) == sorted(keys["nl"])


def test_the_browser_language_picks_the_language(open_tab: Any) -> None:
    for locale, title in (("nl-BE", "Deze link is onvolledig"), ("fr-FR", "This link is incomplete"),
                          ("de-DE", "This link is incomplete")):
        page = open_tab(locale, PHONE).page
        page.goto("/respond")
        _message(page, title)


def test_a_link_used_in_another_tab_stops_this_one(org: OrgContext, http: Any, open_tab: Any) -> None:
    survey = open_survey(org)
    [token] = invite(org, survey["id"], org.unit("Team"))
    first_part = dimensions(org)[0]
    page = open_tab("en-GB", LAPTOP).page
    page.goto(f"/respond#{token}")
    page.locator("#next").click()
    elsewhere = http.post("/api/v1/respond/submit", headers={"X-Survey-Token": token},
                          json={"language": "en", "current": {first_part.item_keys[0]: 1}, "desired": {}})
    assert elsewhere.status_code == 201, elsewhere.text
    option(page, "current", first_part.item_keys[1], 3).click()  # its draft save is refused
    _message(page, UNUSABLE)
    [row] = exported(org, survey["id"])
    assert (row[first_part.item_keys[0]], row[first_part.item_keys[1]]) == ("1", "")


def test_refused_answers_are_pointed_out(org: OrgContext, open_tab: Any) -> None:
    """The form only offers valid answers, so the server's 422 is simulated: its errors mark the statements."""
    survey = open_survey(org)
    [token] = invite(org, survey["id"], org.unit("Team"))
    first_part = dimensions(org)[0]
    bad = first_part.item_keys[2]
    page = open_tab("en-GB", LAPTOP).page
    page.goto(f"/respond#{token}")
    page.locator("#next").click()
    option(page, "current", bad, 4).click()
    page.route("**/api/v1/respond/submit", lambda route: route.fulfill(
        status=422, content_type="application/problem+json",
        json={"type": "urn:culturegap:problem:validation-error", "title": "The request has invalid fields",
              "status": 422, "errors": [{"loc": ["body", "current", bad], "msg": "out of range", "type": "range"}]}))
    for _ in dimensions(org):
        page.locator("#next").click()
    expect(page.locator("#step-heading")).to_have_text("Check and submit")
    page.locator("#next").click()
    expect(page.locator("#form-alert")).to_contain_text("Some answers were not accepted")
    expect(page.locator("#form-alert li")).to_have_count(1)
    page.locator(".review-part button").first.click()
    expect(page.locator(f"#item-{bad}")).to_have_attribute("aria-invalid", "true")
    option(page, "current", bad, 5).click()
    expect(page.locator(f"#item-{bad}")).not_to_have_attribute("aria-invalid", "true")
