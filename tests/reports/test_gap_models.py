"""Perception gaps' primary test (mixed model, a random intercept per team) and measurement invariance: the API's
figures against `app.stats` called directly on the imported rows, against R (lmerTest, lavaan) on a stored
organisation, in CSV and in the OpenAPI document; not fitted (too few teams, too small groups) and hidden cells."""

import csv
import gzip
import io
import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from app.stats.invariance import measurement_invariance
from app.stats.mixed import layer_mixed_model
from app.stats.multitest import holm
from tests.factories import OrgContext
from tests.report_factories import Population, SurveyWithData, answers_csv, survey_with_responses
from tests.reports.test_gaps import LEADERS, csv_rows, keyed, reports, where
from tests.survey_factories import builtin_questionnaire, create_survey

REFERENCE = Path(__file__).parent.parent / "stats" / "reference"
TEAM_EFFECT = [0.4, -0.3, 0.1, -0.5, 0.6, 0.0, -0.2, 0.3]
# Eight teams of 12 employees and 5 team leaders (leaders rate 0.5 higher), teams differing by TEAM_EFFECT; six
# department heads at the department itself (their own group, a ninth cluster).
TEAMS = Population([
    *[(f"Ops/T{i + 1}", layer, n, effect + shift) for i, effect in enumerate(TEAM_EFFECT)
      for layer, n, shift in (("employee", 12, 0.0), ("team_leader", 5, 0.5))],
    ("Ops", "department_head", 6, 0.3),
], seed=17)


@pytest.fixture
def teams(org: OrgContext) -> SurveyWithData:
    return survey_with_responses(org, TEAMS)


def _perception(org: OrgContext, survey: SurveyWithData, **params: str) -> dict[str, Any]:
    response = org.admin.get(f"{reports(org, survey)}/perception-gaps", params=params)
    assert response.status_code == 200, response.text
    return dict(response.json())


def _clusters(rows: list[dict[str, str]]) -> np.ndarray:
    return np.array([r["unit"] for r in rows])


