"""Every report that lists the dimensions says of each whether it is the questionnaire's outcome scale (`outcome`),
so a client labels it without knowing the questionnaire: version 2 of the built-in questionnaire
(knowledge sharing and learning), a custom questionnaire's marked dimension, and version 1 (none)."""

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest

from tests.factories import OrgContext
from tests.report_factories import Population, survey_with_responses
from tests.survey_factories import builtin_questionnaire, create_questionnaire, questionnaire_body

POP = [("Town/Social", "employee", 14, 0.0), ("Town/Social", "team_leader", 6, {"openness": 0.6}),
       ("Town/Space", "employee", 12, {"transparency": -0.5}), ("Town/Space", "team_leader", 5, 0.3),
       ("Town", "director", 5, 0.6)]

# report -> (query, the paths of its lists of dimensions); "*" walks a list
LISTS: dict[str, tuple[dict[str, Any], list[str]]] = {
    "profile": ({}, ["dimensions"]),
    "item-profile": ({}, ["dimensions"]),
    "breakdown": ({"by": "layer"}, ["organisation.dimensions", "scope.dimensions", "groups.*.dimensions"]),
    "heatmap": ({}, ["columns"]),
    "perception-gaps": ({}, ["comparisons.*.dimensions"]),
    "team-gaps": ({}, ["teams.*.dimensions"]),
    "desired-gap": ({}, ["groups.*.dimensions", "groups.*.items"]),
    "agreement": ({}, ["dimensions", "teams.*.dimensions"]),
    "readiness": ({}, ["dimensions"]),  # culture dimensions only (none flagged)
}


def _at(node: Any, path: list[str]) -> Iterator[Any]:
    if not path:
        yield node
        return
    head, rest = path[0], path[1:]
    for child in (node if head == "*" else [node[head]]):
        yield from _at(child, rest)


def _listed(node: Any) -> Iterator[dict[str, Any]]:
    """Every object of the answer with a `key` and a `name`: a dimension, a statement's desired gap (its dimension in
    `dimension_key`), or something else (a layer, a unit)."""
    if isinstance(node, list):
        for item in node:
            yield from _listed(item)
    elif isinstance(node, dict):
        if "key" in node and "name" in node:
            yield node
        for value in node.values():
            yield from _listed(value)


def _check(org: OrgContext, survey: str, dims: list[str], outcome: str | None, **extra: Any) -> dict[str, int]:
    """Every listed dimension of every report carries `outcome`, true exactly for the outcome's key (a statement's
    row: for its dimension); returns how many lists of each report showed the outcome flagged."""
    flagged: dict[str, int] = {}
    reports = {**LISTS, **extra}
    for name, (params, paths) in reports.items():
        response = org.admin.get(f"{org.prefix}/surveys/{survey}/reports/{name}", params=params)
        assert response.status_code == 200, (name, response.text)
        body = response.json()
        seen = 0
        for obj in _listed(body):
            key = obj.get("dimension_key", obj["key"])
            if key not in dims:  # a layer, a unit, a theme
                continue
            assert obj["outcome"] is (key == outcome), (name, obj)
            seen += 1
        assert seen, name
        for path in paths:
            lists = list(_at(body, path.split(".")))
            assert lists, (name, path)
            flagged[name] = flagged.get(name, 0) + sum(d["outcome"] for lst in lists for d in lst)
    return flagged


def _two_waves(org: OrgContext) -> tuple[dict[str, Any], str, str, str]:
    """Version 2 of the built-in questionnaire, two waves of it (the ids of the earlier and the later) and a
    leader's self-assessment in the later (its id)."""
    v2 = builtin_questionnaire(org, version=None)
    earlier = survey_with_responses(org, Population(POP, seed=3), questionnaire=v2)
    wave = survey_with_responses(org, Population(POP, seed=5), questionnaire=v2)
    answers = {i["key"]: 3 for d in v2["dimensions"] for i in d["items"]}
    leader = org.admin.post(f"{org.prefix}/surveys/{wave.id}/self-assessments", json={
        "unit_id": wave.units["Town/Social"], "layer_id": org.layers["team_leader"], "leader_name": "A. Leader",
        "consent": True, "language": "en", "current": answers})
    assert leader.status_code == 201, leader.text
    return v2, earlier.id, wave.id, str(leader.json()["id"])


def test_the_built_in_outcome_is_flagged_in_every_report(org):
    v2, earlier, wave, leader = _two_waves(org)
    dims = [d["key"] for d in v2["dimensions"]]
    flagged = _check(org, wave, dims, "knowledge_sharing", trend=({"surveys": earlier}, ["dimensions"]),
                     **{"blind-spot": ({"self_assessment_id": leader}, ["dimensions"])})
    shown_everywhere = (set(LISTS) - {"readiness"}) | {"trend", "blind-spot"}
    assert {name for name, count in flagged.items() if count} == shown_everywhere
    readiness = org.admin.get(f"{org.prefix}/surveys/{wave}/reports/readiness").json()
    assert "knowledge_sharing" not in [d["key"] for d in readiness["dimensions"]]  # not a culture dimension
    assert all(d["desired_gap"]["outcome"] is False for d in readiness["dimensions"] if d["desired_gap"])


