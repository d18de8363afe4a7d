"""The driver report (`drivers`): its figures are app.stats's on the published rows (computed here from the imported
CSV), CSV, the below-minimum and no-outcome problems, a version-1 survey, a custom questionnaire's outcome, the
focus areas' room to grow, and who may read it."""

import csv
import io
from typing import Any

import numpy as np
import pytest

from app.stats.drivers import MIN_RESPONDENTS, driver_analysis
from tests.factories import OrgContext
from tests.report_factories import Population, survey_with_responses
from tests.survey_factories import builtin_questionnaire, create_questionnaire, questionnaire_body

POP = [("Town/Social", "employee", 52, 0.0), ("Town/Social", "team_leader", 6, {"openness": 0.6}),
       ("Town/Space", "employee", 30, {"transparency": -0.5}), ("Town", "director", 5, 0.6)]
CULTURE = ["openness", "collegiality", "transparency", "diversity", "personal_initiative"]


def url(org: OrgContext, survey: str) -> str:
    return f"{org.prefix}/surveys/{survey}/reports/drivers"


def scores(definition: dict[str, Any], rows: list[dict[str, str]], frame: str = "") -> dict[str, np.ndarray]:
    """Per dimension, each row's scale score (the mean of its keyed answers; NaN unless all answered)."""
    out = {}
    for d in definition["dimensions"]:
        block = np.array([[float(r[i["key"] + frame]) if r.get(i["key"] + frame) else np.nan for i in d["items"]]
                          for r in rows])
        reverse = np.array([i["reverse"] for i in d["items"]])
        out[d["key"]] = np.where(reverse, 6 - block, block).mean(axis=1)
    return out


def expected(definition: dict[str, Any], rows: list[dict[str, str]], **options: Any) -> Any:
    s = scores(definition, rows)
    outcome = next(d["key"] for d in definition["dimensions"] if d["outcome"])
    predictors = [d["key"] for d in definition["dimensions"] if not d["outcome"]]
    x = np.column_stack([s[k] for k in predictors])
    y = s[outcome]
    keep = ~np.isnan(np.column_stack([x, y])).any(axis=1)
    both = np.column_stack([x, y])[keep]
    both = both[np.lexsort(both.T[::-1])]  # the report's canonical order (the bootstrap draws by position)
    return predictors, driver_analysis(both[:, :-1], both[:, -1], **options)


@pytest.fixture
def v2(org: OrgContext) -> dict[str, Any]:
    return builtin_questionnaire(org, version=None)


def test_drivers_are_app_stats_on_the_published_rows(org, v2):
    wave = survey_with_responses(org, Population(POP, seed=5, missing=0.01), questionnaire=v2)
    report = org.admin.get(url(org, wave.id), params={"resamples": 300, "seed": 7})
    assert report.status_code == 200, report.text
    r = report.json()
    predictors, want = expected(v2, wave.rows, n_bootstrap=300, seed=7)
    assert r["n"] == want.n_respondents >= MIN_RESPONDENTS and r["min_respondents"] == MIN_RESPONDENTS
    assert r["outcome"] == {"key": "knowledge_sharing", "name": "Knowledge sharing and learning"}
    assert r["r_squared"] == pytest.approx(want.r_squared.value, abs=1e-12)
    assert (r["r_squared_ci"]["low"], r["r_squared_ci"]["high"]) == pytest.approx(
        (want.r_squared.ci.low, want.r_squared.ci.high), abs=1e-12)
    assert r["bootstrap"] == {"resamples": 300, "used": want.n_bootstrap_used, "seed": 7, "level": 0.95}
    assert sorted(d["key"] for d in r["drivers"]) == sorted(CULTURE)  # the outcome explains, it is not a driver
    lmg = [d["general_dominance"]["value"] for d in r["drivers"]]
    assert lmg == sorted(lmg, reverse=True) and [d["rank"] for d in r["drivers"]] == [1, 2, 3, 4, 5]
    for d in r["drivers"]:
        j = predictors.index(d["key"])
        for name, est in (("general_dominance", want.general_dominance[j]), ("relative_weight",
                                                                             want.relative_weights[j])):
            got = d[name]
            assert got["value"] == pytest.approx(est.value, abs=1e-12)
            assert got["share"] == pytest.approx(est.value / want.r_squared.value, abs=1e-12)
            assert (got["ci"]["low"], got["ci"]["high"]) == pytest.approx((est.ci.low, est.ci.high), abs=1e-12)
    assert sum(d["general_dominance"]["share"] for d in r["drivers"]) == pytest.approx(1.0)
    again = org.admin.get(url(org, wave.id), params={"resamples": 300, "seed": 7}).json()
    assert again == r  # seeded: reproducible
    other = org.admin.get(url(org, wave.id), params={"resamples": 300, "seed": 8}).json()
    assert other["drivers"][0]["general_dominance"]["ci"] != r["drivers"][0]["general_dominance"]["ci"]
    assert other["r_squared"] == r["r_squared"]
    # the scope's group is the profile's, and n never exceeds it
    profile = org.admin.get(f"{org.prefix}/surveys/{wave.id}/reports/profile").json()
    assert r["group"] == profile["group"] and r["n"] <= profile["group"]["n"]


