"""The perceptions panel's primary verdict (the mixed model, teams taken into account) and whether the layers read
the statements alike (issue 17), in a real Chromium on server data: the sentences are the report's readings, in
English and Dutch, with their figures in the details; where the model cannot be fitted, the reason in words and
Welch's verdict. One verdict per dimension on the page: where Welch and the model disagree, the model's, once."""

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import LAPTOP, PHONE
from tests.e2e.dashboard_helpers import open_tables, page_errors, shown_name, sign_in
from tests.e2e.test_dashboard_statements import WORDS, excludes_zero
from tests.factories import OrgContext
from tests.report_factories import survey_with_responses
from tests.reports.test_gap_models import TEAMS
from tests.reports.test_gap_verdict import CLUSTERED
from tests.reports.test_gaps import LEADERS

pytestmark = pytest.mark.browser
VERDICT = {lang: {True: w["clear"], False: w["chance"]} for lang, w in WORDS.items()}


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
    # the model's sentence is the verdict of every fitted dimension: no Welch finding repeats (or contradicts) it
    expect(chart.locator("li.finding:not(.model-finding)")).to_have_count(0)
    for d in leaders["dimensions"]:
        item = models.locator(f".model-finding[data-dimension={d['key']}]")
        mm = d["mixed_model"]
        assert d["verdict_test"] == "mixed_model" and d["significant"] is mm["significant"]
        expect(item.locator(".model-primary")).to_have_text(mm["reading"][lang])
        expect(item).to_have_attribute("data-significant", "true" if mm["significant"] else "false")
        expect(item.locator(".model-invariance")).to_have_text(d["invariance"]["reading"][lang])
        expect(item.locator(".model-invariance")).to_have_attribute("data-verdict", d["invariance"]["verdict"])
        item.locator("summary").click()
        icc = f"{mm['icc']:.2f}" if lang == "en" else f"{mm['icc']:.2f}".replace(".", ",")
        expect(item.locator(".model-icc")).to_have_text(icc)
        expect(item.locator(".model-teams")).to_have_text("8")
        cr2 = mm["cluster_robust"]  # the secondary check: its unadjusted p and df, never a verdict of its own
        p = "< 0.001" if cr2["p"] < 0.001 else f"{cr2['p']:.3f}"
        value = f"{p} ({cr2['df']:.1f} {'degrees of freedom' if lang == 'en' else 'vrijheidsgraden'})"
        expect(item.locator(".model-robust")).to_have_text(value if lang == "en" else value.replace(".", ","))
        assert excludes_zero(item.locator(".finding-ci-adjusted").inner_text(), lang) is mm["significant"]
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
    expect(item.locator(".model-robust")).to_have_count(0)
    # not fitted: Welch's finding gives the verdict, with the interval that agrees with it
    assert first["verdict_test"] == "welch"
    welch = chart.locator("li.finding:not(.model-finding)").filter(has_text=first["name"]).first
    expect(welch).to_have_attribute("data-significant", "true" if first["significant"] else "false")
    expect(welch.locator(".finding-text")).to_contain_text(VERDICT["en"][first["significant"]])
    assert excludes_zero(welch.locator(".finding-ci-adjusted").text_content() or "", "en") is first["significant"]
    assert page_errors(tab) == []


def test_where_welch_and_the_model_disagree_the_page_says_the_models_verdict_once(
        org: OrgContext, open_tab: Any) -> None:
    survey = _closed(org, CLUSTERED)  # Welch: the department heads clearly higher; the mixed model: could be chance
    report = org.admin.get(f"{org.prefix}/surveys/{survey.id}/reports/perception-gaps").json()
    heads = next(c for c in report["comparisons"] if c["a"]["layer_keys"] == ["department_head"])
    assert all(d["welch"]["p_adjusted"] < 0.05 and d["significant"] is False for d in heads["dimensions"])
    tab = open_tab("en-GB", LAPTOP)
    page = tab.page
    page.goto("/dashboard?key")
    sign_in(page, org.key())
    chart = page.locator("#panel-perception .small-multiple").filter(has_text=heads["a"]["name"]).first
    expect(chart.locator(".model-finding")).to_have_count(len(heads["dimensions"]))
    expect(chart.locator("li.finding:not(.model-finding)")).to_have_count(0)  # no Welch sentence beside it
    expect(chart).not_to_contain_text(VERDICT["en"][True])
    expect(chart).not_to_contain_text("\u2605")  # no bar marked significant
    for d in heads["dimensions"]:
        item = chart.locator(f".model-finding[data-dimension={d['key']}]")
        expect(item).to_have_attribute("data-significant", "false")
        expect(item.locator(".model-primary")).to_have_text(d["mixed_model"]["reading"]["en"])
        expect(item.locator(".model-primary")).to_contain_text("non-significant")
        item.locator("summary").click()
        assert excludes_zero(item.locator(".finding-ci-adjusted").inner_text(), "en") is False
    # the table: the heads' rows say "no", with the model's adjusted p and an interval around 0
    open_tables(page)
    table = page.locator("#panel-perception table.data-table")
    heads_rows = table.locator("tbody tr").filter(has_text=heads["a"]["name"])
    expect(heads_rows).to_have_count(len(heads["dimensions"]))
    for row in heads_rows.all():
        cells = [c.strip() for c in row.locator("th, td").all_inner_texts()]
        d = next(x for x in heads["dimensions"] if shown_name(x) == cells[1])
        assert cells[-1] == "no" and excludes_zero(cells[3], "en") is False, cells
        assert cells[-2] == f"{d['mixed_model']['test']['p_adjusted']:.3f}", cells
    assert page_errors(tab) == []
