"""An action's before and after on the dashboard (issue 16, item 4), in a real Chromium: viewing an earlier wave
once a later one exists, each action's unit shows its dimension (and statement) in both waves and the change, as
`GET .../actions/{id}/effect` returns them, with the API's caveat (a change, not proof that the action caused it).
A unit hidden in the later wave shows no after figure and no change, only the reason. English on a laptop, Dutch on
a phone. Screenshots: tests/artifacts/dashboard-action-effect-*.png."""

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import LAPTOP, PHONE
from tests.e2e.dashboard_helpers import en as en_num
from tests.e2e.dashboard_helpers import (
    fits_the_width,
    gap,
    hidden_long,
    hidden_short,
    loaded,
    page_errors,
    sign_in,
    significant,
)
from tests.e2e.dashboard_helpers import nl as nl_num
from tests.factories import OrgContext
from tests.report_factories import Population, SurveyWithData, survey_with_responses
from tests.survey_factories import builtin_questionnaire

pytestmark = pytest.mark.browser

# Team 2 answers in numbers in the first wave and drops below the minimum (5) in the second.
FIRST = [("Town/Care/Team 1", "employee", 8, 0.3), ("Town/Care/Team 2", "employee", 10, 0.0),
         ("Town/Space", "employee", 12, -0.2), ("Town", "director", 5, 0.6)]
LATER = [("Town/Care/Team 1", "employee", 10, 0.9), ("Town/Care/Team 2", "employee", 3, 0.4),
         ("Town/Space", "employee", 12, 0.3), ("Town", "director", 5, 1.0)]
WORDS = {"en": {"title": "Before and after, in the next wave", "change": "Change"},
         "nl": {"title": "Voor en na, in de volgende meting", "change": "Verandering"}}


def figure(wave: dict[str, Any], lang: str) -> str:
    num = en_num if lang == "en" else nl_num
    return f"{num(wave['mean'])} (n = {wave['n']})"


def two_waves(org: OrgContext) -> list[SurveyWithData]:
    waves = []
    for title, pop in (("Wave 2025", Population(FIRST, seed=61, missing=0.0)),
                       ("Wave 2026", Population(LATER, seed=62, missing=0.0))):
        waves.append(survey_with_responses(org, pop, title=title))
        for step in ("open", "close"):  # the dashboard lists waves that have been opened
            assert org.admin.post(f"{org.prefix}/surveys/{waves[-1].id}/{step}").status_code == 200
    return waves


