"""Planning actions on the dashboard in a real Chromium: an organisation admin adds an action beside the gaps and
changes it; the form refuses bad input beside the field (what it can check itself without sending anything, what
the API refuses after sending) and nothing changes; a reader who may not plan sees no form. Dutch and English,
laptop and phone. Screenshots: tests/artifacts/dashboard-action-form-*.png."""

import random
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import LAPTOP, PHONE
from tests.e2e.dashboard_helpers import fits_the_width, loaded, page_errors, sign_in
from tests.factories import OrgContext, new_organisation
from tests.respond_factories import invite, submit
from tests.survey_factories import builtin_questionnaire, create_survey

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def wave(platform: httpx.Client, server_url: str, http: httpx.Client) -> dict[str, Any]:
    """A closed wave (k 3) of one team of six on the newest built-in questionnaire (with the outcome scale)."""
    org: OrgContext = new_organisation(platform, server_url)
    definition = builtin_questionnaire(org, version=None)
    items = [i["key"] for d in definition["dimensions"] for i in d["items"]]
    survey = create_survey(org, title="Meting", languages=["nl", "en"], min_group_size=3,
                           questionnaire_id=definition["id"])
    assert org.admin.post(f"{org.prefix}/surveys/{survey['id']}/open").status_code == 200
    team = org.unit("Team Noord")
    rng = random.Random(3)
    for token in invite(org, survey["id"], team, count=6):
        assert submit(http, token, {key: rng.randint(1, 5) for key in items}).status_code == 201
    assert org.admin.post(f"{org.prefix}/surveys/{survey['id']}/close").status_code == 200
    return {"org": org, "survey": survey, "team": team, "admin": org.key("org_admin"), "analyst": org.key("analyst"),
            "definition": definition}


def listed(wave: dict[str, Any]) -> list[dict[str, Any]]:
    org = wave["org"]
    response = org.admin.get(f"{org.prefix}/surveys/{wave['survey']['id']}/actions")
    assert response.status_code == 200, response.text
    body = response.json()
    return list(body["items"] if isinstance(body, dict) else body)


def open_dashboard(open_tab: Any, wave: dict[str, Any], lang: str, viewport: dict[str, int],
                   key: str = "admin") -> Any:
    tab = open_tab("en-GB" if lang == "en" else "nl-NL", viewport)
    tab.page.goto(f"/dashboard?key&survey={wave['survey']['id']}")
    sign_in(tab.page, wave[key])
    return tab


