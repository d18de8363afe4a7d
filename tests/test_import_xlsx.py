"""The response import, the invitation list upload and the list of invitations to mail take an XLSX workbook (its
first sheet) as they take CSV, as the unit import does: numbers typed in Excel come back as `3`, not `3.0`; blank rows
and `#` rows are skipped; a row Excel stored shorter than the header is padded; an error names the row number Excel
shows; nothing is stored when a row is bad. Workbooks are written by XlsxWriter, as a spreadsheet program would save
them."""

import io
from typing import Any

import xlsxwriter

from tests.factories import OrgContext
from tests.mailbox import Mailbox
from tests.people_factories import unique_email
from tests.respond_factories import item_keys, stored
from tests.survey_factories import open_survey

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _workbook(rows: list[list[Any]], *, first_row: int = 0) -> bytes:
    """`rows` from Excel row `first_row + 1` on; None leaves a cell (or, as a whole row, the row) unwritten."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False})
    sheet = book.add_worksheet("Antwoorden")
    for r, row in enumerate(rows):
        for c, value in enumerate(row or []):
            if value is not None:
                sheet.write(first_row + r, c, value)
    book.add_worksheet("Toelichting").write_row(0, 0, ["unit", "layer", "count"])  # a second sheet is not read
    book.close()
    return out.getvalue()


def _upload(raw: bytes) -> dict[str, Any]:
    return {"file": ("bestand.xlsx", raw, XLSX)}


def test_responses_from_a_workbook(org: OrgContext) -> None:
    survey = open_survey(org)
    org.unit("Wonen", external_key="101")
    a, b, c = item_keys(org)[:3]
    raw = _workbook([
        ["# exported elsewhere"],
        ["Unit", "Layer", a, b, c],
        [101, "Teamleider", 4, "dont_know", 2],  # a numeric key as Excel stores it
        None,  # an empty row
        ["Wonen", "employee", 5],  # stored without its empty last cells
        ["Wonen", None, None, 3, None],
    ], first_row=1)
    response = org.admin.post(f"{org.prefix}/surveys/{survey['id']}/responses/import", files=_upload(raw))
    assert response.status_code == 201, response.text
    assert response.json()["imported"] == 3
    got = sorted((r["unit_path"], r["layer"], r[a], r[b], r[c]) for r in stored(org, survey["id"]))
    assert got == [("Wonen", "", "", "3", ""), ("Wonen", "employee", "5", "", ""),
                   ("Wonen", "team_leader", "4", "dont_know", "2")]


def test_a_bad_response_row_is_named_by_its_excel_row_and_nothing_is_stored(org: OrgContext) -> None:
    survey = open_survey(org)
    org.unit("Wonen")
    a, b = item_keys(org)[:2]
    raw = _workbook([["unit", a, b], ["Wonen", 4, 2], None, ["Wonen", 7, 2], ["Wonen", 3, 2.5],
                     ["Wonen", 1, 1, None, "extra"]], first_row=2)
    response = org.admin.post(f"{org.prefix}/surveys/{survey['id']}/responses/import", files=_upload(raw))
    assert response.status_code == 422, response.text
    assert sorted((e["loc"][1], e["loc"][2]) for e in response.json()["errors"]) == [(6, a), (7, b), (8, "")]
    assert stored(org, survey["id"]) == []


def test_invitations_from_a_workbook(org: OrgContext) -> None:
    survey = open_survey(org)
    team = org.unit("Team", external_key="T1")
    raw = _workbook([["unit", "layer", "count"], ["T1", "Teamleider", 2], [None], ["Team", "employee", 3.0]])
    response = org.admin.post(f"{org.prefix}/surveys/{survey['id']}/invitations/import", files=_upload(raw))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["count"] == 5
    assert [(b["unit_id"], b["layer_id"], b["count"]) for b in body["batches"]] == [
        (team, org.layers["team_leader"], 2), (team, org.layers["employee"], 3)]


def test_a_bad_invitation_row_is_named_by_its_excel_row_and_nothing_is_issued(org: OrgContext) -> None:
    survey = open_survey(org)
    org.unit("Team", external_key="T1")
    raw = _workbook([["unit", "layer", "count"], ["T1", "employee", 2], ["T9", "employee", 1],
                     ["T1", "chef", 0]], first_row=4)
    response = org.admin.post(f"{org.prefix}/surveys/{survey['id']}/invitations/import", files=_upload(raw))
    assert response.status_code == 422, response.text
    assert [(e["loc"][1], e["loc"][2]) for e in response.json()["errors"]] == [
        (7, "unit"), (8, "layer"), (8, "count")]
    assert org.admin.get(f"{org.prefix}/surveys/{survey['id']}/invitations/summary").json()["issued"] == 0


def test_a_workbook_without_a_header_row_is_refused(org: OrgContext) -> None:
    survey = open_survey(org)
    for path in ("responses/import", "invitations/import"):
        response = org.admin.post(f"{org.prefix}/surveys/{survey['id']}/{path}",
                                  files=_upload(_workbook([["# only a comment"]])))
        assert response.status_code == 422 and "first sheet is empty" in response.json()["detail"], response.text


def test_the_raw_exports_workbook_imports_again(org: OrgContext) -> None:
    """The raw export's XLSX (a `responses` sheet first), saved again by another program (openpyxl) without the
    rows the import can't place (a `*` layer), imports as the CSV does."""
    import openpyxl

    from tests.report_factories import survey_with_responses
    from tests.survey_factories import create_survey
    from tests.test_export_formats import POPULATION, _export, _rows

    survey = survey_with_responses(org, POPULATION)
    _, rows = _rows(_export(org, survey.id).text)
    book = openpyxl.load_workbook(io.BytesIO(_export(org, survey.id, format="xlsx").content))
    sheet = book.worksheets[0]
    for r in range(sheet.max_row, 1, -1):
        if sheet.cell(r, 3).value == "*":
            sheet.delete_rows(r)
    edited = io.BytesIO()
    book.save(edited)
    target = create_survey(org, ask_desired=True)
    imported = org.admin.post(f"{org.prefix}/surveys/{target['id']}/responses/import",
                              files=_upload(edited.getvalue()))
    assert imported.status_code == 201, imported.text
    placeable = [r for r in rows[1:] if r[2] != "*"]
    assert imported.json()["imported"] == len(placeable) > 0
    header = rows[0]
    got = sorted((r["unit_path"], *(r[k] for k in header[5:])) for r in stored(org, target["id"]))
    assert got == sorted((r[0], *r[5:]) for r in placeable)