def test_mixed_model_is_the_primary_test_and_equals_app_stats(org, teams):
    report = _perception(org, teams)
    leaders = next(c for c in report["comparisons"] if c["a"]["layer_keys"] == ["team_leader"])
    scores, items = keyed(org, teams.rows)
    lead, staff = where(teams.rows, layer="team_leader"), where(teams.rows, layer="employee")
    fitted = [c for c in report["comparisons"] for d in c["dimensions"] if d["mixed_model"]
              and d["mixed_model"]["fitted"]]
    assert len(fitted) == 10  # team leaders and department heads against employees, 5 dimensions each
    expected = []
    for d in leaders["dimensions"]:
        y = scores[d["key"]]
        m = (lead | staff) & ~np.isnan(y)
        r = layer_mixed_model(y[m], clusters=_clusters(teams.rows)[m], layers=np.where(lead[m], "a", "b"),
                              layer_order=["a", "b"])
        c, mm = r.contrasts[0], d["mixed_model"]
        assert mm["fitted"] is True and mm["reason"] is None and mm["explanation"] is None
        assert mm["n_clusters"] == 8 == r.n_clusters
        assert mm["difference"] == pytest.approx(c.difference.value, abs=1e-12)
        assert mm["difference_ci"]["low"] == pytest.approx(c.difference.ci.low, abs=1e-12)
        assert mm["difference_ci"]["high"] == pytest.approx(c.difference.ci.high, abs=1e-12)
        assert mm["se"] == pytest.approx(c.se, rel=1e-12) and mm["t"] == pytest.approx(c.test.statistic, rel=1e-12)
        assert mm["df"] == pytest.approx(c.test.df, rel=1e-12)
        assert mm["test"]["p"] == pytest.approx(c.test.pvalue, rel=1e-10)
        assert mm["test"]["correction"] == "holm" and mm["test"]["family_size"] == 10
        assert mm["variance_between"] == pytest.approx(r.variance.between, rel=1e-12)
        assert mm["variance_within"] == pytest.approx(r.variance.within, rel=1e-12)
        assert mm["icc"] == pytest.approx(r.variance.icc, rel=1e-12) and mm["icc"] > 0
        assert mm["design_effect"] == pytest.approx(r.variance.design_effect, rel=1e-12)
        assert mm["at_boundary"] is False
        # the CR2 cluster-robust check of the same difference (app.stats, checked against clubSandwich there)
        cr2 = mm["cluster_robust"]
        assert c.robust is not None and c.robust.se is not None
        assert cr2["se"] == pytest.approx(c.robust.se, rel=1e-12) and cr2["df"] == pytest.approx(c.robust.test.df)
        assert cr2["t"] == pytest.approx(c.robust.test.statistic, rel=1e-12)
        assert cr2["p"] == pytest.approx(c.robust.test.pvalue, rel=1e-10)
        # the Welch figures stay beside it as the secondary test
        assert d["welch"]["p"] is not None and d["mann_whitney"]["p"] is not None
        expected.append(c.test.pvalue)
        inv = measurement_invariance(items_of(org, items, d["key"])[m], np.where(lead[m], "a", "b"),
                                     group_order=["a", "b"])
        got = d["invariance"]
        assert got["verdict"] == inv.verdict.value == "alike" or got["verdict"] == inv.verdict.value
        assert got["min_group_size"] == 30
        for model in ("configural", "metric", "scalar"):
            fit = getattr(inv, model)
            assert got[model]["chisq"] == pytest.approx(fit.chisq, rel=1e-9)
            assert got[model]["df"] == fit.df
            assert got[model]["cfi"] == pytest.approx(fit.cfi, rel=1e-9)
            assert got[model]["rmsea"] == pytest.approx(fit.rmsea, rel=1e-9, abs=1e-12)
        assert got["metric_vs_configural"]["p"] == pytest.approx(inv.metric_vs_configural.pvalue, rel=1e-9)
        assert got["scalar_vs_metric"]["delta_cfi"] == pytest.approx(inv.scalar_vs_metric.delta_cfi, abs=1e-12)
        assert got["reading"]["en"].startswith("Team leaders and employees ")
        assert "statements alike: the gap can be compared." in got["reading"]["en"] or "compare with care." in \
            got["reading"]["en"]
    # Holm over the report's ten mixed-model tests, by hand against the stats package
    all_p = [d["mixed_model"]["test"]["p"] for c in report["comparisons"] for d in c["dimensions"]
             if d["mixed_model"] and d["mixed_model"]["fitted"]]
    adjusted = holm(all_p).adjusted
    got_adj = [d["mixed_model"]["test"]["p_adjusted"] for c in report["comparisons"] for d in c["dimensions"]
               if d["mixed_model"] and d["mixed_model"]["fitted"]]
    assert got_adj == pytest.approx(list(adjusted), rel=1e-12)
    d0 = leaders["dimensions"][0]["mixed_model"]
    assert d0["significant"] == (d0["test"]["p_adjusted"] < 0.05)
    assert d0["reading"]["en"].startswith("Taking the teams into account, team leaders rate ")
    assert d0["reading"]["nl"].startswith("Rekening houdend met de teams beoordelen teamleiders ")
    assert len(expected) == 5


def items_of(org: OrgContext, items: dict[str, np.ndarray], dimension: str) -> np.ndarray:
    definition = builtin_questionnaire(org)
    keys = [i["key"] for d in definition["dimensions"] if d["key"] == dimension for i in d["items"]]
    return np.column_stack([items[k] for k in keys])


def test_csv_and_openapi_carry_the_model_figures(org, teams):
    report = _perception(org, teams)
    rows = csv_rows(org.admin.get(f"{reports(org, teams)}/perception-gaps", params={"format": "csv"}))
    leaders = [r for r in rows if r["a_layers"] == "team_leader"]
    by_key = {d["key"]: d for c in report["comparisons"] if c["a"]["layer_keys"] == ["team_leader"]
              for d in c["dimensions"]}
    assert len(leaders) == 5
    for row in leaders:
        d = by_key[row["dimension"]]
        mm, inv = d["mixed_model"], d["invariance"]
        # CSV rounds figures to 3 decimals and p-values to 4 significant digits (docs/exports.md)
        assert float(row["mixed_difference"]) == pytest.approx(mm["difference"], abs=5e-4)
        assert float(row["mixed_df"]) == pytest.approx(mm["df"], abs=5e-4)
        assert float(row["mixed_cr2_se"]) == pytest.approx(mm["cluster_robust"]["se"], abs=5e-4)
        assert float(row["mixed_cr2_p"]) == pytest.approx(mm["cluster_robust"]["p"], rel=1e-3)
        assert float(row["mixed_p_adjusted"]) == pytest.approx(mm["test"]["p_adjusted"], rel=1e-3)
        assert float(row["icc"]) == pytest.approx(mm["icc"], abs=5e-4)
        assert float(row["design_effect"]) == pytest.approx(mm["design_effect"], abs=5e-4)
        assert float(row["metric_diff_p"]) == pytest.approx(inv["metric_vs_configural"]["p"], rel=1e-3)
        assert row["mixed_significant"] == str(mm["significant"]).lower()
        assert row["mixed_reading_nl"] == mm["reading"]["nl"]
        assert row["invariance_verdict"] == inv["verdict"]
        assert float(row["scalar_cfi"]) == pytest.approx(inv["scalar"]["cfi"], abs=5e-4)
        assert row["invariance_reading_en"] == inv["reading"]["en"]
    schema = org.admin.get("/openapi.json").json()["components"]["schemas"]
    figures = schema["GapFigures"]["properties"]
    assert "mixed_model" in figures and "invariance" in figures
    mixed = schema["MixedModelGap"]["properties"]
    assert {"difference", "difference_ci", "df", "test", "significant", "icc", "design_effect", "reason",
            "explanation", "reading"} <= set(mixed)
    assert "reason" in schema["MixedModelGap"]["required"]
    assert set(schema["MeasurementInvariance"]["properties"]["verdict"]["enum"]) == {
        "alike", "loadings_differ", "intercepts_differ", "cannot_fit"}


