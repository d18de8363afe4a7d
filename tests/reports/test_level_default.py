"""One default `level` in every report that has one: `teams` (see app/reports/figures.py for why)."""

import pytest

from tests.report_factories import SurveyWithData, survey_with_responses
from tests.reports.test_breakdowns import POPULATION
from tests.reports.test_profile import reports

LEVELLED = [("breakdown", {}), ("breakdown", {"by": "unit_layer"}), ("heatmap", {}), ("team-gaps", {}),
            ("agreement", {}), ("response-rates", {})]


@pytest.fixture
def surveyed(org) -> SurveyWithData:
    return survey_with_responses(org, POPULATION, ask_desired=False)


def _get(org, survey, report, **params):
    response = org.admin.get(f"{reports(org, survey.id)}/{report}", params=params)
    assert response.status_code == 200, response.text
    return response


@pytest.mark.parametrize(("report", "params"), LEVELLED)
def test_every_report_defaults_to_teams(org, surveyed, report, params):
    default = _get(org, surveyed, report, **params)
    assert default.json() == _get(org, surveyed, report, level="teams", **params).json()
    assert default.json() != _get(org, surveyed, report, level="children", **params).json()  # the default matters
    if "level" in default.json():
        assert default.json()["level"] == "teams"
    csv_default = _get(org, surveyed, report, format="csv", **params).text
    assert csv_default == _get(org, surveyed, report, format="csv", level="teams", **params).text


def test_the_openapi_document_says_the_one_default(http):
    paths = http.get("/openapi.json").json()["paths"]
    levels = {path: param["schema"] for path, item in paths.items()
              for param in item.get("get", {}).get("parameters", []) if param["name"] == "level"}
    # item-profile describes its scope; `level=children` is an option that splits it per child unit, not a list of
    # units that needs a default
    item_profile = {path: schema for path, schema in levels.items() if path.endswith("/item-profile")}
    assert [schema["anyOf"][0]["const"] for schema in item_profile.values()] == ["children"]
    assert [schema.get("default") for schema in item_profile.values()] == [None]
    levels = {path: schema for path, schema in levels.items() if path not in item_profile}
    assert {path.rsplit("/", 1)[1] for path in levels} == {r for r, _ in LEVELLED}
    extra = {"heatmap": ["tree"], "response-rates": ["subtree"]}  # the dashboard's tree and the console's
    for path, schema in levels.items():
        assert schema["default"] == "teams", path
        assert schema["enum"] == ["teams", "children", *extra.get(path.rsplit("/", 1)[1], [])], path
