"""Breakdowns and heatmap: numbers against numpy, suppression (also in CSV), scope, parameters."""

import csv
import io

import numpy as np
import pytest

from tests.factories import OrgContext
from tests.report_factories import Population, SurveyWithData, survey_with_responses
from tests.reports.test_profile import Keyed, reports

POPULATION = Population([
    ("North/Alpha", "employee", 12, 0.4), ("North/Alpha", "team_leader", 5, 0.8), ("North/Beta", "employee", 10, -0.2),
    ("South/Gamma", "employee", 15, 0.0), ("South/Gamma/Mini", "employee", 3, 0.0),  # a parent with one small child
    ("East/Big", "employee", 10, 0.1), ("East/Small", "employee", 3, -0.5),  # East - Big would be Small
], missing=0.0, seed=7)


@pytest.fixture
def surveyed(org: OrgContext) -> SurveyWithData:
    return survey_with_responses(org, POPULATION, ask_desired=False)


def get(org: OrgContext, survey: SurveyWithData, report: str, client=None, **params):
    response = (client or org.admin).get(f"{reports(org, survey.id)}/{report}", params=params)
    assert response.status_code == 200, response.text
    return response


def by_path(groups: list[dict]) -> dict[str, dict]:
    return {"/".join(g["group"]["unit_path"]) + (":" + g["group"]["layer_key"] if g["group"]["layer_key"] else ""): g
            for g in groups}


def check_group(data: Keyed, entry: dict, mask: np.ndarray) -> None:
    org_means = [data.scores(d).mean() for d in range(5)]
    assert entry["group"]["n"] == int(mask.sum()) and not entry["group"]["suppressed"]
    for d, figure in enumerate(entry["dimensions"]):
        s = data.scores(d, mask)
        assert figure["n"] == len(s)
        if not len(s):
            assert figure["mean"] is None and figure["reason"] == "all_missing"
            continue
        assert figure["mean"] == pytest.approx(s.mean())
        assert figure["diff_from_organisation"] == pytest.approx(s.mean() - org_means[d])


def test_breakdown_by_child_unit_matches_numpy(org, surveyed):
    body = get(org, surveyed, "breakdown", level="children").json()
    data = Keyed(org, surveyed.rows)
    groups = by_path(body["groups"])
    assert list(groups) == ["East", "North", "South"]
    check_group(data, body["organisation"], data.where())
    check_group(data, body["scope"], data.where())
    for path in ("North", "South"):
        check_group(data, groups[path], data.where(unit_prefix=path))
    assert all(f["diff_from_organisation"] == 0 for f in body["organisation"]["dimensions"])


def test_breakdown_by_layer_and_unit_layer(org, surveyed):
    data = Keyed(org, surveyed.rows)
    north = surveyed.units["North"]
    body = get(org, surveyed, "breakdown", by="layer", unit_id=north).json()
    layers = {g["group"]["layer_key"]: g for g in body["groups"]}
    assert list(layers) == ["executive_board", "director", "department_head", "team_leader", "employee"]
    check_group(data, layers["employee"], data.where(unit_prefix="North", layer="employee"))
    check_group(data, layers["team_leader"], data.where(unit_prefix="North", layer="team_leader"))
    assert layers["director"]["group"]["n"] == 0 and layers["director"]["dimensions"][0]["mean"] is None
    check_group(data, body["scope"], data.where(unit_prefix="North"))

    body = get(org, surveyed, "breakdown", by="unit_layer", unit_id=north).json()
    cells = by_path(body["groups"])
    assert len(cells) == 2 * 5
    # Teams (units without sub-units) publish no per-layer cells: they would single out a team's leader.
    for cell in ("North/Alpha:team_leader", "North/Beta:employee"):
        assert cells[cell]["group"]["suppressed"] is True and cells[cell]["group"]["n"] is None
        assert all(f["mean"] is None for f in cells[cell]["dimensions"])


def test_breakdown_of_teams(org, surveyed):
    body = get(org, surveyed, "breakdown", level="teams").json()
    assert sorted(by_path(body["groups"])) == ["East/Big", "East/Small", "North/Alpha", "North/Beta",
                                               "South/Gamma/Mini"]
    data = Keyed(org, surveyed.rows)
    check_group(data, by_path(body["groups"])["North/Beta"], data.where(unit_prefix="North/Beta"))


