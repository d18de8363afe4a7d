"""The k-anonymous raw export through HTTP on the real database: a municipality with many groups of 1-4, published
responses only, the summary line and headers, and the file imported again."""

import csv
import io
import uuid
from collections import Counter
from typing import Any

import numpy as np
from sqlalchemy import update

from app.responses.models import Response
from tests.factories import OrgContext
from tests.report_factories import Population, SurveyWithData, survey_with_responses
from tests.respond_factories import csv_upload, db_execute, error_locs, invite, item_keys, stored, submit
from tests.survey_factories import create_survey, open_survey

DESCRIBING = ["unit_path", "unit_key", "layer", "language", "source"]


def _municipality(org: OrgContext, seed: int = 3) -> SurveyWithData:
    """A board, two directorates, five departments with one or two heads each, 3-4 teams per department of 1-9
    employees and a team leader (about a third of them below k): many groups of 1 to 4."""
    rng = np.random.default_rng(seed)
    groups: list[tuple[str, str, int, float | dict[str, float]]] = [
        ("Bestuur", "executive_board", 3, 0.0), ("Bestuur", "director", 2, 0.0)]
    for d in range(2):
        directorate = f"Directie {d + 1}"
        groups.append((directorate, "director", 1, 0.0))
        for a in range(2 + d):
            department = f"{directorate}/Afdeling {d + 1}.{a + 1}"
            groups.append((department, "department_head", int(rng.integers(1, 3)), 0.0))
            for t in range(int(rng.integers(3, 5))):
                team = f"{department}/Team {d + 1}.{a + 1}.{t + 1}"
                groups.append((team, "team_leader", 1, 0.0))
                groups.append((team, "employee", int(rng.integers(1, 10)), 0.0))
    return survey_with_responses(org, Population(groups, seed=seed))


def _export(org: OrgContext, survey_id: str) -> tuple[Any, list[str], list[dict[str, str]]]:
    response = org.admin.get(f"{org.prefix}/surveys/{survey_id}/responses/export")
    assert response.status_code == 200, response.text
    lines = response.text.splitlines()
    return response, lines, list(csv.DictReader(io.StringIO("\n".join(lines[1:]))))


