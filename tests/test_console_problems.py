"""The console's Dutch for the server's problems (`app/web/static/console-problems.js`), run in Node against the
messages the server really sends: a change of the API's words that the console no longer knows fails here, instead
of an English sentence appearing silently on a Dutch page."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.respond_factories import csv_upload
from tests.survey_factories import open_survey

MODULE = Path(__file__).resolve().parents[1] / "app" / "web" / "static" / "console-problems.js"
# skipped only where Node.js is absent locally; under CI=true (which installs it) a missing Node fails the test
pytestmark = pytest.mark.skipif(shutil.which("node") is None and os.environ.get("CI", "").lower() != "true",
                                reason="needs Node.js")


def _dutch(messages: list[str]) -> list[str | None]:
    script = (f"import {{ translate }} from {json.dumps(MODULE.as_uri())};\n"
              f"const messages = {json.dumps(messages)};\n"
              "console.log(JSON.stringify(messages.map((m) => translate(m.replace(/^Value error, /, ''), 'nl'))));")
    out = subprocess.run(["node", "--input-type=module", "-e", script], capture_output=True, text=True, check=True,
                         timeout=60)
    return list(json.loads(out.stdout))


def _messages(response) -> list[str]:
    body = response.json()
    assert response.status_code in (409, 422), response.text
    return [body.get("detail") or body["title"], *(e["msg"] for e in body.get("errors", []))]


def test_the_servers_words_on_the_console_pages_have_dutch(org):
    ids = org.tree({"Gemeente": {"Wonen": {}, "Klimaat": {}}})
    units = f"{org.prefix}/units"
    said = [
        *_messages(org.admin.post(f"{units}/import", files=csv_upload(
            "path\nGemeente//B\nGemeente/" + "x" * 201 + "\n"))),
        *_messages(org.admin.post(f"{units}/import", files=csv_upload("naam\nA\n"))),
        *_messages(org.admin.post(f"{units}/import", files=csv_upload(
            "external_key,name,parent_key\nA,Eén,B\nB,Twee,A\nC,Drie,C\nD,Vier,X\nD,Vier,\n"))),
        *_messages(org.admin.post(f"{units}/import", files=csv_upload("path\nA,b\n"))),
        *_messages(org.admin.post(f"{units}/import", files=csv_upload(b"PK\x03\x04 no workbook"))),
        *_messages(org.admin.patch(f"{units}/{ids['Wonen']}", json={"name": "klimaat"})),
        *_messages(org.admin.patch(f"{units}/{ids['Gemeente']}", json={"parent_id": ids["Wonen"]})),
        *_messages(org.admin.patch(f"{units}/{ids['Gemeente']}", json={"archived": True})),
        *_messages(org.admin.patch(f"{units}/{ids['Wonen']}", json={"name": "   "})),
    ]
    survey = open_survey(org, title="Najaar")
    org.admin.post(f"{org.prefix}/surveys/{survey['id']}/invitations",
                   json={"unit_id": ids["Klimaat"], "layer_id": org.layers["employee"], "count": 1})
    said += _messages(org.admin.patch(f"{units}/{ids['Klimaat']}", json={"archived": True}))
    said += _messages(org.admin.patch(f"{org.prefix}/surveys/{survey['id']}",
                                      json={"opens_at": "2099-01-01T00:00:00Z"}))
    people = f"{org.prefix}/people"
    said += _messages(org.admin.post(people, json={"email": "x", "name": "P", "role": "leader"}))
    said += _messages(org.admin.post(people, json={"email": "p@gemeente.nl", "name": "P", "role": "leader"}))
    said += _messages(org.admin.post(people, json={"email": "p@gemeente.nl", "name": "P", "role": "org_admin",
                                                   "unit_ids": [ids["Wonen"]]}))
    said += _messages(org.admin.post(f"{org.prefix}/surveys", json={"title": " "}))
    generic = {"The request has invalid fields"}  # a bare 422's title: the problem's type has the Dutch for it
    unknown = [m for m, nl in zip(said, _dutch(said), strict=True) if nl is None and m not in generic]
    assert unknown == []


def test_known_words_read_as_dutch_and_unknown_ones_stay_as_they_are():
    assert _dutch(["a unit named 'Wonen' already exists under this parent", "longer than 200 characters",
                   "String should have at least 1 character", "something new"]) == [
        "er is al een eenheid 'Wonen' op die plek", "langer dan 200 tekens", "minstens 1 teken", None]


def _said(response) -> list[str]:
    """Every sentence of a refusal (403, 404, 409, 422): its detail and each field's message."""
    body = response.json()
    assert response.status_code in (403, 404, 409, 422), response.text
    return [body.get("detail") or body["title"], *(e["msg"] for e in body.get("errors", []))]


