"""One organisation's whole life through the API: every operation that changes something, at least once.

The audit and retention tests run it, then look for what must (audit events) and must not (tokens, keys, answers,
names, file contents) be left in the database.
"""

import csv
import io
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import select

from app.comments.models import Comment
from tests.factories import OrgContext, new_organisation
from tests.mailbox import Mailbox
from tests.people_factories import create_person, request_link, sign_in, unique_email
from tests.respond_factories import RESPOND, csv_upload, db_scalars, item_keys, token_headers
from tests.survey_factories import create_questionnaire, questionnaire_body


@dataclass
class Workflow:
    org: OrgContext
    survey_id: str
    kept_survey_id: str  # a second survey, left alone
    units: dict[str, str]
    secrets: list[str] = field(default_factory=list)  # must appear in no audit event or kept answer
    idempotency_keys: list[str] = field(default_factory=list)
    sign_in_secrets: list[str] = field(default_factory=list)  # cookies, CSRF and link tokens, addresses: no event

    def url(self, path: str = "") -> str:
        return f"{self.org.prefix}/surveys/{self.survey_id}{path}"


def _ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json() if response.content and "json" in response.headers.get("content-type", "") else None


def _answers(keys: list[str], seed: int) -> dict[str, Any]:
    return {key: 1 + (seed * 7 + i * 3) % 5 for i, key in enumerate(keys)}


