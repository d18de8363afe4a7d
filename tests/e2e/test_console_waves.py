"""A scheduled wave through the console in a real Chromium: the create form refuses bad reminder days and times
next to the field (in the page) and shows the server's 422 there too, creating nothing; a wave with an opening
time (Amsterdam time shown, UTC stored) and reminder days; invitations mailed ahead of the opening wait (a real
`culturegap worker --once` sends nothing); once the opening has passed the worker opens the wave and the mails
reach the real SMTP server, and the console shows it open with its next reminder. In Dutch on a phone: an open
wave that starts later says its mails wait for the opening, and a bad reminder day is refused next to the field.

With SCREENSHOTS=1 it also saves the README's quickstart pictures to docs/images/ (the normal suite leaves them)."""

import os
import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import LAPTOP, PHONE
from tests.e2e.dashboard_helpers import SMALL_TARGETS, fits_the_width, page_errors
from tests.e2e.test_console import _file, _signed_in
from tests.factories import OrgContext
from tests.mailbox import Mailbox
from tests.people_factories import unique_email
from tests.respond_factories import csv_upload, submit
from tests.survey_factories import open_survey
from tests.test_invitation_mail import _token
from tests.test_scheduled_waves import _earlier, _workers

pytestmark = pytest.mark.browser
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
README_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"


def _picture(target: Any, name: str, artifacts: Path) -> None:
    """A screenshot for the test's artifacts; with SCREENSHOTS=1 also the README's copy in docs/images."""
    target.screenshot(path=str(artifacts / name), animations="disabled")
    if os.environ.get("SCREENSHOTS") == "1":
        README_IMAGES.mkdir(parents=True, exist_ok=True)
        target.screenshot(path=str(README_IMAGES / name), animations="disabled")


def _local(moment: datetime) -> str:
    """What a datetime-local input holds for this moment in Amsterdam."""
    return moment.astimezone(AMSTERDAM).strftime("%Y-%m-%dT%H:%M")