def test_the_action_forms_words_have_dutch(org, mailbox):
    """The dashboard's action form says the API's refusals with the same module (dashboard-action-form.js)."""
    from tests.people_factories import person_session
    from tests.survey_factories import create_survey

    ids = org.tree({"Gemeente": {"Noord": {}, "Zuid": {}}})
    survey = create_survey(org)
    url = f"{org.prefix}/surveys/{survey['id']}/actions"
    base = {"title": "Leerlunch", "dimension_key": "openness"}
    said = [
        *_said(org.admin.post(url, json={**base, "title": "x" * 250, "due_date": "2027-13-45", "status": "later",
                                         "notes": "n" * 4001})),
        *_said(org.admin.post(url, json={**base, "title": "   ", "due_date": "soon"})),
        *_said(org.admin.post(url, json={"title": "Leerlunch"})),
        *_said(org.admin.post(url, json={**base, "dimension_key": "nope"})),
        *_said(org.admin.post(url, json={**base, "item_key": "transparency_1"})),
        *_said(org.admin.post(url, json={"title": "Leerlunch", "item_key": "nope_9"})),
        *_said(org.admin.post(url, json={**base, "unit_id": "5d0c3c2e-8b1f-4b53-9a57-0f3f5a8d2c11",
                                         "owner_person_id": "5d0c3c2e-8b1f-4b53-9a57-0f3f5a8d2c12"})),
        *_said(org.client_for("analyst").post(url, json=base)),
        *_said(org.admin.patch(f"{url}/5d0c3c2e-8b1f-4b53-9a57-0f3f5a8d2c13", json={"status": "done"})),
    ]
    made = org.admin.post(url, json={**base, "unit_id": ids["Noord"]})
    assert made.status_code == 201, made.text
    action = f"{url}/{made.json()['id']}"
    said += _said(org.admin.patch(action, json={"title": None, "status": None}))
    said += _said(org.admin.patch(action, json={"dimension_key": "nope"}))
    leader = person_session(org, mailbox, "leader", [ids["Noord"]])
    try:
        said += _said(leader.client.post(url, headers=leader.write_headers(), json={**base, "unit_id": ids["Zuid"]}))
        said += _said(leader.client.get(url, params={"unit_id": ids["Zuid"]}))
    finally:
        leader.client.close()
    generic = {"The request has invalid fields"}  # a bare 422's title: the problem's type has the Dutch for it
    unknown = [m for m, nl in zip(said, _dutch(said), strict=True) if nl is None and m not in generic]
    assert unknown == []
    assert len(set(said)) > 15  # every kind of refusal above was said


def test_the_comment_settings_words_have_dutch(org):
    """The console's comment settings form (console-comments.js) says the API's refusals in Dutch too."""
    from tests.survey_factories import create_survey

    survey = create_survey(org, languages=["nl", "en"], min_group_size=5)
    url = f"{org.prefix}/surveys/{survey['id']}/comment-settings"
    question = {"key": "q", "texts": {"nl": "Vraag?", "en": "Question?"}}
    said = [
        *_messages(org.admin.put(url, json={"questions": [question, {"key": "q", "texts": {"en": "Only?"}}],
                                            "threshold": 4})),
        *_messages(org.admin.put(url, json={"questions": [{"key": "Q 1", "texts": {"nl": "", "en": "x"}}],
                                            "threshold": 2000})),
        *_messages(org.admin.put(url, json={"themes": {"openness": {"nl": ["x" * 61, "a\x0bb", " "],
                                                                    "en": ["w"] * 51}}})),
        *_messages(org.admin.put(url, json={"themes": {f"d{i}": {"nl": ["w"]} for i in range(21)}})),
    ]
    assert org.admin.post(f"{org.prefix}/surveys/{survey['id']}/open").status_code == 200
    said += _messages(org.admin.put(url, json={"questions": [question]}))
    generic = {"The request has invalid fields"}
    unknown = [m for m, nl in zip(said, _dutch(said), strict=True) if nl is None and m not in generic]
    assert unknown == [] and len(set(said)) >= 6


def test_the_words_about_naming_units_have_dutch(org):
    """A unit named ambiguously or not at all in an invitation list, and a name ending in a separator in the
    structure: the hint what to give survives in Dutch."""
    a, b = org.unit("Directie A"), org.unit("Directie B")
    org.unit("Team Balie", a), org.unit("Team Balie", b)
    survey = open_survey(org, title="Najaar")
    said = _messages(org.admin.post(f"{org.prefix}/surveys/{survey['id']}/invitations/mail/check", files=csv_upload(
        "email,unit,layer\np@gemeente.nl,Team Balie,employee\nq@gemeente.nl,Team Nergens,employee\n")))
    said += _messages(org.admin.post(f"{org.prefix}/units/import", files=csv_upload("path\nDirectie A/Team Post;\n")))
    dutch = dict(zip(said, _dutch(said), strict=True))
    assert dutch["2 units are called Team Balie: give the path (Directie A/Team Balie, Directie B/Team Balie)"] == \
        "2 eenheden heten Team Balie: geef het pad (Directie A/Team Balie, Directie B/Team Balie)"
    assert dutch["no such unit in this organisation (give its path, name, external key or id)"] == \
        "deze eenheid bestaat niet in de organisatie (geef haar pad, naam, externe sleutel of id)"
    separator = "starts or ends with a separator (, or ;): is each line separated as the header is?"
    assert "scheidingsteken" in dutch[separator]