def run_workflow(platform: httpx.Client, server_url: str, http: httpx.Client, mailbox: Mailbox) -> Workflow:
    marker = uuid.uuid4().hex[:10]
    org = new_organisation(platform, server_url)
    # The marker is in the organisation's new name, unit names, a leader's name and both CSV files.
    secrets = [str(org.admin.headers["authorization"]).split()[1], marker]
    keys_used: list[str] = []

    def once(prefix: str) -> dict[str, str]:
        keys_used.append(f"{prefix}-{uuid.uuid4()}")
        return {"Idempotency-Key": keys_used[-1]}

    a = org.admin
    _ok(a.patch(org.prefix, json={"name": f"Gemeente {marker}"}))
    layers = _ok(a.get(f"{org.prefix}/layers"))
    _ok(a.put(f"{org.prefix}/layers", json={"layers": [{"key": x["key"], "names": x["names"]} for x in layers]}))
    org.layers = {x["key"]: x["id"] for x in _ok(a.get(f"{org.prefix}/layers"))}

    units = org.tree({"Town": {"Dept": {"Team A": {}, "Team B": {}}}})
    spare = _ok(a.post(f"{org.prefix}/units", json={"name": "Spare"}, headers=once("unit")), 201)["id"]
    _ok(a.patch(f"{org.prefix}/units/{spare}", json={"name": "Spare 2", "archived": True}))
    _ok(a.patch(f"{org.prefix}/units/{spare}", json={"archived": False}))
    _ok(a.delete(f"{org.prefix}/units/{spare}"), 204)
    _ok(a.post(f"{org.prefix}/units/import", files=csv_upload(f"path\nTown/Dept/Team Marker{marker}\n")))

    analyst = _ok(a.post(f"{org.prefix}/keys", json={"name": "HR", "role": "analyst"}, headers=once("key")), 201)
    secrets.append(analyst["key"])
    _ok(a.delete(f"{org.prefix}/keys/{analyst['id']}"), 204)

    hook = _ok(a.post(f"{org.prefix}/webhooks", json={"url": "http://127.0.0.1:9/hooks", "events": ["survey.opened"]},
                      headers=once("webhook")), 201)
    secrets.append(hook["secret"])
    _ok(a.patch(f"{org.prefix}/webhooks/{hook['id']}", json={"events": ["survey.closed"]}))
    _ok(a.post(f"{org.prefix}/webhooks/{hook['id']}/test"), 202)
    _ok(a.delete(f"{org.prefix}/webhooks/{hook['id']}"), 204)

    q = create_questionnaire(org)
    _ok(a.put(f"{org.prefix}/questionnaires/{q['id']}", json=questionnaire_body(title={"en": "B", "nl": "B"})))
    _ok(a.delete(f"{org.prefix}/questionnaires/{q['id']}"), 204)
    q2 = _ok(a.post(f"{org.prefix}/questionnaires", json=questionnaire_body(key="other"), headers=once("q")), 201)

    builtin = next(x for x in _ok(a.get(f"{org.prefix}/questionnaires")) if x["organisation_id"] is None)
    body = {"title": "Wave 1", "questionnaire_id": builtin["id"], "ask_desired": True, "min_group_size": 3}
    survey = _ok(a.post(f"{org.prefix}/surveys", json=body, headers=once("survey")), 201)
    kept = _ok(a.post(f"{org.prefix}/surveys", json={"title": "Kept", "questionnaire_id": q2["id"]}), 201)
    wf = Workflow(org=org, survey_id=survey["id"], kept_survey_id=kept["id"], units=units, secrets=secrets,
                  idempotency_keys=keys_used)
    _ok(a.patch(wf.url(), json={"title": "Wave 1 (2026)"}))
    _ok(a.put(wf.url("/comment-settings"), json={"threshold": 3, "questions": [{"key": "share", "texts": {
        "en": "What would help most to share knowledge?", "nl": "Wat helpt het meest om kennis te delen?"}}]}))
    _ok(a.post(wf.url("/open")))

    invite = {"unit_id": units["Team A"], "layer_id": org.layers["employee"], "count": 6}
    tokens = [i["token"] for i in _ok(a.post(wf.url("/invitations"), json=invite, headers=once("inv")), 201)
              ["invitations"]]
    as_csv = a.post(wf.url("/invitations"), json={**invite, "unit_id": units["Team B"], "count": 2},
                    headers={"Accept": "text/csv", **once("csv")})
    assert as_csv.status_code == 201, as_csv.text
    tokens += [row["token"] for row in csv.DictReader(io.StringIO(as_csv.text))]
    imported = _ok(a.post(wf.url("/invitations/import"), files=csv_upload("unit,layer,count\nTown/Dept,"
                                                                            "department_head,3\n"),
                          headers=once("import")), 201)
    tokens += [i["token"] for batch in imported["batches"] for i in batch["invitations"]]
    secrets += tokens
    addresses = [unique_email("invited"), unique_email("reminded")]
    _ok(a.post(wf.url("/invitations/mail"), files=csv_upload("email,unit,layer,language\n" + "".join(
        f"{address},Town/Dept/Team A,employee,en\n" for address in addresses)), headers=once("mail")), 201)
    assert _ok(a.post(wf.url("/invitations/reminders")))["reminded"] == 2
    mailed = {re.search(r"/respond#(\S+)", m.text).group(1)  # type: ignore[union-attr]
              for address in addresses for m in mailbox.wait_for(address, 2)}
    wf.sign_in_secrets += [*addresses, *mailed]  # neither an address nor a mailed link is in any event

    keys = item_keys(org)
    secrets += keys  # every representation of answers is keyed by item key
    for n, token in enumerate(tokens[:5]):
        answers = {"language": "nl", "current": _answers(keys, n), "desired": _answers(keys, n + 1),
                   "comments": {"share": f"Comment {marker} {n}"}}
        _ok(http.post(f"{RESPOND}/submit", headers=token_headers(token), json=answers), 201)
    _ok(http.put(f"{RESPOND}/draft", headers=token_headers(tokens[5]),
                 json={"language": "en", "current": {keys[0]: 2}, "desired": {}}))

    leader = {"unit_id": units["Dept"], "layer_id": org.layers["department_head"], "consent": True,
              "leader_name": f"Leader {marker}", "language": "nl", "current": _answers(keys, 9)}
    withdrawn = _ok(a.post(wf.url("/self-assessments"), json=leader), 201)
    _ok(a.delete(wf.url(f"/self-assessments/{withdrawn['id']}")), 204)
    _ok(a.post(wf.url("/self-assessments"), json=leader), 201)
    secrets.append(leader["leader_name"])
    plan = {"unit_id": units["Dept"], "dimension_key": "openness", "title": f"Action {marker}",
            "owner_name": f"Owner {marker}", "notes": f"Notes {marker}"}
    dropped = _ok(a.post(wf.url("/actions"), json=plan), 201)
    _ok(a.patch(wf.url(f"/actions/{dropped['id']}"), json={"status": "dropped"}))
    _ok(a.delete(wf.url(f"/actions/{dropped['id']}")), 204)
    secrets += [plan["title"], plan["owner_name"], plan["notes"]]  # typed text never becomes an audit detail

    rows = [",".join(["unit", "layer", *keys]),
            *(",".join([f"Town/Dept/Import{marker}", "employee", *(str(v) for v in _answers(keys, n).values())])
              for n in range(4))]
    _ok(a.post(wf.url("/responses/import"), params={"unknown_units": "create"},
               files=csv_upload("\n".join(rows) + "\n"), headers=once("responses")), 201)
    _ok(a.post(wf.url("/close")))
    comment = db_scalars(select(Comment.id).where(Comment.survey_id == uuid.UUID(wf.survey_id)))[0]
    _ok(a.patch(wf.url(f"/comments/{comment}"), json={"hidden": True}))
    _ok(a.patch(wf.url(f"/comments/{comment}"), json={"hidden": False}))
    _ok(a.post(wf.url("/reopen")))
    _ok(a.get(wf.url("/reports/profile")))  # fills the report caches
    _people(wf, mailbox, marker)
    return wf