@pytest.mark.parametrize(("lang", "viewport"), [("en", LAPTOP), ("nl", PHONE)])
def test_each_action_shows_its_unit_before_and_after(org: OrgContext, open_tab: Any, artifacts: Path, lang: str,
                                                     viewport: dict[str, int]) -> None:
    openness = builtin_questionnaire(org)["dimensions"][0]
    waves = two_waves(org)
    first = waves[0]
    url = f"{org.prefix}/surveys/{first.id}/actions"
    plan = [{"item_key": openness["items"][1]["key"], "title": "Talk about mistakes"},
            {"unit_id": first.units["Town/Care/Team 2"], "dimension_key": openness["key"], "title": "Team mentors"}]
    created = [org.admin.post(url, json=body) for body in plan]
    assert all(r.status_code == 201 for r in created), [r.text for r in created]
    effects = {}
    for action in created:
        response = org.admin.get(f"{url}/{action.json()['id']}/effect", params={"lang": lang})
        assert response.status_code == 200, response.text
        effects[action.json()["title"]] = response.json()
    shown, hidden = effects["Talk about mistakes"], effects["Team mentors"]
    assert shown["after_survey_id"] == waves[1].id and shown["item"] is not None
    assert hidden["dimension"]["after"]["mean"] is None and hidden["dimension"]["before"]["mean"] is not None

    tab = open_tab("en-GB" if lang == "en" else "nl-NL", viewport)
    page = tab.page
    page.goto(f"/dashboard?key&survey={first.id}")
    sign_in(page, org.key())
    section = page.locator("#panel-actions .action-effects")
    expect(section.get_by_role("heading", name=WORDS[lang]["title"])).to_be_visible()
    expect(section.locator("table")).to_have_count(2)
    for title, effect in effects.items():
        table = section.locator("table").filter(has=page.locator("caption", has_text=title))
        expect(table).to_have_count(1)
        expect(table.locator("thead th")).to_have_text(["", "Wave 2025", "Wave 2026", WORDS[lang]["change"]])
        rows = [effect["dimension"], *([effect["item"]] if effect["item"] else [])]
        expect(table.locator("tbody tr")).to_have_count(len(rows))
        for row, figures in zip(table.locator("tbody tr").all(), rows, strict=True):
            cells = row.locator("th, td")
            expect(cells.nth(0)).to_have_text(figures["name"])
            expect(cells.nth(1)).to_have_text(figure(figures["before"], lang))
            after, change = figures["after"], figures["change"]
            if after["mean"] is None:  # hidden in the next wave: the reason, short on screen and in words
                reason = after["reason"]
                expect(cells.nth(2).locator("[aria-hidden=true]")).to_have_text(hidden_short(reason, lang))
                expect(cells.nth(2).locator(".visually-hidden")).to_have_text(hidden_long(reason, lang))
                expect(cells.nth(3)).to_have_text("\u2013")  # no change; why, in the API's words under the table
                expect(section.locator(".effect-none li")).to_have_text([figures["reading"][lang]])
                assert change["difference"] is None
            else:
                expect(cells.nth(2)).to_have_text(figure(after, lang))
                expect(cells.nth(3)).to_have_text(gap(change["difference"], significant(change), lang))
    expect(section.locator(".effect-caveat")).to_have_text(shown["caveat"][lang])
    assert ("not proof" if lang == "en" else "geen bewijs") in shown["caveat"][lang]
    assert fits_the_width(page)
    name = f"{lang}-{'phone' if viewport is PHONE else 'laptop'}"
    page.locator("#panel-actions").screenshot(path=str(artifacts / f"dashboard-action-effect-{name}.png"))
    assert tab.csp_violations() == [] and page_errors(tab) == []


def test_the_latest_wave_asks_for_no_before_and_after(org: OrgContext, open_tab: Any) -> None:
    """Without a later wave the plan stands alone: no effect is asked for, no section drawn."""
    wave = survey_with_responses(org, Population(FIRST, seed=63, missing=0.0), title="Only wave")
    for step in ("open", "close"):
        assert org.admin.post(f"{org.prefix}/surveys/{wave.id}/{step}").status_code == 200
    body = {"dimension_key": builtin_questionnaire(org)["dimensions"][0]["key"], "title": "Open doors"}
    assert org.admin.post(f"{org.prefix}/surveys/{wave.id}/actions", json=body).status_code == 201
    tab = open_tab("en-GB", LAPTOP)
    page = tab.page
    page.goto(f"/dashboard?key&survey={wave.id}")
    sign_in(page, org.key())
    expect(page.locator("#panel-actions tbody tr")).to_have_count(1)
    expect(page.locator("#panel-actions .action-effects")).to_have_count(0)
    assert not [u for u in tab.request_urls if u.split("?")[0].endswith("/effect")]
    assert page_errors(tab) == []


