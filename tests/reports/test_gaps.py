"""Perception gaps between layers and teams against the rest of the organisation: figures recomputed from the
imported rows with scipy, Holm by hand, suppression (JSON and CSV), scope, tenancy and bad parameters."""

import csv
import io
from typing import Any

import numpy as np
import pytest
from scipy import stats

from tests.factories import OrgContext
from tests.report_factories import Population, SurveyWithData, survey_with_responses
from tests.survey_factories import builtin_questionnaire

# Leaders rate everything 1.0 higher; two department heads and four directors (hidden; together six, so their sum
# is shown as "everyone minus employees and team leaders" anyway).
LEADERS = Population([
    ("Ops/North", "employee", 20, 0.0), ("Ops/North", "team_leader", 6, 1.0),
    ("Ops/South", "employee", 20, 0.0), ("Ops/South", "team_leader", 6, 1.0),
    ("Ops/South", "department_head", 2, 0.5), ("Ops/South", "director", 4, 0.5),
])


def reports(org: OrgContext, survey: SurveyWithData) -> str:
    return f"{org.prefix}/surveys/{survey.id}/reports"


def holm(p: list[float]) -> list[float]:
    """Holm's adjustment, by hand."""
    m = len(p)
    order = sorted(range(m), key=lambda i: p[i])
    out, running = [0.0] * m, 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        out[i] = running
    return out


def keyed(org: OrgContext, rows: list[dict[str, str]], frame: str = "") -> tuple[dict[str, np.ndarray],
                                                                                 dict[str, np.ndarray]]:
    """Scale scores per dimension (mean of the keyed answers) and keyed answers per item, one value per row, of the
    rows that answered every item of the dimension (NaN for the others: a dimension's figures rest on them)."""
    scores, items = {}, {}
    for dimension in builtin_questionnaire(org)["dimensions"]:
        columns = []
        for item in dimension["items"]:
            raw = np.array([float(r[item["key"] + frame]) if r[item["key"] + frame] else np.nan for r in rows])
            columns.append(6 - raw if item["reverse"] else raw)
        x = np.column_stack(columns)
        complete = ~np.isnan(x).any(axis=1)
        x[~complete] = np.nan
        for item, column in zip(dimension["items"], x.T, strict=True):
            items[item["key"]] = column
        scores[dimension["key"]] = np.where(complete, x.mean(axis=1), np.nan)
    return scores, items


def where(rows: list[dict[str, str]], **match: Any) -> np.ndarray:
    return np.array([all(test(r[k]) if callable(test) else r[k] == test for k, test in match.items())
                     for r in rows])


def welch_p(x: np.ndarray, y: np.ndarray) -> float:
    return float(stats.ttest_ind(x[~np.isnan(x)], y[~np.isnan(y)], equal_var=False).pvalue)


def csv_rows(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.text)))


@pytest.fixture
def leaders(org: OrgContext) -> SurveyWithData:
    return survey_with_responses(org, LEADERS)


def test_leaders_rate_higher_than_employees(org, leaders):
    report = org.admin.get(f"{reports(org, leaders)}/perception-gaps").json()
    assert report["reference"] == ["employee"] and report["scope"]["unit_id"] is None
    by_layer = {c["a"]["layer_keys"][0]: c for c in report["comparisons"]}
    assert set(by_layer) == {"executive_board", "director", "department_head", "team_leader"}
    leaders_ = by_layer["team_leader"]
    assert leaders_["suppressed"] is False and leaders_["a"]["n"] == 12 and leaders_["b"]["n"] == 40
    scores, _ = keyed(org, leaders.rows)
    lead, staff = where(leaders.rows, layer="team_leader"), where(leaders.rows, layer="employee")
    shown = [(c, d) for c in report["comparisons"] for d in c["dimensions"] if d["welch"]]
    assert len(shown) == 5  # team leaders x 5 dimensions; the empty executive board makes no test
    expected = holm([welch_p(scores[d["key"]][lead], scores[d["key"]][staff]) for _, d in shown])
    for (_, d), p_adjusted in zip(shown, expected, strict=True):
        x, y = scores[d["key"]][lead], scores[d["key"]][staff]
        assert d["n_a"] == int((~np.isnan(x)).sum()) and d["n_b"] == int((~np.isnan(y)).sum())
        assert d["mean_a"] == pytest.approx(np.nanmean(x)) and d["mean_b"] == pytest.approx(np.nanmean(y))
        assert d["difference"] == pytest.approx(np.nanmean(x) - np.nanmean(y)) and d["difference"] > 0.5
        t = stats.ttest_ind(x[~np.isnan(x)], y[~np.isnan(y)], equal_var=False)
        assert d["welch_t"] == pytest.approx(t.statistic) and d["welch"]["p"] == pytest.approx(t.pvalue)
        assert d["welch"]["p_adjusted"] == pytest.approx(p_adjusted)
        assert d["welch"]["correction"] == "holm" and d["welch"]["family_size"] == 5
        u = stats.mannwhitneyu(x[~np.isnan(x)], y[~np.isnan(y)], method="asymptotic", use_continuity=True)
        assert d["mann_whitney"]["p"] == pytest.approx(u.pvalue)
        assert d["effect_size"] == "large" and d["hedges_g"] > 0.8 and d["significant"] is True
        low, high = d["difference_ci"]["low"], d["difference_ci"]["high"]
        assert low < d["difference"] < high
        assert d["reading"]["en"].startswith(f"Team leaders rate {d['name'].lower()} ")
        assert "points higher than employees: a large, significant difference." in d["reading"]["en"]
        assert d["reading"]["nl"].startswith("Teamleiders beoordelen ")
        assert f"{abs(d['difference']):.2f}".replace(".", ",") + " punt hoger dan medewerkers: een groot, " \
            "significant verschil." in d["reading"]["nl"]
    empty = by_layer["executive_board"]
    assert empty["suppressed"] is False and empty["a"]["n"] == 0
    assert all(d["reason"] == "all_missing" and d["welch"] is None for d in empty["dimensions"])


