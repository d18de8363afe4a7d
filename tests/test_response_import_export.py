"""Importing historical responses from CSV (all or nothing, streamed, per-line errors) and exporting the raw
responses as CSV for organisation admins: unit, layer and item values, nothing else."""

import csv
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from app.responses.codec import DONT_KNOW, MISSING, pack, unpack
from tests.factories import OrgContext
from tests.respond_factories import (
    csv_upload,
    error_locs,
    export_header,
    item_keys,
    stored,
)
from tests.survey_factories import create_questionnaire, create_survey, open_survey


def _import(org: OrgContext, survey_id: str, text: str | bytes, **params: str) -> Any:
    return org.admin.post(f"{org.prefix}/surveys/{survey_id}/responses/import", params=params,
                          files=csv_upload(text))


def _unit_names(org: OrgContext) -> set[str]:
    return {u["name"] for u in org.admin.get(f"{org.prefix}/units").json()}


def _rows(org: OrgContext, survey_id: str, columns: list[str]) -> Counter[tuple[str, ...]]:
    return Counter(tuple(row[c] for c in columns) for row in stored(org, survey_id))


def test_the_packed_format() -> None:
    answers = [1, 5, None, "dont_know", -100, 100, 0]
    blob = pack(answers)
    assert len(blob) == len(answers)
    assert blob[2] == MISSING & 0xFF and blob[3] == DONT_KNOW & 0xFF
    assert unpack(blob) == answers
    for bad in (101, -101, True, 2.0, "3"):
        with pytest.raises(ValueError):
            pack([bad])  # type: ignore[list-item]


def test_import_then_export(org: OrgContext) -> None:
    survey = open_survey(org, ask_desired=True)
    ids = org.tree({"Directie": {"Wonen": {}}})
    org.unit("Team Data", external_key="D-01")
    k = item_keys(org)
    text = ("\ufeff" f"{k[1]};Layer;UNIT;{k[0]};{k[0]}:desired\r\n"
            f"5;employee;Directie/Wonen;1;4\r\n"
            f" 2 ;;D-01;dont_know;\r\n"
            f";team_leader;{ids['Directie']};3;DONT_KNOW\r\n"
            "\r\n"
            f"4;employee; directie / wonen ;;5\r\n")
    response = _import(org, survey["id"], text)
    assert response.status_code == 201, response.text
    assert response.json() == {"imported": 4, "units_created": 0}
    columns = ["unit_path", "unit_key", "layer", k[0], k[1], k[2], f"{k[0]}:desired", f"{k[1]}:desired"]
    assert _rows(org, survey["id"], columns) == Counter([
        ("Directie/Wonen", "", "employee", "1", "5", "", "4", ""),
        ("Team Data", "D-01", "", "dont_know", "2", "", "", ""),
        ("Directie", "", "team_leader", "3", "", "", "dont_know", ""),
        ("Directie/Wonen", "", "employee", "", "4", "", "5", ""),
    ])


def test_a_closed_or_draft_survey_takes_an_import(org: OrgContext) -> None:
    org.unit("Team")
    first = item_keys(org)[0]
    closed = open_survey(org)
    assert org.admin.post(f"{org.prefix}/surveys/{closed['id']}/close").status_code == 200
    draft = create_survey(org)
    for survey in (closed, draft):
        response = _import(org, survey["id"], f"unit,{first}\nTeam,4\n")
        assert response.status_code == 201, response.text
        assert [row[first] for row in stored(org, survey["id"])] == ["4"]


def test_unknown_units_are_refused_or_created(org: OrgContext) -> None:
    survey = open_survey(org)
    org.unit("Directie")
    first = item_keys(org)[0]
    text = f"unit,{first}\nDirectie/Nieuw/Team 1,3\nDirectie/Nieuw/Team 2,4\nDirectie/Nieuw/Team 1,5\n"
    refused = _import(org, survey["id"], text)
    assert error_locs(refused) == [["file", 2, "unit"], ["file", 3, "unit"], ["file", 4, "unit"]]
    assert _unit_names(org) == {"Directie"}
    created = _import(org, survey["id"], text, unknown_units="create")
    assert created.status_code == 201, created.text
    assert created.json() == {"imported": 3, "units_created": 3}
    assert _unit_names(org) == {"Directie", "Nieuw", "Team 1", "Team 2"}
    assert _rows(org, survey["id"], ["unit_path", first]) == Counter(
        [("Directie/Nieuw/Team 1", "3"), ("Directie/Nieuw/Team 2", "4"), ("Directie/Nieuw/Team 1", "5")])
    # A bad line anywhere takes the created units back with it.
    bad = _import(org, survey["id"], f"unit,{first}\nOther/Team,3\nDirectie,9\n", unknown_units="create")
    assert error_locs(bad) == [["file", 3, first]]
    assert "Other" not in _unit_names(org)
    assert len(stored(org, survey["id"])) == 3


