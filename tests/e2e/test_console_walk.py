"""The whole of a first survey in one walk, as an HR advisor and three employees would do it in a real Chromium:
upload the structure, create and open a wave, upload the invitation list, send it through the real SMTP server;
three employees answer from the links in their mails (the respondent's form, by click); the console's response
rates move; a reminder reaches only the two who did not answer; close; the wave's dashboard opens from the console.
Screenshot: tests/artifacts/console-walk.png."""

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import LAPTOP
from tests.e2e.dashboard_helpers import page_errors
from tests.factories import OrgContext
from tests.mailbox import Mailbox
from tests.people_factories import create_person, sign_in, unique_email

pytestmark = pytest.mark.browser

RESPOND_LINK = re.compile(r"https?://\S+/respond#[A-Za-z0-9_-]+")


def _answer_from_the_mail(open_tab: Any, text: str, value: int) -> None:
    """Open the link of an invitation mail and answer the first statement of every part, then submit."""
    [link] = RESPOND_LINK.findall(text)
    tab = open_tab("en-GB", LAPTOP)
    page = tab.page
    page.goto(link)
    page.locator("#next").click()  # Start
    heading = page.locator("#step-heading")
    for _ in range(20):  # the parts of the questionnaire, then the review
        expect(heading).to_be_focused()
        if heading.inner_text() == "Check and submit":
            break
        page.locator("fieldset.item").first.locator("label.option").nth(value - 1).click()
        page.locator("#next").click()
    expect(heading).to_have_text("Check and submit")
    page.locator("#next").click()
    expect(page.locator("#message-title")).to_have_text("Thank you!")
    assert tab.csp_violations() == [] and page_errors(tab) == []
    page.close()


def test_a_first_survey_from_structure_to_dashboard(open_tab: Any, org: OrgContext, mailbox: Mailbox,
                                                    tmp_path: Path, artifacts: Path) -> None:
    person = sign_in(org.base_url, mailbox, create_person(org, "org_admin"))
    tab = open_tab("en-GB", LAPTOP)
    tab.page.context.add_cookies([{"name": name, "value": value, "url": org.base_url}
                                  for name, value in person.client.cookies.items()])
    person.client.close()
    page = tab.page

    page.goto("/console#structure")
    structure = tmp_path / "structure.csv"
    structure.write_text("path\nStad/Water\nStad/Wegen\n", encoding="utf-8")
    page.locator("#units-file").set_input_files(str(structure))
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("#units-result")).to_have_text("3 units added, 0 already there.")

    page.get_by_role("link", name="Survey waves").click()
    page.get_by_text("New wave").click()
    page.get_by_label("Title").fill("First walk 2027")
    page.locator("#survey-k").fill("3")
    page.locator("#survey-desired").uncheck()
    page.get_by_label("Closes at (Amsterdam time)").fill("2099-03-01T17:00")
    page.get_by_role("button", name="Create").click()
    expect(page.locator("#wave-title")).to_have_text("First walk 2027")
    page.get_by_role("button", name="Open", exact=True).click()
    expect(page.locator("#wave-status")).to_contain_text("Open: taking answers.")

    water = [unique_email(f"water{i}") for i in range(4)]
    roads = unique_email("roads")
    invitations = tmp_path / "invitations.csv"
    invitations.write_text("email,unit,layer,language\n" + "".join(f"{a},Stad/Water,employee,en\n" for a in water)
                           + f"{roads},Stad/Wegen,employee,nl\n", encoding="utf-8")
    page.locator("#invite-file").set_input_files(str(invitations))
    page.get_by_role("button", name="Check the list").click()
    page.get_by_role("button", name="Send 5 invitations").click()
    expect(page.locator("#invite-result")).to_have_text("5 invitations sent.")
    water_row = page.locator("#rates tbody tr").filter(has_text="Stad / Water")
    expect(water_row).to_have_text("Stad / Water400%")  # invited 4, answered 0

    answered, waiting = water[:3], [*water[3:], roads]
    for value, address in enumerate(answered, start=2):
        _answer_from_the_mail(open_tab, mailbox.wait_for(address)[0].text, value)

    page.reload()
    expect(water_row).to_have_text("Stad / Water4375%")  # the rates moved: 3 of 4 answered
    page.get_by_role("button", name="Send reminders").click()
    expect(page.locator("#remind-result")).to_have_text("2 reminders sent (to links not used yet).")
    for address in waiting:
        first, reminder = mailbox.wait_for(address, count=2)
        assert RESPOND_LINK.findall(reminder.text) == RESPOND_LINK.findall(first.text)  # the same link again
    assert [len(mailbox.to(address)) for address in answered] == [1, 1, 1]  # no reminder for those who answered

    page.get_by_role("button", name="Close", exact=True).click()
    expect(page.locator("#wave-status")).to_have_text("Closed.")
    page.screenshot(path=str(artifacts / "console-walk.png"), full_page=True)
    page.locator("#wave-dashboard").click()
    page.wait_for_url("**/dashboard?survey=*")
    rates = page.locator("#panel-rates table").first  # the dashboard opens at the organisation's child units
    expect(rates.locator("tbody tr").filter(has_text="Stad").first).to_contain_text("5360%")
    assert tab.csp_violations() == [] and page_errors(tab) == []
