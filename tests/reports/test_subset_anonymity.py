"""Subtraction attacks on subsets: a department (12) and its team (7) are both visible (the rest has 5), but 2 of
those 5 left a dimension (and an item of another dimension) empty. No report may show that dimension's figures in
a way that lets department minus team be computed: that would be the mean of 3 people.

Every figure a report shows is recorded as the set of respondents it sums over: its group, restricted to the
dimension's respondent set (those who answered all of its items, in the frame the figure is of); the attack
succeeds when the 3 people are in the linear span of those sets. (The randomised attacker in tests/attack checks
every figure of every report against every small group; this is the worked example.)
"""

import csv
import io
from typing import Any

import numpy as np
import pytest

from tests.factories import OrgContext
from tests.report_factories import Population, SurveyWithData, survey_with_responses
from tests.survey_factories import builtin_questionnaire

DIM, ITEM = "openness", "transparency_1"
POP = [("Org/D/T", "employee", 7, 0.0), ("Org/D/U", "employee", 5, 0.3), ("Org/E/V", "employee", 6, -0.2),
       ("Org/E/W", "employee", 8, 0.1), ("Org/E", "department_head", 5, 0.5)]


class Figures:
    """The respondent sets behind the shown figures, per kind of subset."""

    def __init__(self, org: OrgContext, data: SurveyWithData) -> None:
        self.rows, self.units = data.rows, data.units
        self.path = {v: k for k, v in data.units.items()}
        definition = builtin_questionnaire(org)
        def complete(dimension: str, frame: str) -> np.ndarray:
            items = next(d for d in definition["dimensions"] if d["key"] == dimension)["items"]
            return np.array([all(r[i["key"] + frame] for i in items) for r in self.rows])

        item_dimension = next(d["key"] for d in definition["dimensions"] if any(i["key"] == ITEM for i in d["items"]))
        self.subsets = {"score": complete(DIM, ""), "desired": complete(DIM, ":desired"),
                        "item": complete(item_dimension, "")}
        self.shown: dict[str, list[np.ndarray]] = {kind: [] for kind in self.subsets}

    def group(self, unit_id: str | None, layers: list[str] | None = None, minus: str | None = None) -> np.ndarray:
        path = None if unit_id is None else self.path[str(unit_id)]
        inside = np.array([path is None or r["unit"] == path or r["unit"].startswith(path + "/") for r in self.rows])
        if layers is not None:
            inside &= np.array([r["layer"] in layers for r in self.rows])
        return inside & ~self.group(minus) if minus else inside

    def add(self, kind: str, members: np.ndarray) -> None:
        self.shown[kind].append((members & self.subsets[kind]).astype(float))

    def unit(self, path: str) -> np.ndarray:
        return self.group(self.units[path])

    def computable(self, kind: str, target: np.ndarray) -> bool:
        vectors = self.shown[kind]
        if not vectors:
            return False
        v = np.array(vectors)
        t = (target & self.subsets[kind]).astype(float)
        return bool(np.linalg.matrix_rank(np.vstack([v, t])) == np.linalg.matrix_rank(v))


def get(org: OrgContext, survey_id: str, route: str, **params: Any) -> Any:
    response = org.admin.get(f"{org.prefix}/surveys/{survey_id}/reports/{route}", params=params)
    assert response.status_code == 200, response.text
    return response


