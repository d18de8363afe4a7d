"""The raw export through HTTP on the real database: held to the reports' suppression maps (docs/anonymity.md, "The
raw export"). A municipality with many groups of 1-4; published responses only; the summary line and headers; those
who left a dimension out never stand out; and the file imported again. The randomised attacker
(`tests/attack`) reads the export beside every report and searches their combinations."""

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

DESCRIBING = ["unit_path", "unit_key", "layer"]


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


def _summary(line: str) -> dict[str, str]:
    return dict(part.split("=") for part in line.removeprefix("# k-anonymous export: ").split(", "))


def _dimensions(keys: list[str]) -> dict[str, list[str]]:
    """Item columns per dimension and frame (`openness`, `openness:desired`)."""
    out: dict[str, list[str]] = {}
    for key in keys:
        item, _, frame = key.partition(":")
        out.setdefault(item.rsplit("_", 1)[0] + (":" + frame if frame else ""), []).append(key)
    return out


def _completed(row: dict[str, str], columns: list[str]) -> bool:
    return all(row[c] not in ("", "dont_know") for c in columns)


def test_a_municipality_is_exported_under_the_reports_maps(org: OrgContext) -> None:
    survey = _municipality(org)
    response, lines, rows = _export(org, survey.id)
    k = 5
    truth = stored(org, survey.id)
    keys = [c for c in rows[0] if c not in DESCRIBING]
    dimensions = _dimensions(keys)

    groups = Counter(tuple(row[c] for c in DESCRIBING) for row in rows)
    assert len(rows) == len(truth) and min(groups.values()) >= k, groups
    by_unit = Counter(row["unit_path"] for row in truth)
    for row in rows:  # named at a unit of their own path, or the organisation
        assert row["unit_path"] == "*" or any(p == row["unit_path"] or p.startswith(row["unit_path"] + "/")
                                              for p in by_unit), row["unit_path"]
    teams = {p for p in by_unit if p.count("/") == 2}
    written = Counter(row["unit_path"] for row in rows)
    for team in teams:  # a team's rows are all named at the team or none are: never its total less one leader
        assert written[team] in (0, by_unit[team]), team
        if by_unit[team] < k:
            assert written[team] == 0

    # a dimension is written only where complete, and within a group those who left out the same dimensions
    # number 0 or at least k
    for group in groups:
        members = [row for row in rows if tuple(row[c] for c in DESCRIBING) == group]
        patterns = Counter(tuple(_completed(row, columns) for columns in dimensions.values()) for row in members)
        assert min(patterns.values()) >= k, (group, patterns)
        for row in members:
            for columns in dimensions.values():
                assert all(row[c] for c in columns) or not any(row[c] for c in columns), (group, columns, row)
    assert not any(row[c] == "dont_know" for row in rows for c in keys)

    # no answer changed: every row is a stored response with some dimensions left empty
    def masked(row: dict[str, str], shown: list[str]) -> tuple[str, ...]:
        return tuple(row[c] if _completed(row, dimensions[_dim(c)]) else "" for c in shown)

    def _dim(column: str) -> str:
        return next(d for d, cs in dimensions.items() if column in cs)

    for group in groups:
        members = [row for row in rows if tuple(row[c] for c in DESCRIBING) == group]
        shown = [c for c in keys if any(row[c] for row in members)]
        exported = Counter(tuple(row[c] for c in shown) for row in members)
        candidates = Counter(masked(row, shown) for row in truth)
        assert not exported - candidates, group

    summary = _summary(lines[0])  # rule 4's cost is checked against the long file (below)
    assert summary == {"k": "5", "rows": str(len(rows)), "answers withheld": summary["answers withheld"],
                       "layers generalised": str(sum(1 for row in rows if row["layer"] == "*"))}
    assert {k: v for k, v in response.headers.items() if k.startswith("x-export")} == {
        "x-export-shape": "wide", "x-export-k": "5", "x-export-rows": summary["rows"],
        "x-export-layers-generalised": summary["layers generalised"],
        "x-export-answers-withheld": summary["answers withheld"], "x-export-suppressed": "no"}
    assert _export(org, survey.id)[0].text == response.text  # the same publication: the same file


