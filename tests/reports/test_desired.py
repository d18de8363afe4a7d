"""Current against desired culture: each frame's mean over that frame's own respondents (those who answered all of
the dimension's items in it), the partially overlapping samples t-test (`app.stats.partially_overlapping`, checked
against R in tests/stats) applied to exactly those sets, the fully paired case against scipy.stats.ttest_rel, Holm
by hand over the whole report, ranking, suppression of small layers (JSON and CSV), scope and the 409."""

import numpy as np
import pytest
from scipy import stats

from app.stats import partially_overlapping
from tests.report_factories import Population, survey_with_responses
from tests.reports.test_gaps import LEADERS, csv_rows, holm, keyed, reports, where


def _expected(org, rows, groups):
    """Per group mask: every dimension's and item's comparison (desired - current) over each frame's own
    respondents, and the n of each frame and of both."""
    now, now_items = keyed(org, rows)
    wish, wish_items = keyed(org, rows, ":desired")
    out = {}
    for name, mask in groups.items():
        for kind, a, b in (("dimension", wish, now), ("item", wish_items, now_items)):
            for key in a:
                x, y = a[key][mask], b[key][mask]
                r = partially_overlapping(x, y)
                n = (int((~np.isnan(x) & ~np.isnan(y)).sum()), int((~np.isnan(y)).sum()), int((~np.isnan(x)).sum()))
                out[(name, kind, key)] = (n, float(np.nanmean(x) - np.nanmean(y)), r.t_test.statistic,
                                          r.t_test.pvalue)
    return out


def test_paired_gaps_match_scipy_with_holm_over_the_report(org):
    survey = survey_with_responses(org, LEADERS)
    report = org.admin.get(f"{reports(org, survey)}/desired-gap", params={"by": "layer"}).json()
    assert report["by"] == "layer"
    groups = {(g["group"]["layer_key"] or "all"): g for g in report["groups"]}
    assert list(groups) == ["all", "executive_board", "director", "department_head", "team_leader", "employee"]
    for hidden in ("director", "department_head"):
        assert groups[hidden]["suppressed"] is True and groups[hidden]["group"]["n"] is None
        assert groups[hidden]["dimensions"] == [] and groups[hidden]["items"] == []
    masks = {"all": np.ones(len(survey.rows), dtype=bool), "team_leader": where(survey.rows, layer="team_leader"),
             "employee": where(survey.rows, layer="employee")}
    expected = _expected(org, survey.rows, masks)
    # a dimension is hidden where its respondents (in a frame) could be subtracted down to a small group: here the
    # few directors and department heads who answered all of it, next to the team leaders at the top
    hidden = {(name, kind, f["key"]) for name in masks for kind in ("dimension", "item")
              for f in groups[name][kind + "s"] if f["reason"] == "protects_smaller_group"}
    assert all(groups[n][k + "s"][0]["t_test"] is not None for n, k, _ in hidden)  # the largest gap is shown
    keys = [k for k in expected if k not in hidden]
    adjusted = dict(zip(keys, holm([expected[k][3] for k in keys]), strict=True))
    for name in masks:
        group = groups[name]
        for kind, all_figures in (("dimension", group["dimensions"]), ("item", group["items"])):
            figures = [f for f in all_figures if f["reason"] != "protects_smaller_group"]
            assert [f["rank"] for f in figures] == list(range(1, len(figures) + 1))
            gaps = [abs(f["gap"]) for f in figures]
            assert gaps == sorted(gaps, reverse=True)
            for f in figures:
                n, gap, t, p = expected[(name, kind, f["key"])]
                assert (f["n"], f["n_current"], f["n_desired"]) == n
                assert f["gap"] == pytest.approx(gap) and f["t"] == pytest.approx(t)
                assert f["t_test"]["p"] == pytest.approx(p)
                assert f["t_test"]["p_adjusted"] == pytest.approx(adjusted[(name, kind, f["key"])])
                assert f["t_test"]["correction"] == "holm" and f["t_test"]["family_size"] == len(keys)
                assert f["gap_ci"]["low"] < f["gap"] < f["gap_ci"]["high"]
                assert f["mean_desired"] - f["mean_current"] == pytest.approx(f["gap"])
    top = groups["all"]["dimensions"][0]
    assert top["gap"] > 0.3 and top["significant"] is True and top["effect_size"] in ("medium", "large")
    assert top["reading"]["en"].startswith(f"Respondents want {top['name'].lower()} ")
    assert "punt hoger dan ze nu ervaren" in top["reading"]["nl"]
    empty = groups["executive_board"]
    assert empty["suppressed"] is False and empty["group"]["n"] == 0
    assert all(f["reason"] == "all_missing" and f["t_test"] is None for f in empty["dimensions"])


def test_csv_hides_small_layers_and_scope_keys_see_their_unit(org, other_org):
    survey = survey_with_responses(org, LEADERS)
    url = f"{reports(org, survey)}/desired-gap"
    rows = csv_rows(org.admin.get(url, params={"by": "layer", "format": "csv"}))
    hidden = [r for r in rows if r["layer"] in ("director", "department_head")]
    assert len(hidden) == 2
    for r in hidden:
        assert r["suppressed"] == "true" and r["group_n"] == "" and r["reason"] == "below_minimum"
        assert {v for k, v in r.items() if k not in ("unit_path", "layer", "suppressed", "reason")} == {""}
    scope = org.client_for("analyst", survey.units["Ops/South"])
    south = scope.get(url).json()
    (group,) = south["groups"]
    assert group["group"]["unit_id"] == survey.units["Ops/South"] and group["group"]["n"] == 32
    assert group["dimensions"][0]["reading"]["en"].startswith('Respondents in "South" want ')
    assert scope.get(url, params={"unit_id": survey.units["Ops/North"]}).status_code == 404
    assert other_org.admin.get(url).status_code == 404
    assert org.admin.get(url, params={"by": "unit"}).status_code == 422


def test_everyone_in_both_frames_is_the_paired_t_test(org):
    """With nothing missing, the partially overlapping samples test is scipy's paired t-test, and the frames'
    means are the pairs' means."""
    survey = survey_with_responses(org, Population(LEADERS.groups, missing=0.0, seed=4))
    report = org.admin.get(f"{reports(org, survey)}/desired-gap").json()
    now, _ = keyed(org, survey.rows)
    wish, _ = keyed(org, survey.rows, ":desired")
    for f in report["groups"][0]["dimensions"]:
        t = stats.ttest_rel(wish[f["key"]], now[f["key"]])
        assert f["n"] == f["n_current"] == f["n_desired"] == len(survey.rows)
        assert f["t"] == pytest.approx(t.statistic) and f["t_test"]["p"] == pytest.approx(t.pvalue)
        assert f["df"] == pytest.approx(len(survey.rows) - 1)
        assert f["mean_current"] == pytest.approx(now[f["key"]].mean())


def test_a_survey_without_the_desired_frame_is_409(org):
    survey = survey_with_responses(org, LEADERS, ask_desired=False)
    response = org.admin.get(f"{reports(org, survey)}/desired-gap")
    assert response.status_code == 409
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "desired" in response.json()["detail"]