def test_a_small_layer_is_a_suppressed_comparison_in_json_and_csv(org, leaders):
    url = f"{reports(org, leaders)}/perception-gaps"
    report = org.admin.get(url).json()
    for key in ("department_head", "director"):
        c = next(c for c in report["comparisons"] if c["a"]["layer_keys"] == [key])
        assert c["suppressed"] is True and c["dimensions"] == []
        assert c["a"]["n"] is None and c["a"]["suppressed"] is True
    rows = csv_rows(org.admin.get(url, params={"format": "csv"}))
    hidden = [r for r in rows if r["a_layers"] in ("department_head", "director")]
    assert len(hidden) == 2
    for r in hidden:
        assert r["suppressed"] == "true" and r["reason"] == "below_minimum" and r["a_n"] == ""
        figures = {k: v for k, v in r.items() if not k.startswith(("a", "b")) and k not in ("suppressed", "reason")}
        assert set(figures.values()) == {""}
    assert len([r for r in rows if r["a_layers"] == "team_leader"]) == 5
    # a set of two hidden layers whose sum is shown anyway may be compared; one hidden layer with others may not
    union = org.admin.get(url, params={"a": "director,department_head", "b": "employee"}).json()
    assert union["reference"] is None
    (c,) = union["comparisons"]
    assert c["suppressed"] is False and c["a"]["n"] == 6 and c["a"]["layer_keys"] == ["director", "department_head"]
    assert all(d["welch"]["family_size"] == 5 for d in c["dimensions"])
    assert c["dimensions"][0]["reading"]["en"].startswith('Respondents in "Director" and "Department head" rate') \
        or c["dimensions"][0]["reading"]["en"].startswith("Directors and department heads")
    mixed = org.admin.get(url, params={"a": "department_head,team_leader", "b": "employee"}).json()
    assert mixed["comparisons"][0]["suppressed"] is True and mixed["comparisons"][0]["dimensions"] == []


def test_team_against_the_rest_of_the_organisation(org, leaders):
    report = org.admin.get(f"{reports(org, leaders)}/team-gaps").json()
    assert report["organisation"]["n"] == 58
    teams = {c["a"]["unit_path"][-1]: c for c in report["teams"]}
    assert set(teams) == {"North", "South"}
    scores, _ = keyed(org, leaders.rows)
    family = [(name, d) for name, c in teams.items() for d in c["dimensions"]]
    assert len(family) == 10
    expected = holm([welch_p(scores[d["key"]][where(leaders.rows, unit=f"Ops/{name}")],
                             scores[d["key"]][~where(leaders.rows, unit=f"Ops/{name}")]) for name, d in family])
    for (name, d), p_adjusted in zip(family, expected, strict=True):
        inside = where(leaders.rows, unit=f"Ops/{name}")
        x, y = scores[d["key"]][inside], scores[d["key"]][~inside]
        assert d["difference"] == pytest.approx(np.nanmean(x) - np.nanmean(y))
        assert d["welch"]["p_adjusted"] == pytest.approx(p_adjusted) and d["welch"]["family_size"] == 10
    north = teams["North"]
    assert north["a"]["n"] == 26 and north["b"]["n"] == 32 and north["b"]["unit_id"] is None
    assert north["dimensions"][0]["reading"]["en"].startswith('Respondents in "North" ')
    assert "the rest of the organisation" in north["dimensions"][0]["reading"]["en"]
    children = org.admin.get(f"{reports(org, leaders)}/team-gaps", params={"level": "children"}).json()
    assert [c["a"]["unit_path"] for c in children["teams"]] == [["Ops"]]
    assert children["teams"][0]["suppressed"] is True  # Ops is everyone: the rest is empty
    rows = csv_rows(org.admin.get(f"{reports(org, leaders)}/team-gaps", params={"format": "csv"}))
    assert len(rows) == 10 and {r["a_unit_path"] for r in rows} == {"Ops/North", "Ops/South"}