def _bad_imports(k: list[str]) -> list[tuple[str, bytes, list[Any] | None, dict[str, str]]]:
    a, b = k[0], k[1]
    return [
        ("not text", f"unit,{a}\n".encode() + b"T\x81am,3\n", None, {}),  # 0x81: neither UTF-8 nor Windows-1252
        ("not text far down", f"unit,{a}\n".encode() + b"Team,3\n" * 5000 + b"T\x81am,3\n", None, {}),
        ("empty file", b"", None, {}),
        ("header only", f"unit,{a}\n".encode(), None, {}),
        ("no unit column", f"layer,{a}\nemployee,3\n".encode(), ["file", 1, "unit"], {}),
        ("no item column", b"unit,layer\nTeam,employee\n", None, {}),
        ("duplicate column", f"unit,{a},{a}\nTeam,3,3\n".encode(), ["file", 1, a], {}),
        ("unknown item column", f"unit,{a},email\nTeam,3,x@y.nl\n".encode(), ["file", 1, "email"], {}),
        ("unnamed column", f"unit,{a},\nTeam,3,\n".encode(), ["file", 1, ""], {}),
        ("desired not asked", f"unit,{a},{a}:desired\nTeam,3,4\n".encode(), ["file", 1, f"{a}:desired"], {}),
        ("above the scale", f"unit,{a},{b}\nTeam,3,6\n".encode(), ["file", 2, b], {}),
        ("below the scale", f"unit,{a}\nTeam,0\n".encode(), ["file", 2, a], {}),
        ("huge number", f"unit,{a}\nTeam,99999999999\n".encode(), ["file", 2, a], {}),
        ("a word", f"unit,{a}\nTeam,three\n".encode(), ["file", 2, a], {}),
        ("a decimal", f"unit,{a}\nTeam,3.5\n".encode(), ["file", 2, a], {}),
        ("bad layer key", f"unit,layer,{a}\nTeam,boss,3\n".encode(), ["file", 2, "layer"], {}),
        ("unknown unit", f"unit,{a}\nTeam,3\nNo such team,3\n".encode(), ["file", 3, "unit"], {}),
        ("empty unit", f"unit,{a}\n,3\n".encode(), ["file", 2, "unit"], {}),
        ("unknown unit id", f"unit,{a}\n00000000-0000-4000-8000-000000000000,3\n".encode(), ["file", 2, "unit"],
         {"unknown_units": "create"}),
        ("control character in a new unit", f"unit,{a}\nTe\x01am 2,3\n".encode(), ["file", 2, "unit"],
         {"unknown_units": "create"}),
        ("too many cells", f"unit,{a}\nTeam,3,4\n".encode(), ["file", 2, ""], {}),
        ("too few cells", f"unit,{a},{b}\nTeam,3\n".encode(), ["file", 2, ""], {}),
        ("a row without answers", f"unit,{a},{b}\nTeam,3,\nTeam,,\n".encode(), ["file", 3, ""], {}),
        ("unterminated quote", f'unit,{a}\n"Team,3\n'.encode(), None, {}),
        ("NUL byte", f"unit,{a}\nTeam,\x003\n".encode(), None, {}),
        ("bad unknown_units", f"unit,{a}\nTeam,3\n".encode(), ["query", "unknown_units"], {"unknown_units": "maybe"}),
    ]


BAD_NAMES = [name for name, *_ in _bad_imports(["a", "b"])]


@pytest.mark.parametrize("case", range(len(BAD_NAMES)), ids=BAD_NAMES)
def test_a_bad_file_stores_nothing(org: OrgContext, case: int) -> None:
    survey = open_survey(org)
    org.unit("Team")
    name, text, loc, params = _bad_imports(item_keys(org))[case]
    response = _import(org, survey["id"], text, **params)
    assert response.status_code == 422, (name, response.text)
    assert response.json().get("detail") or response.json().get("errors")
    if loc is not None:
        assert loc in error_locs(response), response.text
    assert stored(org, survey["id"]) == []
    assert _unit_names(org) == {"Team"}


def test_dont_know_only_where_the_questionnaire_offers_it(org: OrgContext) -> None:
    questionnaire = create_questionnaire(org, key="strict", dont_know_label=None)
    survey = create_survey(org, questionnaire_id=questionnaire["id"])
    org.unit("Team")
    response = _import(org, survey["id"], "unit,sharing_1,sharing_2\nTeam,dont_know,3\n")
    assert error_locs(response) == [["file", 2, "sharing_1"]]
    assert stored(org, survey["id"]) == []