def test_too_few_teams_and_too_small_groups_say_why(org):
    survey = survey_with_responses(org, LEADERS)  # two teams, 12 team leaders
    report = _perception(org, survey)
    leaders = next(c for c in report["comparisons"] if c["a"]["layer_keys"] == ["team_leader"])
    for d in leaders["dimensions"]:
        mm = d["mixed_model"]
        assert mm["fitted"] is False and mm["reason"] == "too_few_clusters"
        assert mm["difference"] is None and mm["test"] is None and mm["icc"] is None and mm["cluster_robust"] is None
        assert mm["explanation"]["en"].startswith("The mixed model was not fitted: these respondents sit in fewer "
                                                  "than 5 teams")
        assert "alleen de toets van Welch" in mm["explanation"]["nl"]
        assert d["welch"]["p"] is not None  # the secondary test is still there
        inv = d["invariance"]
        assert inv["verdict"] == "cannot_fit" and inv["reason"] == "group_too_small"
        assert inv["configural"] is None and "at least 30 respondents per group" in inv["reading"]["en"]
    rows = csv_rows(org.admin.get(f"{reports(org, survey)}/perception-gaps", params={"format": "csv"}))
    row = next(r for r in rows if r["a_layers"] == "team_leader")
    assert row["mixed_reason"] == "too_few_clusters" and row["mixed_difference"] == "" == row["mixed_cr2_se"]
    assert row["invariance_reason"] == "group_too_small"


def test_hidden_cells_make_no_model(org, teams):
    # directors and the board are empty, so their comparisons show nothing; a set that would reveal a smaller
    # group is suppressed: no model, no invariance
    report = _perception(org, teams, a="director,department_head", b="employee")
    c = report["comparisons"][0]
    assert c["suppressed"] is False  # directors are empty: the set is just the department heads
    report = _perception(org, teams)
    for c in report["comparisons"]:
        for d in c["dimensions"]:
            if d["welch"] is None:
                assert d["mixed_model"] is None and d["invariance"] is None
    # a dimension hidden in its own map: the department heads' openness with four of six leaving it blank
    blank = Population(TEAMS.groups, seed=17, blank={len(TEAMS.groups) - 1: {"openness": 4}})
    survey = survey_with_responses(org, blank)
    report = _perception(org, survey)
    heads = next(c for c in report["comparisons"] if c["a"]["layer_keys"] == ["department_head"])
    openness = next(d for d in heads["dimensions"] if d["key"] == "openness")
    assert openness["reason"] in ("below_minimum", "protects_smaller_group")
    assert openness["mixed_model"] is None and openness["invariance"] is None
    others = [d for d in heads["dimensions"] if d["key"] != "openness"]
    assert all(d["mixed_model"] is not None for d in others)


# ----------------------------------------------------------------------------------------- against R, end to end

