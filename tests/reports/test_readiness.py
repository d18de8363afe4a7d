"""The readiness summary: structure, ranking, team readiness numbers, and that hidden groups never appear."""

import csv
import io
import json
from typing import Any

import numpy as np
import pytest

from tests.factories import OrgContext
from tests.report_factories import Population, survey_with_responses
from tests.survey_factories import builtin_questionnaire
from tests.tables import written

POP = [("Town/Care/Team 1", "employee", 12, 0.6), ("Town/Care/Team 1", "team_leader", 5, 0.9),
       ("Town/Care/Team 2", "employee", 10, 0.2), ("Town/Space/Team 3", "employee", 11, -0.4),
       ("Town/Space/Team 4", "employee", 9, -0.1), ("Town/Care", "department_head", 5, 0.8),
       ("Town/Space", "department_head", 5, 0.5), ("Town", "director", 5, 1.0)]


def get(client: Any, org: OrgContext, survey_id: str, **params: Any) -> Any:
    return client.get(f"{org.prefix}/surveys/{survey_id}/reports/readiness", params=params)


def dimension_means(rows: list[dict[str, str]], definition: dict[str, Any], inside: Any) -> np.ndarray:
    """Per dimension, the mean scale score of the rows `inside` picks among those who answered all its items."""
    out = []
    for dim in definition["dimensions"]:
        scores = [np.mean([6 - int(row[i["key"]]) if i["reverse"] else int(row[i["key"]]) for i in dim["items"]])
                  for row in rows if inside(row) and all(row[i["key"]] for i in dim["items"])]
        out.append(np.mean(scores))
    return np.array(out)


def test_structure_ranking_and_team_numbers(org):
    data = survey_with_responses(org, Population(POP, seed=21))
    response = get(org.admin, org, data.id, lang="nl")
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["suppressed"] is False and report["ranked_by"] == "desired_gap"
    assert report["group"]["n"] == sum(n for _, _, n, _ in POP)
    dims = report["dimensions"]
    assert [d["rank"] for d in dims] == [1, 2, 3, 4, 5]
    gaps = [abs(d["desired_gap"]["gap"]) for d in dims]
    assert gaps == sorted(gaps, reverse=True)
    for d in dims:
        assert d["n"] > 0 and d["ci"]["low"] < d["mean"] < d["ci"]["high"]
        assert d["desired_gap"]["gap"] > 0  # the factory wants 0.8 points more
        assert d["desired_gap"]["t_test"]["correction"] == "holm"
        assert d["reading"]["en"] and d["reading"]["nl"]
    gaps = report["perception_gaps"]
    assert 1 <= len(gaps) <= 3
    sizes = [abs(g["figures"]["hedges_g"]) for g in gaps]
    assert sizes == sorted(sizes, reverse=True)
    assert all(g["b"]["layer_keys"] == ["employee"] and g["figures"]["reading"]["nl"] for g in gaps)
    most, least = report["most_ready_teams"], report["least_ready_teams"]
    assert len(most) == len(least) == 2  # four teams: at most half of them on either side
    assert [t["group"]["unit_path"][-1] for t in most] == ["Team 1", "Team 2"]
    assert [t["group"]["unit_path"][-1] for t in least] == ["Team 3", "Team 4"]
    definition = builtin_questionnaire(org)
    for team in most + least:
        path = "/".join(team["group"]["unit_path"])
        mine = dimension_means(data.rows, definition, lambda row, path=path: row["unit"] == path)
        rest = dimension_means(data.rows, definition, lambda row, path=path: row["unit"] != path)
        assert team["index"] == pytest.approx(mine.mean(), abs=1e-12)  # the mean of the dimension means
        assert team["difference"] == pytest.approx(mine.mean() - rest.mean(), abs=1e-12)
        assert team["reason"] is None
        assert team["reading"]["en"].startswith('Respondents in "Team') and "the rest" in team["reading"]["en"]
        assert team["reading"]["nl"].startswith('Respondenten in "Team')
    assert most[0]["difference"] > 0 > least[0]["difference"]


def test_ranked_by_mean_without_the_desired_frame(org):
    data = survey_with_responses(org, Population(POP, seed=22), ask_desired=False)
    report = get(org.admin, org, data.id).json()
    assert report["ranked_by"] == "mean"
    means = [d["mean"] for d in report["dimensions"]]
    assert means == sorted(means) and [d["rank"] for d in report["dimensions"]] == [1, 2, 3, 4, 5]
    assert all(d["desired_gap"] is None for d in report["dimensions"])
    assert "the lowest of the 5 dimensions" in report["dimensions"][0]["reading"]["en"]
    assert "de hoogste van de 5 dimensies" in report["dimensions"][-1]["reading"]["nl"]
    assert get(org.admin, org, data.id, rank_by="desired_gap").status_code == 409
    assert get(org.admin, org, data.id, rank_by="best").status_code == 422
    assert get(org.admin, org, data.id, lang="fr").status_code == 422


