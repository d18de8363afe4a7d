"""Leaders' named self-assessments (consent, scope, deletion) and the leader blind-spot report."""

import csv
import io
import math
import uuid
from typing import Any

import numpy as np
import pytest

from tests.factories import OrgContext
from tests.report_factories import Population, survey_with_responses
from tests.survey_factories import builtin_questionnaire, create_survey

POP = [("Town/Dept/Team A", "employee", 12, 0.0), ("Town/Dept/Team A", "team_leader", 6, 0.5),
       ("Town/Dept/Team B", "employee", 10, -0.2), ("Town/Dept", "department_head", 5, 0.6),
       ("Town", "director", 5, 0.8)]


def url(org: OrgContext, survey_id: str) -> str:
    return f"{org.prefix}/surveys/{survey_id}/self-assessments"


def leader_answers(org: OrgContext, seed: int = 1) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    keys = [i["key"] for d in builtin_questionnaire(org)["dimensions"] for i in d["items"]]
    answers: dict[str, Any] = {k: int(rng.integers(1, 6)) for k in keys}
    answers[keys[0]] = "dont_know"
    answers[keys[1]] = None
    return answers


def body(org: OrgContext, unit_id: str, layer: str, **overrides: Any) -> dict[str, Any]:
    return {"unit_id": unit_id, "layer_id": org.layers[layer], "leader_name": "A. de Vries", "consent": True,
            "language": "nl", "current": leader_answers(org), **overrides}


def create(org: OrgContext, survey_id: str, unit_id: str, layer: str, **overrides: Any) -> dict[str, Any]:
    response = org.admin.post(url(org, survey_id), json=body(org, unit_id, layer, **overrides))
    assert response.status_code == 201, response.text
    return dict(response.json())


def keyed_score(answers: dict[str, Any], items: list[dict[str, Any]]) -> float | None:
    values = [6 - answers[i["key"]] if i["reverse"] else answers[i["key"]] for i in items
              if isinstance(answers.get(i["key"]), int)]
    return float(np.mean(values)) if len(values) >= math.ceil(len(items) / 2) else None


def group_scores(rows: list[dict[str, str]], items: list[dict[str, Any]], unit: str, not_layer: str) -> np.ndarray:
    out = []
    for row in rows:
        if (row["unit"] == unit or row["unit"].startswith(unit + "/")) and row["layer"] != not_layer:
            values = [6 - int(row[i["key"]]) if i["reverse"] else int(row[i["key"]]) for i in items if row[i["key"]]]
            if len(values) == len(items):  # a dimension's figures rest on those who answered all of it
                out.append(np.mean(values))
    return np.array(out)


def test_consent_and_answers_are_checked(org, other_org):
    survey = create_survey(org)
    unit = org.unit("Unit")
    created = create(org, survey["id"], unit, "team_leader")
    assert created["anonymous"] is False and created["leader_name"] == "A. de Vries"
    assert created["layer_key"] == "team_leader" and created["unit_path"] == ["Unit"]
    expected = {k: v for k, v in leader_answers(org).items() if v is not None}
    assert created["current"] == expected
    for consent in (False, None, 1, "true", "yes"):
        response = org.admin.post(url(org, survey["id"]), json=body(org, unit, "team_leader", consent=consent))
        assert response.status_code == 422, consent
        assert ["body", "consent"] in [e["loc"] for e in response.json()["errors"]]
    no_consent = body(org, unit, "team_leader")
    del no_consent["consent"]
    assert org.admin.post(url(org, survey["id"]), json=no_consent).status_code == 422
    cases = [({"current": {"openness_1": 9}}, ["body", "current", "openness_1"]),
             ({"current": {"nope": 3}}, ["body", "current", "nope"]),
             ({"current": {}}, ["body", "current"]),
             ({"language": "de"}, ["body", "language"]),
             ({"leader_name": " "}, ["body", "leader_name"]),
             ({"leader_name": "A\x00B"}, ["body", "leader_name"]),
             ({"unit_id": other_org.unit("Theirs")}, ["body", "unit_id"]),
             ({"unit_id": str(uuid.uuid4())}, ["body", "unit_id"]),
             ({"layer_id": other_org.layers["employee"]}, ["body", "layer_id"])]
    for change, loc in cases:
        response = org.admin.post(url(org, survey["id"]), json={**body(org, unit, "team_leader"), **change})
        assert response.status_code == 422, change
        assert loc in [e["loc"] for e in response.json()["errors"]], response.text
    assert [s["id"] for s in org.admin.get(url(org, survey["id"])).json()] == [created["id"]]
    analyst = org.client_for("analyst")
    assert analyst.post(url(org, survey["id"]), json=body(org, unit, "team_leader")).status_code == 403