def test_a_layer_is_named_only_where_the_reports_show_it_there_and_below(org: OrgContext) -> None:
    """A department with shown teams: its department heads' rows are `*` (the reports show no layer cells of
    teams, so "the department's heads" less its teams' would be a group the maps never checked). A department
    whose small teams count with it names its heads, whose cell the reports show, but not its five employees:
    the reports hide that cell, as it and the heads' would give its one team leader."""
    survey = survey_with_responses(org, Population([
        ("Dep A", "department_head", 5, 0.0), ("Dep A/Team 1", "employee", 6, 0.0),
        ("Dep A/Team 1", "team_leader", 1, 0.0), ("Dep A/Team 2", "employee", 7, 0.0),
        ("Dep B", "department_head", 5, 0.0), ("Dep B/Team 3", "employee", 2, 0.0),
        ("Dep B/Team 4", "employee", 3, 0.0), ("Dep B/Team 4", "team_leader", 1, 0.0)], missing=0.0, seed=8))
    _, _, rows = _export(org, survey.id)
    named = Counter((row["unit_path"], row["layer"]) for row in rows)
    assert named == {("Dep A", "*"): 5, ("Dep A/Team 1", "*"): 7, ("Dep A/Team 2", "*"): 7,
                     ("Dep B", "department_head"): 5, ("Dep B", "*"): 6}, named
    dep_b = survey.units["Dep B"]
    report = org.admin.get(f"{org.prefix}/surveys/{survey.id}/reports/breakdown",
                           params={"unit_id": dep_b, "by": "layer"})
    assert report.status_code == 200, report.text
    shown = {g["group"]["layer_key"]: g["group"]["n"] for g in report.json()["groups"]}
    assert shown["department_head"] == 5 and shown["employee"] is None, shown


def test_those_who_left_a_dimension_out_never_stand_out(org: OrgContext) -> None:
    """A team of seven, two of whom left openness blank: openness is written for none of them (else the two
    rows with empty openness cells would show those two people's other answers); a team of ten where five left
    it blank keeps it, for the five who answered it."""
    survey = survey_with_responses(org, Population(
        [("Team A", "employee", 7, 0.0), ("Team B", "employee", 10, 0.0)], missing=0.0, seed=2,
        blank={0: {"openness": 2}, 1: {"openness": 5}}), ask_desired=False)
    _, lines, rows = _export(org, survey.id)
    openness = [c for c in rows[0] if c.startswith("openness_")]
    a = [row for row in rows if row["unit_path"] == "Team A"]
    b = [row for row in rows if row["unit_path"] == "Team B"]
    assert len(a) == 7 and not any(row[c] for row in a for c in openness)
    assert all(row["collegiality_1"] for row in a)
    assert sorted(all(row[c] for c in openness) for row in b) == [False] * 5 + [True] * 5
    assert _summary(lines[0])["answers withheld"] == str(5 * 5)  # Team A's five complete openness answers


def test_the_long_file_holds_every_completed_dimension_the_maps_show(org: OrgContext) -> None:
    """`shape=long`: one row per respondent, dimension and frame, under the same groups as the wide file; no class
    rule (its rows are not linked), so it writes what the wide file withheld for rule 4 -- and where the wide file
    writes a dimension, the two hold the same answers."""
    survey = _municipality(org)
    wide_response, wide_lines, wide = _export(org, survey.id)
    response = org.admin.get(f"{org.prefix}/surveys/{survey.id}/responses/export", params={"shape": "long"})
    assert response.status_code == 200 and response.headers["x-export-shape"] == "long"
    lines = response.text.splitlines()
    rows = list(csv.DictReader(io.StringIO("\n".join(lines[1:]))))
    keys = [c for c in wide[0] if c not in DESCRIBING and ":" not in c]
    assert list(rows[0]) == [*DESCRIBING, "dimension", "frame", *keys]
    groups = {tuple(row[c] for c in DESCRIBING) for row in wide}
    block_of = [*DESCRIBING, "dimension", "frame"]
    blocks = Counter(tuple(row[c] for c in block_of) for row in rows)
    assert {block[:3] for block in blocks} <= groups and min(blocks.values()) >= 5, blocks
    for row in rows:  # the dimension's statements all answered, nothing else
        own = [c for c in keys if c.rsplit("_", 1)[0] == row["dimension"]]
        assert all(row[c] not in ("", "dont_know") for c in own) and not any(row[c] for c in keys if c not in own)
    for block in blocks:
        suffix = "" if block[4] == "current" else ":desired"
        own = [c for c in keys if c.rsplit("_", 1)[0] == block[3]]
        in_wide = [tuple(r[c + suffix] for c in own) for r in wide if tuple(r[c] for c in DESCRIBING) == block[:3]]
        if any(all(v) for v in in_wide):
            long_rows = [tuple(r[c] for c in own) for r in rows if tuple(r[c] for c in block_of) == block]
            assert Counter(long_rows) == Counter(v for v in in_wide if all(v)), block
    summary, wide_summary = _summary(lines[0]), _summary(wide_lines[0])
    assert summary["shape"] == "long" and summary["rows"] == str(len(rows))
    assert int(summary["answers withheld"]) < int(wide_summary["answers withheld"])
    assert sum(1 for row in rows for c in keys if row[c]) - sum(1 for row in wide for c in row
                                                              if c not in DESCRIBING and row[c]) == int(
        wide_summary["answers withheld"]) - int(summary["answers withheld"])
    assert wide_response.headers["x-export-shape"] == "wide"


