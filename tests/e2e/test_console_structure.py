"""The console's structure page in a real Chromium, for an organisation admin signed in by e-mail link: a file with
bad lines shows each beside what it says and stores nothing; an XLSX workbook is taken; the tree shows a wave's
invitation and answer counts only as the response-rates report publishes them (a group below the minimum shows its
reason, never its number); rename, move and archive by keyboard, each refusal next to the unit, changing nothing.
In English on a laptop and in Dutch on a phone (the server's refusals in Dutch). Screenshots in tests/artifacts."""

import io
from pathlib import Path
from typing import Any

import httpx
import pytest
import xlsxwriter
from playwright.sync_api import expect

from tests.e2e.conftest import LAPTOP, PHONE
from tests.e2e.dashboard_helpers import SMALL_TARGETS, fits_the_width, page_errors
from tests.e2e.test_console import _file, _signed_in
from tests.factories import OrgContext
from tests.mailbox import Mailbox
from tests.respond_factories import invite, item_keys, submit
from tests.survey_factories import open_survey

pytestmark = pytest.mark.browser


def _paths(org: OrgContext) -> list[str]:
    return sorted("/".join(u["path"]) for u in org.admin.get(f"{org.prefix}/units").json())


def _unit(org: OrgContext, name: str) -> dict[str, Any]:
    return next(u for u in org.admin.get(f"{org.prefix}/units").json() if u["name"] == name)


def _xlsx(tmp_path: Path, rows: list[list[str]]) -> str:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("Units")
    for r, row in enumerate(rows):
        sheet.write_row(r, 0, row)
    book.close()
    path = tmp_path / "units.xlsx"
    path.write_bytes(out.getvalue())
    return str(path)


def _row(page: Any, name: str) -> Any:
    return page.locator("#units-tree .unit-row").filter(has=page.locator(".unit-name", has_text=name)).first


def test_structure_on_a_laptop_in_english(open_tab: Any, org: OrgContext, mailbox: Mailbox, http: httpx.Client,
                                          tmp_path: Path, artifacts: Path) -> None:
    tab = _signed_in(open_tab, org, mailbox, "org_admin", "en-GB", LAPTOP)
    page = tab.page
    page.goto("/console")
    page.get_by_role("navigation", name="Console pages").get_by_role("link", name="Structure").click()
    expect(page.locator("#structure-title")).to_be_focused()
    expect(page.get_by_role("link", name="Structure")).to_have_attribute("aria-current", "page")
    assert page.title() == "Structure \N{EN DASH} Survey console"

    long_name = "Town/" + "x" * 201
    page.locator("#units-file").set_input_files(_file(tmp_path, "bad.csv",
                                                      f"path\nTown/Water\n/Leading\n{long_name}\nTown/Roads\n"))
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("#units-result")).to_contain_text("Nothing was stored")
    rows = page.locator("#units-errors tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_have_text("3/Leadingpath: empty name")  # the line's number, what it says, the problem
    expect(rows.nth(1).locator("code")).to_have_text(long_name)
    expect(rows.nth(1)).to_contain_text("path: longer than 200 characters")
    assert _paths(org) == []

    page.locator("#units-file").set_input_files(_xlsx(tmp_path, [["path"], ["Town/Water"], ["Town/Roads"],
                                                                 ["Town/Parks"], ["Archive"]]))
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("#units-result")).to_have_text("5 units added, 0 already there.")
    expect(page.locator("#units-tree .unit-name")).to_have_text(["Archive", "Town", "Parks", "Roads", "Water"])

    # counts from a wave, as the response-rates report publishes them: never a hidden group's number
    survey = open_survey(org, title="Spring", min_group_size=5, ask_desired=False)
    answers = dict.fromkeys(item_keys(org), 3)
    for name, invited, answered in (("Water", 8, 6), ("Roads", 7, 5), ("Parks", 3, 1)):
        for token in invite(org, survey["id"], _unit(org, name)["id"], count=invited)[:answered]:
            assert submit(http, token, answers).status_code == 201
    page.reload()
    page.get_by_label("Counts from the wave").select_option(label="Spring")
    expect(page.locator("#tree-k")).to_contain_text("minimum of 5")
    published = {r["group"]["unit_name"]: r for r in org.admin.get(
        f"{org.prefix}/surveys/{survey['id']}/reports/response-rates", params={"level": "subtree"}).json()["units"]}
    assert published["Parks"]["answered"] is None  # one answer: hidden
    for name, row in published.items():
        counts = _row(page, name).locator(".unit-counts")
        if row["answered"] is None:
            expect(counts).to_have_class("unit-counts hidden-reason")
            expect(counts).not_to_contain_text("invited")
        else:
            expect(counts).to_contain_text(f"{row['invited']} invited, {row['answered']} answered")
    expect(_row(page, "Parks")).not_to_contain_text("3 invited")

    # rename by keyboard; a sibling's name is refused next to the field and changes nothing
    rename = page.get_by_role("button", name="Rename Water")
    rename.focus()
    page.keyboard.press("Enter")
    field = page.get_by_label("New name for Water")
    expect(field).to_be_focused()
    field.fill("roads")
    page.keyboard.press("Enter")
    expect(page.locator("#unit-edit-input-error")).to_have_text(
        "A unit named 'roads' already exists under this parent.")
    expect(field).to_have_attribute("aria-invalid", "true")
    assert _unit(org, "Water")["name"] == "Water"
    field.fill("Water/Dikes")
    page.keyboard.press("Enter")
    expect(page.locator("#unit-edit-input-error")).to_have_text(
        "A name has no slash (/): it separates the levels of a path.")
    page.keyboard.press("Escape")
    expect(rename).to_be_focused()
    rename.press("Enter")
    page.get_by_label("New name for Water").fill("Water & Dikes")
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Rename Water & Dikes")).to_be_focused()
    expect(page.locator("#status")).to_have_text("Renamed to Water & Dikes.")

    # move: a unit's own subtree is not offered; a move is saved
    page.get_by_role("button", name="Move Town").click()
    options = page.get_by_label("Move Town under").locator("option")
    expect(options).to_have_text(["(the top of the tree)", "Archive"])
    page.get_by_role("button", name="Cancel").click()
    page.get_by_role("button", name="Move Parks").click()
    page.get_by_label("Move Parks under").select_option(label="Town / Roads")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("button", name="Move Parks")).to_be_focused()
    assert _unit(org, "Parks")["path"] == ["Town", "Roads", "Parks"]

    # archive: refused while an open wave invites people there, or sub-units are live; a leaf without waves goes
    page.get_by_role("button", name="Archive Parks").click()
    expect(page.locator(f"#unit-message-{_unit(org, 'Parks')['id']}")).to_have_text(
        "Waves that are not closed invite people in this unit (Spring): close them before archiving it.")
    page.get_by_role("button", name="Archive Town").click()
    expect(page.locator(f"#unit-message-{_unit(org, 'Town')['id']}")).to_contain_text("sub-units that are not archived")
    assert not _unit(org, "Parks")["archived"] and not _unit(org, "Town")["archived"]
    page.get_by_role("button", name="Archive Archive").click()
    expect(page.get_by_role("button", name="Bring back Archive")).to_be_focused()
    expect(_row(page, "Archive").locator(".tag")).to_have_text("archived")
    assert _unit(org, "Archive")["archived"]
    page.get_by_label("Show archived units").uncheck()
    expect(page.locator("#units-tree .unit-name", has_text="Archive")).to_have_count(0)
    page.screenshot(path=str(artifacts / "console-structure-laptop-en.png"), full_page=True)
    audit = [e["action"] for e in org.admin.get(f"{org.prefix}/audit-events").json()["events"][:3]]
    assert audit == ["unit.archived", "unit.updated", "unit.updated"]  # the refusals left no trace
    assert tab.csp_violations() == []
    assert [e for e in page_errors(tab) if not any(s in e for s in ("status of 422", "status of 409"))] == []


