"""The unit tree from an XLSX workbook, as HR systems export it: the first sheet, read like the CSV (both layouts,
all or nothing); an error names the row Excel shows; numbers typed as keys come back as `12`, not `12.0`; a file
that only looks like a workbook is refused with how to save it."""

import io
import zipfile

import xlsxwriter


def _workbook(rows, *, first_sheet="Eenheden", blank_rows_before=0, shared=True):
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False})
    sheet = book.add_worksheet(first_sheet)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r + blank_rows_before, c, value)
    book.add_worksheet("Notes").write(0, 0, "path")  # a second sheet is ignored
    book.close()
    return out.getvalue()


def _import(org, raw, name="units.xlsx"):
    return org.admin.post(f"{org.prefix}/units/import", files={
        "file": (name, raw, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")})


def _paths(org):
    return sorted("/".join(u["path"]) for u in org.admin.get(f"{org.prefix}/units").json())


def test_a_workbook_with_paths_and_numeric_keys(org):
    raw = _workbook([["Path", "External_key"], ["Ruimte/Wonen", 101], ["Ruimte/Klimaat", 102.0],
                     ["Sociaal", None]])
    response = _import(org, raw)
    assert response.status_code == 200, response.text
    assert response.json()["created"] == 4
    assert _paths(org) == ["Ruimte", "Ruimte/Klimaat", "Ruimte/Wonen", "Sociaal"]
    keys = {u["name"]: u["external_key"] for u in response.json()["units"]}
    assert keys == {"Wonen": "101", "Klimaat": "102", "Sociaal": None}
    assert _import(org, raw).json() == {**_import(org, raw).json(), "created": 0, "existing": 3}


def test_a_workbook_with_parent_keys_in_any_order(org):
    raw = _workbook([["external_key", "name", "parent_key"], ["T1", "Team Noord", "D1"], ["D1", "Wonen", "R"],
                     ["R", "Ruimte", None]])
    assert _import(org, raw).status_code == 200
    assert _paths(org) == ["Ruimte", "Ruimte/Wonen", "Ruimte/Wonen/Team Noord"]


def test_bad_rows_are_named_by_the_row_excel_shows_and_nothing_is_stored(org):
    raw = _workbook([["path"], ["Goed/Team"], [None], ["/Leeg"], ["Goed/Te" + "a" * 250]], blank_rows_before=2)
    response = _import(org, raw)
    assert response.status_code == 422
    assert [(e["loc"][1], e["loc"][2]) for e in response.json()["errors"]] == [(6, "path"), (7, "path")]
    extra = _import(org, _workbook([["path"], ["Goed"], ["Extra", None, "cel"]]))
    assert [e["loc"] for e in extra.json()["errors"]] == [["file", 3, ""]]
    assert _paths(org) == []


def test_what_is_not_a_readable_workbook_is_refused_with_how_to_save_it(org):
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", b"<workbook>" + b" " * 60_000_000 + b"</workbook>")
    entities = io.BytesIO()
    with zipfile.ZipFile(entities, "w") as z:
        z.writestr("xl/workbook.xml", '<!DOCTYPE x [<!ENTITY a "aaaa">]><workbook>&a;</workbook>')
    for raw in (broken.getvalue(), bomb.getvalue(), entities.getvalue(), b"PK\x03\x04 truncated"):
        response = _import(org, raw)
        assert response.status_code == 422, response.text
        assert "save it again as an Excel workbook (.xlsx) or as CSV UTF-8" in response.json()["detail"]
    assert _paths(org) == []
