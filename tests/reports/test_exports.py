"""The reports' tables in every format (CSV in both dialects, XLSX): the JSON's figures, rounded by column kind in
CSV and exact in XLSX, the same cells hidden for the same reasons, and no number the JSON does not carry."""

import io
from typing import Any

import openpyxl
import pytest

from app.exports.tables import Table, kind, text_of
from app.exports.xlsx import write_xlsx
from tests.factories import OrgContext
from tests.report_factories import Population, SurveyWithData, survey_with_responses
from tests.reports.test_profile import reports
from tests.tables import csv_rows, numbers, unknown_numbers, written, xlsx_sheets

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
POPULATION = Population([
    ("Town/Care/Team 1", "employee", 12, 0.6), ("Town/Care/Team 1", "team_leader", 5, 0.9),
    ("Town/Care/Team 2", "employee", 10, 0.2), ("Town/Care/Tiny", "employee", 3, 0.0),  # hidden (3 < 5)
    ("Town/Space/Team 3", "employee", 11, -0.4), ("Town/Space/Small", "team_leader", 2, -0.1),
    ("Town/Care", "department_head", 5, 0.8), ("Town", "director", 5, 1.0)], seed=18)
ROUTES: list[tuple[str, dict[str, str]]] = [
    ("profile", {}), ("breakdown", {"by": "unit_layer", "level": "teams"}), ("heatmap", {"level": "teams"}),
    ("data-quality", {}), ("response-rates", {"level": "teams"}), ("perception-gaps", {}),
    ("team-gaps", {}), ("desired-gap", {"by": "layer"}), ("agreement", {}), ("item-profile", {}),
    ("readiness", {})]


@pytest.fixture
def surveyed(org: OrgContext) -> SurveyWithData:
    return survey_with_responses(org, POPULATION)


def fetch(org: OrgContext, survey: SurveyWithData, route: str, **params: str) -> Any:
    response = org.admin.get(f"{reports(org, survey.id)}/{route}", params=params)
    assert response.status_code == 200, response.text
    return response


def test_precision_per_column_kind() -> None:
    assert [kind(c) for c in ("mean", "p", "welch_p_adjusted", "t_p", "change_p_holm", "favourable",
                              "current_unfavourable", "rate", "dont_know_share", "favourable_change", "n")] == [
        "figure", "p", "p", "p", "p", "share", "share", "share", "share", "figure", "figure"]
    assert text_of(2.9937500000000004, "figure") == "2.994" and text_of(-0.0001, "figure") == "0.000"
    assert text_of(0.6666666, "share") == "0.667"
    assert text_of(0.049964, "p") == "0.04996" and text_of(1.23456e-7, "p") == "1.235e-07"
    assert text_of(1.0, "p") == "1"


def test_the_check_finds_a_number_the_json_lacks() -> None:
    body = {"mean": 2.9937500000000004, "n": 7, "p": 1.23456e-7, "hidden": None}
    assert unknown_numbers(["2,994", "7", "1,235e-07", "2,98", "8", "true", ""], body, decimal_comma=True) == [
        "2,98", "8"]  # 2.98 is no rounding of a JSON number to two decimals
    assert unknown_numbers([2.99375, 7, 2.994, True], body) == [2.994]


@pytest.mark.parametrize("route,params", ROUTES, ids=[r for r, _ in ROUTES])
def test_every_format_carries_the_json_figures_and_hides_the_same(org, surveyed, route, params):
    body = fetch(org, surveyed, route, **params).json()
    plain = fetch(org, surveyed, route, format="csv", **params)
    nl = fetch(org, surveyed, route, format="csv", dialect="excel-nl", **params)
    book = fetch(org, surveyed, route, format="xlsx", **params)
    assert plain.headers["content-type"].startswith("text/csv") and nl.headers["content-type"].startswith("text/csv")
    assert book.headers["content-type"] == XLSX and 'filename="' in book.headers["content-disposition"]
    assert book.headers["content-disposition"].endswith('.xlsx"')
    rows, nl_rows = csv_rows(plain.text), csv_rows(nl.text, "excel-nl")
    sheets = xlsx_sheets(book.content)
    assert not plain.text.startswith("\ufeff") and "\r\n" in plain.text and nl.content.startswith(b"\xef\xbb\xbf")
    assert nl.text.count("\r\n") == plain.text.count("\r\n")

    cells = [v for r in rows for v in r.values()]
    assert unknown_numbers(cells, body) == []
    assert unknown_numbers([v for r in nl_rows for v in r.values()], body, decimal_comma=True) == []
    assert unknown_numbers([v for s in sheets.values() for r in s for v in r.values()], body) == []
    assert "2.9937500000000004" not in plain.text and all(len(c.split(".")[-1]) <= 8 for c in cells if "." in c)

    # the dialect changes separators and decimal commas only; XLSX holds the JSON figure the CSV cell rounds
    xlsx_rows = [r for s in sheets.values() for r in s]
    assert len(rows) == len(nl_rows) == len(xlsx_rows)
    xlsx_rows.sort(key=lambda r: rows.index(next(c for c in rows if _same(c, r))))
    for row, nl_row, x in zip(rows, nl_rows, xlsx_rows, strict=True):
        assert list(nl_row) == list(row)
        for column, value in row.items():
            if _is_float(value):
                assert nl_row[column] == value.replace(".", ",")
                assert written(x[column], column) == value, (column, x[column], value)
            else:
                assert nl_row[column] == value
                assert _xlsx_text(x[column]) == value.lstrip("'"), (column, x[column], value)


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return "." in text or "e" in text


