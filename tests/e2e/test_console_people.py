"""The console's people-and-access page in a real Chromium: the list of who may sign in and what they see; adding a
person refuses bad input next to the field (the page's own checks, and the server's 422 and 409) and stores nothing;
changing a role and units, deactivating and removing (after a question whose safe answer has the focus), each
reflected in the API; in English on a laptop and in Dutch on a phone."""

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import LAPTOP, PHONE
from tests.e2e.dashboard_helpers import SMALL_TARGETS, fits_the_width, page_errors
from tests.e2e.test_console import _signed_in
from tests.factories import OrgContext
from tests.mailbox import Mailbox
from tests.people_factories import create_person, unique_email

pytestmark = pytest.mark.browser


def _people(org: OrgContext) -> dict[str, dict[str, Any]]:
    return {p["email"]: p for p in org.admin.get(f"{org.prefix}/people").json()}


def _row(page: Any, email: str) -> Any:
    return page.locator("#people-table tbody tr").filter(has_text=email)


def test_people_and_access_on_a_laptop_in_english(open_tab: Any, org: OrgContext, mailbox: Mailbox,
                                                  artifacts: Path) -> None:
    ids = org.tree({"Town": {"Water": {}, "Roads": {}}})
    tab = _signed_in(open_tab, org, mailbox, "org_admin", "en-GB", LAPTOP)
    page = tab.page
    page.goto("/console#people")
    expect(page.locator("#people-title")).to_have_text("People and access")
    before = _people(org)
    [admin] = before.values()
    expect(_row(page, admin["email"])).to_contain_text("Organisation admin")
    expect(_row(page, admin["email"])).to_contain_text("The whole organisation")
    expect(_row(page, admin["email"])).to_contain_text("You: your own access is changed by another admin.")
    expect(_row(page, admin["email"]).get_by_role("button")).to_have_count(0)  # nobody locks themselves out

    email = page.get_by_label("E-mail address")
    page.get_by_label("Role").select_option("leader")
    page.get_by_role("button", name="Add", exact=True).click()  # nothing filled in: the page's own checks
    expect(page.locator("#person-email-error")).to_have_text("Required.")
    expect(page.locator("#person-units-error")).to_have_text("A leader needs at least one unit.")
    expect(email).to_be_focused()
    expect(page.locator("#person-result")).to_have_text("Nobody was added. Fix the marked fields.")
    email.fill("not-an-address")
    page.get_by_label("Name", exact=True).fill("Tom Bakker")
    page.get_by_role("group", name="Units").get_by_label("Town / Water").check()
    page.get_by_role("button", name="Add", exact=True).click()  # the server's 422, next to the field
    expect(page.locator("#person-email-error")).to_have_text("not an e-mail address")
    expect(email).to_have_attribute("aria-invalid", "true")
    email.fill(admin["email"])
    page.get_by_role("button", name="Add", exact=True).click()  # the server's 409, next to the field
    expect(page.locator("#person-email-error")).to_have_text(
        "The organisation already has a person with this e-mail address.")
    assert _people(org) == before  # nothing was stored

    tom = unique_email("tom")
    email.fill(tom)
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator("#person-result")).to_have_text("Tom Bakker added.")
    expect(page.get_by_label("Role")).to_have_value("leader")  # the form is ready for the next one
    expect(_row(page, tom)).to_contain_text("Leader")
    expect(_row(page, tom)).to_contain_text("Town / Water")
    assert _people(org)[tom]["unit_ids"] == [ids["Water"]] and _people(org)[tom]["role"] == "leader"

    page.get_by_role("button", name="Change the access of Tom Bakker").click()
    expect(page.locator("#access-role")).to_be_focused()
    page.locator("#access-role").select_option("analyst")
    units = page.get_by_role("group", name="Units Tom Bakker sees")
    units.get_by_label("Town / Water").uncheck()
    units.get_by_label("Town / Roads").check()
    page.locator("#people-table").get_by_role("button", name="Save").click()
    expect(page.get_by_role("button", name="Change the access of Tom Bakker")).to_be_focused()
    expect(page.locator("#status")).to_have_text("The access of Tom Bakker is changed.")
    assert (_people(org)[tom]["role"], _people(org)[tom]["unit_ids"]) == ("analyst", [ids["Roads"]])

    page.get_by_role("button", name="Deactivate Tom Bakker").click()
    expect(page.get_by_role("button", name="Reactivate Tom Bakker")).to_be_focused()
    expect(_row(page, tom).locator(".tag")).to_have_text("deactivated")
    assert _people(org)[tom]["active"] is False
    page.screenshot(path=str(artifacts / "console-people-laptop-en.png"), full_page=True)

    page.get_by_role("button", name="Remove Tom Bakker").click()
    expect(page.locator("#people-table").get_by_role("button", name="Cancel")).to_be_focused()  # the safe answer
    page.keyboard.press("Escape")
    expect(page.get_by_role("button", name="Remove Tom Bakker")).to_be_focused()
    assert tom in _people(org)
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Yes, remove").click()
    expect(_row(page, tom)).to_have_count(0)
    expect(page.locator("#people-title")).to_be_focused()
    assert tom not in _people(org)
    assert tab.csp_violations() == []
    assert [e for e in page_errors(tab) if not any(s in e for s in ("status of 422", "status of 409"))] == []


