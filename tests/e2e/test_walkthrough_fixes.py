"""What an HR advisor's walkthrough found, in a real Chromium on a real server. The console: closing a wave with
fewer responses than its minimum group size asks first (in the page, not a browser dialog) and says what it costs
and what a reopening can and cannot bring back; a closed wave says its invitations ended instead of showing the
invitation forms' headings without forms; the raw export that had to leave every row out says why; the server's
`code` spans show as code, never as backticks. The dashboard: the whole organisation below the minimum is not
told to choose a larger unit; the download buttons name their reports in Dutch too; an organisation without waves
offers no board report."""

from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import LAPTOP
from tests.e2e.dashboard_helpers import loaded, page_errors
from tests.e2e.test_console import _file, _signed_in
from tests.factories import OrgContext
from tests.mailbox import Mailbox
from tests.report_factories import Population, survey_with_responses
from tests.respond_factories import invite, submit
from tests.survey_factories import open_survey

pytestmark = pytest.mark.browser


def test_a_small_wave_closes_only_after_a_warning_and_its_console_says_why(
        open_tab: Any, org: OrgContext, mailbox: Mailbox, http: httpx.Client, tmp_path: Path) -> None:
    ids = org.tree({"Gemeente": {"Wonen": {}}})
    survey = open_survey(org, title="Kleine meting", min_group_size=5)
    for token in invite(org, survey["id"], ids["Wonen"], count=3)[:2]:  # 2 answers, a minimum of 5
        assert submit(http, token, {"openness_1": 3}).status_code == 201
    tab = _signed_in(open_tab, org, mailbox, "org_admin", "en-GB", LAPTOP)
    page = tab.page

    # the server's "needs a `path` column": code spans as <code>, no backticks (built as text, never as HTML)
    page.goto("/console#structure")
    page.locator("#units-file").set_input_files(_file(tmp_path, "units.csv", "naam\nA\n"))
    page.get_by_role("button", name="Upload").click()
    result = page.locator("#units-result")
    expect(result.locator("code")).to_have_text(["path", "external_key,name,parent_key"])
    expect(result).to_contain_text("The header needs a path column")
    expect(result).not_to_contain_text("`")

    page.get_by_role("link", name="Survey waves").click()
    expect(page.locator("#wave-title")).to_have_text("Kleine meting")
    expect(page.get_by_role("heading", name="Invite by e-mail")).to_be_visible()
    expect(page.locator("#invite-ended")).to_be_hidden()
    close, confirm = page.get_by_role("button", name="Close", exact=True), page.locator("#close-confirm")
    close.click()  # the count is hidden below the minimum (1 to 4): the question says "fewer than"
    expect(confirm).to_be_visible()
    expect(page.locator("#close-question")).to_have_text(
        "This wave has fewer than 5 responses, and its minimum group size is 5: if you close it now, no figures "
        "will be shown for it, not even for the whole organisation.")
    expect(page.locator("#close-undo")).to_contain_text("You can reopen the wave, but the close deletes the e-mail "
                                                        "addresses of its invitations")
    expect(page.locator("#close-undo")).to_contain_text("at least 5 of them")
    expect(page.get_by_role("button", name="Cancel")).to_be_focused()  # the safe choice first
    page.get_by_role("button", name="Cancel").click()
    expect(confirm).to_be_hidden()
    expect(close).to_be_focused()
    expect(page.locator("#wave-status")).to_contain_text("Open: taking answers.")

    page.locator(".lang-button[data-lang=nl]").click()
    page.get_by_role("button", name="Sluiten", exact=True).click()
    expect(page.locator("#close-question")).to_have_text(
        "Deze meting heeft minder dan 5 antwoorden, en de minimale groepsgrootte is 5: als u haar nu sluit, worden "
        "er geen cijfers van getoond, ook niet voor de hele organisatie.")
    expect(page.locator("#close-undo")).to_contain_text("U kunt de meting heropenen")
    page.get_by_role("button", name="Toch sluiten").click()
    expect(page.locator("#wave-status")).to_have_text("Gesloten.")
    expect(confirm).to_be_hidden()

    # a closed wave: one line instead of the invitation parts' headings and texts without their forms
    expect(page.locator("#invite-ended")).to_have_text("De meting is gesloten: met het sluiten zijn de uitnodigingen "
                                                       "gestopt. Heropen haar om meer mensen uit te nodigen.")
    expect(page.get_by_role("heading", name="Uitnodigen per e-mail")).to_be_hidden()
    expect(page.get_by_role("heading", name="Links voor uw eigen mailing")).to_be_hidden()

    # the export of a wave whose organisation is below the minimum: 0 rows, and why
    with page.expect_download():
        page.get_by_role("button", name="Downloaden").click()
    expect(page.locator("#answers-result")).to_have_text(
        "Opgeslagen: 0 rijen. Alle antwoorden zijn weggelaten: de meting heeft in totaal minder dan 5 deelnemers "
        "(de minimale groepsgrootte), dus elke rij zou iemand herkenbaar kunnen maken.")
    page.locator(".lang-button[data-lang=en]").click()
    expect(page.locator("#invite-ended")).to_have_text("The wave is closed: invitations ended with the close. "
                                                       "Reopen it to invite more people.")
    with page.expect_download():
        page.get_by_role("button", name="Download").click()
    expect(page.locator("#answers-result")).to_have_text(
        "Saved: 0 rows. Every response was left out: the wave has fewer than 5 respondents in all (its minimum "
        "group size), so any row could single someone out.")

    page.get_by_role("button", name="Reopen").click()  # invitations again: the parts come back
    expect(page.get_by_role("heading", name="Invite by e-mail")).to_be_visible()
    expect(page.locator("#invite-ended")).to_be_hidden()
    # the bad structure file was refused with 422, which Chromium logs; nothing else went wrong
    assert tab.csp_violations() == [] and [e for e in page_errors(tab) if "status of 422" not in e] == []


