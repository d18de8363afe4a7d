"""One verdict per comparison and dimension (issues 15 and 17): where the mixed model is fitted, `significant`,
the Holm-compatible interval and the reading's verdict follow it (`verdict_test: mixed_model`), also where Welch's
test says otherwise; where it is not fitted they follow Welch's test as before (`verdict_test: welch`)."""

from typing import Any

import numpy as np
import pytest
from scipy import stats

from app.stats.holm_ci import holm_intervals
from tests.factories import OrgContext
from tests.report_factories import Population, survey_with_responses
from tests.reports.test_gaps import LEADERS, csv_rows, reports

# Strong team clustering: eight teams far apart (±1 on the latent scale), and twelve department heads, 0.8 higher,
# all in one unit of their own (the department: a cluster of its own). Counting every head as independent, Welch
# finds them clearly higher than the employees; the heads' difference is confounded with their one cluster's effect,
# so the mixed model (a random intercept per team) does not.
TEAM_EFFECT = [1.2, -1.0, 0.8, -1.2, 0.6, -0.8, 1.0, -0.6]
CLUSTERED = Population([
    *[(f"Ops/T{i + 1}", layer, n, effect) for i, effect in enumerate(TEAM_EFFECT)
      for layer, n in (("employee", 12), ("team_leader", 5))],
    ("Ops", "department_head", 12, 0.8),
], seed=15)


def _report(org: OrgContext, survey: Any, **params: str) -> dict[str, Any]:
    response = org.admin.get(f"{reports(org, survey)}/perception-gaps", params=params)
    assert response.status_code == 200, response.text
    return dict(response.json())


def _welch_se(d: dict[str, Any]) -> float:
    """The standard error behind Welch's unadjusted 95% interval."""
    ci = d["difference_ci"]
    return float((ci["high"] - ci["low"]) / (2 * stats.t.ppf(0.975, d["welch_df"])))


def _check_interval(d: dict[str, Any], expected: Any, family: int) -> None:
    got = d["difference_ci_holm"]
    assert got["family_size"] == family and got["excludes_zero"] is expected.excludes_zero
    assert got["low"] == pytest.approx(expected.low, abs=1e-9)
    assert got["high"] == pytest.approx(expected.high, abs=1e-9)
    assert got["excludes_zero"] is d["significant"]  # the interval agrees with the verdict


def test_the_verdict_follows_the_mixed_model_where_welch_disagrees(org):
    survey = survey_with_responses(org, CLUSTERED)
    report = _report(org, survey)
    shown = [d for c in report["comparisons"] for d in c["dimensions"] if d["welch"] is not None]
    assert shown and all(d["mixed_model"]["fitted"] for d in shown)
    # the Holm-compatible intervals of the mixed-model family, from the report's own mixed-model figures
    mixed = [d["mixed_model"] for d in shown]
    expected = holm_intervals([m["difference"] for m in mixed], [m["se"] for m in mixed], [m["df"] for m in mixed],
                              [m["test"]["p"] for m in mixed])
    disagree = 0
    for d, ci in zip(shown, expected, strict=True):
        mm = d["mixed_model"]
        assert d["verdict_test"] == "mixed_model"
        assert d["significant"] is mm["significant"] is (mm["test"]["p_adjusted"] < 0.05)
        _check_interval(d, ci, len(shown))
        words = "significant difference" if d["significant"] else "non-significant difference"
        assert words in d["reading"]["en"], d["reading"]["en"]
        welch_says = d["welch"]["p_adjusted"] < 0.05
        if welch_says and not mm["significant"]:
            disagree += 1
            assert d["difference_ci_holm"]["excludes_zero"] is False
            assert d["difference_ci_holm"]["low"] < 0 < d["difference_ci_holm"]["high"]
            assert "non-significant" in d["reading"]["en"] and "niet-significant" in d["reading"]["nl"]
    heads = next(c for c in report["comparisons"] if c["a"]["layer_keys"] == ["department_head"])
    contested = [d for d in heads["dimensions"] if d["welch"]["p_adjusted"] < 0.05
                 and not d["mixed_model"]["significant"]]
    assert len(contested) == disagree == 5  # Welch and the model disagree on every dimension of the heads
    # the Welch figures stay as they were: secondary, their own family
    assert all(d["welch"]["family_size"] == len(shown) == d["mann_whitney"]["family_size"] for d in shown)
    # CSV: the same verdict, and which test it rests on
    rows = csv_rows(org.admin.get(f"{reports(org, survey)}/perception-gaps", params={"format": "csv"}))
    by = {(c["a"]["layer_keys"][0], d["key"]): d for c in report["comparisons"] for d in c["dimensions"]}
    checked = 0
    for row in rows:
        if not row["welch_p"]:
            assert row["verdict_test"] == "" and row["significant"] == ""  # hidden or empty: no verdict
            continue
        d = by[(row["a_layers"], row["dimension"])]
        assert row["verdict_test"] == "mixed_model" and row["significant"] == str(d["significant"]).lower()
        assert row["significant"] == row["mixed_significant"]
        assert float(row["difference_ci_holm_low"]) == pytest.approx(d["difference_ci_holm"]["low"], abs=5e-4)
        checked += 1
    assert checked == len(shown)


def test_a_model_not_fitted_leaves_the_verdict_to_welch(org):
    survey = survey_with_responses(org, LEADERS)  # two teams: too few for a random intercept
    report = _report(org, survey)
    shown = [d for c in report["comparisons"] for d in c["dimensions"] if d["welch"] is not None]
    assert shown and not any(d["mixed_model"]["fitted"] for d in shown if d["mixed_model"])
    expected = holm_intervals([d["difference"] for d in shown], [_welch_se(d) for d in shown],
                              [d["welch_df"] for d in shown], [d["welch"]["p"] for d in shown])
    verdicts = set()
    for d, ci in zip(shown, expected, strict=True):
        assert d["verdict_test"] == "welch"
        assert d["significant"] is (d["welch"]["p_adjusted"] < 0.05)
        _check_interval(d, ci, d["welch"]["family_size"])
        verdicts.add(d["significant"])
    assert True in verdicts  # the leaders' clear gap
    rows = csv_rows(org.admin.get(f"{reports(org, survey)}/perception-gaps", params={"format": "csv"}))
    assert {r["verdict_test"] for r in rows if r["welch_p"]} == {"welch"}
    # the readiness summary fits no model: its highlights keep Welch's verdict and say so
    summary = org.admin.get(f"{reports(org, survey)}/readiness").json()
    assert summary["perception_gaps"]
    assert all(h["figures"]["verdict_test"] == "welch" for h in summary["perception_gaps"])


def test_openapi_names_the_verdict_test(org):
    figures = org.admin.get("/openapi.json").json()["components"]["schemas"]["GapFigures"]["properties"]
    verdict = figures["verdict_test"]
    enum = next(v["enum"] for v in verdict.get("anyOf", [verdict]) if "enum" in v)
    assert set(enum) == {"mixed_model", "welch"}
    assert "mixed model" in verdict["description"] and "mixed model" in figures["significant"]["description"]
    assert "verdict_test" in figures["difference_ci_holm"]["description"]


def test_hidden_figures_have_no_verdict(org):
    survey = survey_with_responses(org, CLUSTERED)
    report = _report(org, survey)
    empty = [d for c in report["comparisons"] for d in c["dimensions"] if d["welch"] is None]
    assert empty and all(d["verdict_test"] is None and d["significant"] is None for d in empty)
    assert np.isfinite([d["difference"] for c in report["comparisons"] for d in c["dimensions"]
                        if d["welch"] is not None]).all()