def test_a_scheduled_wave_waits_for_its_opening_then_mails_and_opens(
        open_tab: Any, org: OrgContext, mailbox: Mailbox, http: httpx.Client, database_url: str,
        tmp_path: Path, artifacts: Path) -> None:
    tab = _signed_in(open_tab, org, mailbox, "org_admin", "en-GB", LAPTOP)
    page = tab.page
    page.goto("/console#structure")
    page.locator("#units-file").set_input_files(_file(tmp_path, "units.csv",
                                                      "path\nTown/Water\nTown/Roads\nTown/Parks\n"))
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("#units-result")).to_have_text("4 units added, 0 already there.")
    _picture(page.locator("#view-structure"), "quickstart-1-structure.png", artifacts)
    page.get_by_role("link", name="Survey waves").click()

    opens = (datetime.now(UTC) + timedelta(days=2, hours=1)).replace(minute=0, second=0, microsecond=0)
    closes = opens + timedelta(days=21)
    page.get_by_text("New wave").click()
    title, reminders = page.get_by_label("Title"), page.get_by_label("Reminder days")
    title.fill("Autumn survey")
    page.get_by_label("Opens itself at (Amsterdam time)").fill(_local(opens))
    page.get_by_label("Closes at (Amsterdam time)").fill(_local(opens - timedelta(hours=1)))
    reminders.fill("3, 3")
    page.get_by_role("button", name="Create").click()
    expect(page.locator("#survey-reminders-error")).to_have_text("Day 3 is there twice.")
    expect(page.locator("#survey-closes-error")).to_have_text("The closing must come after the opening.")
    expect(reminders).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#survey-result")).to_have_text("Nothing was created. Fix the marked fields.")
    reminders.fill("3, 400")
    page.get_by_label("Opens itself at (Amsterdam time)").fill(_local(datetime.now(UTC) - timedelta(hours=1)))
    page.get_by_role("button", name="Create").click()
    expect(page.locator("#survey-reminders-error")).to_contain_text("whole days from 1 to 365")
    expect(page.locator("#survey-opens-error")).to_contain_text("That moment has passed")
    expect(page.get_by_label("Opens itself at (Amsterdam time)")).to_be_focused()  # the first field that is wrong
    page.get_by_label("Opens itself at (Amsterdam time)").fill(_local(opens))
    expect(page.locator("#survey-opens-error")).to_be_empty()

    page.get_by_label("Closes at (Amsterdam time)").fill(_local(closes))
    reminders.fill("7, 3")
    title.fill("   ")  # the page lets it pass; the server refuses it, next to the field
    page.get_by_role("button", name="Create").click()
    expect(page.locator("#survey-title-error")).to_contain_text("at least 1")  # pydantic's words
    expect(page.locator("#survey-reminders-error")).to_be_empty()
    expect(title).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#survey-closes-error")).to_be_empty()  # corrected, so its message went
    assert org.admin.get(f"{org.prefix}/surveys").json() == []  # bad input changed nothing

    title.fill("Autumn survey")
    page.get_by_label("Minimum group size").fill("3")
    expect(page.locator("#survey-title-error")).to_be_empty()
    expect(page.locator("#survey-result")).to_be_empty()
    _picture(page.locator("section[aria-labelledby=surveys-title]"), "quickstart-2-new-wave.png", artifacts)
    page.get_by_role("button", name="Create").click()
    status = page.locator("#wave-status")
    expect(status).to_contain_text("Draft: opens itself on ")
    expect(status).to_contain_text("(Amsterdam time). Reminders on days 3 and 7 after the opening. It closes on ")
    [created] = org.admin.get(f"{org.prefix}/surveys").json()
    sid = created["id"]
    assert datetime.fromisoformat(created["opens_at"]) == opens  # typed in Amsterdam time, stored in UTC
    assert datetime.fromisoformat(created["closes_at"]) == closes and created["reminder_days"] == [3, 7]
    expect(page.locator("#invite-wait")).to_contain_text("invitations sent now wait until then")
    expect(page.get_by_role("button", name="Send reminders")).to_be_hidden()

    water = [unique_email(f"water{i}") for i in range(3)]
    roads = [unique_email(f"roads{i}") for i in range(3)]
    page.locator("#invite-file").set_input_files(_file(tmp_path, "invites.csv", "email,unit,layer,language\n"
                                                       + "".join(f"{a},Town/Water,employee,en\n" for a in water)
                                                       + "".join(f"{a},Town/Roads,employee,nl\n" for a in roads)))
    page.get_by_role("button", name="Check the list").click()
    expect(page.locator("#invite-lines tbody tr")).to_have_count(6)
    _picture(page.locator("#invite-box"), "quickstart-3-checked-list.png", artifacts)
    page.get_by_role("button", name="Send 6 invitations").click()
    expect(page.locator("#invite-result")).to_contain_text("6 invitations ready: they are mailed when the wave opens")
    expect(page.locator("#delivery")).to_contain_text("0 mails delivered, 6 waiting for the opening on ")
    _workers(database_url)  # before the opening the worker neither opens the wave nor sends its mails
    assert [mailbox.to(a) for a in water + roads] == [[]] * 6
    page.reload()
    expect(status).to_contain_text("Draft: opens itself on ")
    _picture(page.locator("#wave"), "quickstart-3-invitations.png", artifacts)

    _earlier(sid, opens - datetime.now(UTC) + timedelta(minutes=1))  # as if the opening had passed
    _workers(database_url)  # opens the wave, then sends its mails
    tokens = {address: _token(mailbox.wait_for(address)[0]) for address in water + roads}
    for i, address in enumerate(water):  # all three of Water answer
        assert submit(http, tokens[address], {"openness_1": 2 + i}).status_code == 201
    page.reload()
    expect(status).to_contain_text("Open: taking answers. Next reminder on ")
    expect(status).to_contain_text("It closes on ")
    expect(page.locator("#delivery")).to_have_text("By e-mail: 6 invited; 6 mails delivered, 0 waiting, 0 failed.")
    expect(page.locator("#invite-wait")).to_be_empty()
    expect(page.get_by_role("button", name="Send reminders")).to_be_visible()
    expect(page.locator("#rates tbody tr").first).to_have_text("Whole organisation6350%")  # 6 invited, 3 answered
    _picture(page.locator("#wave"), "quickstart-4-response-rates.png", artifacts)
    assert org.admin.get(f"{org.prefix}/surveys/{uuid.UUID(sid)}").json()["status"] == "open"
    assert tab.csp_violations() == [] and [e for e in page_errors(tab) if "status of 422" not in e] == []