def test_report_figures_match_r(org):
    """The stored organisation (`gap_models_rows.csv.gz`, written by this module's generator) imported through
    the API; its perception gaps against lmerTest and lavaan (`make_gap_models_reference.R`)."""
    text = gzip.decompress((REFERENCE / "gap_models_rows.csv.gz").read_bytes()).decode()
    generated, _ = answers_csv(org, TEAMS, ask_desired=True)
    assert generated == text, "the generator changed: rerun make_gap_models_reference.R on its new rows"
    survey = survey_with_responses(org, TEAMS)
    ref = json.loads((REFERENCE / "gap_models.json").read_text())
    report = _perception(org, survey)
    leaders = next(c for c in report["comparisons"] if c["a"]["layer_keys"] == ["team_leader"])
    for d in leaders["dimensions"]:
        r, mm = ref["mixed"][d["key"]], d["mixed_model"]
        assert mm["difference"] == pytest.approx(r["estimate"], abs=1e-6)
        assert mm["se"] == pytest.approx(r["se"], abs=1e-6)
        assert mm["difference_ci"]["low"] == pytest.approx(r["lower"], abs=1e-6)
        assert mm["variance_between"] == pytest.approx(r["between"], abs=1e-6)
        assert mm["variance_within"] == pytest.approx(r["within"], abs=1e-6)
        assert mm["df"] == pytest.approx(r["df"], rel=1e-4)
        assert mm["test"]["p"] == pytest.approx(r["p"], rel=1e-4, abs=1e-8)
        assert mm["test"]["p_adjusted"] == pytest.approx(r["p_holm"], rel=1e-4, abs=1e-8)
        inv, ri = d["invariance"], ref["invariance"][d["key"]]
        for model in ("configural", "metric", "scalar"):
            assert inv[model]["chisq"] == pytest.approx(ri[model]["chisq"], abs=1e-4)
            assert inv[model]["df"] == ri[model]["df"]
            assert inv[model]["cfi"] == pytest.approx(ri[model]["cfi"], abs=1e-4)
            assert inv[model]["rmsea"] == pytest.approx(ri[model]["rmsea"], abs=1e-4)
        assert inv["metric_vs_configural"]["p"] == pytest.approx(ri["metric_vs_configural_p"], abs=1e-4)
        assert inv["scalar_vs_metric"]["p"] == pytest.approx(ri["scalar_vs_metric_p"], abs=1e-4)


@pytest.mark.skipif(not os.environ.get("WRITE_GAP_MODELS_ROWS"), reason="writes the R reference's input")
def test_write_rows_for_the_r_reference(org):
    text, _ = answers_csv(org, TEAMS, ask_desired=True)
    (REFERENCE / "gap_models_rows.csv.gz").write_bytes(gzip.compress(text.encode(), mtime=0))
    definition = builtin_questionnaire(org)
    items = {d["key"]: [{"key": i["key"], "reverse": i["reverse"]} for i in d["items"]]
             for d in definition["dimensions"]}
    (REFERENCE / "gap_models_items.json").write_text(json.dumps(items, indent=1) + "\n")


def _shifted_survey(org: OrgContext, item: str, by: int) -> SurveyWithData:
    """TEAMS with team leaders answering one statement `by` points higher (clipped to 1..5; in the item's own
    direction): the same answer then means a different level for them."""
    text, _ = answers_csv(org, TEAMS, ask_desired=True)
    reader = list(csv.DictReader(io.StringIO(text)))
    for row in reader:
        if row["layer"] == "team_leader" and row[item]:
            row[item] = str(min(5, max(1, int(row[item]) + by)))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(reader[0]))
    writer.writeheader()
    writer.writerows(reader)
    created = create_survey(org, ask_desired=True, min_group_size=5)
    response = org.admin.post(f"{org.prefix}/surveys/{created['id']}/responses/import",
                              params={"unknown_units": "create"},
                              files={"file": ("r.csv", out.getvalue().encode(), "text/csv")})
    assert response.status_code == 201, response.text
    return SurveyWithData(created, {}, reader)


def test_invariance_failing_is_shown_and_noted_in_data_quality(org):
    definition = builtin_questionnaire(org)
    openness = next(d for d in definition["dimensions"] if d["key"] == "openness")
    item = next(i for i in openness["items"] if not i["reverse"])["key"]
    survey = _shifted_survey(org, item, 2)
    report = _perception(org, survey)
    leaders = next(c for c in report["comparisons"] if c["a"]["layer_keys"] == ["team_leader"])
    by_key = {d["key"]: d for d in leaders["dimensions"]}
    inv = by_key["openness"]["invariance"]
    assert inv["verdict"] in ("intercepts_differ", "loadings_differ"), inv
    assert inv["reading"]["en"] == ("Team leaders and employees do not read the openness statements alike (the "
                                    "same answer means a different level): compare with care.") \
        or inv["reading"]["en"].endswith("compare with care.")
    assert inv["reading"]["nl"].endswith("vergelijk met voorzichtigheid.")
    step = inv["scalar_vs_metric"] if inv["verdict"] == "intercepts_differ" else inv["metric_vs_configural"]
    assert step["holds"] is False and step["delta_cfi"] < -0.01
    quality = org.admin.get(f"{reports(org, survey)}/data-quality").json()
    notes = [w for w in quality["warnings"] if w["code"] == "not_invariant"]
    failing = {d["key"] for d in leaders["dimensions"] if d["invariance"]["verdict"] in ("intercepts_differ",
                                                                                         "loadings_differ")}
    assert "openness" in failing and {w["dimension"] for w in notes if w["group"]["layer_key"] == "team_leader"} \
        == failing
    note = next(w for w in notes if w["dimension"] == "openness")
    assert note["severity"] == "warning" and note["message"]["en"] == inv["reading"]["en"]
    assert note["evidence"] == {"n": None, "figure": "delta_cfi", "value": pytest.approx(step["delta_cfi"]),
                                "threshold": -0.01}
    # the unchanged organisation gives no such note
    plain = survey_with_responses(org, TEAMS)
    quality = org.admin.get(f"{reports(org, plain)}/data-quality").json()
    alike = _perception(org, plain)
    failing = [d for c in alike["comparisons"] for d in c["dimensions"]
               if d["invariance"] and d["invariance"]["verdict"] in ("intercepts_differ", "loadings_differ")]
    assert len([w for w in quality["warnings"] if w["code"] == "not_invariant"]) == len(failing)