def test_small_groups_are_suppressed_everywhere(org, surveyed):
    seen: dict[str, int] = {}
    for params in ({}, {"level": "teams"}, {"unit_id": surveyed.units["East"]},
                   {"unit_id": surveyed.units["South"]}, {"unit_id": surveyed.units["South/Gamma"]}):
        body = get(org, surveyed, "breakdown", **params).json()
        for entry in [body["scope"], *body["groups"]]:
            path = "/".join(entry["group"]["unit_path"])
            if entry["group"]["suppressed"]:
                assert entry["group"]["n"] is None
                assert entry["group"]["reason"] in ("below_minimum", "protects_smaller_group")
                assert all(f["n"] is None and f["mean"] is None and f["diff_from_organisation"] is None
                           and f["reason"] == entry["group"]["reason"] for f in entry["dimensions"])
            else:
                seen[path] = entry["group"]["n"]
    assert "South/Gamma/Mini" not in seen and "East/Small" not in seen
    assert seen["South/Gamma"] == 18  # the parent of a single small child: its own 15 are never shown alone
    assert not ("East" in seen and "East/Big" in seen), "East minus Big would show Small"
    text = get(org, surveyed, "breakdown", level="teams", format="csv").text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == (2 + 5) * 5
    for row in rows:
        if row["unit_path"] in ("South/Gamma/Mini", "East/Small"):
            assert row["suppressed"] == "true"
            assert row["n"] == row["dimension_n"] == row["mean"] == row["ci_low"] == row["diff_from_organisation"] == ""


def test_heatmap_matches_breakdown_and_hides_small_teams(org, surveyed):
    heat = get(org, surveyed, "heatmap", level="teams", lang="nl").json()
    table = get(org, surveyed, "breakdown", level="teams").json()
    assert [c["key"] for c in heat["columns"]] == [d["key"] for d in table["scope"]["dimensions"]]
    assert heat["columns"][0]["name"] == "Openheid"
    data = Keyed(org, surveyed.rows)
    assert heat["columns"][0]["organisation_mean"] == pytest.approx(data.scores(0).mean())
    for row, entry in zip(heat["rows"], table["groups"], strict=True):
        assert row["group"] == entry["group"]
        for cell, figure in zip(row["cells"], entry["dimensions"], strict=True):
            assert cell["suppressed"] == entry["group"]["suppressed"]
            assert (cell["n"], cell["mean"], cell["diff_from_organisation"]) == (
                figure["n"], figure["mean"], figure["diff_from_organisation"])
    rows = {r["unit_path"]: r for r in csv.DictReader(io.StringIO(
        get(org, surveyed, "heatmap", level="teams", format="csv").text))}
    assert set(rows) == {"East/Big", "East/Small", "North/Alpha", "North/Beta", "South/Gamma/Mini"}
    mini = rows["South/Gamma/Mini"]
    assert mini["suppressed"] == "true" and mini["hidden_reason"] == "below_minimum"
    assert not any(v for k, v in mini.items() if k not in ("unit_id", "unit_path", "suppressed", "hidden_reason")
                   and not k.endswith(("_scale_min", "_scale_max", "_outcome")))
    assert (mini["openness_scale_min"], mini["openness_scale_max"], mini["openness_outcome"]) == ("1", "5", "false")
    beta = rows["North/Beta"]
    assert float(beta["openness_mean"]) == pytest.approx(data.scores(0, data.where(unit_prefix="North/Beta")).mean())


def test_unit_scoped_key_breaks_down_its_subtree(org, surveyed):
    scoped = org.client_for("analyst", surveyed.units["North"])
    body = get(org, surveyed, "breakdown", client=scoped).json()
    assert sorted(by_path(body["groups"])) == ["North/Alpha", "North/Beta"]
    assert body["groups"][0]["dimensions"][0]["diff_from_organisation"] is not None
    heat = get(org, surveyed, "heatmap", client=scoped, level="teams").json()
    assert [r["group"]["unit_path"] for r in heat["rows"]] == [["North", "Alpha"], ["North", "Beta"]]
    for report in ("breakdown", "heatmap", "response-rates"):
        response = scoped.get(f"{reports(org, surveyed.id)}/{report}", params={"unit_id": surveyed.units["South"]})
        assert response.status_code == 404


@pytest.mark.parametrize(("report", "params"), [
    ("breakdown", {"by": "team"}), ("breakdown", {"level": "leaves"}), ("breakdown", {"format": "pdf"}),
    ("breakdown", {"lang": "fr"}), ("heatmap", {"level": "x"}), ("heatmap", {"format": "pdf"}),
    ("heatmap", {"format": "csv", "dialect": "excel-de"}), ("heatmap", {"dialect": "excel-nl"}),
])
def test_bad_parameters_are_422(org, surveyed, report, params):
    response = org.admin.get(f"{reports(org, surveyed.id)}/{report}", params=params)
    assert response.status_code == 422 and response.headers["content-type"].startswith("application/problem+json")


def test_other_organisation_gets_404(org, other_org, surveyed):
    for report in ("breakdown", "heatmap", "response-rates", "data-quality"):
        assert other_org.admin.get(f"{reports(org, surveyed.id)}/{report}").status_code == 404
