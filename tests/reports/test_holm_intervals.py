"""Intervals that agree with the verdict (issue 15, item 2): every perception, team and desired gap carries, beside
its unadjusted interval, a Holm-compatible one that excludes 0 exactly when the gap is `significant` (Holm-adjusted
p < 0.05), also where the unadjusted interval excludes 0 and the verdict is "not significant"."""

import math
from typing import Any

from tests.report_factories import Population, survey_with_responses
from tests.reports.test_gaps import csv_rows, reports

MODERATE = Population([("Town/Social", "employee", 22, 0.0), ("Town/Space", "employee", 20, 0.0),
                       ("Town/Social", "team_leader", 9, 0.3), ("Town/Space", "team_leader", 8, 0.25),
                       ("Town", "department_head", 7, 0.35), ("Town", "director", 6, 0.3)], seed=7, desired_gap=0.15)


def _agrees(figure: dict[str, Any], ci: str, holm_ci: str, estimate: str) -> bool | None:
    """Checks one figure; returns whether its unadjusted interval excludes 0 while the verdict says no."""
    agreeing, verdict = figure[holm_ci], figure["significant"]
    if verdict is None:
        assert agreeing is None
        return None
    assert agreeing["excludes_zero"] is verdict and agreeing["correction"] == "holm"
    low = -math.inf if agreeing["low"] is None else agreeing["low"]
    high = math.inf if agreeing["high"] is None else agreeing["high"]
    assert low <= figure[estimate] <= high
    if verdict:
        assert (low >= 0 < figure[estimate]) or (high <= 0 > figure[estimate])
    else:
        assert low <= 0 <= high
    plain = figure[ci]
    return not verdict and (plain["low"] > 0 or plain["high"] < 0)


def test_gaps_carry_intervals_that_agree_with_holm(org):
    survey = survey_with_responses(org, MODERATE)
    base = reports(org, survey)
    contradictions = 0
    for report, params in (("perception-gaps", {}), ("perception-gaps", {"reference": "team_leader"}),
                           ("team-gaps", {"level": "teams"})):
        body = org.admin.get(f"{base}/{report}", params=params).json()
        rows = body["comparisons"] if report == "perception-gaps" else body["teams"]
        figures = [d for c in rows for d in c["dimensions"]]
        assert any(d["difference_ci_holm"] for d in figures)
        contradictions += sum(bool(_agrees(d, "difference_ci", "difference_ci_holm", "difference")) for d in figures)
        shown = [d for d in figures if d["difference_ci_holm"]]
        assert all(d["difference_ci_holm"]["family_size"] == d["welch"]["family_size"] for d in shown)
        table = csv_rows(org.admin.get(f"{base}/{report}", params={**params, "format": "csv"}))
        with_ci = [r for r in table if r["difference_ci_holm_low"]]
        assert len(with_ci) == len(shown)
    desired = org.admin.get(f"{base}/desired-gap", params={"by": "layer"}).json()
    gaps = [g for group in desired["groups"] for g in group["dimensions"] + group["items"]]
    assert any(g["gap_ci_holm"] for g in gaps)
    contradictions += sum(bool(_agrees(g, "gap_ci", "gap_ci_holm", "gap")) for g in gaps)
    table = csv_rows(org.admin.get(f"{base}/desired-gap", params={"by": "layer", "format": "csv"}))
    assert len([r for r in table if r["gap_ci_holm_low"]]) == len([g for g in gaps if g["gap_ci_holm"]])
    assert contradictions > 0  # the case of the issue: an unadjusted interval excluding 0, "not significant"


def test_trend_changes_carry_intervals_that_agree_with_holm(org):
    waves = [survey_with_responses(org, Population(MODERATE.groups, seed=s)) for s in (8, 9)]
    trend = org.admin.get(f"{reports(org, waves[1])}/trend").json()
    changes = [c for row in trend["dimensions"] + trend["items"] for c in row["changes"]]
    tested = [c for c in changes if c["welch"]]
    assert tested and all(c["difference_ci_holm"] for c in tested)
    for c in tested:
        c["significant"] = c["welch"]["p_adjusted"] < 0.05
        _agrees(c, "difference_ci", "difference_ci_holm", "difference")
    table = csv_rows(org.admin.get(f"{reports(org, waves[1])}/trend", params={"format": "csv"}))
    assert len([r for r in table if r["difference_ci_holm_low"]]) == len(tested)
