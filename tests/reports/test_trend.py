"""Trend over survey waves: figures per wave, changes, key matching across versions, per-wave suppression."""

import csv
import io
import math
from typing import Any

import numpy as np
import pytest
from scipy import special, stats

from tests.factories import OrgContext
from tests.report_factories import Population, survey_with_responses
from tests.survey_factories import builtin_questionnaire, create_questionnaire, create_survey, questionnaire_body


def trend_url(org: OrgContext, latest: str) -> str:
    return f"{org.prefix}/surveys/{latest}/reports/trend"


def get_trend(client: Any, org: OrgContext, latest: str, earlier: list[str], **params: Any) -> Any:
    return client.get(trend_url(org, latest), params={"surveys": ",".join(earlier), **params})


def scores(rows: list[dict[str, str]], definition: dict[str, Any], dimension: str, unit: str | None = None,
           scale_max: int = 5, scale_min: int = 1) -> np.ndarray:
    """Scale scores computed here from the imported rows: mean keyed answer of those who answered every item."""
    items = next(d["items"] for d in definition["dimensions"] if d["key"] == dimension)
    out = []
    for row in rows:
        if unit is not None and row["unit"] != unit and not row["unit"].startswith(unit + "/"):
            continue
        values = [(scale_min + scale_max - int(row[i["key"]])) if i["reverse"] else int(row[i["key"]])
                  for i in items if row.get(i["key"], "") != ""]
        if len(values) == len(items):
            out.append(float(np.mean(values)))
    return np.array(out)


def hedges_g(later: np.ndarray, earlier: np.ndarray) -> float:
    n1, n2 = len(later), len(earlier)
    sp = math.sqrt(((n1 - 1) * later.var(ddof=1) + (n2 - 1) * earlier.var(ddof=1)) / (n1 + n2 - 2))
    df = n1 + n2 - 2
    j = math.exp(special.gammaln(df / 2) - special.gammaln((df - 1) / 2)) / math.sqrt(df / 2)
    return j * (later.mean() - earlier.mean()) / sp


POP = [("Town/Social", "employee", 14, 0.0), ("Town/Social", "team_leader", 5, 0.4),
       ("Town/Space", "employee", 12, -0.2), ("Town", "director", 5, 0.6)]


def test_two_waves_side_by_side_with_the_change(org):
    first = survey_with_responses(org, Population(POP, seed=3))
    later_pop = [(u, layer, n + 2, s + 0.5) for u, layer, n, s in POP]
    second = survey_with_responses(org, Population(later_pop, seed=4))
    definition = builtin_questionnaire(org)
    response = get_trend(org.admin, org, second.id, [first.id])
    assert response.status_code == 200, response.text
    report = response.json()
    assert [w["survey_id"] for w in report["waves"]] == [first.id, second.id]
    assert [w["n"] for w in report["waves"]] == [36, 44]
    assert report["group"]["n"] == 44 and report["dimension_family_size"] == 5
    for dim in report["dimensions"]:
        a, b = scores(first.rows, definition, dim["key"]), scores(second.rows, definition, dim["key"])
        assert [w["n"] for w in dim["waves"]] == [len(a), len(b)]
        assert dim["waves"][0]["mean"] == pytest.approx(a.mean(), abs=1e-12)
        assert dim["waves"][1]["mean"] == pytest.approx(b.mean(), abs=1e-12)
        (change,) = dim["changes"]
        assert change["kind"] == "consecutive" and change["from_survey_id"] == first.id
        assert change["difference"] == pytest.approx(b.mean() - a.mean(), abs=1e-12)
        assert change["difference"] > 0  # the second wave was generated half a point higher
        assert change["hedges_g"] == pytest.approx(hedges_g(b, a), rel=1e-9)
        assert change["hedges_g_ci"]["low"] < change["hedges_g"] < change["hedges_g_ci"]["high"]
        welch = stats.ttest_ind(b, a, equal_var=False)
        assert change["welch"]["p"] == pytest.approx(welch.pvalue, rel=1e-6)
        assert change["welch"]["correction"] == "holm" and change["welch"]["family_size"] == 5
        assert change["welch"]["p_adjusted"] >= change["welch"]["p"]
        low, high = stats.ttest_ind(b, a, equal_var=False).confidence_interval()
        assert change["difference_ci"]["low"] == pytest.approx(low, rel=1e-9)
        assert change["difference_ci"]["high"] == pytest.approx(high, rel=1e-9)
    # Holm over the five dimension changes, computed here from the raw p-values
    p = np.array([d["changes"][0]["welch"]["p"] for d in report["dimensions"]])
    order = np.argsort(p)
    holm = np.minimum(1, np.maximum.accumulate((5 - np.arange(5)) * p[order]))
    assert [d["changes"][0]["welch"]["p_adjusted"] for d in report["dimensions"]] == pytest.approx(
        holm[np.argsort(order)].tolist(), rel=1e-12)
    # items: answers as ticked
    item = next(i for i in report["items"] if i["key"] == "openness_1")
    openness = [i["key"] for i in definition["dimensions"][0]["items"]]
    values = [int(r["openness_1"]) for r in second.rows if all(r[k] for k in openness)]
    assert item["waves"][1]["n"] == len(values)
    assert item["waves"][1]["mean"] == pytest.approx(np.mean(values), abs=1e-12)
    assert report["item_family_size"] == 25


