"""Idempotency-Key on the create operations: a retry gets the first answer and creates nothing twice."""

import csv
import hashlib
import io
import json
import threading
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, func, select, text, update

from app.db import utcnow
from app.idempotency.deps import lock_id
from app.idempotency.models import IdempotencyRecord
from app.invitations.models import Invitation
from app.responses.models import Response
from tests.factories import client
from tests.respond_factories import csv_upload, db_execute, db_scalars, item_keys, problem_code, submit
from tests.survey_factories import builtin_questionnaire, open_survey, questionnaire_body


def _key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


def _survey_body(org, title="Wave"):  # type: ignore[no-untyped-def]
    return {"title": title, "questionnaire_id": builtin_questionnaire(org)["id"], "ask_desired": False}


def _surveys(org) -> list:  # type: ignore[no-untyped-def]
    return list(org.admin.get(f"{org.prefix}/surveys").json())


def _count(model, survey_id: str) -> int:  # type: ignore[no-untyped-def]
    return int(db_scalars(select(func.count()).select_from(model).where(model.survey_id == uuid.UUID(survey_id)))[0])


def test_a_retry_gets_the_first_answer_and_creates_nothing(org):
    key = _key()
    body = _survey_body(org)
    first = org.admin.post(f"{org.prefix}/surveys", json=body, headers=key)
    assert first.status_code == 201 and "idempotent-replayed" not in first.headers
    reordered = json.dumps(dict(reversed(body.items())), indent=2)  # the same data, other bytes
    retry = org.admin.post(f"{org.prefix}/surveys", content=reordered,
                           headers={**key, "Content-Type": "application/json"})
    assert retry.status_code == 201
    assert retry.headers["idempotent-replayed"] == "true"
    assert retry.content == first.content
    assert retry.headers["content-type"] == first.headers["content-type"]
    assert [s["id"] for s in _surveys(org)] == [first.json()["id"]]
    created = org.admin.get(f"{org.prefix}/audit-events", params={"action": "survey.created"}).json()["events"]
    assert len(created) == 1
    quoted_key = {"Idempotency-Key": f'"{key["Idempotency-Key"]}"'}
    quoted = org.admin.post(f"{org.prefix}/surveys", json=body, headers=quoted_key)
    assert quoted.headers.get("idempotent-replayed") == "true"  # the draft's structured-field form is the same key


def test_the_same_key_for_another_request_is_refused(org):
    key = _key()
    assert org.admin.post(f"{org.prefix}/surveys", json=_survey_body(org), headers=key).status_code == 201
    for response in (org.admin.post(f"{org.prefix}/surveys", json=_survey_body(org, "Other"), headers=key),
                     org.admin.post(f"{org.prefix}/units", json={"name": "Team"}, headers=key)):
        assert response.status_code == 422, response.text
        assert problem_code(response) == "idempotency-key-reused"
    assert len(_surveys(org)) == 1
    assert org.admin.get(f"{org.prefix}/units").json() == []


def test_keys_belong_to_one_api_key(org):
    key = _key()
    other_admin = org.client_for("org_admin")
    first = org.admin.post(f"{org.prefix}/surveys", json=_survey_body(org), headers=key)
    second = other_admin.post(f"{org.prefix}/surveys", json=_survey_body(org), headers=key)
    assert first.status_code == second.status_code == 201
    assert "idempotent-replayed" not in second.headers and second.json()["id"] != first.json()["id"]


def test_a_failed_request_keeps_nothing(org):
    key = _key()
    bad = org.admin.post(f"{org.prefix}/surveys", json={**_survey_body(org), "languages": ["xx"]}, headers=key)
    assert bad.status_code == 422
    good = org.admin.post(f"{org.prefix}/surveys", json=_survey_body(org), headers=key)
    assert good.status_code == 201 and "idempotent-replayed" not in good.headers


def test_an_expired_key_starts_afresh(org):
    key = _key()
    first = org.admin.post(f"{org.prefix}/surveys", json=_survey_body(org), headers=key)
    key_hash = hashlib.sha256(key["Idempotency-Key"].encode()).hexdigest()
    db_execute(update(IdempotencyRecord).where(IdempotencyRecord.key_hash == key_hash)
               .values(expires_at=utcnow() - timedelta(seconds=1)))
    again = org.admin.post(f"{org.prefix}/surveys", json=_survey_body(org), headers=key)
    assert again.status_code == 201 and "idempotent-replayed" not in again.headers
    assert again.json()["id"] != first.json()["id"]
    assert db_scalars(select(func.count()).select_from(IdempotencyRecord)
                      .where(IdempotencyRecord.key_hash == key_hash)) == [1]


def test_invitation_tokens_come_back_from_the_sealed_answer(org, http):
    survey = open_survey(org)
    url = f"{org.prefix}/surveys/{survey['id']}/invitations"
    body = {"unit_id": org.unit("Team"), "layer_id": org.layers["employee"], "count": 4}
    key = _key()
    first = org.admin.post(url, json=body, headers=key)
    retry = org.admin.post(url, json=body, headers=key)
    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json() and retry.headers["idempotent-replayed"] == "true"
    assert retry.headers["cache-control"] == "no-store"
    assert _count(Invitation, survey["id"]) == 4
    tokens = [i["token"] for i in first.json()["invitations"]]
    sealed = b"".join(db_scalars(select(IdempotencyRecord.sealed_response)
                                 .where(IdempotencyRecord.organisation_id == uuid.UUID(org.id))))
    assert not any(t.encode() in sealed for t in tokens)
    assert submit(http, tokens[0], {item_keys(org)[0]: 3}).status_code == 201

    csv_key = {**_key(), "Accept": "text/csv"}
    as_csv = [org.admin.post(url, json=body, headers=csv_key) for _ in range(2)]
    assert as_csv[1].text == as_csv[0].text and as_csv[1].headers["idempotent-replayed"] == "true"
    assert as_csv[1].headers["content-disposition"] == as_csv[0].headers["content-disposition"]
    assert len(list(csv.DictReader(io.StringIO(as_csv[0].text)))) == 4
    assert _count(Invitation, survey["id"]) == 8
    other_form = org.admin.post(url, json=body, headers={**csv_key, "Accept": "application/json"})
    assert other_form.status_code == 422  # the other representation is another request