def test_another_organisations_unit(org: OrgContext, other_org: OrgContext) -> None:
    survey = open_survey(org)
    first = item_keys(org)[0]
    theirs = other_org.unit("Their team", external_key="THEIRS")
    for ref in (theirs, "THEIRS", "Their team"):
        assert error_locs(_import(org, survey["id"], f"unit,{first}\n{ref},3\n")) == [["file", 2, "unit"]]
    assert stored(org, survey["id"]) == []


def test_too_many_errors(org: OrgContext) -> None:
    survey = open_survey(org)
    org.unit("Team")
    first = item_keys(org)[0]
    response = _import(org, survey["id"], f"unit,{first}\n" + "Team,9\n" * 500)
    assert len(error_locs(response)) == 200
    assert "first errors" in response.json()["detail"]
    assert stored(org, survey["id"]) == []


def test_not_a_file(org: OrgContext) -> None:
    survey = open_survey(org)
    url = f"{org.prefix}/surveys/{survey['id']}/responses/import"
    assert org.admin.post(url, json={"unit": "Team"}).status_code == 422
    assert org.admin.post(url, content=b"unit,x\n", headers={"Content-Type": "text/csv"}).status_code == 422
    assert org.admin.post(url, files={"other": ("a.csv", b"unit\n")}).status_code == 422
    assert stored(org, survey["id"]) == []


def test_only_organisation_admins(org: OrgContext, other_org: OrgContext) -> None:
    survey = open_survey(org)
    team = org.unit("Team")
    first = item_keys(org)[0]
    base = f"{org.prefix}/surveys/{survey['id']}/responses"
    for client in (org.client_for("analyst"), org.client_for("analyst", team)):
        assert client.get(f"{base}/export").status_code == 403
        assert client.post(f"{base}/import", files=csv_upload(f"unit,{first}\nTeam,3\n")).status_code == 403
    assert other_org.admin.get(f"{base}/export").status_code == 404
    assert other_org.admin.post(f"{base}/import", files=csv_upload(f"unit,{first}\nTeam,3\n")).status_code == 404
    assert stored(org, survey["id"]) == []


def test_export_columns(org: OrgContext) -> None:
    keys = item_keys(org)
    now_only = open_survey(org)
    both = open_survey(org, ask_desired=True)
    describing = ["unit_path", "unit_key", "layer"]
    assert export_header(org, now_only["id"]) == [*describing, *keys]
    assert export_header(org, both["id"]) == [*describing, *keys, *[f"{k}:desired" for k in keys]]
    response = org.admin.get(f"{org.prefix}/surveys/{both['id']}/responses/export")
    assert response.headers["content-disposition"] == f'attachment; filename="responses-{both["id"]}.csv"'
    assert response.text.splitlines()[0] == (
        "# k-anonymous export: k=5, rows=0, layers generalised=0, answers withheld=0")
    assert response.text.count("\n") == 2  # the summary and the header alone


def test_a_long_file_is_streamed(org: OrgContext, tmp_path: Path) -> None:
    """100,000 rows, read row by row from the spooled upload and inserted in batches; then exported in full (a
    draft takes the import as published; the teams' rows are written with layer `*`)."""
    survey = create_survey(org)
    org.tree({"Dir": {"Team A": {}, "Team B": {}}})
    keys = item_keys(org)
    path = tmp_path / "history.csv"
    rows = 100_000
    written: Counter[tuple[str, str, str]] = Counter()
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["unit", "layer", *keys])
        for i in range(rows):
            unit, layer = "Dir/Team A" if i % 3 else "Dir/Team B", "employee" if i % 7 else "team_leader"
            values = [(i + j) % 5 + 1 for j in range(len(keys))]
            writer.writerow([unit, layer, *values])
            written[(unit, layer, str(values[0]))] += 1
    with path.open("rb") as f:
        response = org.admin.post(f"{org.prefix}/surveys/{survey['id']}/responses/import",
                                  files={"file": ("history.csv", f, "text/csv")}, timeout=600)
    assert response.status_code == 201, response.text
    assert response.json()["imported"] == rows
    export = org.admin.get(f"{org.prefix}/surveys/{survey['id']}/responses/export", timeout=600)
    lines = export.text.splitlines()
    assert len(lines) == rows + 2
    expected: Counter[tuple[str, str, str]] = Counter()
    for (unit, _, value), n in written.items():
        expected[unit, "*", value] += n
    assert Counter(tuple(line.split(",", 4)[i] for i in (0, 2, 3)) for line in lines[2:]) == expected
