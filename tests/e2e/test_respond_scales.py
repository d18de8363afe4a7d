"""A custom questionnaire whose dimensions have their own scales, in a real Chromium: the first part offers the
questionnaire's 1..5 with "don't know", the second its own 0..4 without; the answers given are stored as ticked.
Screenshot: tests/artifacts/respond-scales-en.png."""

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import LAPTOP
from tests.e2e.respond_helpers import invite, option, radio
from tests.factories import OrgContext
from tests.respond_factories import stored
from tests.survey_factories import open_survey, questionnaire_body

pytestmark = pytest.mark.browser

TRYING = {"min": 0, "max": 4, "labels": {"en": ["None", "A little", "Some", "Much", "Very much"],
                                         "nl": ["Geen", "Een beetje", "Enigszins", "Veel", "Heel veel"]}}


def test_each_part_offers_its_own_scale(org: OrgContext, open_tab: Any, artifacts: Path) -> None:
    body = questionnaire_body(key="two-scales")
    body["dimensions"][1]["scale"] = TRYING
    q = org.admin.post(f"{org.prefix}/questionnaires", json=body)
    assert q.status_code == 201, q.text
    survey = open_survey(org, questionnaire_id=q.json()["id"], min_group_size=3, ask_desired=False)
    [token] = invite(org, survey["id"], org.unit("Team"))
    page = open_tab("en-GB", LAPTOP).page
    page.goto(f"/respond#{token}")
    page.locator("#next").click()
    heading = page.locator("#step-heading")
    expect(heading).to_have_text("Sharing")
    values = page.locator('input[name="current:sharing_1"]')
    expect(values).to_have_count(6)
    assert [values.nth(i).get_attribute("value") for i in range(6)] == ["1", "2", "3", "4", "5", "dont_know"]
    for key, value in (("sharing_1", 5), ("sharing_2", "dont_know"), ("sharing_3", 1)):
        option(page, "current", key, value).click()
    page.locator("#next").click()
    expect(heading).to_have_text("Trying")
    values = page.locator('input[name="current:trying_1"]')
    expect(values).to_have_count(5)  # 0..4, no "don't know"
    assert [values.nth(i).get_attribute("value") for i in range(5)] == ["0", "1", "2", "3", "4"]
    expect(option(page, "current", "trying_1", 0)).to_contain_text("None")
    expect(option(page, "current", "trying_1", 4)).to_contain_text("Very much")
    option(page, "current", "trying_1", 0).click()
    option(page, "current", "trying_2", 4).click()
    expect(radio(page, "current", "trying_1", 0)).to_be_checked()
    page.screenshot(path=artifacts / "respond-scales-en.png", full_page=True)
    page.locator("#next").click()
    expect(heading).to_have_text("Check and submit")
    page.locator("#next").click()
    expect(page.locator("#message-title")).to_have_text("Thank you!")
    [row] = stored(org, survey["id"])
    assert [row[k] for k in ("sharing_1", "sharing_2", "sharing_3", "trying_1", "trying_2")] == [
        "5", "dont_know", "1", "0", "4"]
