"""The action plan on the dashboard, in a real Chromium on the demo's data: each action beside the gap it
addresses (the readiness report's figure for the scope), most room to grow first; a unit-scoped key sees only the
actions of its subtree. Dutch and English, laptop and phone. Screenshots: tests/artifacts/dashboard-actions-*.png."""

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import LAPTOP, PHONE
from tests.e2e.dashboard_helpers import Demo, fits_the_width, gap, load_demo, loaded, page_errors, sign_in
from tests.e2e.dashboard_helpers import en as en_num
from tests.e2e.dashboard_helpers import nl as nl_num

pytestmark = pytest.mark.browser

WAVE = "Meting 2026"
STATUS = {"en": {"planned": "planned", "in_progress": "in progress"}, "nl": {"planned": "gepland",
                                                                            "in_progress": "bezig"}}


@pytest.fixture(scope="module")
def demo(server_url: str) -> Demo:
    return load_demo(server_url)


@pytest.fixture(scope="module")
def plan(demo: Demo) -> dict[str, Any]:
    """Two actions of the current wave besides the demo's own: one for the scoped analyst's unit on a statement, one
    for the whole organisation."""
    survey = demo.survey(WAVE)
    units = {u["id"]: u for u in demo.units()}
    with demo.api() as http:
        url = f"{demo.prefix}/surveys/{survey['id']}/actions"
        inside = http.post(url, json={"unit_id": demo.analyst_unit, "item_key": "openness_2", "owner_name": "A. Visser",
                                      "title": "Team talks about mistakes", "due_date": "2027-03-31",
                                      "status": "in_progress"})
        everyone = http.post(url, json={"dimension_key": "diversity", "title": "Mixed project teams"})
        listed = http.get(url).json()
    assert inside.status_code == 201 and everyone.status_code == 201, (inside.text, everyone.text)
    return {"survey": survey, "inside": inside.json(), "everyone": everyone.json(), "listed": listed,
            "unit_name": units[demo.analyst_unit]["name"]}


def gap_text(d: dict[str, Any], lang: str) -> str:
    num = en_num if lang == "en" else nl_num
    g = d["desired_gap"]
    if lang == "en":
        return f"now {num(g['mean_current'])}, wanted {num(g['mean_desired'])} ({gap(g['gap'], g['significant'])})"
    return f"nu {num(g['mean_current'])}, gewenst {num(g['mean_desired'])} ({gap(g['gap'], g['significant'], 'nl')})"


@pytest.mark.parametrize(("lang", "viewport"), [("en", LAPTOP), ("nl", PHONE)])
def test_actions_stand_beside_the_gap_they_address(demo: Demo, plan: dict[str, Any], open_tab: Any,
                                                   artifacts: Path, lang: str, viewport: dict[str, int]) -> None:
    survey = plan["survey"]
    readiness = demo.report(survey["id"], "readiness", lang=lang)
    assert readiness["ranked_by"] == "desired_gap" and not readiness["suppressed"]
    dims = {d["key"]: d for d in readiness["dimensions"]}
    tab = open_tab("en-GB" if lang == "en" else "nl-NL", viewport)
    page = tab.page
    page.goto(f"/dashboard?key&survey={survey['id']}")
    sign_in(page, demo.admin_key)
    panel = page.locator("#panel-actions")
    expect(panel.locator("h2")).to_have_text("Action plan" if lang == "en" else "Actieplan")
    rows = panel.locator("tbody tr")  # most room to grow first; the outcome (not ranked) last
    ranked = sorted(plan["listed"], key=lambda a: (dims[a["dimension_key"]]["rank"] if a["dimension_key"] in dims
                                                   else 99, a["dimension_key"]))
    expect(rows.locator("th")).to_have_text([a["title"] for a in ranked])
    for which, key in (("inside", "openness"), ("everyone", "diversity")):
        action = plan[which]
        cells = rows.filter(has=page.locator("th", has_text=action["title"])).locator("th, td")
        expect(cells.nth(0)).to_have_text(action["title"])
        expect(cells.nth(1)).to_contain_text(action["dimension_names"][lang])
        expect(cells.nth(2)).to_have_text(gap_text(dims[key], lang))
        expect(cells.nth(6)).to_have_text(STATUS[lang][action["status"]])
    inside = rows.filter(has_text=plan["inside"]["title"])
    expect(inside.locator("td").nth(0)).to_contain_text(plan["inside"]["item_texts"][lang])
    expect(inside.locator("td").nth(2)).to_contain_text(plan["unit_name"])
    expect(inside.locator("td").nth(3)).to_have_text("A. Visser")
    expect(panel.locator(".panel-foot")).to_contain_text("not proof" if lang == "en" else "geen bewijs")
    assert fits_the_width(page)
    panel.screenshot(path=str(artifacts / f"dashboard-actions-{lang}.png"))
    assert tab.csp_violations() == [] and page_errors(tab) == []


def test_a_unit_scoped_reader_sees_only_their_units_actions(demo: Demo, plan: dict[str, Any], open_tab: Any) -> None:
    tab = open_tab("en-GB", LAPTOP)
    page = tab.page
    page.goto(f"/dashboard?key&survey={plan['survey']['id']}")
    sign_in(page, demo.analyst_key)
    loaded(page)
    rows = page.locator("#panel-actions tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.locator("th")).to_have_text(plan["inside"]["title"])
    assert page_errors(tab) == []
