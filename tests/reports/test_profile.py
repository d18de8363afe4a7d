"""The culture profile: figures against numpy on the imported rows, suppression, scope, parameters."""

import csv
import io
from typing import Any

import numpy as np
import pytest
from scipy import stats

from tests.factories import OrgContext
from tests.report_factories import Population, SurveyWithData, answers_csv, survey_with_responses
from tests.respond_factories import item_keys
from tests.survey_factories import builtin_questionnaire, create_questionnaire, create_survey


def reports(org: OrgContext, survey_id: str) -> str:
    return f"{org.prefix}/surveys/{survey_id}/reports"


def import_rows(org: OrgContext, rows: list[dict[str, str]], *, min_group_size: int = 5,
                ask_desired: bool = False, **survey: Any) -> SurveyWithData:
    """A survey whose responses are exactly `rows` (unit path, layer, item values), imported through the API."""
    created = create_survey(org, ask_desired=ask_desired, min_group_size=min_group_size, **survey)
    header = list(dict.fromkeys(k for row in rows for k in row))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, restval="")
    writer.writeheader()
    writer.writerows(rows)
    response = org.admin.post(f"{org.prefix}/surveys/{created['id']}/responses/import",
                              params={"unknown_units": "create"},
                              files={"file": ("r.csv", out.getvalue().encode(), "text/csv")})
    assert response.status_code == 201, response.text
    units = {"/".join(u["path"]): u["id"] for u in org.admin.get(f"{org.prefix}/units").json()}
    return SurveyWithData(created, units, rows)


def synthetic_rows(org: OrgContext, population: Population) -> list[dict[str, str]]:
    return answers_csv(org, population, ask_desired=False)[1]


class Keyed:
    """The imported rows as numpy: raw answers, keyed answers and scale scores per dimension (as the docs define)."""

    def __init__(self, org: OrgContext, rows: list[dict[str, str]]):
        definition = builtin_questionnaire(org)
        self.keys = item_keys(org)
        self.rows = rows
        items = {i["key"]: (d["key"], i["reverse"]) for d in definition["dimensions"] for i in d["items"]}
        self.dimensions = [d["key"] for d in definition["dimensions"]]
        self.dim_of = np.array([self.dimensions.index(items[k][0]) for k in self.keys])
        self.reverse = np.array([items[k][1] for k in self.keys])
        raw = np.array([[float(r[k]) if r.get(k) not in ("", None, "dont_know") else np.nan for k in self.keys]
                        for r in rows])
        for d in range(len(self.dimensions)):  # a dimension's figures rest on those who answered all of it
            block = raw[:, self.dim_of == d]
            block[np.isnan(block).any(axis=1)] = np.nan
            raw[:, self.dim_of == d] = block
        self.raw = raw
        self.dont_know = np.array([[r.get(k) == "dont_know" for k in self.keys] for r in rows], dtype=bool)
        self.keyed = np.where(self.reverse, 6 - self.raw, self.raw)

    def where(self, *, unit_prefix: str | None = None, layer: str | None = None) -> np.ndarray:
        return np.array([(unit_prefix is None or r["unit"] == unit_prefix or r["unit"].startswith(unit_prefix + "/"))
                         and (layer is None or r["layer"] == layer) for r in self.rows], dtype=bool)

    def scores(self, d: int, mask: np.ndarray | None = None) -> np.ndarray:
        block = self.keyed[:, self.dim_of == d] if mask is None else self.keyed[mask][:, self.dim_of == d]
        return block[~np.isnan(block).any(axis=1)].mean(axis=1)


def t_interval(x: np.ndarray) -> tuple[float, float]:
    half = stats.t.ppf(0.975, len(x) - 1) * x.std(ddof=1) / np.sqrt(len(x))
    return x.mean() - half, x.mean() + half


def cronbach(block: np.ndarray) -> float:
    k = block.shape[1]
    return k / (k - 1) * (1 - block.var(axis=0, ddof=1).sum() / block.sum(axis=1).var(ddof=1))


POPULATION = Population([("Dir/A", "employee", 14, 0.3), ("Dir/A", "team_leader", 6, 0.6),
                         ("Dir/B", "employee", 12, -0.3), ("Dir/B/Tiny", "employee", 3, 0.0),
                         ("Other", "employee", 8, 0.0)], missing=0.0)


