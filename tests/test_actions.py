"""Action plans: CRUD with paging and problem details, who may plan (admins, leaders for their own units), the
audit trail, cascades, and an action's unit before and after in the next wave (the trend report's figures)."""

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from app.actions.models import Action
from tests.factories import OrgContext
from tests.mailbox import Mailbox
from tests.people_factories import create_person, person_session
from tests.report_factories import Population, survey_with_responses
from tests.respond_factories import db_scalars
from tests.survey_factories import create_survey


def url(org: OrgContext, survey_id: str) -> str:
    return f"{org.prefix}/surveys/{survey_id}/actions"


def earlier(org: OrgContext, survey_id: str) -> str:
    return f"{org.prefix}/surveys/{survey_id}/earlier-actions"


def create(client: httpx.Client, org: OrgContext, survey_id: str, **fields: Any) -> dict[str, Any]:
    body = {"dimension_key": "openness", "title": "Share a mistake each month", **fields}
    response = client.post(url(org, survey_id), json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def stored(survey_id: str) -> int:
    return int(db_scalars(select(func.count()).select_from(Action)
                          .where(Action.survey_id == uuid.UUID(survey_id)))[0])


def test_create_read_change_and_delete_an_action(org: OrgContext):
    survey = create_survey(org)
    team = org.unit("Team A")
    response = org.admin.post(url(org, survey["id"]), json={
        "unit_id": team, "item_key": "openness_2", "title": "  Monthly lunch: what went wrong  ",
        "owner_name": "A. de Vries", "due_date": "2027-03-31", "notes": "Leader goes first."})
    assert response.status_code == 201, response.text
    action = response.json()
    assert response.headers["location"] == f"{url(org, survey['id'])}/{action['id']}"
    assert org.admin.get(response.headers["location"]).json() == action
    assert action["title"] == "Monthly lunch: what went wrong" and action["status"] == "planned"
    assert action["dimension_key"] == "openness" and action["item_key"] == "openness_2"  # follows the statement
    assert action["dimension_names"]["nl"] == "Openheid" and action["item_texts"]["en"]
    assert action["owner"] == {"person_id": None, "name": "A. de Vries"} and action["unit_path"] == ["Team A"]
    changed = org.admin.patch(response.headers["location"], json={"status": "in_progress", "due_date": None})
    assert changed.status_code == 200, changed.text
    assert changed.json()["status"] == "in_progress" and changed.json()["due_date"] is None
    assert changed.json()["updated_at"] > action["updated_at"]
    assert org.admin.patch(response.headers["location"], json={"status": None}).status_code == 422
    assert org.admin.delete(response.headers["location"]).status_code == 204
    gone = org.admin.get(response.headers["location"])
    assert gone.status_code == 404 and gone.headers["content-type"] == "application/problem+json"


def test_an_action_must_address_the_questionnaire(org: OrgContext, other_org: OrgContext):
    survey = create_survey(org)
    cases = [({"title": "x"}, ["body"]),
             ({"dimension_key": "courage"}, ["body", "dimension_key"]),
             ({"item_key": "nope_1"}, ["body", "item_key"]),
             ({"dimension_key": "diversity", "item_key": "openness_1"}, ["body", "dimension_key"]),
             ({"unit_id": other_org.unit("Theirs")}, ["body", "unit_id"]),
             ({"owner_person_id": str(uuid.uuid4())}, ["body", "owner_person_id"]),
             ({"status": "postponed"}, ["body", "status"]),
             ({"title": " "}, ["body", "title"]),
             ({"notes": "x" * 4001}, ["body", "notes"])]
    for fields, loc in cases:
        body = {"dimension_key": "openness", "title": "An action", **fields}
        if "title" in fields and "dimension_key" not in fields and "item_key" not in fields and fields["title"] == "x":
            body.pop("dimension_key")
        response = org.admin.post(url(org, survey["id"]), json=body)
        assert response.status_code == 422, (fields, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert loc in [e["loc"][: len(loc)] for e in response.json()["errors"]], (fields, response.json())
    assert stored(survey["id"]) == 0


def test_an_owner_is_a_person_of_the_organisation(org: OrgContext, other_org: OrgContext):
    survey = create_survey(org)
    person = create_person(org, "leader", [org.unit("Team")], name="B. Bakker")
    theirs = create_person(other_org, "analyst")
    action = create(org.admin, org, survey["id"], owner_person_id=person["id"], owner_name="ignored")
    assert action["owner"] == {"person_id": person["id"], "name": "B. Bakker"}
    refused = org.admin.post(url(org, survey["id"]), json={"dimension_key": "openness", "title": "x",
                                                           "owner_person_id": theirs["id"]})
    assert refused.status_code == 422
    assert org.admin.patch(f"{org.prefix}/people/{person['id']}", json={"name": "B. de Bakker"}).status_code == 200
    path = f"{url(org, survey['id'])}/{action['id']}"
    assert org.admin.get(path).json()["owner"]["name"] == "B. de Bakker"
    assert org.admin.delete(f"{org.prefix}/people/{person['id']}").status_code == 204
    assert org.admin.get(path).json()["owner"] == {"person_id": None, "name": "B. Bakker"}  # the name stays
    freed = org.admin.patch(path, json={"owner_name": "C. Jansen"}).json()
    assert freed["owner"] == {"person_id": None, "name": "C. Jansen"}
    assert org.admin.patch(path, json={"owner_name": None}).json()["owner"] is None


def test_the_list_pages_by_due_date(org: OrgContext):
    survey = create_survey(org)
    dates = ["2027-05-01", None, "2027-01-15", "2027-03-01", None]
    made = [create(org.admin, org, survey["id"], title=f"Action {i}", due_date=d) for i, d in enumerate(dates)]
    whole = org.admin.get(url(org, survey["id"])).json()
    assert [a["due_date"] for a in whole] == ["2027-01-15", "2027-03-01", "2027-05-01", None, None]
    assert {a["id"] for a in whole} == {a["id"] for a in made}
    seen, next_url = [], f"{url(org, survey['id'])}?limit=2"
    while next_url:
        response = org.admin.get(next_url)
        assert response.status_code == 200
        seen += [a["id"] for a in response.json()]
        next_url = response.links.get("next", {}).get("url")
    assert seen == [a["id"] for a in whole]
    done = org.admin.patch(f"{url(org, survey['id'])}/{made[0]['id']}", json={"status": "done"}).json()
    assert [a["id"] for a in org.admin.get(url(org, survey["id"]), params={"status": "done"}).json()] == [done["id"]]
    assert org.admin.get(url(org, survey["id"]), params={"cursor": "!!"}).status_code == 422


def test_leaders_plan_for_their_own_units_only(org: OrgContext, mailbox: Mailbox):
    survey = create_survey(org)
    units = org.tree({"Inside": {"Below": {}}, "Outside": {}})
    leader = person_session(org, mailbox, "leader", [units["Inside"]])
    analyst = person_session(org, mailbox, "analyst", [units["Inside"]])
    try:
        mine = leader.client.post(url(org, survey["id"]), headers=leader.write_headers(), json={
            "unit_id": units["Below"], "dimension_key": "collegiality", "title": "Peer coaching"})
        assert mine.status_code == 201, mine.text
        path = mine.headers["location"]
        for unit in (units["Outside"], None):
            refused = leader.client.post(url(org, survey["id"]), headers=leader.write_headers(), json={
                "unit_id": unit, "dimension_key": "openness", "title": "Not mine"})
            assert refused.status_code == 403 and refused.headers["content-type"] == "application/problem+json"
        moved = leader.client.patch(path, headers=leader.write_headers(), json={"unit_id": units["Outside"]})
        assert moved.status_code == 403
        ok = leader.client.patch(path, headers=leader.write_headers(),
                                 json={"status": "done", "unit_id": units["Inside"]})
        assert ok.status_code == 200 and ok.json()["unit_path"] == ["Inside"]
        outside = create(org.admin, org, survey["id"], unit_id=units["Outside"], title="Elsewhere")
        org_wide = create(org.admin, org, survey["id"], title="Everyone")
        assert [a["id"] for a in leader.client.get(url(org, survey["id"])).json()] == [mine.json()["id"]]
        for other in (outside, org_wide):
            other_path = f"{url(org, survey['id'])}/{other['id']}"
            assert leader.client.get(other_path).status_code == 404
            assert leader.client.delete(other_path, headers=leader.write_headers()).status_code == 404
        assert analyst.client.get(path).status_code == 200
        assert analyst.client.patch(path, headers=analyst.write_headers(), json={"notes": "x"}).status_code == 403
        assert analyst.client.delete(path, headers=analyst.write_headers()).status_code == 403
        key = org.client_for("analyst", units["Inside"])
        assert key.get(path).status_code == 200
        assert key.post(url(org, survey["id"]), json={"unit_id": units["Inside"], "dimension_key": "openness",
                                                       "title": "x"}).status_code == 403
        assert len(org.admin.get(url(org, survey["id"])).json()) == 3
        assert leader.client.delete(path, headers=leader.write_headers()).status_code == 204
    finally:
        leader.client.close()
        analyst.client.close()


def test_every_change_is_audited(org: OrgContext):
    survey = create_survey(org)
    action = create(org.admin, org, survey["id"], unit_id=org.unit("Team"))
    path = f"{url(org, survey['id'])}/{action['id']}"
    org.admin.patch(path, json={"title": "Sharper title", "status": "in_progress"})
    org.admin.delete(path)
    events = org.admin.get(f"{org.prefix}/audit-events", params={"object_id": action["id"]}).json()["events"]
    assert [e["action"] for e in events] == ["action.deleted", "action.updated", "action.created"]
    assert events[1]["details"]["fields"] == ["status", "title"]
    assert "Sharper title" not in str(events)  # field names, never what was typed


def test_actions_go_with_their_survey_unit_and_organisation(org: OrgContext, platform: httpx.Client,
                                                            server_url: str):
    from tests.factories import new_organisation

    survey = create_survey(org)
    unit = org.unit("Going")
    create(org.admin, org, survey["id"], unit_id=unit)
    kept = create(org.admin, org, survey["id"])
    assert stored(survey["id"]) == 2
    assert org.admin.delete(f"{org.prefix}/units/{unit}").status_code == 204
    assert stored(survey["id"]) == 1
    assert org.admin.delete(f"{org.prefix}/surveys/{survey['id']}").status_code == 204
    assert stored(survey["id"]) == 0 and kept
    gone = new_organisation(platform, server_url)
    their_survey = create_survey(gone)
    create(gone.admin, gone, their_survey["id"], unit_id=gone.unit("Team"))
    assert stored(their_survey["id"]) == 1
    assert platform.delete(gone.prefix).status_code == 204
    assert stored(their_survey["id"]) == 0
    gone.close()


POP = [("Town/Social", "employee", 14, 0.0), ("Town/Social", "team_leader", 5, 0.4),
       ("Town/Space", "employee", 12, -0.2), ("Town/Tiny", "employee", 3, 0.0), ("Town", "director", 6, 0.6)]


def test_the_next_wave_shows_the_unit_before_and_after_as_the_trend_does(org: OrgContext):
    first = survey_with_responses(org, Population(POP, seed=3))
    social = first.units["Town/Social"]
    action = create(org.admin, org, first.id, unit_id=social, item_key="openness_3")
    path = f"{url(org, first.id)}/{action['id']}/effect"
    alone = org.admin.get(path)
    assert alone.status_code == 200, alone.text
    alone = alone.json()
    assert alone["reason"] == "no_later_wave" and alone["after_survey_id"] is None
    assert alone["dimension"]["after"] is None and alone["dimension"]["change"] is None
    assert alone["dimension"]["before"]["mean"] is not None
    assert "no later wave" in alone["dimension"]["reading"]["en"] or "next wave" in alone["dimension"]["reading"]["en"]

    later = [(u, layer, n + 2, s + 0.6) for u, layer, n, s in POP]
    second = survey_with_responses(org, Population(later, seed=4))
    response = org.admin.get(path, params={"lang": "nl"})
    assert response.status_code == 200, response.text
    found = response.json()
    assert found["after_survey_id"] == second.id and found["reason"] is None
    trend = org.admin.get(f"{org.prefix}/surveys/{second.id}/reports/trend",
                          params={"surveys": first.id, "unit_id": social, "lang": "nl"}).json()
    dim = next(d for d in trend["dimensions"] if d["key"] == "openness")
    item = next(i for i in trend["items"] if i["key"] == "openness_3")
    assert found["dimension"]["before"] == dim["waves"][0] and found["dimension"]["after"] == dim["waves"][1]
    assert found["dimension"]["change"] == dim["changes"][0]
    assert found["item"]["before"] == item["waves"][0] and found["item"]["change"] == item["changes"][0]
    assert found["dimension"]["name"] == "Openheid" and found["group"]["unit_path"] == ["Town", "Social"]
    assert found["dimension"]["change"]["difference"] > 0
    for reading in (found["dimension"]["reading"], found["caveat"]):
        assert "not proof that the action caused it" in reading["en"]
        assert "geen bewijs dat de actie" in reading["nl"]
    assert "0," in found["dimension"]["reading"]["nl"] or "3," in found["dimension"]["reading"]["nl"]
    # naming the wave explicitly gives the same; an earlier wave is no "after"
    assert org.admin.get(path, params={"after_survey_id": second.id, "lang": "nl"}).json() == found
    back = org.admin.get(f"{url(org, second.id)}/{create(org.admin, org, second.id)['id']}/effect",
                         params={"after_survey_id": first.id})
    assert back.status_code == 422


def test_a_hidden_unit_shows_no_figures_before_or_after(org: OrgContext):
    first = survey_with_responses(org, Population(POP, seed=5))
    tiny = first.units["Town/Tiny"]  # 3 respondents, below the minimum of 5
    action = create(org.admin, org, first.id, unit_id=tiny)
    survey_with_responses(org, Population(POP, seed=6))
    found = org.admin.get(f"{url(org, first.id)}/{action['id']}/effect").json()
    assert found["group"]["suppressed"] is True and found["group"]["n"] is None
    for wave in ("before", "after"):
        figure = found["dimension"][wave]
        assert figure["n"] is None and figure["mean"] is None and figure["ci"] is None
        assert figure["reason"] in ("below_minimum", "protects_smaller_group")
    assert found["dimension"]["change"]["difference"] is None
    assert "anonymity" in found["dimension"]["reading"]["en"] and "anonimiteit" in found["dimension"]["reading"]["nl"]


def test_the_later_wave_lists_what_earlier_waves_planned_with_before_and_after(org: OrgContext,
                                                                              other_org: OrgContext):
    first = survey_with_responses(org, Population(POP, seed=7))
    social, tiny = first.units["Town/Social"], first.units["Town/Tiny"]
    planned = [create(org.admin, org, first.id, unit_id=social, item_key="openness_3", due_date="2027-01-31"),
               create(org.admin, org, first.id, dimension_key="collegiality", title="Open agenda"),
               create(org.admin, org, first.id, unit_id=tiny, title="Coffee with the team")]
    assert org.admin.get(earlier(org, first.id)).json() == []  # no wave before it
    second = survey_with_responses(org, Population([(u, layer, n + 1, s + 0.5) for u, layer, n, s in POP], seed=8))
    then = create(org.admin, org, second.id, unit_id=social, title="Mentors")

    listed = org.admin.get(earlier(org, second.id), params={"lang": "nl"})
    assert listed.status_code == 200, listed.text
    entries = listed.json()
    assert [e["action"]["id"] for e in entries] == [planned[0]["id"], planned[1]["id"], planned[2]["id"]]
    for entry in entries:  # the same action and the same before and after as its own endpoints give
        one = f"{url(org, first.id)}/{entry['action']['id']}"
        assert entry["action"] == org.admin.get(one).json()
        assert entry["effect"] == org.admin.get(f"{one}/effect", params={"lang": "nl"}).json()
        assert entry["effect"]["after_survey_id"] == second.id
    assert entries[0]["effect"]["item"]["key"] == "openness_3" and entries[1]["effect"]["group"]["unit_path"] == []
    assert entries[2]["effect"]["dimension"]["after"]["mean"] is None  # Tiny stays hidden in both waves

    within = org.admin.get(earlier(org, second.id), params={"unit_id": social}).json()
    assert [e["action"]["id"] for e in within] == [planned[0]["id"]]
    unit_key = org.client_for("analyst", social)  # reaches Social only: neither Tiny's nor the organisation's
    assert [e["action"]["id"] for e in unit_key.get(earlier(org, second.id)).json()] \
        == [planned[0]["id"]]
    assert unit_key.get(earlier(org, second.id), params={"unit_id": tiny}).status_code == 404
    assert other_org.admin.get(earlier(org, second.id)).status_code == 404

    third = survey_with_responses(org, Population(POP, seed=9))  # the first wave's actions belong to the second
    later = org.admin.get(earlier(org, third.id)).json()
    assert [e["action"]["id"] for e in later] == [then["id"]]
    assert later[0]["effect"]["before_survey_id"] == second.id


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_another_organisation_sees_nothing(org: OrgContext, other_org: OrgContext, method: str):
    survey = create_survey(org)
    action = create(org.admin, org, survey["id"])
    path = f"{url(org, survey['id'])}/{action['id']}"
    kwargs: dict[str, Any] = {"json": {"status": "done"}} if method == "patch" else {}
    assert getattr(other_org.admin, method)(path, **kwargs).status_code == 404
    assert other_org.admin.get(f"{url(org, survey['id'])}").status_code == 404