def test_the_dashboard_of_a_small_organisation_speaks_of_the_organisation(open_tab: Any, org: OrgContext) -> None:
    tab = open_tab("nl-NL", LAPTOP)
    page = tab.page
    page.goto("/dashboard?key")
    page.locator("#key-input").fill(org.key("org_admin"))
    page.locator("#sign-in").click()
    expect(page.locator("#dashboard-title")).to_have_text("Nog geen resultaten")
    expect(page.locator("#board-report")).to_be_hidden()  # no wave: nothing to print

    survey = survey_with_responses(org, Population([("Gemeente/Wonen", "employee", 3, 0.0)]), title="Klein")
    for step in ("open", "close"):
        assert org.admin.post(f"{org.prefix}/surveys/{survey.id}/{step}").status_code == 200
    page.reload()  # the key stays in the tab
    loaded(page)
    expect(page.locator("#board-report")).to_be_visible()
    panels = page.locator("#panels")
    organisation = ("De organisatie als geheel heeft in deze meting minder dan 5 respondenten, dus er kan niets van "
                    "worden getoond.")
    for panel in ("readiness", "profile", "statements", "perception", "agreement"):
        expect(page.locator(f"#panel-{panel} .panel-note-suppressed")).to_have_text(organisation)
    expect(page.locator("#panel-quality .panel-note-suppressed")).to_have_text(
        "De organisatie als geheel heeft in deze meting minder dan 5 respondenten, dus de antwoorden kunnen niet "
        "worden gecontroleerd.")
    for advice in ("Kies een groter", "Kies een grotere", "grotere delen"):  # no larger unit than the organisation
        expect(panels).not_to_contain_text(advice)
    names = page.locator("#panel-statements .download-name")
    expect(names).to_have_text(["Stellingen:", "Profiel:"])  # not the API's item-profile: and profile:
    for name in page.locator(".download-name").all():  # and no other panel's name left as the API's
        assert name.inner_text().strip() != f"{name.get_attribute('data-report')}:"

    page.locator(".lang-button[data-lang=en]").click()
    loaded(page)
    expect(page.locator("#panel-profile .panel-note-suppressed")).to_have_text(
        "The organisation as a whole has fewer than 5 respondents in this wave, so nothing can be shown for it.")
    expect(panels).not_to_contain_text("Choose a larger unit")
    expect(names).to_have_text(["Statements:", "Profile:"])
    assert tab.csp_violations() == [] and page_errors(tab) == []
