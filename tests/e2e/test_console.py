"""The survey console in a real Chromium, for an organisation admin signed in by e-mail link: upload the structure
(a bad line is named and nothing is stored), create a wave, open it, mail the invitations through the real SMTP
server, see the response rates, remind, close; in English on a laptop and in Dutch on a phone; a leader is sent to
the dashboard and a signed-out visitor to the sign-in page. Screenshots go to tests/artifacts/console-*.png."""

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import LAPTOP, PHONE
from tests.e2e.dashboard_helpers import SMALL_TARGETS, fits_the_width, page_errors
from tests.factories import OrgContext
from tests.mailbox import Mailbox
from tests.people_factories import create_person, sign_in, unique_email

pytestmark = pytest.mark.browser


def _signed_in(open_tab: Any, org: OrgContext, mailbox: Mailbox, role: str, locale: str, viewport: dict[str, int],
               unit_ids: list[str] | None = None) -> Any:
    person = sign_in(org.base_url, mailbox, create_person(org, role, unit_ids))
    tab = open_tab(locale, viewport)
    tab.page.context.add_cookies([{"name": name, "value": value, "url": org.base_url}
                                  for name, value in person.client.cookies.items()])
    person.client.close()
    return tab


def _file(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_an_admin_runs_a_wave_on_a_laptop_in_english(open_tab: Any, org: OrgContext, mailbox: Mailbox,
                                                     tmp_path: Path, artifacts: Path) -> None:
    tab = _signed_in(open_tab, org, mailbox, "org_admin", "en-GB", LAPTOP)
    page = tab.page
    page.goto("/console#structure")
    expect(page.locator("#console-title")).to_have_text("Run a survey")

    page.locator("#units-file").set_input_files(_file(tmp_path, "bad.csv", "path\nTown/Water\n\"\"\n"))
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("#units-result")).to_contain_text("Nothing was stored")
    expect(page.locator("#units-errors tbody th")).to_have_text("3")
    page.locator("#units-file").set_input_files(_file(tmp_path, "units.csv", "path\nTown/Water\nTown/Roads\n"))
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("#units-result")).to_have_text("3 units added, 0 already there.")
    page.get_by_role("link", name="Survey waves").click()

    page.get_by_text("New wave").click()
    page.get_by_label("Title").fill("Spring 2027")
    page.get_by_label("Closes at (Amsterdam time)").fill("2099-03-01T17:00")
    page.get_by_role("button", name="Create").click()
    expect(page.locator("#wave-title")).to_have_text("Spring 2027")
    expect(page.locator("#wave-status")).to_have_text("Draft: not open yet. It closes on 1 Mar 2099, 17:00 "
                                                      "(Amsterdam time).")
    page.get_by_role("button", name="Open", exact=True).click()
    expect(page.locator("#wave-status")).to_contain_text("Open: taking answers.")

    first, second = unique_email("water"), unique_email("roads")
    page.locator("#invite-file").set_input_files(_file(tmp_path, "bad-invites.csv",
                                                       f"email,unit,layer\n{first},Town/Water,chef\n"))
    page.get_by_role("button", name="Check the list").click()
    bad_line = page.locator("#invite-errors tbody tr")  # the line's number, what it says, the problem
    expect(bad_line).to_contain_text(f"2{first},Town/Water,chef" + "layer: no layer with key 'chef'")
    expect(page.locator("#invite-send")).to_be_hidden()
    page.locator("#invite-file").set_input_files(_file(tmp_path, "invites.csv", "email,unit,layer,language\n"
                                                       f"{first},Town/Water,employee,en\n"
                                                       f"{second},Town/Roads,employee,nl\n"))
    page.get_by_role("button", name="Check the list").click()
    expect(page.locator("#invite-result")).to_have_text("All 2 lines are in order. Nothing has been sent yet: look "
                                                        "them over, then send.")
    checked = page.locator("#invite-lines tbody tr")  # each line as it will be mailed: unit path, layer's name
    expect(checked).to_have_text([f"2{first}Town / WaterEmployeeEnglish", f"3{second}Town / RoadsEmployeeDutch"])
    assert mailbox.to(first) == [] and mailbox.to(second) == []  # checked, not sent
    # one primary button at a time: the next step, sending, is the primary one now
    expect(page.locator("#invite-send")).to_have_class(re.compile(r"\bbutton-primary\b"))
    expect(page.locator("#invite-check")).to_have_class(re.compile(r"\bbutton-secondary\b"))
    page.locator("#invite-file").set_input_files(_file(tmp_path, "other.csv",
                                                       f"email,unit,layer\n{first},Town,employee\n"))
    expect(page.locator("#invite-send")).to_be_hidden()  # another file: checked again before anything is sent
    expect(page.locator("#invite-check")).to_have_class(re.compile(r"\bbutton-primary\b"))
    expect(page.locator("#invite-result")).to_be_empty()
    page.locator("#invite-file").set_input_files(str(tmp_path / "invites.csv"))
    page.get_by_role("button", name="Check the list").click()
    page.get_by_role("button", name="Send 2 invitations").click()
    expect(page.locator("#invite-result")).to_have_text("2 invitations sent.")
    expect(page.locator("#invite-send")).to_be_hidden()
    assert mailbox.wait_for(first)[0].subject.endswith("(Spring 2027)")
    assert "You can answer until 1 March 2099, 17:00 (Amsterdam time)." in mailbox.wait_for(first)[0].text
    assert "U kunt meedoen tot 1 maart 2099, 17:00 uur." in mailbox.wait_for(second)[0].text
    expect(page.locator("#rates tbody tr").first).to_contain_text("Whole organisation")
    expect(page.locator("#rates")).to_contain_text("Town / Water")
    expect(page.locator("#rates tbody tr").nth(2)).to_have_text("Town / Water100%")  # invited 1, answered 0, 0 %
    page.get_by_role("button", name="Send reminders").click()
    expect(page.locator("#remind-result")).to_have_text("2 reminders sent (to links not used yet).")
    page.screenshot(path=str(artifacts / "console-laptop-en.png"), full_page=True)

    page.get_by_role("button", name="Close", exact=True).click()  # no answers yet: asked first, in the page
    expect(page.locator("#close-question")).to_have_text(
        "This wave has 0 responses, and its minimum group size is 5: if you close it now, no figures will be shown "
        "for it, not even for the whole organisation.")
    expect(page.locator("#close-undo")).to_have_text(
        "Closing can't simply be undone. You can reopen the wave, but the close deletes the e-mail addresses of its "
        "invitations, so no more reminders can be sent to them.")
    page.get_by_role("button", name="Close anyway").click()
    expect(page.locator("#wave-status")).to_have_text("Closed.")
    expect(page.locator("#invite-form")).to_be_hidden()
    # the two bad files were refused with 422, which Chromium logs; nothing else went wrong
    assert tab.csp_violations() == [] and [e for e in page_errors(tab) if "status of 422" not in e] == []