def test_three_waves_and_a_scope(org):
    waves = [survey_with_responses(org, Population([(u, lay, n, s + 0.3 * w) for u, lay, n, s in POP], seed=w))
             for w in range(3)]
    ids = [w.id for w in waves]
    definition = builtin_questionnaire(org)
    social = waves[0].units["Town/Social"]
    report = get_trend(org.admin, org, ids[2], ids[:2], unit_id=social).json()
    assert [w["n"] for w in report["waves"]] == [19, 19, 19]
    assert report["group"]["unit_id"] == social
    assert report["dimension_family_size"] == 15
    dim = report["dimensions"][0]
    assert [(c["kind"], c["from_survey_id"], c["to_survey_id"]) for c in dim["changes"]] == [
        ("consecutive", ids[0], ids[1]), ("consecutive", ids[1], ids[2]), ("first_to_last", ids[0], ids[2])]
    a = scores(waves[0].rows, definition, dim["key"], "Town/Social")
    c = scores(waves[2].rows, definition, dim["key"], "Town/Social")
    assert dim["changes"][2]["difference"] == pytest.approx(c.mean() - a.mean(), abs=1e-12)
    # a unit-scoped analyst: their own subtree by default, 404 outside it
    scoped = org.client_for("analyst", social)
    assert get_trend(scoped, org, ids[2], ids[:2]).json()["waves"] == report["waves"]
    space = waves[0].units["Town/Space"]
    assert get_trend(scoped, org, ids[2], ids[:2], unit_id=space).status_code == 404


def test_each_wave_applies_its_own_suppression(org):
    first = survey_with_responses(org, Population([("Town/Small", "employee", 3, 0.0),
                                                   ("Town/Big", "employee", 20, 0.0)], seed=5))
    second = survey_with_responses(org, Population([("Town/Small", "employee", 7, 0.5),
                                                    ("Town/Big", "employee", 20, 0.0)], seed=6))
    small = second.units["Town/Small"]
    response = get_trend(org.admin, org, second.id, [first.id], unit_id=small)
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["waves"][0] == {**report["waves"][0], "n": None, "suppressed": True}
    assert report["waves"][1]["n"] == 7 and not report["waves"][1]["suppressed"]
    assert report["dimension_family_size"] == 0 and report["item_family_size"] == 0
    for row in report["dimensions"] + report["items"]:
        hidden, shown = row["waves"]
        assert hidden == {"survey_id": first.id, "n": None, "mean": None, "ci": None, "reason": "below_minimum"}
        assert shown["n"] is not None and shown["mean"] is not None
        (change,) = row["changes"]
        assert change["reason"] == "below_minimum"
        assert all(change[k] is None for k in ("difference", "difference_ci", "hedges_g", "hedges_g_ci", "welch"))
    csv_response = get_trend(org.admin, org, second.id, [first.id], unit_id=small, format="csv")
    assert csv_response.status_code == 200
    assert csv_response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(csv_response.text)))
    assert len(rows) == 30 * 3
    for row in rows:
        if row["survey_id"] == first.id or row["from_survey_id"] == first.id:
            assert row["reason"] == "below_minimum"
            assert all(row[k] == "" for k in ("n", "mean", "ci_low", "ci_high", "difference", "hedges_g", "p"))