def test_scope_and_withdrawing_consent(org):
    survey = create_survey(org)
    ids = org.tree({"Inside": {"Below": {}}, "Outside": {}})
    below = create(org, survey["id"], ids["Below"], "team_leader")
    outside = create(org, survey["id"], ids["Outside"], "department_head", leader_name="B. Jansen")
    scoped = org.client_for("analyst", ids["Inside"])
    assert [s["id"] for s in scoped.get(url(org, survey["id"])).json()] == [below["id"]]
    assert scoped.get(f"{url(org, survey['id'])}/{below['id']}").status_code == 200
    assert scoped.get(f"{url(org, survey['id'])}/{outside['id']}").status_code == 404
    assert scoped.delete(f"{url(org, survey['id'])}/{below['id']}").status_code == 403
    assert len(org.admin.get(url(org, survey["id"])).json()) == 2
    other_survey = create_survey(org)
    assert org.admin.get(f"{url(org, other_survey['id'])}/{below['id']}").status_code == 404
    assert org.admin.delete(f"{url(org, survey['id'])}/{below['id']}").status_code == 204
    assert org.admin.get(f"{url(org, survey['id'])}/{below['id']}").status_code == 404
    assert org.admin.delete(f"{url(org, survey['id'])}/{below['id']}").status_code == 404
    assert [s["id"] for s in org.admin.get(url(org, survey["id"])).json()] == [outside["id"]]
    assert org.admin.delete(f"{org.prefix}/surveys/{survey['id']}").status_code == 204
    from sqlalchemy import select

    from app.db import get_sessionmaker
    from app.selfassessments.models import SelfAssessment

    with get_sessionmaker()() as session:  # the survey's deletion took its self-assessments with it
        assert session.scalar(select(SelfAssessment).where(SelfAssessment.id == uuid.UUID(outside["id"]))) is None


def blind_spot(client: Any, org: OrgContext, survey_id: str, sa_id: str, **params: Any) -> Any:
    return client.get(f"{org.prefix}/surveys/{survey_id}/reports/blind-spot",
                      params={"self_assessment_id": sa_id, **params})


def test_blind_spot_numbers(org):
    data = survey_with_responses(org, Population(POP, seed=11))
    definition = builtin_questionnaire(org)
    dept = data.units["Town/Dept"]
    leader = create(org, data.id, dept, "department_head")
    response = blind_spot(org.admin, org, data.id, leader["id"], lang="nl")
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["leader"]["anonymous"] is False and report["leader"]["leader_name"] == "A. de Vries"
    assert report["group"] == {**report["group"], "anonymous": True, "suppressed": False, "n": 28}
    assert "department_head" not in report["group"]["layer_keys"]
    answers = leader_answers(org)
    for dim, figures in zip(definition["dimensions"], report["dimensions"], strict=True):
        assert figures["key"] == dim["key"] and figures["name"] == dim["names"]["nl"]
        own = keyed_score(answers, dim["items"])
        group = group_scores(data.rows, dim["items"], "Town/Dept", "department_head")
        assert figures["leader_score"] == pytest.approx(own, abs=1e-12)
        assert figures["n"] == len(group)
        assert figures["mean"] == pytest.approx(group.mean(), abs=1e-12)
        assert figures["difference"] == pytest.approx(own - group.mean(), abs=1e-12)
        assert figures["standardised_difference"] == pytest.approx((own - group.mean()) / group.std(ddof=1))
        rank = 100 * ((group < own).sum() + 0.5 * np.isclose(group, own).sum()) / len(group)
        assert figures["percentile_rank"] == pytest.approx(rank, abs=1e-9)
        assert figures["ci"]["low"] < figures["mean"] < figures["ci"]["high"]
    table = list(csv.DictReader(io.StringIO(blind_spot(org.admin, org, data.id, leader["id"], format="csv").text)))
    assert [r["dimension"] for r in table] == [d["key"] for d in definition["dimensions"]]
    assert float(table[0]["mean"]) == pytest.approx(report["dimensions"][0]["mean"])
    # a team leader's group: their team without the team leaders
    team = create(org, data.id, data.units["Town/Dept/Team A"], "team_leader", leader_name="C. Bakker")
    assert blind_spot(org.admin, org, data.id, team["id"]).json()["group"]["n"] == 12
    # scope: a key of Team B does not see the department's leader; a key of the department does
    team_b = org.client_for("analyst", data.units["Town/Dept/Team B"])
    assert blind_spot(team_b, org, data.id, leader["id"]).status_code == 404
    assert blind_spot(org.client_for("analyst", dept), org, data.id, leader["id"]).status_code == 200
    assert blind_spot(org.admin, org, data.id, leader["id"], unit_id=data.units["Town/Dept/Team B"]).status_code == 404
    other = survey_with_responses(org, Population(POP, seed=12))
    assert blind_spot(org.admin, org, other.id, leader["id"]).status_code == 404
    assert blind_spot(org.admin, org, data.id, str(uuid.uuid4())).status_code == 404
    assert blind_spot(org.admin, org, data.id, "nope").status_code == 422
    org.admin.delete(f"{url(org, data.id)}/{leader['id']}")
    assert blind_spot(org.admin, org, data.id, leader["id"]).status_code == 404


def test_blind_spot_of_a_small_group_is_suppressed(org):
    data = survey_with_responses(org, Population([("Town/Team", "employee", 3, 0.0), ("Town/Team", "team_leader", 1, 0),
                                                  ("Town/Other", "employee", 20, 0.0)], seed=13))
    leader = create(org, data.id, data.units["Town/Team"], "team_leader")
    report = blind_spot(org.admin, org, data.id, leader["id"]).json()
    assert report["group"]["suppressed"] is True and report["group"]["n"] is None
    for figures in report["dimensions"]:
        assert figures["leader_score"] is not None  # the leader's own, named answers
        assert figures["reason"] == "below_minimum"
        assert all(figures[k] is None for k in ("n", "mean", "ci", "difference", "standardised_difference",
                                                "percentile_rank"))
    table = list(csv.DictReader(io.StringIO(blind_spot(org.admin, org, data.id, leader["id"], format="csv").text)))
    assert len(table) == 5
    assert all(r[k] == "" for r in table for k in ("n", "mean", "ci_low", "ci_high", "difference", "percentile_rank"))