def test_the_console_speaks_dutch_on_a_phone(open_tab: Any, org: OrgContext, mailbox: Mailbox,
                                             artifacts: Path) -> None:
    tab = _signed_in(open_tab, org, mailbox, "org_admin", "nl-NL", PHONE)
    page = tab.page
    page.goto("/console#structure")
    expect(page.locator("#console-title")).to_have_text("Een meting uitvoeren")
    expect(page.get_by_role("button", name="Uploaden")).to_be_visible()
    assert page.evaluate(SMALL_TARGETS) == []
    assert fits_the_width(page)
    page.screenshot(path=str(artifacts / "console-phone-nl.png"), full_page=True)
    assert tab.csp_violations() == [] and page_errors(tab) == []


def test_only_signed_in_admins_get_the_console(open_tab: Any, org: OrgContext, mailbox: Mailbox) -> None:
    unit = org.unit("Team Leader")
    tab = _signed_in(open_tab, org, mailbox, "leader", "en-GB", LAPTOP, [unit])
    tab.page.goto("/console")
    expect(tab.page.locator("#not-admin h1")).to_have_text("Only organisation admins run surveys here")
    expect(tab.page.locator("#console")).to_be_hidden()

    stranger = open_tab("en-GB", LAPTOP)
    stranger.page.goto("/console")
    stranger.page.wait_for_url("**/signin")


def test_an_admin_key_from_the_dashboard_form_opens_the_console(open_tab: Any, org: OrgContext) -> None:
    """`make run` prints an admin key: pasted into the dashboard's key form, the same tab opens the console."""
    tab = open_tab("en-GB", LAPTOP)
    tab.page.goto("/signin")
    key = str(org.admin.headers["authorization"]).split()[1]
    tab.page.evaluate("key => sessionStorage.setItem('culturegap.dashboard.key', key)", key)
    tab.page.goto("/console")
    expect(tab.page.locator("#console-title")).to_have_text("Run a survey")
    expect(tab.page.locator("#survey-select")).to_contain_text("No waves yet")
    assert tab.csp_violations() == [] and page_errors(tab) == []