def test_an_admin_adds_and_changes_an_action_and_bad_input_changes_nothing(wave: dict[str, Any], open_tab: Any,
                                                                           artifacts: Path) -> None:
    tab = open_dashboard(open_tab, wave, "en", LAPTOP)
    page = tab.page
    panel = page.locator("#panel-actions")
    before = listed(wave)
    panel.get_by_role("button", name="Add an action").click()
    form = panel.locator("form.action-form")
    expect(form).to_be_visible()
    title = form.get_by_label("What will be done (title)")
    expect(title).to_be_focused()
    dimension = form.get_by_label("The gap it addresses (dimension)")
    expect(dimension.locator("option", has_text="(outcome)")).to_have_count(1)  # the outcome, labelled so
    # nothing filled in: said beside each field, nothing sent
    form.get_by_role("button", name="Add the action").click()
    expect(form.locator(".field-error").filter(has_text="Say what will be done.")).to_be_visible()
    expect(form.locator(".field-error").filter(has_text="Choose the dimension")).to_be_visible()
    expect(title).to_have_attribute("aria-invalid", "true")
    expect(dimension).to_have_attribute("aria-invalid", "true")
    expect(title).to_be_focused()
    expect(form.get_by_role("alert")).to_contain_text("Nothing was saved")
    assert listed(wave) == before
    # what only the API knows: a title over 200 characters (set past the field's own limit) is refused beside it
    title.evaluate("(node) => { node.value = 'x'.repeat(250); }")
    dimension.select_option("openness")
    form.get_by_role("button", name="Add the action").click()
    expect(form.locator(f"#{title.get_attribute('id')}-error")).to_contain_text("200")
    expect(dimension).to_have_attribute("aria-invalid", "false")
    assert listed(wave) == before
    page.screenshot(path=str(artifacts / "dashboard-action-form-refused-en-laptop.png"), full_page=False)
    form.screenshot(path=str(artifacts / "dashboard-action-form-refused-en.png"))
    # a good one
    title.fill("Monthly lunch about what went wrong")
    statement = form.get_by_label("One statement of it (optional)")
    first_item = wave["definition"]["dimensions"][0]["items"][0]
    statement.select_option(first_item["key"])
    form.get_by_label("Owner").fill("A. Visser")
    form.get_by_label("Due").fill("2027-03-31")
    form.get_by_label("Status").select_option("in_progress")
    form.get_by_role("button", name="Add the action").click()
    row = panel.locator("tbody tr").filter(has_text="Monthly lunch about what went wrong")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("in progress")
    expect(row).to_contain_text("A. Visser")
    expect(row).to_contain_text(first_item["texts"]["en"])
    [made] = [a for a in listed(wave) if a not in before]
    assert made["item_key"] == first_item["key"] and made["due_date"] == "2027-03-31" and made["unit_id"] is None
    # changed: the form comes filled in; the change shows in the table
    panel.get_by_role("button", name="Change the action “Monthly lunch about what went wrong”").click()
    form = panel.locator("form.action-form")
    expect(form.get_by_label("What will be done (title)")).to_have_value("Monthly lunch about what went wrong")
    expect(form.get_by_label("Owner")).to_have_value("A. Visser")
    form.get_by_label("Status").select_option("done")
    form.get_by_role("button", name="Save the changes").click()
    expect(panel.locator("tbody tr").filter(has_text="Monthly lunch about what went wrong")).to_contain_text("done")
    assert [a["status"] for a in listed(wave) if a["id"] == made["id"]] == ["done"]
    assert fits_the_width(page)
    assert tab.csp_violations() == [] and page_errors(tab, refused="/actions") == []


def test_in_dutch_on_a_phone_the_errors_stand_beside_the_fields(wave: dict[str, Any], open_tab: Any,
                                                               artifacts: Path) -> None:
    tab = open_dashboard(open_tab, wave, "nl", PHONE)
    page = tab.page
    panel = page.locator("#panel-actions")
    before = listed(wave)
    panel.get_by_role("button", name="Actie toevoegen").click()
    form = panel.locator("form.action-form")
    form.get_by_role("button", name="Actie toevoegen").click()
    expect(form.locator(".field-error").filter(has_text="Zeg wat er gebeurt.")).to_be_visible()
    expect(form.get_by_role("alert")).to_contain_text("Er is niets opgeslagen")
    assert listed(wave) == before
    # what only the API refuses is said in Dutch too (console-problems.js), beside the field
    title = form.get_by_label("Wat er gebeurt (titel)")
    title.evaluate("(node) => { node.value = 'x'.repeat(250); }")
    form.get_by_label("De kloof waar het om gaat (dimensie)").select_option("openness")
    form.get_by_role("button", name="Actie toevoegen").click()
    expect(form.locator(f"#{title.get_attribute('id')}-error")).to_have_text("hoogstens 200 tekens")
    assert listed(wave) == before
    assert fits_the_width(page)
    form.screenshot(path=str(artifacts / "dashboard-action-form-nl-phone.png"))
    form.get_by_role("button", name="Annuleren").click()
    expect(panel.locator("form.action-form")).to_have_count(0)
    expect(panel.get_by_role("button", name="Actie toevoegen")).to_be_focused()
    assert page_errors(tab, refused="/actions") == []


def test_a_reader_who_may_not_plan_sees_no_form(wave: dict[str, Any], open_tab: Any) -> None:
    tab = open_dashboard(open_tab, wave, "en", LAPTOP, key="analyst")
    page = tab.page
    loaded(page)
    expect(page.locator("#panel-actions .action-add, #panel-actions form")).to_have_count(0)
    assert page_errors(tab) == []