def test_only_published_responses_are_exported(org: OrgContext, http: Any) -> None:
    team = org.unit("Team")
    keys = item_keys(org)
    survey = open_survey(org)
    for i, token in enumerate(invite(org, survey["id"], team, 6)):
        answers = dict.fromkeys(keys, 3) | {keys[0]: i % 5 + 1}
        assert submit(http, token, answers, language="nl").status_code == 201
    response, _lines, rows = _export(org, survey["id"])
    assert rows == [] and response.headers["x-export-rows"] == "0"
    assert org.admin.post(f"{org.prefix}/surveys/{survey['id']}/close").status_code == 200
    response, _lines, rows = _export(org, survey["id"])
    assert [(r["unit_path"], r["layer"]) for r in rows] == [("Team", "*")] * 6
    assert [r[keys[0]] for r in rows] == ["1", "1", "2", "3", "4", "5"]  # sorted by answers


def test_fewer_than_k_in_all_are_suppressed_and_not_counted(org: OrgContext) -> None:
    """Nothing is exported, and the file says so without saying how many were left out: the four would be the
    size of a group the reports hide (as would, in a larger organisation, a count of the rows named above their own
    unit: the small teams')."""
    survey = survey_with_responses(org, Population([("Team", "employee", 3, 0.0), ("Dir", "director", 1, 0.0)]))
    response, lines, rows = _export(org, survey.id)
    assert rows == []
    assert lines[0] == ("# k-anonymous export: k=5, rows=0, layers generalised=0, answers withheld=0, some responses "
                        "left out (fewer than k in all)")
    assert response.headers["x-export-suppressed"] == "yes" and "4" not in response.headers["x-export-rows"]


def test_the_export_imports_again(org: OrgContext) -> None:
    """The file as exported: rows the importer can't place (the organisation, `*`) are refused line by line;
    without them it imports, `unit_path` into the named unit, `*` layers as no layer."""
    survey = _municipality(org, seed=5)
    this = Response.survey_id == uuid.UUID(survey.id)
    db_execute(update(Response).where(this).values(language="nl"))
    text = org.admin.get(f"{org.prefix}/surveys/{survey.id}/responses/export").text
    lines = text.splitlines()
    rows = list(csv.DictReader(io.StringIO("\n".join(lines[1:]))))
    at_the_top = [i + 3 for i, row in enumerate(rows) if row["unit_path"] == "*"]
    empty = [i + 3 for i, row in enumerate(rows) if not any(row[c] for c in row if c not in DESCRIBING)]
    unplaceable = sorted({*at_the_top, *empty})
    assert at_the_top, "the municipality should name some rows at the organisation"
    target = create_survey(org, ask_desired=True)
    refused = org.admin.post(f"{org.prefix}/surveys/{target['id']}/responses/import", files=csv_upload(text))
    assert sorted({loc[1] for loc in error_locs(refused)}) == unplaceable, refused.text[:600]
    assert {e["loc"][1] for e in refused.json()["errors"] if e["msg"].startswith("`*")} == set(at_the_top)
    kept = "\r\n".join(line for n, line in enumerate(lines, start=1) if n not in unplaceable) + "\r\n"
    imported = org.admin.post(f"{org.prefix}/surveys/{target['id']}/responses/import", files=csv_upload(kept))
    placeable = [row for row in rows if row["unit_path"] != "*" and any(row[c] for c in row if c not in DESCRIBING)]
    assert imported.status_code == 201 or not placeable, imported.text

    def key(row: dict[str, str]) -> tuple[object, ...]:
        answers = tuple(sorted((c, v) for c, v in row.items() if c not in (*DESCRIBING, "unit") and v))
        return row["unit_path"], "" if row["layer"] == "*" else row["layer"], answers

    assert Counter(map(key, stored(org, target["id"]))) == Counter(map(key, placeable))