def test_people_and_access_on_a_phone_in_dutch(open_tab: Any, org: OrgContext, mailbox: Mailbox,
                                               artifacts: Path) -> None:
    ids = org.tree({"Gemeente": {"Wonen": {}}})
    create_person(org, "leader", [ids["Wonen"]], name="Sanne de Wit")
    tab = _signed_in(open_tab, org, mailbox, "org_admin", "nl-NL", PHONE)
    page = tab.page
    page.goto("/console#people")
    expect(page.locator("#people-title")).to_have_text("Mensen en toegang")
    expect(page.locator("#people-table")).to_contain_text("Leidinggevende")
    expect(page.locator("#people-table")).to_contain_text("Gemeente / Wonen")

    page.get_by_label("E-mailadres").fill("geen-adres")
    page.get_by_label("Naam", exact=True).fill("Piet")
    page.get_by_label("Rol", exact=True).select_option("org_admin")
    page.get_by_role("group", name="Eenheden").get_by_label("Gemeente / Wonen").check()
    page.get_by_role("button", name="Toevoegen").click()
    expect(page.locator("#person-units-error")).to_have_text("Een beheerder ziet alles: kies geen eenheden.")
    page.get_by_role("group", name="Eenheden").get_by_label("Gemeente / Wonen").uncheck()
    page.get_by_role("button", name="Toevoegen").click()
    expect(page.locator("#person-email-error")).to_have_text("geen e-mailadres")  # the server's 422, in Dutch
    expect(page.locator("#person-result")).to_have_text("Er is niemand toegevoegd. Verbeter de gemarkeerde velden.")
    assert len(_people(org)) == 2

    page.get_by_role("button", name="Toegang van Sanne de Wit wijzigen").click()
    page.get_by_role("group", name="Eenheden die Sanne de Wit ziet").get_by_label("Gemeente / Wonen").uncheck()
    page.locator("#people-table").get_by_role("button", name="Opslaan").click()
    expect(page.locator("#access-units-error")).to_have_text("Een leidinggevende heeft minstens één eenheid nodig.")
    assert page.evaluate(SMALL_TARGETS) == []
    assert fits_the_width(page)
    page.screenshot(path=str(artifacts / "console-people-phone-nl.png"), full_page=True)
    assert tab.csp_violations() == []
    assert [e for e in page_errors(tab) if "status of 422" not in e] == []


def test_people_import_shows_each_bad_line_beside_its_text_then_imports(
        open_tab: Any, org: OrgContext, mailbox: Mailbox, tmp_path: Path) -> None:
    org.tree({"Town": {"Water": {}, "Roads": {}}})
    tab = _signed_in(open_tab, org, mailbox, "org_admin", "en-GB", LAPTOP)
    page = tab.page
    page.goto("/console#people")
    expect(page.locator("#people-title")).to_have_text("People and access")
    before = _people(org)
    water, roads = unique_email("water"), unique_email("roads")
    bad = tmp_path / "people.csv"
    bad.write_text(f"email,name,role,units\n{water},Wim Water,leader,Town/Water\nno-address,Nobody,leader,Town/Water\n"
                   f"{roads},Rita Roads,boss,Town/Nowhere\n")
    page.locator("#people-file").set_input_files(str(bad))
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator("#people-import-result")).to_contain_text("Nothing was stored")
    rows = page.locator("#people-import-errors tbody tr")
    expect(rows.first.locator("th")).to_have_text("3")
    expect(rows.first.locator("code")).to_have_text("no-address,Nobody,leader,Town/Water")
    expect(rows.first).to_contain_text("email: ")
    expect(rows.last.locator("th")).to_have_text("4")
    expect(rows.last.locator("code")).to_have_text(f"{roads},Rita Roads,boss,Town/Nowhere")
    expect(page.locator("#people-import-errors caption")).to_have_text("The lines with errors")
    assert _people(org) == before  # all or nothing

    good = tmp_path / "good.csv"
    good.write_text(f"email,name,role,units\n{water},Wim Water,leader,Town/Water\n{roads},Rita Roads,analyst,\n")
    page.locator("#people-file").set_input_files(str(good))
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator("#people-import-result")).to_have_text("2 added, 0 updated.")
    expect(_row(page, water)).to_contain_text("Leader")
    expect(_row(page, roads)).to_contain_text("Analyst")
    assert set(_people(org)) == set(before) | {water, roads}
    assert tab.csp_violations() == []
    assert [e for e in page_errors(tab) if "status of 422" not in e] == []
