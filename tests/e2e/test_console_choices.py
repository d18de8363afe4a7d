"""The console's choices in a real Chromium: a wave of the organisation's own questionnaire (the newest built-in
one is offered first; only the chosen questionnaire's languages can be asked), invitations from an XLSX workbook
(what HR systems export), and the response rates per layer beside those per unit, in Dutch on a phone; links for
an organisation's own mail merge saved as a CSV file. A wave whose links were made under another SECRET_KEY than
the server's says so."""

import csv
import io
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import LAPTOP, PHONE
from tests.e2e.dashboard_helpers import SMALL_TARGETS, fits_the_width, page_errors
from tests.e2e.test_console import _file, _signed_in
from tests.e2e.test_console_structure import _xlsx
from tests.factories import OrgContext
from tests.mailbox import Mailbox
from tests.people_factories import unique_email
from tests.respond_factories import invite, submit
from tests.survey_factories import create_questionnaire, open_survey
from tests.test_invitation_mail import _token

pytestmark = pytest.mark.browser


def test_a_wave_of_our_own_questionnaire_invited_from_a_workbook_with_rates_per_layer(
        open_tab: Any, org: OrgContext, mailbox: Mailbox, tmp_path: Path, artifacts: Path) -> None:
    own = create_questionnaire(org, key="eigen", title={"nl": "Eigen vragenlijst", "en": "Our questionnaire"})
    dutch_only = create_questionnaire(org, key="alleen-nl", title={"nl": "Alleen Nederlands"}, languages=["nl"],
                                      scale_labels={"nl": ["Nooit", "Zelden", "Soms", "Vaak", "Altijd"]},
                                      dont_know_label={"nl": "Weet ik niet"},
                                      frame_labels={"nl": {"current": "Nu", "desired": "Gewenst"}},
                                      dimensions=[{"key": "delen", "names": {"nl": "Delen"}, "items": [
                                          {"key": "delen_1", "texts": {"nl": "We delen wat we leren."}}]}])
    org.unit("Team Noord")
    tab = _signed_in(open_tab, org, mailbox, "org_admin", "nl-NL", PHONE)
    page = tab.page
    page.goto("/console")
    page.get_by_text("Nieuwe meting").click()
    choose = page.get_by_label("Vragenlijst")
    newest = max((q for q in org.admin.get(f"{org.prefix}/questionnaires").json() if q["builtin"]),
                 key=lambda q: q["version"])
    expect(choose).to_have_value(newest["id"])  # the newest built-in version unless another is chosen
    expect(choose.locator("option").first).to_have_text(f"Standaard, versie {newest['version']}: "
                                                        f"{newest['title']['nl']}")
    choose.select_option(label="Eigen, versie 1: Alleen Nederlands")
    expect(page.get_by_label("English")).to_be_disabled()
    expect(page.get_by_label("English")).not_to_be_checked()
    choose.select_option(label="Eigen, versie 1: Eigen vragenlijst")
    expect(page.get_by_label("English")).to_be_enabled()
    page.get_by_label("English").check()
    page.get_by_label("Titel").fill("Eigen meting")
    page.get_by_role("button", name="Aanmaken").click()
    expect(page.locator("#wave-title")).to_have_text("Eigen meting")
    [survey] = org.admin.get(f"{org.prefix}/surveys").json()
    assert survey["questionnaire_id"] == own["id"] and dutch_only["id"] != own["id"]
    assert sorted(survey["languages"]) == ["en", "nl"]
    expect(choose).to_have_value(newest["id"])  # the form starts afresh

    page.get_by_role("button", name="Openen", exact=True).click()
    expect(page.locator("#wave-status")).to_contain_text("Open")
    staff, lead = unique_email("medewerker"), unique_email("teamleider")
    page.locator("#invite-file").set_input_files(_xlsx(tmp_path, [
        ["email", "unit", "layer", "language"], [staff, "Team Noord", "employee", "nl"],
        [lead, "Team Noord", "Teamleider", "en"]]))
    page.get_by_role("button", name="Lijst controleren").click()
    expect(page.locator("#invite-lines tbody tr").nth(1)).to_contain_text("TeamleiderEngels")
    page.get_by_role("button", name="2 uitnodigingen versturen").click()
    expect(page.locator("#invite-result")).to_have_text("2 uitnodigingen verstuurd.")
    assert _token(mailbox.wait_for(staff)[0]) != _token(mailbox.wait_for(lead)[0])

    layers = page.locator("#layer-rates tbody tr")
    expect(page.locator("#layer-rates caption")).to_have_text("Per laag")
    expect(layers.filter(has_text="Medewerker")).to_have_count(1)
    expect(layers.filter(has_text="Teamleider")).to_have_count(1)
    expect(page.locator("#layer-rates")).not_to_contain_text("team_leader")  # names, not keys
    assert page.evaluate(SMALL_TARGETS) == []
    assert fits_the_width(page)
    page.screenshot(path=str(artifacts / "console-choices-phone-nl.png"), full_page=True)
    assert tab.csp_violations() == [] and page_errors(tab) == []


