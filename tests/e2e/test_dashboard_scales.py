"""The dashboard on a questionnaire whose dimensions have their own scales (1..5 and 0..4), in a real Chromium:
the readiness panel gives each team's index as a share of the way up each scale and says so, with the API's
figures. Screenshot: tests/artifacts/dashboard-scales-readiness.png."""

import gzip
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import LAPTOP
from tests.e2e.dashboard_helpers import sign_in
from tests.factories import OrgContext
from tests.respond_factories import csv_upload
from tests.stats.helpers import REFERENCE
from tests.survey_factories import open_survey, questionnaire_body

pytestmark = pytest.mark.browser

TRYING = {"min": 0, "max": 4, "labels": {"en": ["None", "A little", "Some", "Much", "Very much"],
                                         "nl": ["Geen", "Een beetje", "Enigszins", "Veel", "Heel veel"]}}


def test_readiness_index_on_two_scales(org: OrgContext, open_tab: Any, artifacts: Path) -> None:
    body = questionnaire_body(key="two-scales")
    body["dimensions"][1]["scale"] = TRYING
    q = org.admin.post(f"{org.prefix}/questionnaires", json=body).json()
    sid = open_survey(org, questionnaire_id=q["id"], ask_desired=False, min_group_size=5)["id"]
    with gzip.open(REFERENCE / "dimension_scales.csv.gz", "rt", encoding="utf-8") as f:
        text = f.read()
    imported = org.admin.post(f"{org.prefix}/surveys/{sid}/responses/import", params={"unknown_units": "create"},
                              files=csv_upload(text))
    assert imported.status_code == 201, imported.text
    assert org.admin.post(f"{org.prefix}/surveys/{sid}/close").status_code == 200
    readiness = org.admin.get(f"{org.prefix}/surveys/{sid}/reports/readiness").json()
    assert readiness["metric"] == "pomp"
    [most] = readiness["most_ready_teams"]
    page = open_tab("en-GB", LAPTOP).page
    page.goto("/dashboard?key")
    sign_in(page, org.key())
    panel = page.locator("#panel-readiness")
    expect(panel).to_contain_text("how far up each dimension's own scale the team scores on average")
    block = panel.locator(".summary-block").filter(has_text="Most ready teams")
    expect(block.locator(".summary-name")).to_have_text([most["group"]["unit_name"]])
    expect(block.locator(".summary-figure")).to_have_text([f"{round(most['index'] * 100)}%"])
    points = f"+{round(most['difference'] * 100)} percentage points vs the rest of the organisation"
    expect(block.locator(".summary-detail").last).to_contain_text(points)
    panel.screenshot(path=str(artifacts / "dashboard-scales-readiness.png"))