def test_a_team_against_a_small_rest_is_suppressed(org):
    survey = survey_with_responses(org, Population([("Big", "employee", 20, 0.0), ("Tiny", "employee", 3, 0.0)]))
    url = f"{reports(org, survey)}/team-gaps"
    report = org.admin.get(url).json()
    assert {c["a"]["name"] for c in report["teams"]} == {"Big", "Tiny"}
    for c in report["teams"]:
        assert c["suppressed"] is True and c["dimensions"] == [] and c["b"]["n"] is None
    tiny = next(c for c in report["teams"] if c["a"]["name"] == "Tiny")
    assert tiny["a"]["n"] is None and tiny["a"]["suppressed"] is True
    text = org.admin.get(url, params={"format": "csv"}).text
    rows = csv_rows(org.admin.get(url, params={"format": "csv"}))
    assert len(rows) == 2 and all(r["suppressed"] == "true" and r["b_n"] == "" for r in rows)
    assert ",3," not in text and ",3\r" not in text


def test_scope_of_a_unit_key_and_other_organisations(org, other_org, leaders):
    north = org.client_for("analyst", leaders.units["Ops/North"])
    report = north.get(f"{reports(org, leaders)}/perception-gaps").json()
    assert report["scope"]["unit_id"] == leaders.units["Ops/North"]
    lead = next(c for c in report["comparisons"] if c["a"]["layer_keys"] == ["team_leader"])
    # A team publishes no per-layer figures (they would single out its leaders): the comparison is suppressed.
    assert lead["suppressed"] is True and lead["a"]["n"] is None and lead["dimensions"] == []
    assert lead["a"]["unit_id"] == leaders.units["Ops/North"]
    for path in ("perception-gaps", "team-gaps"):
        outside = north.get(f"{reports(org, leaders)}/{path}", params={"unit_id": leaders.units["Ops/South"]})
        assert outside.status_code == 404
        assert other_org.admin.get(f"{reports(org, leaders)}/{path}").status_code == 404
    teams = north.get(f"{reports(org, leaders)}/team-gaps").json()
    (only,) = teams["teams"]
    assert only["a"]["unit_id"] == leaders.units["Ops/North"] and only["b"]["n"] == 32  # organisation-level figures
    explicit = org.admin.get(f"{reports(org, leaders)}/team-gaps", params={"unit_id": leaders.units["Ops/South"]})
    assert [c["a"]["unit_path"] for c in explicit.json()["teams"]] == [["Ops", "South"]]


@pytest.mark.parametrize("params", [
    {"reference": "nobody"}, {"a": "team_leader"}, {"b": "employee"}, {"a": "team_leader", "b": "ghost"},
    {"a": "team_leader,employee", "b": "employee"}, {"reference": "employee", "a": "team_leader", "b": "employee"},
    {"a": " , ", "b": "employee"}, {"reference": "employee,team_leader"}, {"lang": "de"}, {"format": "xml"},
])
def test_bad_parameters_are_422(org, leaders, params):
    response = org.admin.get(f"{reports(org, leaders)}/perception-gaps", params=params)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")


def test_team_gaps_rejects_unknown_level(org, leaders):
    assert org.admin.get(f"{reports(org, leaders)}/team-gaps", params={"level": "galaxy"}).status_code == 422


def test_any_reference_layer(org, leaders):
    report = org.admin.get(f"{reports(org, leaders)}/perception-gaps", params={"reference": "team_leader",
                                                                                "lang": "nl"}).json()
    staff = next(c for c in report["comparisons"] if c["a"]["layer_keys"] == ["employee"])
    assert staff["a"]["name"] == "Medewerker" and staff["b"]["name"] == "Teamleider"
    assert all(d["difference"] < 0 for d in staff["dimensions"])
    assert "punt lager dan teamleiders" in staff["dimensions"][0]["reading"]["nl"]
    assert "points lower than team leaders" in staff["dimensions"][0]["reading"]["en"]