def test_hidden_groups_never_appear(org):
    data = survey_with_responses(org, Population([*POP, ("Town/Space/Tiny", "employee", 2, 3.0)], seed=23))
    tiny = data.units["Town/Space/Tiny"]
    for rank_by in ("desired_gap", "mean"):
        report = get(org.admin, org, data.id, rank_by=rank_by).json()
        assert tiny not in json.dumps(report)
        for team in report["most_ready_teams"] + report["least_ready_teams"]:
            assert team["group"]["suppressed"] is False and team["group"]["n"] >= 5 and team["reason"] is None
        for gap in report["perception_gaps"]:
            assert not gap["a"]["suppressed"] and not gap["b"]["suppressed"]
    # a scope too small to show: nothing but the flag
    small = survey_with_responses(org, Population([("Town/Space/Few", "employee", 3, 0.0),
                                                   ("Town/Care/Team 1", "employee", 20, 0.0)], seed=24))
    report = get(org.admin, org, small.id, unit_id=small.units["Town/Space/Few"]).json()
    assert report["suppressed"] is True and report["group"]["n"] is None
    assert report["dimensions"] == report["perception_gaps"] == report["most_ready_teams"] == []
    # a unit-scoped key: only the teams of its subtree
    care = org.client_for("analyst", data.units["Town/Care"])
    report = get(care, org, data.id).json()
    paths = [t["group"]["unit_path"] for t in report["most_ready_teams"] + report["least_ready_teams"]]
    assert paths == [["Town", "Care", "Team 1"], ["Town", "Care", "Team 2"]]
    assert get(care, org, data.id, unit_id=data.units["Town/Space"]).status_code == 404


def test_the_csv_holds_the_figures_of_the_json(org):
    data = survey_with_responses(org, Population(POP, seed=21))
    report = get(org.admin, org, data.id).json()
    response = get(org.admin, org, data.id, format="csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    sections = [r["section"] for r in rows]
    assert sections == (["dimension"] * 5 + ["perception_gap"] * len(report["perception_gaps"])
                        + ["most_ready_team"] * 2 + ["least_ready_team"] * 2)
    for row, d in zip(rows, report["dimensions"], strict=False):
        assert (row["key"], int(row["rank"]), int(row["n"])) == (d["key"], d["rank"], d["n"])
        assert row["mean"] == written(d["mean"], "mean") and row["gap"] == written(d["desired_gap"]["gap"], "gap")
        assert row["p_adjusted"] == written(d["desired_gap"]["t_test"]["p_adjusted"], "p_adjusted")
        assert row["reading_nl"] == d["reading"]["nl"]
    gap_rows = [r for r in rows if r["section"] == "perception_gap"]
    for row, g in zip(gap_rows, report["perception_gaps"], strict=True):
        assert row["gap"] == written(g["figures"]["difference"], "gap") and int(row["n"]) == g["figures"]["n_a"]
        assert row["compared_with"] == g["b"]["name"]
    team_rows = [r for r in rows if r["section"].endswith("_team")]
    for row, t in zip(team_rows, report["most_ready_teams"] + report["least_ready_teams"], strict=True):
        assert row["unit_id"] == t["group"]["unit_id"] and row["mean"] == written(t["index"], "mean")
        assert row["gap"] == written(t["difference"], "gap")


def test_the_csv_of_a_hidden_scope_says_why(org):
    small = survey_with_responses(org, Population([("Town/Space/Few", "employee", 3, 0.0),
                                                   ("Town/Care/Team 1", "employee", 20, 0.0)], seed=24))
    response = get(org.admin, org, small.id, unit_id=small.units["Town/Space/Few"], format="csv")
    (row,) = csv.DictReader(io.StringIO(response.text))
    assert (row["section"], row["n"], row["hidden_reason"]) == ("scope", "", "below_minimum")


def test_a_unit_of_leaders_only_is_listed_apart_not_ranked_among_the_teams(org):
    """Issue 15: a board of leaders tops "most ready teams" with the leaders' own view. A leaf unit without a
    respondent in the reference layer (employees) is listed under `leadership_units`, never ranked as a team."""
    board = [("Board", "director", 6, 1.5), ("Board", "department_head", 6, 1.5)]
    data = survey_with_responses(org, Population(POP + board, seed=23))
    report = get(org.admin, org, data.id).json()
    ranked = [t["group"]["unit_path"][-1] for t in report["most_ready_teams"] + report["least_ready_teams"]]
    assert "Board" not in ranked and len(report["most_ready_teams"]) == 2  # still the four teams, half each side
    assert [t["group"]["unit_path"] for t in report["leadership_units"]] == [["Board"]]
    leaders = report["leadership_units"][0]
    definition = builtin_questionnaire(org)
    mine = dimension_means(data.rows, definition, lambda row: row["unit"] == "Board")
    assert leaders["index"] == pytest.approx(mine.mean(), abs=1e-12)
    assert leaders["index"] > report["most_ready_teams"][0]["index"]  # it would have topped the list
    rows = list(csv.DictReader(io.StringIO(get(org.admin, org, data.id, format="csv").text)))
    assert [r["name"] for r in rows if r["section"] == "leadership_unit"] == ["Board"]