def test_no_report_lets_a_department_minus_its_team_show_a_small_subset(org):
    earlier = survey_with_responses(org, Population(POP, seed=3))
    data = survey_with_responses(org, Population(POP, seed=5, blank={1: {DIM: 2, ITEM: 2}}))
    f = Figures(org, data)
    d, t = data.units["Org/D"], data.units["Org/D/T"]
    scopes = [None, data.units["Org"], d, t, data.units["Org/D/U"], data.units["Org/E"]]
    leader = org.admin.post(f"{org.prefix}/surveys/{data.id}/self-assessments", json={
        "unit_id": d, "layer_id": org.layers["department_head"], "leader_name": "A. Leader", "consent": True,
        "language": "en", "current": {r: 3 for r in data.rows[0] if r not in ("unit", "layer") and ":" not in r}})
    assert leader.status_code == 201, leader.text

    # the precondition: both cells are visible as groups of respondents
    for unit, n in ((d, 12), (t, 7)):
        assert get(org, data.id, "profile", unit_id=unit).json()["group"]["n"] == n

    for scope in scopes:
        params = {} if scope is None else {"unit_id": scope}
        profile = get(org, data.id, "profile", **params).json()
        for dim in profile["dimensions"]:
            if dim["key"] == DIM and (dim["n"] is not None or dim["n_answers"] is not None):
                f.add("score", f.group(scope))
            for item in dim["items"]:
                if item["key"] == ITEM and item["n"] is not None:
                    f.add("item", f.group(scope))
        rows = list(csv.DictReader(io.StringIO(get(org, data.id, "profile", format="csv", **params).text)))
        for row in rows:
            if row["key"] in (DIM, ITEM):
                assert (row["n"] == "") == (row["suppressed"] == "true")
        for by in ("unit", "layer", "unit_layer"):
            for level in ("children", "teams"):
                b = get(org, data.id, "breakdown", by=by, level=level, **params).json()
                for g in [b["organisation"], b["scope"], *b["groups"]]:
                    if any(x["key"] == DIM and x["n"] is not None for x in g["dimensions"]):
                        layers = None if g["group"]["layer_key"] is None else [g["group"]["layer_key"]]
                        f.add("score", f.group(g["group"]["unit_id"], layers))
        for level in ("children", "teams"):
            for row in get(org, data.id, "heatmap", level=level, **params).json()["rows"]:
                if any(c["dimension"] == DIM and c["n"] is not None for c in row["cells"]):
                    f.add("score", f.group(row["group"]["unit_id"]))
            for team in get(org, data.id, "team-gaps", level=level, **params).json()["teams"]:
                for x in team["dimensions"]:
                    if x["key"] == DIM and x["n_a"] is not None:
                        f.add("score", f.group(team["a"]["unit_id"]))
                    if x["key"] == DIM and x["n_b"] is not None:
                        f.add("score", f.group(None, minus=team["a"]["unit_id"]))
        for comparison in get(org, data.id, "perception-gaps", **params).json()["comparisons"]:
            for x in comparison["dimensions"]:
                for side, n in (("a", "n_a"), ("b", "n_b")):
                    if x["key"] == DIM and x[n] is not None:
                        f.add("score", f.group(comparison[side]["unit_id"], comparison[side]["layer_keys"]))
        for group in get(org, data.id, "desired-gap", by="layer", **params).json()["groups"]:
            layers = None if group["group"]["layer_key"] is None else [group["group"]["layer_key"]]
            if any(x["key"] == DIM and x["n_current"] is not None for x in group["dimensions"]):
                f.add("score", f.group(group["group"]["unit_id"], layers))
                f.add("desired", f.group(group["group"]["unit_id"], layers))
            if any(x["key"] == ITEM and x["n_current"] is not None for x in group["items"]):
                f.add("item", f.group(group["group"]["unit_id"], layers))
        trend = get(org, data.id, "trend", surveys=earlier.id, **params).json()
        if any(x["key"] == DIM and x["waves"][-1]["n"] is not None for x in trend["dimensions"]):
            f.add("score", f.group(scope))
        if any(x["key"] == ITEM and x["waves"][-1]["n"] is not None for x in trend["items"]):
            f.add("item", f.group(scope))
        readiness = get(org, data.id, "readiness", **params).json()
        if any(x["key"] == DIM and x["n"] is not None for x in readiness["dimensions"]):
            f.add("score", f.group(scope))
        quality = get(org, data.id, "data-quality", **params).json()
        for warning in quality["warnings"]:
            if warning["dimension"] == DIM:
                g = warning["group"]
                f.add("score", f.group(g["unit_id"], None if g["layer_key"] is None else [g["layer_key"]]))
    spot = get(org, data.id, "blind-spot", self_assessment_id=leader.json()["id"]).json()
    if any(x["key"] == DIM and x["n"] is not None for x in spot["dimensions"]):
        f.add("score", f.group(d, [k for k in spot["group"]["layer_keys"] if k]))

    rest = f.unit("Org/D") & ~f.unit("Org/D/T")
    for kind in f.subsets:
        assert 0 < int((rest & f.subsets[kind]).sum()) < 5
        assert not f.computable(kind, rest), f"department minus team is computable from the shown {kind} figures"
    assert f.shown["score"] and f.shown["item"], "the reports still show the other groups' figures"


@pytest.mark.parametrize("route", ["breakdown", "heatmap"])
def test_csv_follows_the_subset_suppression(org, route):
    data = survey_with_responses(org, Population(POP, seed=5, blank={1: {DIM: 2}}))
    body = get(org, data.id, route, level="teams", unit_id=data.units["Org/D"]).json()
    text = get(org, data.id, route, level="teams", unit_id=data.units["Org/D"], format="csv").text
    rows = list(csv.DictReader(io.StringIO(text)))
    if route == "heatmap":
        u = next(r for r in body["rows"] if r["group"]["unit_path"][-1] == "U")
        cell = next(c for c in u["cells"] if c["dimension"] == DIM)
        assert cell["suppressed"] and cell["n"] is None and cell["mean"] is None
        line = next(r for r in rows if r["unit_path"].endswith("/U"))
        assert line[f"{DIM}_n"] == "" and line[f"{DIM}_mean"] == "" and line[f"{DIM}_diff"] == ""
    else:
        u = next(g for g in body["groups"] if g["group"]["unit_path"][-1] == "U")
        figure = next(x for x in u["dimensions"] if x["key"] == DIM)
        assert figure["n"] is None and figure["reason"] == "below_minimum"
        line = next(r for r in rows if r["unit_path"].endswith("/U") and r["dimension"] == DIM)
        assert line["dimension_n"] == "" and line["mean"] == ""