def test_a_wave_made_under_another_key_says_so(open_tab: Any, org: OrgContext, mailbox: Mailbox) -> None:
    from tests.test_key_change import ANOTHER_KEY, secret_key

    survey = open_survey(org, title="Sleutelmeting")
    invite(org, survey["id"], org.unit("Team Sleutel"))
    tab = _signed_in(open_tab, org, mailbox, "org_admin", "en-GB", LAPTOP)
    page = tab.page
    page.goto("/console")
    expect(page.locator("#wave-title")).to_have_text("Sleutelmeting")
    expect(page.locator("#wave-key")).to_be_hidden()
    with secret_key(ANOTHER_KEY):
        page.reload()
        expect(page.get_by_role("alert").filter(has_text="another secret key (SECRET_KEY)")).to_be_visible()
    assert tab.csp_violations() == [] and page_errors(tab) == []


def test_links_for_a_mail_merge_are_saved_as_a_file_and_a_bad_line_makes_none(
        open_tab: Any, org: OrgContext, mailbox: Mailbox, tmp_path: Path, http: httpx.Client) -> None:
    survey = open_survey(org, title="Zelf mailen")
    org.unit("Team Merge")
    tab = _signed_in(open_tab, org, mailbox, "org_admin", "en-GB", LAPTOP)
    page = tab.page
    page.goto("/console")
    expect(page.locator("#wave-title")).to_have_text("Zelf mailen")
    page.locator("#links-file").set_input_files(_file(tmp_path, "bad.csv", "unit,layer,count\nTeam Merge,chef,2\n"))
    page.get_by_role("button", name="Make the links").click()
    expect(page.locator("#links-errors tbody tr")).to_contain_text("Team Merge,chef,2")
    summary = f"{org.prefix}/surveys/{survey['id']}/invitations/summary"
    assert org.admin.get(summary).json()["issued"] == 0
    page.locator("#links-file").set_input_files(_xlsx(tmp_path, [["unit", "layer", "count"],
                                                                 ["Team Merge", "employee", "3"]]))
    with page.expect_download() as saved:
        page.get_by_role("button", name="Make the links").click()
    expect(page.locator("#links-result")).to_have_text("3 links made and saved as a CSV file.")
    rows = list(csv.DictReader(io.StringIO(Path(saved.value.path()).read_text(encoding="utf-8"))))
    assert len(rows) == 3 and {r["unit"] for r in rows} == {"Team Merge"} and saved.value.suggested_filename == (
        "links-Zelf-mailen.csv")
    assert all(r["url"].endswith("/respond#" + r["token"]) for r in rows)
    for row in rows[:2]:  # the links answer
        assert submit(http, row["token"], {"openness_1": 4}).status_code == 201
    page.reload()  # the rates as read now (the page's own refresh would make this a race)
    # two answers of three invitations, k 5: the rates say the group is too small, never its counts
    expect(page.locator("#rates tbody tr").first).to_contain_text("fewer than the minimum")
    assert org.admin.get(summary).json()["issued"] == 3
    assert tab.csp_violations() == [] and [e for e in page_errors(tab) if "status of 422" not in e] == []