def test_a_custom_questionnaires_outcome_and_version_1(org):
    dimensions = questionnaire_body()["dimensions"]
    dimensions[1]["outcome"] = True
    custom = create_questionnaire(org, key="custom-outcome", dimensions=dimensions)
    dims = [d["key"] for d in custom["dimensions"]]
    pop = [("Town/Social", "employee", 14, 0.0), ("Town/Space", "employee", 12, 0.2)]
    wave = survey_with_responses(org, Population(pop, seed=2), questionnaire=custom)
    reports = {"profile": LISTS["profile"], "heatmap": LISTS["heatmap"], "desired-gap": LISTS["desired-gap"]}
    for name in reports:
        listed = org.admin.get(f"{org.prefix}/surveys/{wave.id}/reports/{name}").json()
        marked = {obj.get("dimension_key", obj["key"]) for obj in _listed(listed) if obj.get("outcome")}
        assert marked == {dims[1]}, name
    v1 = builtin_questionnaire(org, version=1)
    old = survey_with_responses(org, Population(POP, seed=4), questionnaire=v1)
    for name in reports:
        listed = org.admin.get(f"{org.prefix}/surveys/{old.id}/reports/{name}").json()
        assert not any(obj.get("outcome") for obj in _listed(listed)), name


@pytest.mark.parametrize("schema", ["DimensionProfile", "DimensionFigure", "HeatColumn", "StatementDimension",
                                    "GapFigures", "PairedGap", "TeamDimensionAgreement", "DimensionAgreement",
                                    "DimensionTrend", "BlindSpotDimension", "ReadinessDimension"])
def test_the_flag_is_in_the_openapi_document(http, schema):
    schemas = http.get("/openapi.json").json()["components"]["schemas"]
    found = schemas.get(schema) or schemas[f"{schema}-Output"]
    assert found["properties"]["outcome"]["type"] == "boolean"
    assert "outcome" in found["required"]
    assert "outcome scale" in found["properties"]["outcome"]["description"]


# report -> (query, the CSV column that holds the row's dimension key)
CSV_DIMENSION = {"profile": ({}, "dimension"), "item-profile": ({}, "dimension"),
                 "breakdown": ({"by": "layer"}, "dimension"), "perception-gaps": ({}, "dimension"),
                 "team-gaps": ({}, "dimension"), "desired-gap": ({}, "dimension"), "agreement": ({}, "dimension"),
                 "readiness": ({}, "key")}


def _csv(org: OrgContext, survey: str, name: str, params: dict[str, Any]) -> list[dict[str, str]]:
    response = org.admin.get(f"{org.prefix}/surveys/{survey}/reports/{name}", params={**params, "format": "csv"})
    assert response.status_code == 200, (name, response.text)
    return list(csv.DictReader(io.StringIO(response.text)))


def test_the_csv_variants_carry_the_jsons_flag(org):
    """Every CSV with dimension rows has an `outcome` column equal to the JSON's flag of the row's dimension (a
    statement's row: its dimension's; readiness's team rows: empty), on version 2 of the built-in questionnaire."""
    v2, earlier, wave, leader = _two_waves(org)
    reports = {**CSV_DIMENSION, "trend": ({"surveys": earlier}, "key"),
               "blind-spot": ({"self_assessment_id": leader}, "dimension")}
    item_dimension = {i["key"]: d["key"] for d in v2["dimensions"] for i in d["items"]}
    flagged = set()
    for name, (params, column) in reports.items():
        body = org.admin.get(f"{org.prefix}/surveys/{wave}/reports/{name}", params=params).json()
        json_flag = {obj.get("dimension_key", obj["key"]): obj["outcome"] for obj in _listed(body)
                     if obj.get("dimension_key", obj["key"]) in item_dimension.values() and "outcome" in obj}
        assert json_flag, name
        rows = _csv(org, wave, name, params)
        assert rows and "outcome" in rows[0], name
        checked = 0
        for row in rows:
            key = row[column]
            if name == "trend" and row["level"] == "item":
                key = item_dimension[key]
            if key not in json_flag:  # a team row of readiness, a suppressed group's row
                assert row["outcome"] == "", (name, row)
                continue
            assert row["outcome"] == ("true" if json_flag[key] else "false"), (name, row)
            checked += 1
            if json_flag[key]:
                flagged.add(name)
        assert checked, name
    assert flagged == set(reports) - {"readiness"}  # the outcome is a row of every one but readiness