def test_on_a_phone_in_dutch_an_open_wave_that_starts_later_says_the_mails_wait(
        open_tab: Any, org: OrgContext, mailbox: Mailbox, artifacts: Path, tmp_path: Path) -> None:
    opens = datetime.now(UTC) + timedelta(days=3)
    survey = open_survey(org, title="Najaar", opens_at=opens.isoformat(), reminder_days=[5])
    org.unit("Team Post")
    mailed = org.admin.post(f"{org.prefix}/surveys/{survey['id']}/invitations/mail",
                            files=csv_upload(f"email,unit,layer\n{unique_email('later')},Team Post,employee\n"))
    assert mailed.status_code == 201, mailed.text
    tab = _signed_in(open_tab, org, mailbox, "org_admin", "nl-NL", PHONE)
    page = tab.page
    page.goto("/console")
    expect(page.locator("#wave-status")).to_contain_text("Open: antwoorden welkom vanaf ")
    expect(page.locator("#wave-status")).to_contain_text("Volgende herinnering op ")
    expect(page.locator("#invite-wait")).to_contain_text("uitnodigingen die u nu verstuurt wachten tot dan")
    expect(page.locator("#delivery")).to_contain_text("0 mails afgeleverd, 1 wachtend op de opening op ")
    expect(page.get_by_role("button", name="Herinneringen versturen")).to_be_hidden()  # nobody could answer yet

    # A bad invitation list: each bad line beside what it says, and nothing is sent.
    good = unique_email("goed")
    page.locator("#invite-file").set_input_files(_file(tmp_path, "lijst.csv", f"email,unit,layer\n{good},Team Post,"
                                                       "employee\ngeen-adres,Team Post,employee\n"
                                                       f"{unique_email('ander')},Team Nergens,employee\n"))
    page.get_by_role("button", name="Lijst controleren").click()
    expect(page.locator("#invite-result")).to_contain_text("Er is niets opgeslagen")
    rows = page.locator("#invite-errors tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("th")).to_have_text("3")
    expect(rows.nth(0).locator("code")).to_have_text("geen-adres,Team Post,employee")
    expect(rows.nth(0)).to_contain_text("email: ")
    expect(rows.nth(1).locator("code")).to_contain_text("Team Nergens")
    expect(rows.nth(1)).to_contain_text("unit: ")
    expect(page.locator("#invite-errors caption")).to_have_text("De regels met fouten")
    assert org.admin.get(f"{org.prefix}/surveys/{survey['id']}/invitations/summary").json()["issued"] == 1

    page.get_by_text("Nieuwe meting").click()
    page.get_by_label("Titel").fill("Voorjaar")
    reminders = page.get_by_label("Herinneringsdagen")
    reminders.fill("0, 2")
    page.get_by_role("button", name="Aanmaken").click()
    expect(page.locator("#survey-reminders-error")).to_have_text(
        "Schrijf hele dagen van 1 tot 365, gescheiden door komma's, bijvoorbeeld 3, 7.")
    expect(reminders).to_be_focused()
    expect(reminders).to_have_accessible_description(re.compile("Schrijf hele dagen"))
    assert page.evaluate(SMALL_TARGETS) == []
    assert fits_the_width(page)
    assert len(org.admin.get(f"{org.prefix}/surveys").json()) == 1  # nothing was created
    page.screenshot(path=str(artifacts / "console-waves-phone-nl.png"), full_page=True)
    assert tab.csp_violations() == [] and [e for e in page_errors(tab) if "status of 422" not in e] == []
