"""Response rates: invitations against stored responses, under the survey's one suppression map; no rate where
imported responses (which have no invitations) would make it dishonest."""

import csv
import io

import pytest

from tests.factories import OrgContext
from tests.report_factories import Population, answers_csv, survey_with_responses
from tests.reports.test_profile import reports
from tests.respond_factories import csv_upload, invite, item_keys, submit
from tests.survey_factories import open_survey


def rates(org: OrgContext, survey_id: str, **params: str) -> dict:
    response = org.admin.get(f"{reports(org, survey_id)}/response-rates", params=params)
    assert response.status_code == 200, response.text
    return dict(response.json())


def answer(org: OrgContext, http, survey_id: str, unit_id: str, invited: int, answered: int,
           layer: str = "employee") -> None:
    answers = dict.fromkeys(item_keys(org), 3)
    for token in invite(org, survey_id, unit_id, count=invited, layer=layer)[:answered]:
        assert submit(http, token, answers).status_code in (200, 201)


def import_into(org: OrgContext, survey_id: str, groups: list[tuple[str, str, int, float]]) -> None:
    text, _ = answers_csv(org, Population(groups, seed=3), ask_desired=False)
    response = org.admin.post(f"{org.prefix}/surveys/{survey_id}/responses/import", files=csv_upload(text))
    assert response.status_code == 201, response.text


def test_response_rates_from_invitations(org, http):
    survey = open_survey(org, ask_desired=False, min_group_size=5)
    ids = org.tree({"R": {"R1": {}, "R2": {}, "R3": {}}})
    plan = {"R1": (8, 6), "R2": (7, 5), "R3": (4, 2)}
    for name, (invited, answered) in plan.items():
        answer(org, http, survey["id"], ids[name], invited, answered)
    invite(org, survey["id"], ids["R1"], count=2, layer="team_leader")
    body = rates(org, survey["id"], unit_id=ids["R"])
    assert body["scope"]["invited"] == 21
    units = {r["group"]["unit_name"]: r for r in body["units"]}
    # a hidden group's invitations are hidden too: beside a visible rate of 100 % they would be its respondents
    assert [units[n]["invited"] for n in ("R1", "R2", "R3")] == [
        None if units[n]["group"]["suppressed"] else invited for n, invited in (("R1", 10), ("R2", 7), ("R3", 4))]
    assert units["R1"]["invited"] == 10 and units["R3"]["invited"] is None
    assert units["R3"]["group"]["suppressed"] and units["R3"]["answered"] is None and units["R3"]["rate"] is None
    assert units["R3"]["reason"] == "below_minimum"
    visible = [n for n in ("R1", "R2") if not units[n]["group"]["suppressed"]]
    assert visible
    for name in visible:
        answered = plan[name][1]
        assert units[name]["answered"] == answered and units[name]["group"]["n"] == answered
        assert units[name]["rate"] == pytest.approx(answered / units[name]["invited"])
        assert units[name]["reason"] is None
    layers = {r["group"]["layer_key"]: r for r in body["layers"]}
    assert layers["team_leader"]["invited"] == 2
    assert layers["team_leader"]["answered"] == 0 and layers["team_leader"]["rate"] == 0.0
    assert layers["director"]["reason"] == "no_invitations" and layers["director"]["rate"] is None
    text = org.admin.get(f"{reports(org, survey['id'])}/response-rates",
                         params={"unit_id": ids["R"], "format": "csv"}).text
    rows = {(r["row"], r["unit_path"], r["layer"]): r for r in csv.DictReader(io.StringIO(text))}
    r3 = rows[("unit", "R/R3", "")]
    assert r3["invited"] == r3["answered"] == r3["rate"] == r3["n"] == "" and r3["suppressed"] == "true"
    assert rows[("unit", "R/R1", "")]["reason"] == ""