# Three departments of three teams (12 employees, 5 team leaders each); department D3 rates 0.5 higher.
DEPARTMENTS = Population([
    (f"D{dep}/T{team}", layer, n, 0.1 * team + (0.5 if dep == 3 else 0.0) + shift)
    for dep in (1, 2, 3) for team in (1, 2, 3)
    for layer, n, shift in (("employee", 12, 0.0), ("team_leader", 5, 0.4))
], seed=18)


def test_team_gaps_of_departments_use_the_mixed_model_and_teams_do_not(org):
    survey = survey_with_responses(org, DEPARTMENTS)
    base = f"{reports(org, survey)}/team-gaps"
    report = org.admin.get(base, params={"level": "children"}).json()
    scores, _ = keyed(org, survey.rows)
    clusters = _clusters(survey.rows)
    checked = 0
    for c in report["teams"]:
        inside = np.array([r["unit"].startswith("/".join(c["a"]["unit_path"]) + "/") for r in survey.rows])
        for d in c["dimensions"]:
            y = scores[d["key"]]
            m = ~np.isnan(y)
            r = layer_mixed_model(y[m], clusters=clusters[m], layers=np.where(inside[m], "a", "b"),
                                  layer_order=["a", "b"])
            mm = d["mixed_model"]
            assert mm["fitted"] is True and mm["n_clusters"] == 9 == r.n_clusters
            assert mm["difference"] == pytest.approx(r.contrasts[0].difference.value, abs=1e-12)
            assert mm["df"] == pytest.approx(r.contrasts[0].test.df, rel=1e-10)
            assert mm["test"]["p"] == pytest.approx(r.contrasts[0].test.pvalue, rel=1e-9)
            assert mm["test"]["family_size"] == 15 and mm["icc"] == pytest.approx(r.variance.icc, rel=1e-10)
            assert d["invariance"] is None
            assert mm["reading"]["en"].startswith(f'Taking the teams into account, respondents in "{c["a"]["name"]}" ')
            assert "the rest of the organisation" in mm["reading"]["en"]
            checked += 1
    assert checked == 15
    rows = csv_rows(org.admin.get(base, params={"level": "children", "format": "csv"}))
    assert all(row["mixed_fitted"] == "true" and row["invariance_verdict"] == "" for row in rows)
    teams = org.admin.get(base, params={"level": "teams"}).json()
    assert all(d["mixed_model"] is None for c in teams["teams"] for d in c["dimensions"])


def test_the_readiness_summary_gives_the_perception_gaps_verdict_without_invariance(org, teams):
    summary = org.admin.get(f"{reports(org, teams)}/readiness").json()
    gaps = org.admin.get(f"{reports(org, teams)}/perception-gaps").json()
    full = {(tuple(c["a"]["layer_keys"]), tuple(c["b"]["layer_keys"]), d["key"]): d
            for c in gaps["comparisons"] for d in c["dimensions"]}
    assert summary["perception_gaps"]
    for h in summary["perception_gaps"]:
        figures = h["figures"]
        assert figures["invariance"] is None  # the fits that cost, left to the perception-gaps report
        same = full[tuple(h["a"]["layer_keys"]), tuple(h["b"]["layer_keys"]), figures["key"]]
        assert figures["mixed_model"] == same["mixed_model"]
        assert (figures["significant"], figures["verdict_test"]) == (same["significant"], same["verdict_test"])
    assert any(h["figures"]["verdict_test"] == "mixed_model" for h in summary["perception_gaps"])
