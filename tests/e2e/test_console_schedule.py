"""Changing a wave's schedule from the console in a real Chromium: the form holds the stored UTC moments as
Amsterdam time; a closing before the opening, a moment already past and bad reminder days are refused next to the
field and change nothing; a saved change is stored in UTC; an open wave's opening can no longer move (the field is
disabled and says why). In Dutch on a phone, and the server's 422 in Dutch next to the field."""

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import LAPTOP, PHONE
from tests.e2e.dashboard_helpers import SMALL_TARGETS, fits_the_width, page_errors
from tests.e2e.test_console import _signed_in
from tests.factories import OrgContext
from tests.mailbox import Mailbox
from tests.survey_factories import create_survey, open_survey

pytestmark = pytest.mark.browser
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def _local(moment: datetime) -> str:
    return moment.astimezone(AMSTERDAM).strftime("%Y-%m-%dT%H:%M")


def _hour(days: int) -> datetime:
    return (datetime.now(UTC) + timedelta(days=days)).replace(minute=0, second=0, microsecond=0)


def _survey(org: OrgContext, sid: str) -> dict[str, Any]:
    return dict(org.admin.get(f"{org.prefix}/surveys/{sid}").json())


def test_a_drafts_schedule_is_changed_in_amsterdam_time_on_a_laptop(open_tab: Any, org: OrgContext,
                                                                     mailbox: Mailbox, artifacts: Path) -> None:
    opens, closes = _hour(2), _hour(20)
    survey = create_survey(org, title="Autumn", opens_at=opens.isoformat(), closes_at=closes.isoformat(),
                           reminder_days=[3])
    tab = _signed_in(open_tab, org, mailbox, "org_admin", "en-GB", LAPTOP)
    page = tab.page
    page.goto("/console")
    page.get_by_text("Change the schedule").click()
    opening, closing = page.get_by_label("Opening of this wave"), page.get_by_label("Closing of this wave")
    reminders = page.get_by_label("Reminders of this wave")
    expect(opening).to_have_value(_local(opens))  # stored in UTC, shown in Amsterdam time
    expect(closing).to_have_value(_local(closes))
    expect(reminders).to_have_value("3")

    closing.fill(_local(opens - timedelta(hours=2)))
    reminders.fill("2, 2")
    page.get_by_role("button", name="Save the schedule").click()
    expect(page.locator("#sched-closes-error")).to_have_text("The closing must come after the opening.")
    expect(page.locator("#sched-reminders-error")).to_have_text("Day 2 is there twice.")
    expect(closing).to_be_focused()
    expect(page.locator("#schedule-result")).to_have_text("Nothing was changed. Fix the marked fields.")
    opening.fill(_local(datetime.now(UTC) - timedelta(hours=3)))
    page.get_by_role("button", name="Save the schedule").click()
    expect(page.locator("#sched-opens-error")).to_contain_text("That moment has passed")
    assert _survey(org, survey["id"]) == survey  # nothing changed

    new_opens, new_closes = _hour(3), _hour(30)
    opening.fill(_local(new_opens))
    closing.fill(_local(new_closes))
    reminders.fill("9 2")
    page.get_by_role("button", name="Save the schedule").click()
    expect(page.locator("#schedule-result")).to_have_text("The schedule is saved.")
    stored = _survey(org, survey["id"])
    assert datetime.fromisoformat(stored["opens_at"]) == new_opens
    assert datetime.fromisoformat(stored["closes_at"]) == new_closes and stored["reminder_days"] == [2, 9]
    expect(page.locator("#wave-status")).to_contain_text("Reminders on days 2 and 9 after the opening.")
    page.get_by_role("button", name="Save the schedule").click()
    expect(page.locator("#schedule-result")).to_have_text("Nothing to save: the schedule is as it was.")
    events = org.admin.get(f"{org.prefix}/audit-events").json()["events"]
    assert events[0]["action"] == "survey.updated"
    assert events[0]["details"] == {"fields": ["closes_at", "opens_at", "reminder_days"]}
    page.locator("#wave").screenshot(path=str(artifacts / "console-schedule-laptop-en.png"))
    assert tab.csp_violations() == [] and page_errors(tab) == []


def test_an_open_waves_schedule_on_a_phone_in_dutch(open_tab: Any, org: OrgContext, mailbox: Mailbox,
                                                    artifacts: Path) -> None:
    closes = _hour(14)
    survey = open_survey(org, title="Najaar", closes_at=closes.isoformat())
    tab = _signed_in(open_tab, org, mailbox, "org_admin", "nl-NL", PHONE)
    page = tab.page
    page.goto("/console")
    page.get_by_text("Planning wijzigen").click()
    expect(page.get_by_label("Opening van deze meting")).to_be_disabled()
    expect(page.locator("#sched-opens-hint")).to_have_text("De meting is open: de opening kan niet meer verschuiven.")
    page.get_by_label("Herinneringen van deze meting").fill("0")
    page.get_by_role("button", name="Planning opslaan").click()
    expect(page.locator("#sched-reminders-error")).to_have_text(
        "Schrijf hele dagen van 1 tot 365, gescheiden door komma's, bijvoorbeeld 3, 7.")
    page.get_by_label("Herinneringen van deze meting").fill("4")
    later = closes + timedelta(days=7)
    page.get_by_label("Sluiting van deze meting").fill(_local(later))
    page.get_by_role("button", name="Planning opslaan").click()
    expect(page.locator("#schedule-result")).to_have_text("De planning is opgeslagen.")
    stored = _survey(org, survey["id"])
    assert datetime.fromisoformat(stored["closes_at"]) == later and stored["reminder_days"] == [4]

    page.get_by_text("Nieuwe meting").click()  # the server's 422, in Dutch, next to the field
    page.get_by_label("Titel").fill("   ")
    page.get_by_role("button", name="Aanmaken").click()
    expect(page.locator("#survey-title-error")).to_have_text("minstens 1 teken")
    expect(page.locator("#survey-result")).to_have_text("Er is niets aangemaakt. Verbeter de gemarkeerde velden.")
    assert len(org.admin.get(f"{org.prefix}/surveys").json()) == 1
    assert page.evaluate(SMALL_TARGETS) == []
    assert fits_the_width(page)
    page.screenshot(path=str(artifacts / "console-schedule-phone-nl.png"), full_page=True)
    assert tab.csp_violations() == [] and [e for e in page_errors(tab) if "status of 422" not in e] == []