def test_mailed_invitations_from_a_workbook(org: OrgContext, mailbox: Mailbox) -> None:
    """The list HR exports from its own system, uploaded to be mailed: layers by name, an address typed in capitals."""
    survey = open_survey(org, languages=["nl", "en"])
    org.unit("Team Post")
    dutch, english = unique_email("piet"), unique_email("anne")
    raw = _workbook([["email", "unit", "layer", "language"], [dutch.upper(), "Team Post", "Medewerker", "nl"], [None],
                     [english, "Team Post", "team leader", "en"]])
    response = org.admin.post(f"{org.prefix}/surveys/{survey['id']}/invitations/mail", files=_upload(raw))
    assert response.status_code == 201, response.text
    assert response.json() == {"mailed": 2}
    assert "/respond#" in mailbox.wait_for(dutch)[0].text and "/respond#" in mailbox.wait_for(english)[0].text

    bad = _workbook([["email", "unit", "layer"], ["niet-een-adres", "Team Post", "employee"]], first_row=2)
    refused = org.admin.post(f"{org.prefix}/surveys/{survey['id']}/invitations/mail", files=_upload(bad))
    assert refused.status_code == 422, refused.text
    assert [e["loc"][1] for e in refused.json()["errors"]] == [4]  # the row Excel shows


def test_people_from_a_workbook(org: OrgContext) -> None:
    org.tree({"Ruimte": {"Wonen": {}}})
    raw = _workbook([["email", "name", "role", "units"], ["lead@gemeente.test", "Lead", "leader", "Ruimte/Wonen"],
                     [None], ["hr@gemeente.test", "HR", "org_admin", None]])
    response = org.admin.post(f"{org.prefix}/people/import", files=_upload(raw))
    assert response.status_code == 200, response.text
    assert (response.json()["created"], response.json()["updated"]) == (2, 0)

    bad = _workbook([["email", "name", "role"], ["nope", "Bad Address", "analyst"]], first_row=1)
    refused = org.admin.post(f"{org.prefix}/people/import", files=_upload(bad))
    assert refused.status_code == 422, refused.text
    assert [e["loc"][1] for e in refused.json()["errors"]] == [3]  # the row Excel shows
