"""People: managed by the organisation's admin through the API and from CSV; a person's reach is their role and
units, the same model as the keys'; deactivation and changes of reach end their sessions at once."""

from tests.factories import OrgContext
from tests.mailbox import Mailbox
from tests.people_factories import create_person, person_session, sign_in, unique_email
from tests.report_factories import Population, survey_with_responses
from tests.respond_factories import csv_upload

TREE = {"Ruimte": {"Wonen": {"Team Noord": {}, "Team Zuid": {}}}, "Sociaal": {"Jeugd": {}}}


def test_an_admin_manages_people(org: OrgContext):
    units = org.tree(TREE)
    response = org.admin.post(f"{org.prefix}/people", json={
        "email": "T.Bakker@Gemeente.test", "name": "Tom Bakker", "role": "leader",
        "unit_ids": [units["Team Noord"], units["Jeugd"]]})
    assert response.status_code == 201
    leader = response.json()
    assert response.headers["location"] == f"{org.prefix}/people/{leader['id']}"
    assert org.admin.get(response.headers["location"]).json() == leader
    assert leader["email"] == "t.bakker@gemeente.test" and leader["active"] is True
    assert leader["unit_paths"] == [["Ruimte", "Wonen", "Team Noord"], ["Sociaal", "Jeugd"]]
    people = org.admin.get(f"{org.prefix}/people").json()
    assert [p["email"] for p in people] == ["t.bakker@gemeente.test"]
    changed = org.admin.patch(f"{org.prefix}/people/{leader['id']}", json={"role": "analyst", "unit_ids": []})
    assert changed.status_code == 200 and changed.json()["role"] == "analyst" and changed.json()["unit_ids"] == []
    admin = org.admin.patch(f"{org.prefix}/people/{leader['id']}", json={"role": "org_admin"})
    assert admin.json()["role"] == "org_admin"
    assert org.admin.delete(f"{org.prefix}/people/{leader['id']}").status_code == 204
    assert org.admin.get(f"{org.prefix}/people/{leader['id']}").status_code == 404


def test_bad_people_are_refused_and_change_nothing(org: OrgContext, other_org: OrgContext):
    units = org.tree({"Team": {}})
    theirs = other_org.tree({"Elsewhere": {}})
    person = create_person(org, "analyst")
    cases = [
        ({"email": "not-an-address", "name": "X", "role": "analyst"}, 422),
        ({"email": unique_email(), "name": "X", "role": "leader"}, 422),  # a leader needs units
        ({"email": unique_email(), "name": "X", "role": "org_admin", "unit_ids": [units["Team"]]}, 422),
        ({"email": unique_email(), "name": "X", "role": "leader", "unit_ids": [theirs["Elsewhere"]]}, 422),
        ({"email": unique_email(), "name": "X", "role": "platform_admin"}, 422),
        ({"email": unique_email(), "name": " ", "role": "analyst"}, 422),
        ({"email": person["email"].upper(), "name": "Twin", "role": "analyst"}, 409),
    ]
    for body, status in cases:
        response = org.admin.post(f"{org.prefix}/people", json=body)
        assert response.status_code == status, (body, response.text)
        assert response.headers["content-type"] == "application/problem+json"
    assert len(org.admin.get(f"{org.prefix}/people").json()) == 1
    assert org.admin.patch(f"{org.prefix}/people/{person['id']}", json={"role": "leader"}).status_code == 422


def test_csv_import_creates_and_updates_all_or_nothing(org: OrgContext):
    org.tree(TREE)
    known = create_person(org, "analyst", email="known@gemeente.test")
    good = ("email;name;role;units\n"
            "known@gemeente.test;Known Again;leader;Ruimte/Wonen\n"
            "new@gemeente.test;New Person;leader;ruimte/wonen/team noord|Sociaal/Jeugd\n"
            "hr@gemeente.test;HR;org_admin;\n")
    result = org.admin.post(f"{org.prefix}/people/import", files=csv_upload(good))
    assert result.status_code == 200, result.text
    assert (result.json()["created"], result.json()["updated"]) == (2, 1)
    again = org.admin.get(f"{org.prefix}/people/{known['id']}").json()
    assert again["role"] == "leader" and again["unit_paths"] == [["Ruimte", "Wonen"]]

    bad = ("email,name,role,units\n"
           "fine@gemeente.test,Fine,analyst,\n"
           "nope,Bad Address,analyst,\n"
           "lead@gemeente.test,Lead,leader,\n"
           "x@gemeente.test,X,leader,Ruimte/Nowhere\n"
           "fine@gemeente.test,Twice,analyst,\n")
    response = org.admin.post(f"{org.prefix}/people/import", files=csv_upload(bad))
    assert response.status_code == 422
    lines = sorted((e["loc"][1], e["loc"][2]) for e in response.json()["errors"])
    assert lines == [(3, "email"), (4, "units"), (5, "units"), (6, "email")]
    assert len(org.admin.get(f"{org.prefix}/people").json()) == 3  # nothing of the bad file
    assert org.admin.post(f"{org.prefix}/people/import", files=csv_upload("email,name\nx@y.test,X\n")
                          ).status_code == 422
    assert org.admin.post(f"{org.prefix}/people/import", files=csv_upload(b"\xff\xfe\x00bad")).status_code == 422