def test_a_changed_action_shows_its_new_dimension_by_keyboard(org: OrgContext, open_tab: Any) -> None:
    """Changed in the form (by keyboard alone), the action's before and after is read again: the new dimension, and
    still no after figure for the unit hidden in the later wave."""
    dims = builtin_questionnaire(org)["dimensions"]
    first = two_waves(org)[0]
    body = {"unit_id": first.units["Town/Care/Team 2"], "dimension_key": dims[0]["key"], "title": "Team mentors"}
    assert org.admin.post(f"{org.prefix}/surveys/{first.id}/actions", json=body).status_code == 201
    tab = open_tab("en-GB", LAPTOP)
    page = tab.page
    page.goto(f"/dashboard?key&survey={first.id}")
    sign_in(page, org.key("org_admin"))
    section = page.locator("#panel-actions .action-effects")
    expect(section.locator("tbody th")).to_have_text([dims[0]["names"]["en"]])
    page.get_by_role("button", name="Change the action “Team mentors”").focus()
    page.keyboard.press("Enter")
    form = page.locator("#panel-actions form.action-form")
    form.get_by_label("The gap it addresses (dimension)").focus()
    form.get_by_label("The gap it addresses (dimension)").select_option(dims[2]["key"])
    form.get_by_role("button", name="Save the changes").focus()
    page.keyboard.press("Enter")
    expect(section.locator("tbody th")).to_have_text([dims[2]["names"]["en"]])
    expect(section.locator("tbody td").nth(1).locator(".suppressed-text")).to_have_count(1)  # after: hidden
    assert tab.csp_violations() == [] and page_errors(tab) == []


def test_the_later_wave_shows_what_the_previous_one_planned(org: OrgContext, open_tab: Any, artifacts: Path) -> None:
    """Viewing the later wave, its trend panel lists what the previous wave planned, each action's unit before and
    after as `GET .../earlier-actions` gives it, with the action's status (Dutch, on a phone); at a team
    the list keeps to that team's subtree."""
    openness = builtin_questionnaire(org)["dimensions"][0]
    first, later = two_waves(org)
    url = f"{org.prefix}/surveys/{first.id}/actions"
    team = first.units["Town/Care/Team 2"]
    for body in ({"item_key": openness["items"][1]["key"], "title": "Talk about mistakes", "status": "done"},
                 {"unit_id": team, "dimension_key": openness["key"], "title": "Team mentors"}):
        assert org.admin.post(url, json=body).status_code == 201
    listed = org.admin.get(f"{org.prefix}/surveys/{later.id}/earlier-actions", params={"lang": "nl"})
    assert listed.status_code == 200, listed.text
    entries = listed.json()
    assert [e["action"]["title"] for e in entries] == ["Talk about mistakes", "Team mentors"]

    tab = open_tab("nl-NL", PHONE)
    page = tab.page
    page.goto(f"/dashboard?key&survey={later.id}")
    sign_in(page, org.key())
    section = page.locator("#panel-trend .earlier-actions")
    expect(section.get_by_role("heading", name="Wat in de vorige meting gepland werd, voor en na")).to_be_visible()
    expect(section.locator("caption")).to_have_text(["Talk about mistakes · Hele organisatie · klaar",
                                                      "Team mentors · Town / Care / Team 2 · gepland"])
    for table, entry in zip(section.locator("table").all(), entries, strict=True):
        effect = entry["effect"]
        expect(table.locator("thead th")).to_have_text(["", "Wave 2025", "Wave 2026", "Verandering"])
        rows = [effect["dimension"], *([effect["item"]] if effect["item"] else [])]
        for row, figures in zip(table.locator("tbody tr").all(), rows, strict=True):
            cells = row.locator("th, td")
            expect(cells.nth(1)).to_have_text(figure(figures["before"], "nl"))
            if figures["after"]["mean"] is None:
                expect(cells.nth(2).locator(".visually-hidden")).to_have_text(hidden_long(figures["after"]["reason"],
                                                                                          "nl"))
            else:
                expect(cells.nth(2)).to_have_text(figure(figures["after"], "nl"))
                change = figures["change"]
                expect(cells.nth(3)).to_have_text(gap(change["difference"], significant(change), "nl"))
    expect(section.locator(".effect-caveat")).to_have_text(entries[0]["effect"]["caveat"]["nl"])
    assert fits_the_width(page)
    page.locator("#panel-trend").screenshot(path=str(artifacts / "dashboard-earlier-actions-nl-phone.png"))

    page.goto(f"/dashboard?key&survey={later.id}&unit={first.units['Town/Care']}")  # the tab stays signed in
    loaded(page)
    expect(page.locator("#panel-trend .earlier-actions caption")).to_have_text(
        ["Team mentors · Town / Care / Team 2 · gepland"])
    assert tab.csp_violations() == [] and page_errors(tab) == []