def test_focus_areas_rank_importance_times_the_desired_gap(org, v2):
    wave = survey_with_responses(org, Population(POP, seed=6, missing=0.0, desired_gap=0.6), questionnaire=v2)
    r = org.admin.get(url(org, wave.id), params={"resamples": 0}).json()
    focus = r["focus"]
    assert focus["room_basis"] == "desired_gap" and r["r_squared_ci"] is None
    gaps = org.admin.get(f"{org.prefix}/surveys/{wave.id}/reports/desired-gap").json()["groups"][0]
    gap = {g["key"]: g["gap"] for g in gaps["dimensions"]}
    item_gap = {g["key"]: g["gap"] for g in gaps["items"]}
    weight = {d["key"]: d["general_dominance"]["value"] for d in r["drivers"]}
    assert [f["rank"] for f in focus["dimensions"]] == [1, 2, 3, 4, 5]
    for f in focus["dimensions"]:
        assert f["room"] == pytest.approx(gap[f["key"]], abs=1e-12)
        assert f["priority"] == pytest.approx(weight[f["key"]] * max(gap[f["key"]], 0), abs=1e-12)
    priorities = [f["priority"] for f in focus["dimensions"]]
    assert priorities == sorted(priorities, reverse=True)
    assert 1 <= len(focus["statements"]) <= 5
    for s in focus["statements"]:
        assert s["room"] == pytest.approx(item_gap[s["key"]], abs=1e-12) and s["room"] > 0
        assert s["dimension_key"] in CULTURE and s["importance"] == weight[s["dimension_key"]]
    top = next(d for d in v2["dimensions"] if d["key"] == focus["dimensions"][0]["key"])
    assert top["names"]["en"] in focus["reading"]["en"] and top["names"]["nl"] in focus["reading"]["nl"]
    assert "knowledge sharing and learning" in focus["reading"]["en"]
    assert "kennisdeling en leren" in focus["reading"]["nl"]


