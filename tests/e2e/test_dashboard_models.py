"""The perceptions panel's primary verdict (the mixed model, teams taken into account) and whether the layers read
the statements alike (issue 17), in a real Chromium on server data: the sentences are the report's readings, in
English and Dutch, with their figures in the details; where the model cannot be fitted, the reason in words."""

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import LAPTOP, PHONE
from tests.e2e.dashboard_helpers import page_errors, sign_in
from tests.factories import OrgContext
from tests.report_factories import survey_with_responses
from tests.reports.test_gap_models import TEAMS
from tests.reports.test_gaps import LEADERS

pytestmark = pytest.mark.browser


def _closed(org: OrgContext, population: Any) -> Any:
    """The population imported into a wave that is then opened and closed (the dashboard lists no drafts)."""
    survey = survey_with_responses(org, population)
    for step in ("open", "close"):
        response = org.admin.post(f"{org.prefix}/surveys/{survey.id}/{step}")
        assert response.status_code == 200, response.text
    return survey


def _leaders(report: dict[str, Any]) -> dict[str, Any]:
    return next(c for c in report["comparisons"] if c["a"]["layer_keys"] == ["team_leader"])


@pytest.mark.parametrize(("lang", "locale", "viewport"), [("en", "en-GB", LAPTOP), ("nl", "nl-NL", PHONE)])
def test_perception_panel_leads_with_the_mixed_model_and_says_if_layers_read_alike(
        org: OrgContext, open_tab: Any, lang: str, locale: str, viewport: dict[str, int]) -> None:
    survey = _closed(org, TEAMS)
    report = org.admin.get(f"{org.prefix}/surveys/{survey.id}/reports/perception-gaps",
                           params={"lang": lang}).json()
    leaders = _leaders(report)
    tab = open_tab(locale, viewport)
    page = tab.page
    page.goto("/dashboard?key")
    sign_in(page, org.key())
    chart = page.locator("#panel-perception .small-multiple").filter(has_text=leaders["a"]["name"]).first
    models = chart.locator(".model-findings")
    expect(models.locator("h4")).to_have_text("Taking the teams into account" if lang == "en" else
                                              "Rekening houdend met de teams")
    # the model's sentences come before the Welch findings
    assert chart.locator(".model-findings + ul.findings, .model-findings ~ ul.findings").count() == 1
    for d in leaders["dimensions"]:
        item = models.locator(f".model-finding[data-dimension={d['key']}]")
        mm = d["mixed_model"]
        expect(item.locator(".model-primary")).to_have_text(mm["reading"][lang])
        expect(item).to_have_attribute("data-significant", "true" if mm["significant"] else "false")
        expect(item.locator(".model-invariance")).to_have_text(d["invariance"]["reading"][lang])
        expect(item.locator(".model-invariance")).to_have_attribute("data-verdict", d["invariance"]["verdict"])
        item.locator("summary").click()
        icc = f"{mm['icc']:.2f}" if lang == "en" else f"{mm['icc']:.2f}".replace(".", ",")
        expect(item.locator(".model-icc")).to_have_text(icc)
        expect(item.locator(".model-teams")).to_have_text("8")
    assert page_errors(tab) == []


def test_perception_panel_says_why_the_model_was_not_fitted(org: OrgContext, open_tab: Any) -> None:
    survey = _closed(org, LEADERS)  # two teams: too few for a random intercept
    report = org.admin.get(f"{org.prefix}/surveys/{survey.id}/reports/perception-gaps").json()
    leaders = _leaders(report)
    tab = open_tab("en-GB", LAPTOP)
    page = tab.page
    page.goto("/dashboard?key")
    sign_in(page, org.key())
    chart = page.locator("#panel-perception .small-multiple").filter(has_text=leaders["a"]["name"]).first
    first = leaders["dimensions"][0]
    item = chart.locator(f".model-finding[data-dimension={first['key']}]")
    expect(item.locator(".model-primary")).to_have_text(first["mixed_model"]["explanation"]["en"])
    expect(item.locator(".model-primary")).to_contain_text("fewer than 5 teams")
    expect(item.locator(".model-invariance")).to_contain_text("at least 30 respondents per group")
    expect(item.locator(".model-icc")).to_have_count(0)
    assert page_errors(tab) == []