@pytest.fixture
def surveyed(org: OrgContext) -> SurveyWithData:
    return survey_with_responses(org, POPULATION, ask_desired=False)


def test_profile_matches_numpy(org, surveyed):
    response = org.admin.get(f"{reports(org, surveyed.id)}/profile", params={"unit_id": surveyed.units["Dir"]})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["group"] == {"unit_id": surveyed.units["Dir"], "unit_name": "Dir", "unit_path": ["Dir"],
                             "layer_key": None, "n": 35, "suppressed": False, "reason": None,
                             "own_counted_at": None, "counts_own_of": []}
    assert not body["suppressed"] and body["min_group_size"] == 5
    data = Keyed(org, surveyed.rows)
    mask = data.where(unit_prefix="Dir")
    assert [d["key"] for d in body["dimensions"]] == data.dimensions
    for d, dim in enumerate(body["dimensions"]):
        s = data.scores(d, mask)
        assert dim["n"] == len(s) == 35
        assert dim["mean"] == pytest.approx(s.mean())
        assert dim["sd"] == pytest.approx(s.std(ddof=1))
        low, high = t_interval(s)
        assert (dim["ci"]["low"], dim["ci"]["high"]) == (pytest.approx(low), pytest.approx(high))
        keyed = data.keyed[mask][:, data.dim_of == d]
        assert dim["favourable"] == pytest.approx((keyed >= 4).sum() / keyed.size)
        assert dim["unfavourable"] == pytest.approx((keyed <= 2).sum() / keyed.size)
        assert dim["reliability"]["alpha"] == pytest.approx(cronbach(keyed))
        assert dim["reliability"]["n"] == 35
        assert dim["reliability"]["low_alpha"] == (cronbach(keyed) < 0.7)
        rel = dim["reliability"]
        assert rel["alpha_ci"]["low"] < rel["alpha"] < rel["alpha_ci"]["high"] and rel["omega"] is not None
        assert sum(p["count"] for p in dim["score_distribution"]) == 35
        values, counts = np.unique(s, return_counts=True)
        assert [p["score"] for p in dim["score_distribution"]] == pytest.approx(values.tolist())
        assert [p["count"] for p in dim["score_distribution"]] == counts.tolist()
        for item in dim["items"]:
            j = data.keys.index(item["key"])
            col = data.raw[mask][:, j]
            assert item["n"] == 35 and item["mean"] == pytest.approx(col.mean())
            assert item["ci"]["low"] == pytest.approx(t_interval(col)[0])
            assert [a["count"] for a in item["distribution"]] == [int((col == v).sum()) for v in range(1, 6)]
            assert item["distribution"][0]["label"] and item["dont_know"] == 0
            assert item["reverse"] == bool(data.reverse[j])
            fav = (col <= 2) if data.reverse[j] else (col >= 4)
            assert item["favourable"] == pytest.approx(fav.mean())


def test_profile_in_dutch_and_as_csv(org, surveyed):
    url = f"{reports(org, surveyed.id)}/profile"
    en = org.admin.get(url).json()
    nl = org.admin.get(url, params={"lang": "nl"}).json()
    assert en["dimensions"][0]["name"] == "Openness" and nl["dimensions"][0]["name"] == "Openheid"
    assert en["dimensions"][0]["items"][0]["text"] != nl["dimensions"][0]["items"][0]["text"]
    assert nl["language"] == "nl"
    response = org.admin.get(url, params={"format": "csv", "unit_id": surveyed.units["Dir/A"]})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    body = org.admin.get(url, params={"unit_id": surveyed.units["Dir/A"]}).json()
    assert len(rows) == 5 + 25
    first = rows[0]
    assert first["level"] == "dimension" and float(first["mean"]) == pytest.approx(body["dimensions"][0]["mean"])
    item = rows[1]
    first_item = body["dimensions"][0]["items"][0]
    assert item["level"] == "item" and int(item["count_1"]) == first_item["distribution"][0]["count"]


def test_small_scope_is_suppressed_not_missing(org, surveyed):
    url = f"{reports(org, surveyed.id)}/profile"
    response = org.admin.get(url, params={"unit_id": surveyed.units["Dir/B/Tiny"]})
    assert response.status_code == 200
    body = response.json()
    assert body["suppressed"] and body["dimensions"] == []
    assert body["group"]["n"] is None and body["group"]["suppressed"]
    assert body["group"]["reason"] == "below_minimum"
    text = org.admin.get(url, params={"unit_id": surveyed.units["Dir/B/Tiny"], "format": "csv"}).text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 1 and rows[0]["suppressed"] == "true" and rows[0]["hidden_reason"] == "below_minimum"
    assert not any(v for k, v in rows[0].items() if k not in ("level", "name", "suppressed", "hidden_reason")), rows[0]