def test_only_imported_responses_have_no_rate_but_are_counted(org):
    surveyed = survey_with_responses(org, Population([("North/Alpha", "employee", 12, 0.0),
                                                      ("North/Beta", "employee", 9, 0.0)]), ask_desired=False)
    body = rates(org, surveyed.id, level="teams")
    assert body["scope"]["invited"] == 0 and body["scope"]["rate"] is None
    assert body["scope"]["reason"] == "no_invitations"
    assert body["scope"]["answered"] == body["scope"]["group"]["n"] == 21
    teams = {r["group"]["unit_name"]: r for r in body["units"]}
    assert teams["Alpha"]["answered"] == 12 and teams["Alpha"]["reason"] == "no_invitations"


def test_imported_responses_beside_invitations_give_no_rate_over_the_invitations(org, http):
    """Before: `answered` counted used invitations (6 of 8 in A), leaving the 9 imported responses out although
    the group's n counted them; answered / invited over all 15 responses would read 188 %."""
    survey = open_survey(org, ask_desired=False, min_group_size=5)
    ids = org.tree({"Mixed": {"A": {}, "B": {}}})
    answer(org, http, survey["id"], ids["A"], invited=8, answered=6)
    answer(org, http, survey["id"], ids["B"], invited=10, answered=7)
    import_into(org, survey["id"], [("Mixed/A", "employee", 9, 0.0)])
    body = rates(org, survey["id"], unit_id=ids["Mixed"])
    units = {r["group"]["unit_name"]: r for r in body["units"]}
    a, b = units["A"], units["B"]
    assert a["invited"] == 8 and a["answered"] == a["group"]["n"] == 15
    assert a["rate"] is None and a["reason"] == "imported_responses"
    assert b["invited"] == 10 and b["answered"] == 7 and b["rate"] == pytest.approx(0.7) and b["reason"] is None
    scope = body["scope"]
    assert scope["invited"] == 18 and scope["answered"] == 22 and scope["rate"] is None
    assert scope["reason"] == "imported_responses"
    employees = next(r for r in body["layers"] if r["group"]["layer_key"] == "employee")
    assert employees["answered"] == 22 and employees["reason"] == "imported_responses"
    for row in (a, b, scope, employees):
        assert row["rate"] is None or 0 <= row["rate"] <= 1


@pytest.mark.parametrize("params", [{"format": "tsv"}, {"level": "all"}])
def test_bad_parameters_are_422(org, params):
    survey = open_survey(org, ask_desired=False)
    response = org.admin.get(f"{reports(org, survey['id'])}/response-rates", params=params)
    assert response.status_code == 422 and response.headers["content-type"].startswith("application/problem+json")


def test_the_rates_say_what_they_count_in_the_api_document(http):
    schema = http.get("/openapi.json").json()["components"]["schemas"]["RateRow"]["properties"]
    assert "imported ones included" in schema["answered"]["description"]
    assert "imported_responses" in schema["reason"]["description"]


def test_the_subtree_level_gives_each_unit_the_row_its_parent_gives_it(org, http):
    """The console's tree asks for every unit at once (`level=subtree`): each row is the one `children` publishes at
    its parent, so it adds no figure; hidden groups stay hidden."""
    survey = open_survey(org, ask_desired=False, min_group_size=5)
    ids = org.tree({"R": {"R1": {"R1a": {}, "R1b": {}}, "R2": {}}, "S": {}})
    for name, invited, answered in (("R1a", 7, 6), ("R1b", 3, 2), ("R2", 8, 5), ("S", 6, 6)):
        answer(org, http, survey["id"], ids[name], invited, answered)
    tree = rates(org, survey["id"], level="subtree")
    assert [r["group"]["unit_path"] for r in tree["units"]] == [
        ["R"], ["R", "R1"], ["R", "R1", "R1a"], ["R", "R1", "R1b"], ["R", "R2"], ["S"]]
    by_parent = {name: rates(org, survey["id"], level="children", **({"unit_id": ids[name]} if name else {}))
                 for name in (None, "R", "R1")}
    children = {r["group"]["unit_id"]: r for body in by_parent.values() for r in body["units"]}
    assert {r["group"]["unit_id"]: r for r in tree["units"]} == children
    r1b = next(r for r in tree["units"] if r["group"]["unit_name"] == "R1b")
    assert r1b["answered"] is None and r1b["invited"] is None and r1b["group"]["suppressed"]