def test_structure_on_a_phone_in_dutch(open_tab: Any, org: OrgContext, mailbox: Mailbox, tmp_path: Path,
                                       artifacts: Path) -> None:
    ids = org.tree({"Gemeente": {"Wonen": {}, "Klimaat": {}}})
    survey = open_survey(org, title="Najaar")
    invite(org, survey["id"], ids["Wonen"], count=2)
    tab = _signed_in(open_tab, org, mailbox, "org_admin", "nl-NL", PHONE)
    page = tab.page
    page.goto("/console#structure")
    expect(page.locator("#structure-title")).to_have_text("Structuur")
    assert page.title() == "Structuur \N{EN DASH} Enquêteconsole"

    page.locator("#units-file").set_input_files(_file(tmp_path, "fout.csv", "naam\nGemeente/Wonen\n"))
    page.get_by_role("button", name="Uploaden").click()
    expect(page.locator("#units-result")).to_have_text(
        "Dat lukte niet: De kopregel moet een kolom path hebben, of de kolommen external_key, name en parent_key.")
    page.locator("#units-file").set_input_files(_file(tmp_path, "regels.csv",
                                                      "path\nGemeente/Wonen/Team A\nGemeente//B\n"))
    page.get_by_role("button", name="Uploaden").click()
    expect(page.locator("#units-result")).to_contain_text("Er is niets opgeslagen")
    expect(page.locator("#units-errors tbody tr")).to_have_text(["3Gemeente//Bpath: lege naam"])
    expect(page.locator("#units-errors caption")).to_have_text("De regels met fouten")
    page.locator("#units-file").set_input_files(_xlsx(tmp_path, [["path"], ["Gemeente/Wonen"], ["Gemeente/"]]))
    page.get_by_role("button", name="Uploaden").click()
    expect(page.locator("#units-errors tbody tr")).to_have_text(["3(een rij van de werkmap)path: lege naam"])
    page.get_by_role("button", name="EN", exact=True).click()  # the tree's words follow the language
    expect(page.get_by_role("button", name="Archive Wonen")).to_be_visible()
    page.get_by_role("button", name="NL", exact=True).click()

    page.get_by_role("button", name="Wonen archiveren").click()
    expect(page.locator(f"#unit-message-{ids['Wonen']}")).to_have_text(
        "Metingen die nog niet gesloten zijn nodigen mensen in deze eenheid uit (Najaar): sluit ze voordat u de "
        "eenheid archiveert.")
    page.get_by_role("button", name="Klimaat hernoemen").click()
    page.get_by_label("Nieuwe naam voor Klimaat").fill("wonen")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("#unit-edit-input-error")).to_have_text("Er is al een eenheid 'wonen' op die plek.")
    assert page.evaluate(SMALL_TARGETS) == []
    assert fits_the_width(page)
    page.screenshot(path=str(artifacts / "console-structure-phone-nl.png"), full_page=True)
    assert [u["name"] for u in org.admin.get(f"{org.prefix}/units").json()] == ["Gemeente", "Klimaat", "Wonen"]
    assert tab.csp_violations() == []
    assert [e for e in page_errors(tab) if not any(s in e for s in ("status of 422", "status of 409"))] == []