def test_unit_scoped_key_sees_its_subtree_only(org, surveyed):
    scoped = org.client_for("analyst", surveyed.units["Dir"])
    url = f"{reports(org, surveyed.id)}/profile"
    own = scoped.get(url)
    assert own.status_code == 200 and own.json()["group"]["unit_id"] == surveyed.units["Dir"]
    below = scoped.get(url, params={"unit_id": surveyed.units["Dir/A"]})
    assert below.status_code == 200 and below.json()["group"]["n"] == 20
    outside = scoped.get(url, params={"unit_id": surveyed.units["Other"]})
    assert outside.status_code == 404
    analyst = org.client_for("analyst")
    assert analyst.get(url).json()["group"]["n"] == 43


@pytest.mark.parametrize("params", [{"lang": "de"}, {"format": "xml"}, {"unit_id": "not-a-uuid"}])
def test_bad_parameters_are_422(org, surveyed, params):
    response = org.admin.get(f"{reports(org, surveyed.id)}/profile", params=params)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")


def test_other_organisation_gets_404(org, other_org, surveyed):
    response = other_org.admin.get(f"{reports(org, surveyed.id)}/profile")
    assert response.status_code == 404
    mixed = other_org.admin.get(f"{other_org.prefix}/surveys/{surveyed.id}/reports/profile")
    assert mixed.status_code == 404


def test_dont_know_is_counted_per_item(org):
    rows = synthetic_rows(org, Population([("Unit", "employee", 10, 0.0)], missing=0.0, seed=4))
    key = item_keys(org)[0]
    for row in rows[:4]:
        row[key] = "dont_know"
    survey = import_rows(org, rows)
    body = org.admin.get(f"{reports(org, survey.id)}/profile").json()
    item: dict[str, Any] = body["dimensions"][0]["items"][0]
    assert item["key"] == key and item["dont_know"] == 4 and item["n"] == 6
    assert sum(a["count"] for a in item["distribution"]) == 6


def test_a_three_point_custom_questionnaire(org):
    labels = {"en": ["No", "Partly", "Yes"], "nl": ["Nee", "Deels", "Ja"]}
    questionnaire = create_questionnaire(org, scale_min=1, scale_max=3, scale_labels=labels)
    answers = [("1", "3", "1"), ("2", "2", "2"), ("3", "1", "3"), ("3", "1", "2"), ("2", "3", "3"), ("3", "2", "3")]
    rows = [{"unit": "Unit", "layer": "employee", "sharing_1": a, "sharing_2": b, "sharing_3": c, "trying_1": c,
             "trying_2": b} for a, b, c in answers]
    survey = import_rows(org, rows, questionnaire_id=questionnaire["id"])
    body = org.admin.get(f"{reports(org, survey.id)}/profile", params={"lang": "nl"}).json()
    sharing = body["dimensions"][0]
    assert sharing["name"] == "Delen" and sharing["n"] == 6
    keyed = np.array([[int(a), 4 - int(b), int(c)] for a, b, c in answers])
    assert sharing["mean"] == pytest.approx(keyed.mean(axis=1).mean())
    assert sharing["favourable"] == pytest.approx((keyed == 3).mean())  # the top option only on three points
    assert sharing["items"][1]["distribution"][2] == {"value": 3, "label": "Ja", "count": 2}


def test_a_survey_without_responses(org):
    survey = create_survey(org, ask_desired=False)
    for report in ("profile", "breakdown", "heatmap", "response-rates", "data-quality"):
        for fmt in ("json", "csv") if report != "data-quality" else ("json",):
            response = org.admin.get(f"{reports(org, survey['id'])}/{report}", params={"format": fmt})
            assert response.status_code == 200, (report, response.text)
    profile = org.admin.get(f"{reports(org, survey['id'])}/profile").json()
    assert profile["group"]["n"] == 0 and not profile["suppressed"]
    assert all(d["n"] == 0 and d["mean"] is None and d["reason"] == "all_missing" for d in profile["dimensions"])