def _people(wf: Workflow, mailbox: Mailbox, marker: str) -> None:
    """People: added, changed, imported, signed in by link (and a used link refused), signed out; single sign-on
    set and removed."""
    org, a = wf.org, wf.org.admin
    # A person's name names them as the actor of their own events (as a key's name does), so it holds no marker.
    leader = create_person(org, "leader", [wf.units["Dept"]], name="Wendy Leader")
    _ok(a.patch(f"{org.prefix}/people/{leader['id']}", json={"name": "Wendy de Leader"}))
    _ok(a.patch(f"{org.prefix}/people/{leader['id']}", json={"active": False}))
    _ok(a.patch(f"{org.prefix}/people/{leader['id']}", json={"active": True}))
    imported = unique_email("imported")
    _ok(a.post(f"{org.prefix}/people/import", files=csv_upload(
        f"email,name,role,units\n{imported},Imported {marker},leader,Town/Dept/Team A\n")))
    signed_in = sign_in(org.base_url, mailbox, leader)
    wf.sign_in_secrets += [signed_in.cookie, signed_in.csrf, leader["email"], imported]
    other = sign_in(org.base_url, mailbox, leader)
    _ok(other.client.delete("/api/v1/session", headers=other.write_headers()), 204)
    _ok(signed_in.client.delete("/api/v1/sessions", headers=signed_in.write_headers()), 204)
    _ok(a.post(f"{org.prefix}/people/{leader['id']}/sign-out"), 204)
    token = request_link(signed_in.client, mailbox, leader["email"])
    wf.sign_in_secrets.append(token)
    _ok(signed_in.client.post("/api/v1/sign-in/link", json={"token": token}))
    assert signed_in.client.post("/api/v1/sign-in/link", json={"token": token}).status_code == 400  # used
    signed_in.client.close()
    other.client.close()
    sso = {"issuer": "https://login.example.test/tenant/v2.0", "client_id": "culturegap",
           "client_secret": f"secret-{marker}", "allowed_domains": ["example.test"]}
    _ok(a.put(f"{org.prefix}/single-sign-on", json=sso))
    _ok(a.delete(f"{org.prefix}/single-sign-on"), 204)
    _ok(a.delete(f"{org.prefix}/people/{create_person(org, 'analyst')['id']}"), 204)
