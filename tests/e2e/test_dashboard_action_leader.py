"""A leader signed in (by e-mail link, their session cookie in a real Chromium) plans actions on the dashboard for
their own unit: adds one, changes it; the form offers only their own units (not the whole organisation), and an
action aimed at another unit (a form left open while their units changed, or altered) is refused in the form and
changes nothing. Screenshot: tests/artifacts/dashboard-action-leader-*.png."""

import random
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import LAPTOP, PHONE
from tests.e2e.dashboard_helpers import fits_the_width, loaded, page_errors
from tests.factories import OrgContext
from tests.mailbox import Mailbox
from tests.people_factories import create_person, sign_in
from tests.respond_factories import invite, submit
from tests.survey_factories import builtin_questionnaire, create_survey

pytestmark = pytest.mark.browser
FORBIDDEN = "Failed to load resource: the server responded with a status of 403"


def _wave(org: OrgContext, http: httpx.Client) -> dict[str, Any]:
    """A closed wave (k 3): Team Noord (the leader's) and Team Zuid answered, six each."""
    definition = builtin_questionnaire(org, version=None)
    items = [i["key"] for d in definition["dimensions"] for i in d["items"]]
    survey = create_survey(org, title="Meting", languages=["nl", "en"], min_group_size=3,
                           questionnaire_id=definition["id"])
    assert org.admin.post(f"{org.prefix}/surveys/{survey['id']}/open").status_code == 200
    units = org.tree({"Gemeente": {"Team Noord": {}, "Team Zuid": {}}})
    rng = random.Random(5)
    for team in ("Team Noord", "Team Zuid"):
        for token in invite(org, survey["id"], units[team], count=6):
            assert submit(http, token, {key: rng.randint(1, 5) for key in items}).status_code == 201
    assert org.admin.post(f"{org.prefix}/surveys/{survey['id']}/close").status_code == 200
    return {"survey": survey, "units": units}


def _actions(org: OrgContext, survey: str) -> list[dict[str, Any]]:
    response = org.admin.get(f"{org.prefix}/surveys/{survey}/actions")
    assert response.status_code == 200, response.text
    body = response.json()
    return list(body["items"] if isinstance(body, dict) else body)


def _leader_tab(open_tab: Any, org: OrgContext, mailbox: Mailbox, unit: str, locale: str,
                viewport: dict[str, int]) -> Any:
    person = sign_in(org.base_url, mailbox, create_person(org, "leader", [unit], name="T. Leider"))
    tab = open_tab(locale, viewport)
    tab.page.context.add_cookies([{"name": name, "value": value, "url": org.base_url}
                                  for name, value in person.client.cookies.items()])
    person.client.close()
    return tab


@pytest.mark.parametrize(("lang", "device"), [("en", "laptop"), ("nl", "phone")])
def test_a_leader_plans_for_their_own_unit_and_is_refused_another(org: OrgContext, http: httpx.Client,
                                                                  mailbox: Mailbox, open_tab: Any, artifacts: Path,
                                                                  lang: str, device: str) -> None:
    wave = _wave(org, http)
    survey, noord, zuid = wave["survey"]["id"], wave["units"]["Team Noord"], wave["units"]["Team Zuid"]
    en = lang == "en"
    tab = _leader_tab(open_tab, org, mailbox, noord, "en-GB" if en else "nl-NL", LAPTOP if en else PHONE)
    page = tab.page
    page.goto(f"/dashboard?survey={survey}")
    loaded(page)
    panel = page.locator("#panel-actions")
    panel.get_by_role("button", name="Add an action" if en else "Actie toevoegen").click()
    form = panel.locator("form.action-form")
    unit = form.get_by_label("Unit" if en else "Eenheid")
    # only their own unit: no whole organisation, no other team
    expect(unit.locator("option")).to_have_count(1)
    expect(unit).to_have_value(noord)
    form.get_by_label("What will be done (title)" if en else "Wat er gebeurt (titel)").fill("Leerlunch in Noord")
    form.get_by_label("The gap it addresses (dimension)" if en else "De kloof waar het om gaat (dimensie)") \
        .select_option("openness")
    form.get_by_role("button", name="Add the action" if en else "Actie toevoegen").click()
    row = panel.locator("tbody tr").filter(has_text="Leerlunch in Noord")
    expect(row).to_have_count(1)
    [made] = _actions(org, survey)
    assert (made["unit_id"], made["dimension_key"], made["title"]) == (noord, "openness", "Leerlunch in Noord")

    # changed by the leader: the status moves on
    panel.get_by_role("button", name=("Change the action “Leerlunch in Noord”" if en
                                      else "De actie “Leerlunch in Noord” wijzigen")).click()
    form = panel.locator("form.action-form")
    form.get_by_label("Status").select_option("in_progress")
    form.get_by_role("button", name="Save the changes" if en else "Wijzigingen opslaan").click()
    expect(panel.locator("form.action-form")).to_have_count(0)
    assert [a["status"] for a in _actions(org, survey)] == ["in_progress"]

    # another unit: the form can't offer it, so it is put in as a stale or altered form would send it; refused
    # in the form (403), nothing saved, the form stays open with what was typed
    panel.get_by_role("button", name="Add an action" if en else "Actie toevoegen").click()
    form = panel.locator("form.action-form")
    unit = form.get_by_label("Unit" if en else "Eenheid")
    unit.evaluate("(node, id) => { node.append(new Option('Team Zuid', id)); node.value = id; }", zuid)
    title = form.get_by_label("What will be done (title)" if en else "Wat er gebeurt (titel)")
    title.fill("Leerlunch in Zuid")
    form.get_by_label("The gap it addresses (dimension)" if en else "De kloof waar het om gaat (dimensie)") \
        .select_option("transparency")
    form.get_by_role("button", name="Add the action" if en else "Actie toevoegen").click()
    alert = form.get_by_role("alert")
    expect(alert).to_contain_text("you may plan actions only for your own units" if en
                                  else "u mag alleen acties plannen voor uw eigen eenheden")
    # the API's reason, in the page's language
    expect(alert).to_contain_text("A leader plans actions only for the units of their own subtrees." if en
                                  else "Een leidinggevende plant alleen acties voor de eigen eenheden")
    expect(alert).to_be_focused()
    expect(title).to_have_value("Leerlunch in Zuid")
    assert [a["title"] for a in _actions(org, survey)] == ["Leerlunch in Noord"]
    assert fits_the_width(page)
    form.screenshot(path=str(artifacts / f"dashboard-action-leader-refused-{lang}-{device}.png"))
    errors = page_errors(tab)
    assert [e for e in errors if not e.startswith(FORBIDDEN)] == [] and len(errors) == 1
    assert tab.csp_violations() == []
