"""The published answers downloaded from the console in a real Chromium: a wave whose answers are published offers
the raw export (long by default, or wide; CSV, Dutch Excel's CSV, a workbook, SPSS), the browser saves exactly the
API's file, and the page says how many answers the wide shape left out and that the long one holds them. A wave without
published answers says when they can be had. English on a laptop, Dutch on a phone."""

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import LAPTOP, PHONE
from tests.e2e.dashboard_helpers import fits_the_width, page_errors
from tests.e2e.test_console import _signed_in
from tests.factories import OrgContext
from tests.mailbox import Mailbox
from tests.report_factories import Population, survey_with_responses
from tests.survey_factories import create_survey

pytestmark = pytest.mark.browser
POPULATION = Population([("Town/Care", "employee", 8, 0.2), ("Town/Space", "employee", 7, -0.2),
                         ("Town", "director", 6, 0.5)], seed=4)


def test_an_admin_downloads_the_answers_on_a_laptop(open_tab: Any, org: OrgContext, mailbox: Mailbox,
                                                    tmp_path: Path, artifacts: Path) -> None:
    survey = survey_with_responses(org, POPULATION, title="Autumn")
    tab = _signed_in(open_tab, org, mailbox, "org_admin", "en-GB", LAPTOP)
    page = tab.page
    page.goto("/console")
    expect(page.get_by_role("heading", name="Answers for your own analysis")).to_be_visible()
    api = f"{org.prefix}/surveys/{survey.id}/responses/export"

    with page.expect_download() as long:  # the default: long, CSV
        page.get_by_role("button", name="Download").click()
    long.value.save_as(tmp_path / "long.csv")
    expected = org.admin.get(api, params={"shape": "long"})
    assert (tmp_path / "long.csv").read_bytes() == expected.content
    expect(page.locator("#answers-result")).to_have_text(f"Saved: {expected.headers['x-export-rows']} rows.")

    page.get_by_label("Shape").select_option("wide")
    with page.expect_download() as wide:
        page.get_by_role("button", name="Download").click()
    saved = tmp_path / "wide.csv"
    wide.value.save_as(saved)
    expected = org.admin.get(api)
    assert wide.value.suggested_filename == f"responses-{survey.id}.csv"
    assert saved.read_bytes() == expected.content
    withheld = int(expected.headers["x-export-answers-withheld"])
    expect(page.locator("#answers-result")).to_contain_text(f"Saved: {expected.headers['x-export-rows']} rows.")
    if withheld:
        expect(page.locator("#answers-result")).to_contain_text(f"{withheld} answers were left out")

    page.get_by_label("File type").select_option("sav")
    with page.expect_download() as sav:
        page.get_by_role("button", name="Download").click()
    sav.value.save_as(tmp_path / "wide.sav")
    assert sav.value.suggested_filename == f"responses-{survey.id}.sav"
    assert (tmp_path / "wide.sav").read_bytes()[:4] == b"$FL2"  # an SPSS system file
    page.screenshot(path=str(artifacts / "console-answers-laptop.png"), full_page=True)
    assert not page_errors(tab)


def test_a_wave_without_published_answers_says_when_on_a_phone_in_dutch(open_tab: Any, org: OrgContext,
                                                                       mailbox: Mailbox, artifacts: Path) -> None:
    create_survey(org, title="Voorjaar")
    tab = _signed_in(open_tab, org, mailbox, "org_admin", "nl-NL", PHONE)
    page = tab.page
    page.goto("/console")
    expect(page.get_by_role("heading", name="Antwoorden voor uw eigen analyse")).to_be_visible()
    expect(page.locator("#answers-none")).to_contain_text("zodra de ronde ze heeft gepubliceerd")
    expect(page.locator("#answers-form")).to_be_hidden()
    assert fits_the_width(page)
    page.screenshot(path=str(artifacts / "console-answers-phone.png"), full_page=True)
    assert not page_errors(tab)
