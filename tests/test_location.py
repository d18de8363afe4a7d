"""Every 201 says where the new resource is (`Location`, a path on this service), kept for an idempotent replay;
the path answers a GET with what was created."""

import uuid
from typing import Any

import httpx

from tests.factories import OrgContext, unique_name
from tests.survey_factories import create_survey, questionnaire_body
from tests.test_self_assessments import body as self_assessment


def _created(client: httpx.Client, path: str, json: Any) -> tuple[httpx.Response, dict[str, Any]]:
    response = client.post(path, json=json)
    assert response.status_code == 201, response.text
    location = response.headers["location"]
    assert location.startswith("/api/v1/organisations/")
    fetched = client.get(location)
    assert fetched.status_code == 200, location
    return response, fetched.json()


def test_each_created_resource_has_its_location(org: OrgContext, platform: httpx.Client):
    name = unique_name()
    response, fetched = _created(platform, "/api/v1/organisations",
                                 {"name": name, "slug": name.lower().replace(" ", "-")})
    assert fetched == response.json()
    response, fetched = _created(org.admin, f"{org.prefix}/units", {"name": "Team A", "parent_id": None})
    assert response.headers["location"] == f"{org.prefix}/units/{response.json()['id']}" and fetched == response.json()
    unit = response.json()["id"]
    response, fetched = _created(org.admin, f"{org.prefix}/questionnaires", questionnaire_body())
    assert fetched == response.json()
    survey = create_survey(org)
    response, fetched = _created(org.admin, f"{org.prefix}/surveys", {
        "title": "Wave", "questionnaire_id": survey["questionnaire_id"], "languages": ["nl"], "ask_desired": False})
    assert fetched == response.json()
    path = f"{org.prefix}/surveys/{survey['id']}"
    response, fetched = _created(org.admin, f"{path}/self-assessments", self_assessment(org, unit, "team_leader"))
    assert fetched == response.json()
    response, fetched = _created(org.admin, f"{path}/invitations",
                                 {"unit_id": unit, "layer_id": org.layers["employee"], "count": 2})
    assert response.headers["location"] == f"{path}/invitations/summary" and fetched["issued"] == 2


def test_a_replay_keeps_the_location(org: OrgContext):
    headers = {"Idempotency-Key": str(uuid.uuid4())}
    first = org.admin.post(f"{org.prefix}/units", json={"name": "Once"}, headers=headers)
    again = org.admin.post(f"{org.prefix}/units", json={"name": "Once"}, headers=headers)
    assert again.headers["idempotent-replayed"] == "true"
    assert first.headers["location"] == again.headers["location"] == f"{org.prefix}/units/{first.json()['id']}"
    csv = org.admin.post(f"{org.prefix}/surveys/{create_survey(org)['id']}/invitations",
                         json={"unit_id": first.json()["id"], "layer_id": org.layers["employee"], "count": 1},
                         headers={"Accept": "text/csv", "Idempotency-Key": str(uuid.uuid4())})
    assert csv.status_code == 201 and csv.headers["location"].endswith("/invitations/summary")