def _answers(row: dict[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((key, value) for key, value in row.items() if key not in DESCRIBING
                        and key not in ("unit",)))


def test_a_municipality_is_exported_k_anonymously(org: OrgContext) -> None:
    survey = _municipality(org)
    teams = {row["unit"] for row in survey.rows if row["unit"].count("/") == 2}
    english = [uuid.UUID(survey.units[path]) for path in sorted(teams)[::3]]  # a third of the teams: English
    this = Response.survey_id == uuid.UUID(survey.id)
    db_execute(update(Response).where(this).values(language="nl"))
    db_execute(update(Response).where(this, Response.unit_id.in_(english)).values(language="en"))
    response, lines, rows = _export(org, survey.id)
    k = 5

    combinations = Counter(tuple(row[c] for c in DESCRIBING) for row in rows)
    assert min(combinations.values()) >= k, combinations
    truth = stored(org, survey.id)
    assert Counter(map(_answers, rows)) == Counter(map(_answers, truth))  # answers untouched, every row there

    generalised = {
        "units": sum(1 for row in rows if row["unit_path"] not in teams) - sum(
            1 for row in truth if row["unit_path"] not in teams),
    }
    summary = dict(part.split("=") for part in lines[0].removeprefix("# k-anonymous export: ").split(", "))
    assert summary["k"] == str(k) and summary["rows"] == str(len(rows)) and summary["rows suppressed"] == "0"
    assert int(summary["units generalised"]) >= generalised["units"] > 0
    assert int(summary["layers generalised"]) == sum(1 for row in rows if row["layer"] in ("*", "*leaders"))
    assert int(summary["languages generalised"]) == sum(1 for row in rows if row["language"] == "*")
    assert response.headers["x-export-rows"] == summary["rows"]
    assert response.headers["x-export-units-generalised"] == summary["units generalised"]
    assert response.headers["x-export-rows-suppressed"] == "0"

    by_team = Counter(row["unit_path"] for row in truth)
    written = Counter(row["unit_path"] for row in rows)
    for team in teams:  # a team's rows are all named at the team or none are: never its total less one leader
        assert written[team] in (0, by_team[team]), team
        if by_team[team] < k:
            assert written[team] == 0
    for row in rows:
        assert row["layer"] == "*" if row["unit_path"] in teams else row["layer"] != ""
        assert any(path == row["unit_path"] or path.startswith(row["unit_path"] + "/") for path in by_team) or (
            row["unit_path"] == "*")
    assert {row["source"] for row in rows} == {"import"}
    assert {row["language"] for row in rows} <= {"nl", "en", "*"}


def test_only_published_responses_are_exported(org: OrgContext, http: Any) -> None:
    team = org.unit("Team")
    keys = item_keys(org)
    survey = open_survey(org)
    for i, token in enumerate(invite(org, survey["id"], team, 6)):
        assert submit(http, token, {keys[0]: i % 5 + 1}, language="nl").status_code == 201
    response, _lines, rows = _export(org, survey["id"])
    assert rows == [] and response.headers["x-export-rows"] == "0"
    assert org.admin.post(f"{org.prefix}/surveys/{survey['id']}/close").status_code == 200
    response, _lines, rows = _export(org, survey["id"])
    assert [(r["unit_path"], r["layer"], r["language"], r["source"]) for r in rows] == [("Team", "*", "nl", "web")] * 6
    assert sorted(r[keys[0]] for r in rows) == ["1", "1", "2", "3", "4", "5"]


def test_fewer_than_k_in_all_are_suppressed_and_counted(org: OrgContext) -> None:
    survey = survey_with_responses(org, Population([("Team", "employee", 3, 0.0), ("Dir", "director", 1, 0.0)]))
    response, lines, rows = _export(org, survey.id)
    assert rows == []
    assert lines[0].endswith("rows=0, units generalised=0, layers generalised=0, languages generalised=0, "
                             "sources generalised=0, rows suppressed=4")
    assert response.headers["x-export-rows-suppressed"] == "4"


def test_the_export_imports_again(org: OrgContext) -> None:
    """The file as exported: rows the importer can't place (`*` unit, `*leaders` layer) are refused line by line;
    without them it imports, `unit_path` into the named unit, `*` layers as no layer."""
    survey = _municipality(org, seed=5)
    text = org.admin.get(f"{org.prefix}/surveys/{survey.id}/responses/export").text
    lines = text.splitlines()
    rows = list(csv.DictReader(io.StringIO("\n".join(lines[1:]))))
    unplaceable = [i + 3 for i, row in enumerate(rows) if row["unit_path"] == "*" or row["layer"] == "*leaders"]
    assert unplaceable, "the municipality should generalise some leaders"
    target = create_survey(org, ask_desired=True)
    refused = org.admin.post(f"{org.prefix}/surveys/{target['id']}/responses/import", files=csv_upload(text))
    assert sorted({loc[1] for loc in error_locs(refused)}) == unplaceable, refused.text[:600]
    assert all(e["msg"].startswith("`*") for e in refused.json()["errors"])
    kept = "\r\n".join(line for n, line in enumerate(lines, start=1) if n not in unplaceable) + "\r\n"
    imported = org.admin.post(f"{org.prefix}/surveys/{target['id']}/responses/import", files=csv_upload(kept))
    assert imported.status_code == 201, imported.text
    placeable = [row for row in rows if row["unit_path"] != "*" and row["layer"] != "*leaders"]
    assert imported.json() == {"imported": len(placeable), "units_created": 0}

    def key(row: dict[str, str]) -> tuple[object, ...]:
        return row["unit_path"], "" if row["layer"] == "*" else row["layer"], _answers(row)

    assert Counter(map(key, stored(org, target["id"]))) == Counter(map(key, placeable))
