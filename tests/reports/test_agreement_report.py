"""Within-team agreement and ICCs: rwg(j) and ICC(1)/ICC(2) recomputed from the imported rows, only visible teams
enter, the flag follows its documented rule, scope and tenancy."""

import numpy as np
import pytest

from tests.report_factories import Population, survey_with_responses
from tests.reports.test_gaps import csv_rows, keyed, reports, where
from tests.survey_factories import builtin_questionnaire

TEAMS = Population([
    ("Dept/Low", "employee", 9, -1.0), ("Dept/Mid", "employee", 9, 0.0), ("Dept/High", "employee", 9, 1.0),
    ("Dept/Top", "employee", 9, 1.5), ("Dept/Pair", "employee", 2, 0.0), ("Dept/Trio", "employee", 3, 0.0),
])  # the pair and the trio are hidden; together (5) they are "the department minus its visible teams"
NULL_VARIANCE = (5**2 - 1) / 12


def rwg_j(answers: np.ndarray) -> float:
    """rwg(j) of one team (rows = members, listwise complete), as multilevel::rwg.j with the uniform null."""
    ratio = min(float(np.var(answers, axis=0, ddof=1).mean()), NULL_VARIANCE) / NULL_VARIANCE
    j = answers.shape[1]
    return j * (1 - ratio) / (j * (1 - ratio) + ratio)


def icc(values: list[np.ndarray]) -> tuple[float, float]:
    """ICC(1), ICC(2) from the one-way ANOVA (mean group size), as multilevel::ICC1/ICC2."""
    values = [v[~np.isnan(v)] for v in values]
    n, g = sum(len(v) for v in values), len(values)
    grand = np.concatenate(values).mean()
    msb = sum(len(v) * (v.mean() - grand) ** 2 for v in values) / (g - 1)
    msw = sum(((v - v.mean()) ** 2).sum() for v in values) / (n - g)
    return (msb - msw) / (msb + (n / g - 1) * msw), (msb - msw) / msb


def test_rwg_and_icc_of_visible_teams(org):
    survey = survey_with_responses(org, TEAMS)
    url = f"{reports(org, survey)}/agreement"
    report = org.admin.get(url).json()
    teams = {t["group"]["unit_path"][-1]: t for t in report["teams"]}
    assert set(teams) == {"Low", "Mid", "High", "Top", "Pair", "Trio"}
    for small in ("Pair", "Trio"):
        assert teams[small]["suppressed"] is True and teams[small]["dimensions"] == []
        assert teams[small]["group"]["n"] is None
    definition = builtin_questionnaire(org)
    scores, _ = keyed(org, survey.rows)
    hidden_somewhere = 0
    for d, dim in enumerate(definition["dimensions"]):
        keys = [item["key"] for item in dim["items"]]
        shown = []
        for name in ("Low", "Mid", "High", "Top"):
            members = [r for r in survey.rows if r["unit"] == f"Dept/{name}" and all(r[k] for k in keys)]
            answers = np.array([[float(r[k]) for k in keys] for r in members])
            figure = teams[name]["dimensions"][d]
            assert figure["key"] == dim["key"]
            if figure["reason"] == "protects_smaller_group":  # the department minus its visible teams would be
                hidden_somewhere += 1  # fewer than k answering all of this dimension's items
                assert figure["n"] is None and figure["rwg_j"] is None
                continue
            shown.append(name)
            assert figure["n"] == len(members)
            assert figure["rwg_j"] == pytest.approx(rwg_j(answers))
            assert figure["agreement"] == (figure["rwg_j"] >= 0.7)
        summary = report["dimensions"][d]
        assert summary["n_teams"] == len(shown) >= 3  # hidden teams (and dimensions) stay out
        icc1, icc2 = icc([scores[dim["key"]][where(survey.rows, unit=f"Dept/{t}")] for t in shown])
        assert summary["icc1"] == pytest.approx(icc1) and summary["icc2"] == pytest.approx(icc2)
        assert summary["icc1"] > 0.3 and summary["icc2"] > 0.7
        values = [teams[t]["dimensions"][d]["rwg_j"] for t in shown]
        assert summary["median_rwg_j"] == pytest.approx(np.median(values))
        expected = ((["icc1_below_0.05"] if icc1 < 0.05 else []) + (["icc2_below_0.70"] if icc2 < 0.7 else [])
                    + (["median_rwg_j_below_0.70"] if np.median(values) < 0.7 else []))
        assert summary["flags"] == expected and summary["flagged"] == bool(expected)
    assert hidden_somewhere <= 5
    rows = csv_rows(org.admin.get(url, params={"format": "csv"}))
    small = [r for r in rows if r["unit_path"] in ("Dept/Pair", "Dept/Trio")]
    assert len(small) == 2
    assert all(r["suppressed"] == "true" and r["group_n"] == r["rwg_j"] == r["n"] == "" for r in small)
    assert len([r for r in rows if r["row"] == "dimension"]) == 5


def test_one_team_cannot_tell_and_scope_is_enforced(org, other_org):
    survey = survey_with_responses(org, TEAMS)
    url = f"{reports(org, survey)}/agreement"
    scoped = org.client_for("analyst", survey.units["Dept/Low"])
    report = scoped.get(url).json()
    assert [t["group"]["unit_path"] for t in report["teams"]] == [["Dept", "Low"]]
    for summary in report["dimensions"]:
        assert summary["n_teams"] == 1 and summary["icc1"] is None and summary["icc_reason"] == "one_group"
        assert summary["flagged"] is True and "icc_not_estimable" in summary["flags"]
    assert scoped.get(url, params={"unit_id": survey.units["Dept/Mid"]}).status_code == 404
    assert other_org.admin.get(url).status_code == 404
    children = org.admin.get(url, params={"level": "children"}).json()
    assert [t["group"]["unit_path"] for t in children["teams"]] == [["Dept"]]
    assert org.admin.get(url, params={"level": "everything"}).status_code == 422