def test_focus_without_a_desired_frame_is_the_distance_below_the_organisation(org, v2):
    wave = survey_with_responses(org, Population(POP, seed=7, missing=0.0), ask_desired=False, questionnaire=v2)
    social = wave.units["Town/Social"]
    r = org.admin.get(url(org, wave.id), params={"unit_id": social, "resamples": 0}).json()
    assert r["focus"]["room_basis"] == "below_organisation" and r["group"]["unit_id"] == social
    mine = org.admin.get(f"{org.prefix}/surveys/{wave.id}/reports/profile", params={"unit_id": social}).json()
    whole = org.admin.get(f"{org.prefix}/surveys/{wave.id}/reports/profile").json()
    org_mean = {d["key"]: d["mean"] for d in whole["dimensions"]}
    for f, d in ((f, next(d for d in mine["dimensions"] if d["key"] == f["key"])) for f in r["focus"]["dimensions"]):
        assert f["mean"] == d["mean"] and f["room"] == pytest.approx(org_mean[f["key"]] - d["mean"], abs=1e-12)
    # a key scoped to the unit does not see the organisation: the distance to the top of the scale instead
    scoped = org.client_for("analyst", social).get(url(org, wave.id), params={"resamples": 0}).json()
    assert scoped["focus"]["room_basis"] == "below_scale_top" and scoped["drivers"] == r["drivers"]
    top = org.admin.get(url(org, wave.id), params={"resamples": 0}).json()
    assert top["focus"]["room_basis"] == "below_scale_top"
    assert all(f["room"] == pytest.approx(5 - f["mean"]) for f in top["focus"]["dimensions"])