def test_uploads_replay_whatever_their_multipart_boundary(org):
    survey = open_survey(org)
    org.tree({"Town": {"Team": {}}})
    base = f"{org.prefix}/surveys/{survey['id']}"
    invitations = "unit,layer,count\nTown/Team,employee,3\n"
    responses = f"unit,layer,{item_keys(org)[0]}\nTown/Team,employee,4\nTown/Team,employee,2\n"
    for path, content, model, count in (("/invitations/import", invitations, Invitation, 3),
                                        ("/responses/import", responses, Response, 2)):
        key = _key()
        answers = [org.admin.post(base + path, files=csv_upload(content), headers=key) for _ in range(2)]
        assert [a.status_code for a in answers] == [201, 201], answers[0].text
        assert answers[1].json() == answers[0].json() and answers[1].headers["idempotent-replayed"] == "true"
        assert _count(model, survey["id"]) == count
        changed = org.admin.post(base + path, files=csv_upload(content + content.splitlines()[-1] + "\n"),
                                 headers=key)
        assert changed.status_code == 422 and problem_code(changed) == "idempotency-key-reused"


def test_other_creates_replay(org, platform, server_url):
    key = _key()
    created = [platform.post("/api/v1/organisations", json={"name": "Retry BV"}, headers=key) for _ in range(2)]
    assert created[1].json() == created[0].json() and created[1].headers["idempotent-replayed"] == "true"
    assert platform.delete(f"/api/v1/organisations/{created[0].json()['id']}").status_code == 204

    replayed = {}
    for path, body in (("/units", {"name": "Team"}), ("/keys", {"name": "HR", "role": "analyst"}),
                       ("/questionnaires", questionnaire_body())):
        key = _key()
        answers = [org.admin.post(org.prefix + path, json=body, headers=key) for _ in range(2)]
        assert [a.status_code for a in answers] == [201, 201], answers[0].text
        assert answers[1].json() == answers[0].json() and answers[1].headers["idempotent-replayed"] == "true"
        replayed[path] = answers[1].json()
    assert len(org.admin.get(f"{org.prefix}/units").json()) == 1
    assert [k["name"] for k in org.admin.get(f"{org.prefix}/keys").json()].count("HR") == 1
    with client(server_url, replayed["/keys"]["key"]) as analyst:  # the replayed secret is the key's own
        assert analyst.get("/api/v1/me").json()["key_id"] == replayed["/keys"]["id"]


def test_bad_keys_are_refused(org):
    for bad in ("x" * 300, "", "a\tb"):
        response = org.admin.post(f"{org.prefix}/surveys", json=_survey_body(org), headers={"Idempotency-Key": bad})
        assert response.status_code == 422, bad
    assert _surveys(org) == []


def test_the_header_is_documented(http):
    spec = http.get("/openapi.json").json()
    operations = {op["operationId"]: op for ops in spec["paths"].values() for op in ops.values()}
    for name in ("create_organisation", "create_unit", "create_key", "create_questionnaire", "create_survey",
                 "create_invitations", "import_invitations", "import_responses"):
        headers = [p for p in operations[name].get("parameters", []) if p["in"] == "header"]
        assert [p["name"] for p in headers] == ["Idempotency-Key"], name
        assert {"409", "422"} <= set(operations[name]["responses"]), name


def test_concurrent_retries_create_one_survey(org):
    key, body = _key(), _survey_body(org)
    answers = []

    def send() -> None:
        answers.append(org.admin.post(f"{org.prefix}/surveys", json=body, headers=key))

    threads = [threading.Thread(target=send) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    created = [a for a in answers if a.status_code == 201]
    assert all(a.status_code in (201, 409) for a in answers), [a.text for a in answers]
    assert len({a.content for a in created}) == 1
    assert len([a for a in created if "idempotent-replayed" not in a.headers]) == 1
    assert [s["id"] for s in _surveys(org)] == [created[0].json()["id"]]
    for busy in (a for a in answers if a.status_code == 409):
        assert problem_code(busy) == "idempotency-key-in-use" and busy.headers["retry-after"] == "1"


@pytest.mark.postgres_only
def test_a_retry_while_the_first_still_runs_gets_409(org, database_url, is_postgres):
    if not is_postgres:
        pytest.skip("SQLite runs one writer at a time: a retry waits for the first request, then replays it")
    key = _key()
    me = org.admin.get("/api/v1/me").json()
    held = lock_id(uuid.UUID(me["key_id"]), hashlib.sha256(key["Idempotency-Key"].encode()).hexdigest())
    engine = create_engine(database_url)
    try:
        with engine.begin() as first_request:  # holds the key as a running request does
            first_request.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": held})
            busy = org.admin.post(f"{org.prefix}/surveys", json=_survey_body(org), headers=key)
        assert busy.status_code == 409 and problem_code(busy) == "idempotency-key-in-use"
        assert busy.headers["retry-after"] == "1"
    finally:
        engine.dispose()
    assert _surveys(org) == []
    assert org.admin.post(f"{org.prefix}/surveys", json=_survey_body(org), headers=key).status_code == 201