def test_waves_match_items_and_dimensions_by_key_across_versions(org):
    v1 = create_questionnaire(org, key="trendq")
    body = questionnaire_body(key="trendq")
    body["dimensions"][0]["items"] = body["dimensions"][0]["items"][:2]  # sharing_3 dropped
    body["dimensions"][1]["items"].append({"key": "trying_3", "texts": {"en": "New.", "nl": "Nieuw."}})
    body["dimensions"].insert(0, {"key": "fresh", "names": {"en": "Fresh", "nl": "Vers"}, "items": [
        {"key": "fresh_1", "texts": {"en": "F.", "nl": "V."}}]})
    v2 = org.admin.post(f"{org.prefix}/questionnaires", json=body)
    assert v2.status_code == 201, v2.text
    assert v2.json()["version"] == 2
    unit = org.unit("Unit")
    rng = np.random.default_rng(7)
    waves = []
    for q, keys in ((v1, ["sharing_1", "sharing_2", "sharing_3", "trying_1", "trying_2"]),
                    (v2.json(), ["fresh_1", "sharing_1", "sharing_2", "trying_1", "trying_2", "trying_3"])):
        survey = create_survey(org, questionnaire_id=q["id"], ask_desired=False)
        rows = [{"unit": "Unit", "layer": "employee", **{k: str(rng.integers(1, 6)) for k in keys}}
                for _ in range(8)]
        for row in rows[2:]:
            row.pop("trying_3", None)  # answered by two people only: below the minimum group size
        text = io.StringIO()
        writer = csv.DictWriter(text, fieldnames=["unit", "layer", *keys])
        writer.writeheader()
        writer.writerows(rows)
        imported = org.admin.post(f"{org.prefix}/surveys/{survey['id']}/responses/import",
                                  files={"file": ("r.csv", text.getvalue().encode(), "text/csv")})
        assert imported.status_code == 201, imported.text
        waves.append((survey["id"], rows))
    report = get_trend(org.admin, org, waves[1][0], [waves[0][0]], unit_id=unit).json()
    assert [d["key"] for d in report["dimensions"]] == ["fresh", "sharing", "trying"]
    fresh = report["dimensions"][0]
    assert fresh["waves"][0]["reason"] == "not_asked" and fresh["changes"][0]["reason"] == "not_asked"
    # trying_3, new in version 2, answered by two people: "trying" rests on those who answered all of its items,
    # so it is below the minimum in that wave, items and all
    assert report["dimension_family_size"] == 1
    trying = report["dimensions"][2]
    assert trying["waves"][1]["reason"] == "below_minimum" and trying["changes"][0]["reason"] == "below_minimum"
    items = {i["key"]: i for i in report["items"]}
    assert "sharing_3" not in items and items["trying_3"]["waves"][0]["reason"] == "not_asked"
    assert items["trying_3"]["waves"][1] == {**items["trying_3"]["waves"][1], "n": None, "mean": None,
                                             "reason": "below_minimum"}
    assert items["trying_3"]["changes"][0]["reason"] == "below_minimum"
    expected = np.mean([int(r["sharing_1"]) for r in waves[0][1]])
    assert items["sharing_1"]["waves"][0]["mean"] == pytest.approx(expected, abs=1e-12)
    # scores of each wave over its own version's items: sharing has 3 items in v1, 2 in v2
    v1_def = org.admin.get(f"{org.prefix}/questionnaires/{v1['id']}").json()
    sharing = report["dimensions"][1]
    assert sharing["waves"][0]["mean"] == pytest.approx(scores(waves[0][1], v1_def, "sharing").mean(), abs=1e-12)


def test_refuses_waves_of_another_questionnaire_or_organisation(org, other_org):
    latest = survey_with_responses(org, Population([("U", "employee", 6, 0.0)]))
    custom = create_survey(org, questionnaire_id=create_questionnaire(org)["id"])
    response = get_trend(org.admin, org, latest.id, [custom["id"]])
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["query", "surveys", 0]
    foreign = create_survey(other_org)
    assert get_trend(org.admin, org, latest.id, [foreign["id"]]).status_code == 404
    assert get_trend(other_org.admin, org, latest.id, [foreign["id"]]).status_code == 404
    for bad in (["not-a-uuid"], [latest.id], [custom["id"], custom["id"]], []):
        response = get_trend(org.admin, org, latest.id, bad)
        assert response.status_code == 422, bad
    response = org.admin.get(trend_url(org, latest.id))  # no earlier wave of the questionnaire to default to
    assert response.status_code == 422 and response.json()["errors"][0]["type"] == "no_previous_wave"
    assert get_trend(org.admin, org, latest.id, [custom["id"]], lang="de").status_code == 422


def test_the_previous_wave_is_the_default(org):
    waves = [survey_with_responses(org, Population(POP, seed=w)) for w in range(3)]
    create_survey(org, questionnaire_id=create_questionnaire(org)["id"])
    create_survey(org)  # drafts without figures are no earlier waves of anything
    report = org.admin.get(trend_url(org, waves[2].id)).json()
    assert [w["survey_id"] for w in report["waves"]] == [waves[1].id, waves[2].id]
    assert report == get_trend(org.admin, org, waves[2].id, [waves[1].id]).json()
    assert [w["survey_id"] for w in org.admin.get(trend_url(org, waves[1].id)).json()["waves"]] == [
        waves[0].id, waves[1].id]