def test_a_leader_sees_their_units_and_nothing_else(org: OrgContext, mailbox: Mailbox):
    population = Population([("Ruimte/Wonen/Team Noord", "employee", 6, 0.2),
                             ("Ruimte/Wonen/Team Zuid", "employee", 6, -0.2),
                             ("Sociaal/Jeugd", "employee", 6, 0.0)])
    survey = survey_with_responses(org, population, min_group_size=3)
    leader = person_session(org, mailbox, "leader", [survey.units["Ruimte/Wonen/Team Noord"]])
    c = leader.client
    units = c.get(f"{org.prefix}/units").json()
    assert [u["path"] for u in units] == [["Ruimte", "Wonen", "Team Noord"]]
    me = c.get("/api/v1/me").json()
    assert (me["kind"], me["role"], me["unit_id"]) == ("person", "leader", survey.units["Ruimte/Wonen/Team Noord"])
    profile = c.get(f"{org.prefix}/surveys/{survey.id}/reports/profile")
    assert profile.status_code == 200, profile.text
    assert c.get(f"{org.prefix}/surveys/{survey.id}/reports/profile",
                 params={"unit_id": survey.units["Ruimte/Wonen/Team Zuid"]}).status_code == 404
    assert c.get(f"{org.prefix}/units/{survey.units['Sociaal/Jeugd']}").status_code == 404
    for path in ("/people", "/keys", "/audit-events", f"/surveys/{survey.id}/responses/export"):
        assert c.get(org.prefix + path).status_code == 403, path
    assert c.post(f"{org.prefix}/units", json={"name": "Mine"}, headers=leader.write_headers()).status_code == 403


def test_a_person_with_two_units_reaches_both(org: OrgContext, mailbox: Mailbox):
    units = org.tree(TREE)
    analyst = person_session(org, mailbox, "analyst", [units["Team Zuid"], units["Sociaal"]])
    paths = [u["path"] for u in analyst.client.get(f"{org.prefix}/units").json()]
    assert paths == [["Ruimte", "Wonen", "Team Zuid"], ["Sociaal"], ["Sociaal", "Jeugd"]]
    me = analyst.client.get("/api/v1/me").json()
    assert me["unit_id"] is None and sorted(me["unit_ids"]) == sorted([units["Team Zuid"], units["Sociaal"]])


def test_deactivation_and_changes_of_reach_end_sessions_at_once(org: OrgContext, mailbox: Mailbox):
    units = org.tree(TREE)
    person = create_person(org, "leader", [units["Wonen"]])
    first, second = sign_in(org.base_url, mailbox, person), sign_in(org.base_url, mailbox, person)
    assert first.client.get("/api/v1/me").status_code == 200
    org.admin.patch(f"{org.prefix}/people/{person['id']}", json={"unit_ids": [units["Team Noord"]]})
    assert first.client.get("/api/v1/me").status_code == 401
    assert second.client.get("/api/v1/me").status_code == 401
    third = sign_in(org.base_url, mailbox, person)
    assert org.admin.patch(f"{org.prefix}/people/{person['id']}", json={"active": False}).json()["active"] is False
    assert third.client.get("/api/v1/me").status_code == 401
    before = len(mailbox.to(person["email"]))
    assert third.client.post("/api/v1/sign-in", json={"email": person["email"]}).json()["method"] == "email_link"
    assert org.admin.patch(f"{org.prefix}/people/{person['id']}", json={"active": True}).status_code == 200
    sign_in(org.base_url, mailbox, person)  # active again: a link comes, and works
    assert len(mailbox.to(person["email"])) == before + 1  # none was sent while deactivated
    for s in (first, second, third):
        s.client.close()


def test_another_organisations_admin_cannot_touch_our_people(org: OrgContext, other_org: OrgContext,
                                                            mailbox: Mailbox):
    person = create_person(org, "analyst")
    theirs = person_session(other_org, mailbox, "org_admin")
    c, h = theirs.client, theirs.write_headers()
    assert c.get(f"{org.prefix}/people").status_code == 404
    assert c.get(f"{other_org.prefix}/people/{person['id']}").status_code == 404
    assert c.patch(f"{other_org.prefix}/people/{person['id']}", json={"active": False}, headers=h).status_code == 404
    assert c.delete(f"{other_org.prefix}/people/{person['id']}", headers=h).status_code == 404
    assert org.admin.get(f"{org.prefix}/people/{person['id']}").json()["active"] is True