def test_csv_holds_the_json_figures(org, v2):
    wave = survey_with_responses(org, Population(POP, seed=5, missing=0.01), questionnaire=v2)
    r = org.admin.get(url(org, wave.id), params={"resamples": 200}).json()
    response = org.admin.get(url(org, wave.id), params={"resamples": 200, "format": "csv"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    drivers = [row for row in rows if row["section"] == "driver"]
    assert [row["key"] for row in drivers] == [d["key"] for d in r["drivers"]]
    for row, d in zip(drivers, r["drivers"], strict=True):
        assert float(row["general_dominance"]) == pytest.approx(d["general_dominance"]["value"], abs=6e-4)
        assert float(row["relative_weight_ci_high"]) == pytest.approx(d["relative_weight"]["ci"]["high"], abs=6e-4)
        assert int(row["n"]) == r["n"] and float(row["r_squared"]) == pytest.approx(r["r_squared"], abs=6e-4)
    assert [row["key"] for row in rows if row["section"] == "focus_dimension"] == \
        [f["key"] for f in r["focus"]["dimensions"]]
    assert len([row for row in rows if row["section"] == "focus_statement"]) == len(r["focus"]["statements"])


def test_below_the_minimum_is_a_problem_that_says_why(org, v2):
    wave = survey_with_responses(org, Population(POP, seed=5, missing=0.0), questionnaire=v2)
    small = org.admin.get(url(org, wave.id), params={"unit_id": wave.units["Town/Space"]})
    assert small.status_code == 422 and small.headers["content-type"].startswith("application/problem+json")
    problem = small.json()
    assert "at least 50 respondents" in problem["detail"] and "minimum group size (5)" in problem["detail"]
    assert problem["errors"][0]["type"] == "below_driver_minimum"
    assert "30" not in problem["detail"]  # the scope's count is not given away


def test_a_larger_minimum_group_size_raises_the_minimum(org, v2):
    wave = survey_with_responses(org, Population(POP, seed=5, missing=0.0), questionnaire=v2, min_group_size=60)
    r = org.admin.get(url(org, wave.id), params={"resamples": 0})
    assert r.status_code == 200 and r.json()["min_respondents"] == 60
    assert org.admin.get(url(org, wave.id), params={"unit_id": wave.units["Town/Social"]}).status_code == 422


def test_a_version_1_survey_has_no_outcome_but_every_other_report(org):
    wave = survey_with_responses(org, Population(POP, seed=5, missing=0.0))
    response = org.admin.get(url(org, wave.id))
    assert response.status_code == 422 and response.json()["errors"][0]["type"] == "no_outcome"
    assert "version 2" in response.json()["detail"]
    for report in ("profile", "item-profile", "readiness", "desired-gap", "heatmap"):
        assert org.admin.get(f"{org.prefix}/surveys/{wave.id}/reports/{report}").status_code == 200, report


def test_readiness_leaves_the_outcome_out(org, v2):
    wave = survey_with_responses(org, Population(POP, seed=5, missing=0.0), questionnaire=v2)
    r = org.admin.get(f"{org.prefix}/surveys/{wave.id}/reports/readiness").json()
    assert sorted(d["key"] for d in r["dimensions"]) == sorted(CULTURE)
    assert [d["rank"] for d in r["dimensions"]] == [1, 2, 3, 4, 5]
    assert all(h["figures"]["key"] in CULTURE for h in r["perception_gaps"])
    profile = org.admin.get(f"{org.prefix}/surveys/{wave.id}/reports/profile").json()
    assert [d["key"] for d in profile["dimensions"]][-1] == "knowledge_sharing"  # still shown as a scale


def test_a_custom_questionnaire_marks_its_outcome(org):
    body = questionnaire_body(key="own-outcome")
    body["dimensions"][0]["outcome"] = True  # "sharing" is explained by "trying"
    body["dimensions"].append({"key": "asking", "names": {"en": "Asking", "nl": "Vragen"}, "items": [
        {"key": "asking_1", "texts": {"en": "I ask when unsure.", "nl": "Ik vraag het als ik twijfel."}},
        {"key": "asking_2", "texts": {"en": "Questions get answers.", "nl": "Vragen krijgen antwoord."}}]})
    q = create_questionnaire(org, **{k: v for k, v in body.items() if k != "key"}, key="own-outcome")
    full = org.admin.get(f"{org.prefix}/questionnaires/{q['id']}").json()
    wave = survey_with_responses(org, Population(POP, seed=8, missing=0.0), questionnaire=full)
    r = org.admin.get(url(org, wave.id), params={"resamples": 100})
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["outcome"]["key"] == "sharing"
    assert sorted(d["key"] for d in report["drivers"]) == ["asking", "trying"]
    _, want = expected(full, wave.rows, n_bootstrap=100, seed=0)
    assert report["r_squared"] == pytest.approx(want.r_squared.value, abs=1e-12)


def test_a_unit_scoped_key_reads_only_its_subtree(org, v2):
    wave = survey_with_responses(org, Population(POP, seed=5, missing=0.0), questionnaire=v2)
    social, space = wave.units["Town/Social"], wave.units["Town/Space"]
    scoped = org.client_for("analyst", social)
    own = scoped.get(url(org, wave.id), params={"resamples": 0})
    assert own.status_code == 200 and own.json()["group"]["unit_id"] == social
    assert own.json() == org.admin.get(url(org, wave.id), params={"unit_id": social, "resamples": 0}).json() | {
        "focus": own.json()["focus"]}
    assert own.json()["focus"]["room_basis"] == "desired_gap"
    assert scoped.get(url(org, wave.id), params={"unit_id": space}).status_code == 404
    assert scoped.get(url(org, wave.id), params={"unit_id": wave.units["Town"]}).status_code == 404
    other = org.client_for("analyst", space)
    assert other.get(url(org, wave.id), params={"unit_id": social}).status_code == 404


def test_a_version_2_wave_after_a_version_1_wave(org, v2):
    """Items keep their keys: the trend and the statements compare the five dimensions across the versions; the
    outcome scale is new in the later wave (`not_asked` before)."""
    before = survey_with_responses(org, Population(POP, seed=3, missing=0.0))
    after = survey_with_responses(org, Population(POP, seed=4, missing=0.0), questionnaire=v2)
    base = f"{org.prefix}/surveys/{after.id}/reports"
    trend = org.admin.get(f"{base}/trend")
    assert trend.status_code == 200, trend.text
    items = org.admin.get(f"{base}/item-profile").json()
    assert items["previous_survey_id"] == before.id
    by_dimension = {d["key"]: d for d in items["dimensions"]}
    assert all(s["previous"]["n"] is not None for s in by_dimension["openness"]["statements"])
    assert {s["previous"]["reason"] for s in by_dimension["knowledge_sharing"]["statements"]} == {"not_asked"}
    assert org.admin.get(url(org, after.id), params={"resamples": 0}).status_code == 200