def _xlsx_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _same(csv_row: dict[str, str], x: dict[str, Any]) -> bool:
    return all(written(x[c], c) == v if _is_float(v) else _xlsx_text(x[c]) == v.lstrip("'")
               for c, v in csv_row.items())


def test_a_hidden_group_is_hidden_in_every_format(org, surveyed):
    body = fetch(org, surveyed, "breakdown", level="teams").json()
    hidden = [g for g in body["groups"] if g["group"]["suppressed"]]
    assert hidden and all(d["mean"] is None for g in hidden for d in g["dimensions"])
    rows = csv_rows(fetch(org, surveyed, "breakdown", level="teams", format="csv", dialect="excel-nl").text,
                    "excel-nl")
    sheets = xlsx_sheets(fetch(org, surveyed, "breakdown", level="teams", format="xlsx").content)
    for table in (rows, sheets["group"]):
        tiny = [r for r in table if str(r["unit_path"]).endswith("Tiny")]
        assert tiny and all(r["mean"] in ("", None) and r["n"] in ("", None) for r in tiny)
        assert {r["hidden_reason"] for r in tiny} == {hidden[0]["group"]["reason"]}
    assert set(sheets) == {"organisation", "scope", "group"}


def test_the_workbook_has_frozen_headers_number_formats_and_widths(org, surveyed):
    content = fetch(org, surveyed, "profile", format="xlsx").content
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["dimension", "item"]
    ws = book["dimension"]
    assert ws.freeze_panes == "A2" and ws["A1"].font.b
    header = [c.value for c in ws[1]]
    row = {h: c for h, c in zip(header, ws[2], strict=True)}
    assert row["mean"].number_format == "0.000" and row["favourable"].number_format == "0.0%"
    assert row["n"].number_format == "0" and isinstance(row["n"].value, int)
    assert ws.column_dimensions["D"].width > 10  # the names
    profile = fetch(org, surveyed, "profile").json()
    assert [r[header.index("mean")].value for r in ws.iter_rows(min_row=2)] == pytest.approx(
        [d["mean"] for d in profile["dimensions"]], rel=1e-15, abs=0)  # full precision in the cell (Excel: 15 digits)
    gaps = openpyxl.load_workbook(io.BytesIO(fetch(org, surveyed, "perception-gaps", format="xlsx").content))
    ws = gaps.worksheets[0]
    header = [c.value for c in ws[1]]
    p = [r[header.index("welch_p_adjusted")] for r in ws.iter_rows(min_row=2) if r[0].value is not None]
    assert {c.number_format for c in p if c.value is not None} == {"[<0.0001]0.000E+00;0.0000"}


def test_trend_and_blind_spot_tables(org, surveyed):
    later = survey_with_responses(org, POPULATION)
    body = fetch(org, later, "trend", surveys=surveyed.id).json()
    text = fetch(org, later, "trend", surveys=surveyed.id, format="csv", dialect="excel-nl").text
    assert unknown_numbers([v for r in csv_rows(text, "excel-nl") for v in r.values()], body,
                           decimal_comma=True) == []
    sheets = xlsx_sheets(fetch(org, later, "trend", surveys=surveyed.id, format="xlsx").content)
    assert set(sheets) == {"dimension", "item"} and numbers(body)
    assert unknown_numbers([v for s in sheets.values() for r in s for v in r.values()], body) == []


def test_bad_format_or_dialect_is_a_problem(org, surveyed):
    for params in ({"format": "pdf"}, {"format": "csv", "dialect": "excel-de"}, {"format": "xlsx",
                                                                               "dialect": "excel-nl"}):
        response = org.admin.get(f"{reports(org, surveyed.id)}/readiness", params=params)
        assert response.status_code == 422 and response.headers["content-type"] == "application/problem+json"
        assert response.json()["errors"][0]["loc"][:2] == ["query", next(iter(params.keys() - {"format"}), "format")]


def test_openapi_documents_format_and_dialect_on_every_tabular_route(http):
    spec = http.get("/openapi.json").json()
    tabular = 0
    for path, ops in spec["paths"].items():
        for op in ops.values():
            names = {p["name"]: p for p in op.get("parameters", [])}
            if "format" in names and "/reports/" in path and not path.endswith("/board-report"):  # a document
                tabular += 1
                assert "dialect" in names, path
                assert names["dialect"]["schema"]["anyOf"][0]["enum"] == ["rfc4180", "excel-nl"]
                assert {"text/csv", XLSX} <= set(op["responses"]["200"]["content"]), path
    assert tabular == 14  # with the driver report


def test_a_streamed_table_longer_than_a_sheet_goes_on(tmp_path) -> None:
    rows = [[f"u{i}", i, i / 3] for i in range(7)]
    target = tmp_path / "long.xlsx"
    write_xlsx([Table("long", ["unit", "n", "mean"], iter(rows), sheet="rows", comment="# k=5, rows=7")], str(target),
               streamed=True, sheet_rows=3)
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["rows", "rows_2", "rows_3", "about"]
    got = [r for ws in book.worksheets[:3] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert [list(r) for r in got] == [[u, n, pytest.approx(m, rel=1e-15)] for u, n, m in rows]
    assert [ws.max_row for ws in book.worksheets[:3]] == [4, 4, 2] and book.worksheets[2].freeze_panes == "A2"
