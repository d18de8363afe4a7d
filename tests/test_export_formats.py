"""The raw export as Dutch-Excel CSV and as XLSX: the same rows and generalisation as the plain CSV, and the Dutch
file imports again."""

import csv
import io
from collections import Counter
from typing import Any

import openpyxl

from tests.factories import OrgContext
from tests.report_factories import Population, survey_with_responses
from tests.respond_factories import csv_upload, stored
from tests.survey_factories import create_survey

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
POPULATION = Population([("Town/Care", "employee", 8, 0.2), ("Town/Space", "employee", 7, -0.2),
                         ("Town/Space/Tiny", "employee", 2, 0.0), ("Town", "director", 2, 0.5)], seed=4)
OPENNESS = [{f"openness_{i}": v for i, v in enumerate(values, start=1)}  # the whole dimension: it is written
            for values in ([4, 2, 3, 3, 4], [1, 1, 2, 1, 2], [5, 2, 4, 5, 5])]


def _export(org: OrgContext, survey_id: str, **params: str) -> Any:
    response = org.admin.get(f"{org.prefix}/surveys/{survey_id}/responses/export", params=params)
    assert response.status_code == 200, response.text
    return response


def _rows(text: str, delimiter: str = ",") -> tuple[str, list[list[str]]]:
    comment, _, rest = text.partition("\r\n")
    return comment, list(csv.reader(io.StringIO(rest), delimiter=delimiter))


def test_excel_nl_is_the_same_file_with_semicolons_and_a_bom_and_imports_again(org: OrgContext) -> None:
    survey = survey_with_responses(org, POPULATION)
    plain, nl = _export(org, survey.id), _export(org, survey.id, dialect="excel-nl")
    assert nl.content.startswith(b"\xef\xbb\xbf") and not plain.content.startswith(b"\xef\xbb\xbf")
    assert nl.headers["content-disposition"].endswith('.csv"')
    assert {k: v for k, v in nl.headers.items() if k.startswith("x-export")} == {
        k: v for k, v in plain.headers.items() if k.startswith("x-export")}
    comment, rows = _rows(plain.text)
    nl_comment, nl_rows = _rows(nl.text.removeprefix("\ufeff"), ";")
    assert nl_comment == comment and comment.startswith("# k-anonymous export: k=5")
    assert nl_rows == rows and "\r\n" in nl.text and all(len(r) == len(rows[0]) for r in rows)
    assert "Town/Space/Tiny" not in plain.text  # the small unit is named by its parent, in both dialects

    target = create_survey(org, ask_desired=True)
    kept = "\r\n".join(line for line in nl.text.split("\r\n") if "*" not in line.split(";")[2:3])
    imported = org.admin.post(f"{org.prefix}/surveys/{target['id']}/responses/import",
                              files=csv_upload(kept))
    assert imported.status_code == 201, imported.text
    header = rows[0]
    placeable = [dict(zip(header, r, strict=True)) for r in rows[1:] if r[2] != "*"]
    assert imported.json()["imported"] == len(placeable) > 0

    def key(row: dict[str, str]) -> tuple[object, ...]:
        return row["unit_path"], tuple(sorted((k, v) for k, v in row.items() if k in header[3:]))

    assert Counter(map(key, stored(org, target["id"]))) == Counter(map(key, placeable))


def test_xlsx_holds_the_csv_rows_with_numbers_and_an_about_sheet(org: OrgContext) -> None:
    survey = survey_with_responses(org, POPULATION)
    comment, rows = _rows(_export(org, survey.id).text)
    response = _export(org, survey.id, format="xlsx")
    assert response.headers["content-type"] == XLSX and response.headers["x-export-k"] == "5"
    assert response.headers["content-disposition"].endswith('.xlsx"')
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["responses", "about"]
    ws = book["responses"]
    assert ws.freeze_panes == "A2"
    got = [["" if v is None else v for v in r] for r in ws.iter_rows(values_only=True)]
    assert got[0] == rows[0]
    scale = {v for r in got[1:] for v in r[3:] if v != ""}
    assert scale and all(isinstance(v, int) for v in scale)
    assert [[str(v) for v in r] for r in got[1:]] == rows[1:]
    about = [r[0] for r in book["about"].iter_rows(values_only=True)]
    assert about[0] == "k-anonymous export: k=5" and comment.endswith(about[-1])


def test_bad_export_options_are_problems(org: OrgContext) -> None:
    survey = survey_with_responses(org, POPULATION)
    for params in ({"format": "json"}, {"format": "xlsx", "dialect": "excel-nl"}, {"dialect": "nl"}, {"shape": "tall"}):
        response = org.admin.get(f"{org.prefix}/surveys/{survey.id}/responses/export", params=params)
        assert response.status_code == 422 and response.headers["content-type"] == "application/problem+json"
