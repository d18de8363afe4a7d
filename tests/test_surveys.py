"""Survey waves: creation and validation, the draft → open → closed lifecycle, changes, deletion, access."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from tests.survey_factories import builtin_questionnaire, create_questionnaire, create_survey, open_survey


def _iso(dt: datetime) -> str:
    return dt.isoformat().replace("+00:00", "Z")


def _surveys(org) -> list[dict]:
    response = org.admin.get(f"{org.prefix}/surveys")
    assert response.status_code == 200, response.text
    return list(response.json())


def _action(org, survey: dict, action: str, client=None):
    return (client or org.admin).post(f"{org.prefix}/surveys/{survey['id']}/{action}")


# --- creation --------------------------------------------------------------------------------------------------------

def test_create_with_defaults(org):
    q = builtin_questionnaire(org)
    survey = create_survey(org, title="Meting voorjaar")
    assert survey["title"] == "Meting voorjaar"
    assert survey["questionnaire_id"] == q["id"] and survey["organisation_id"] == org.id
    assert (survey["status"], survey["accepting"], survey["ask_desired"], survey["min_group_size"]) == (
        "draft", False, False, 5)
    assert survey["languages"] == ["en", "nl"]
    assert survey["opened_at"] is None and survey["closed_at"] is None
    assert org.admin.get(f"{org.prefix}/surveys/{survey['id']}").json() == survey
    assert _surveys(org) == [survey]


def test_create_with_everything(org):
    opens, closes = datetime.now(UTC) + timedelta(days=1), datetime.now(UTC) + timedelta(days=22)
    survey = create_survey(org, languages=["nl"], ask_desired=True, min_group_size=3,
                           opens_at=_iso(opens), closes_at=closes.isoformat())
    assert (survey["languages"], survey["ask_desired"], survey["min_group_size"]) == (["nl"], True, 3)
    assert datetime.fromisoformat(survey["opens_at"]) == opens
    assert datetime.fromisoformat(survey["closes_at"]) == closes


def test_custom_questionnaire_of_own_organisation(org):
    q = create_questionnaire(org, key="own")
    survey = create_survey(org, questionnaire_id=q["id"], languages=["nl", "en"])
    assert survey["questionnaire_id"] == q["id"] and survey["languages"] == ["nl", "en"]


def _valid_body(org) -> dict:
    return {"title": "Wave", "questionnaire_id": builtin_questionnaire(org)["id"]}


@pytest.mark.parametrize(("case", "changes", "field"), [
    ("group of 2", {"min_group_size": 2}, "min_group_size"),
    ("group of 0", {"min_group_size": 0}, "min_group_size"),
    ("negative group", {"min_group_size": -5}, "min_group_size"),
    ("group as string", {"min_group_size": "5"}, "min_group_size"),
    ("group as float", {"min_group_size": 5.5}, "min_group_size"),
    ("ask_desired as string", {"ask_desired": "yes"}, "ask_desired"),
    ("empty title", {"title": "  "}, "title"),
    ("long title", {"title": "x" * 201}, "title"),
    ("no title", {"title": None}, "title"),
    ("language not offered", {"languages": ["de"]}, "languages"),
    ("repeated language", {"languages": ["nl", "nl"]}, "languages"),
    ("no languages", {"languages": []}, "languages"),
    ("naive opens_at", {"opens_at": "2027-03-01T08:00:00"}, "opens_at"),
    ("bad date", {"opens_at": "next monday"}, "opens_at"),
    ("closes before it opens", {"opens_at": "2027-03-02T08:00:00Z", "closes_at": "2027-03-01T08:00:00Z"},
     "closes_at"),
    ("unknown questionnaire", {"questionnaire_id": str(uuid.uuid4())}, "questionnaire_id"),
    ("questionnaire not a uuid", {"questionnaire_id": "culture-gap"}, "questionnaire_id"),
    ("status given", {"status": "open"}, "status"),
    ("extra field", {"owner": "me"}, "owner"),
])
def test_bad_surveys_are_refused_and_nothing_is_stored(org, case, changes, field):
    body = {**_valid_body(org), **changes}
    response = org.admin.post(f"{org.prefix}/surveys", json=body)
    assert response.status_code == 422, (case, response.text)
    assert response.headers["content-type"] == "application/problem+json"
    assert any(field in e["loc"] for e in response.json()["errors"]), response.json()
    assert _surveys(org) == []


def test_missing_fields_and_non_object_bodies(org):
    for body in ({}, {"title": "Wave"}, [], None, "wave"):
        assert org.admin.post(f"{org.prefix}/surveys", json=body).status_code == 422
    assert _surveys(org) == []


def test_questionnaire_of_another_organisation_is_refused(org, other_org):
    theirs = create_questionnaire(other_org)
    response = org.admin.post(f"{org.prefix}/surveys", json={"title": "Wave", "questionnaire_id": theirs["id"]})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "questionnaire_id"]
    assert _surveys(org) == []
    survey = create_survey(org)
    patch = org.admin.patch(f"{org.prefix}/surveys/{survey['id']}", json={"questionnaire_id": theirs["id"]})
    assert patch.status_code == 422
    assert org.admin.get(f"{org.prefix}/surveys/{survey['id']}").json() == survey


# --- lifecycle -------------------------------------------------------------------------------------------------------

def test_lifecycle(org):
    survey = create_survey(org)
    opened = _action(org, survey, "open")
    assert opened.status_code == 200, opened.text
    assert (opened.json()["status"], opened.json()["accepting"]) == ("open", True)
    assert opened.json()["opened_at"] is not None
    closed = _action(org, survey, "close").json()
    assert (closed["status"], closed["accepting"]) == ("closed", False)
    assert closed["closed_at"] is not None and closed["opened_at"] == opened.json()["opened_at"]
    reopened = _action(org, survey, "reopen").json()
    assert (reopened["status"], reopened["accepting"], reopened["closed_at"]) == ("open", True, None)
    assert _action(org, survey, "close").json()["status"] == "closed"


@pytest.mark.parametrize(("state", "action"), [
    ("draft", "close"), ("draft", "reopen"),
    ("open", "open"), ("open", "reopen"),
    ("closed", "open"), ("closed", "close"),
])
def test_invalid_transitions_are_409(org, state, action):
    survey = create_survey(org)
    if state in ("open", "closed"):
        assert _action(org, survey, "open").status_code == 200
    if state == "closed":
        assert _action(org, survey, "close").status_code == 200
    before = org.admin.get(f"{org.prefix}/surveys/{survey['id']}").json()
    response = _action(org, survey, action)
    assert response.status_code == 409, response.text
    assert response.json()["type"] == "urn:culturegap:problem:conflict"
    assert state in response.json()["detail"]
    assert org.admin.get(f"{org.prefix}/surveys/{survey['id']}").json() == before


def test_cannot_open_or_reopen_after_closing_time(org):
    past = _iso(datetime.now(UTC) - timedelta(minutes=1))
    survey = create_survey(org, closes_at=past)
    response = _action(org, survey, "open")
    assert response.status_code == 409 and "closes_at" in response.json()["detail"]
    future = _iso(datetime.now(UTC) + timedelta(days=1))
    assert org.admin.patch(f"{org.prefix}/surveys/{survey['id']}", json={"closes_at": future}).status_code == 200
    assert _action(org, survey, "open").status_code == 200
    assert _action(org, survey, "close").status_code == 200
    assert org.admin.patch(f"{org.prefix}/surveys/{survey['id']}", json={"closes_at": past}).status_code == 200
    assert _action(org, survey, "reopen").status_code == 409
    assert org.admin.patch(f"{org.prefix}/surveys/{survey['id']}", json={"closes_at": None}).status_code == 200
    assert _action(org, survey, "reopen").json()["accepting"] is True


def test_open_before_opens_at_does_not_accept_yet(org):
    survey = open_survey(org, opens_at=_iso(datetime.now(UTC) + timedelta(hours=1)))
    assert (survey["status"], survey["accepting"]) == ("open", False)


def test_check_accepting():
    from app.surveys.models import Survey, SurveyStatus
    from app.surveys.service import SurveyClosed, SurveyNotOpen, check_accepting

    now = datetime(2027, 3, 10, 12, tzinfo=UTC)
    hour = timedelta(hours=1)

    def survey(status: SurveyStatus, opens_at=None, closes_at=None) -> Survey:
        return Survey(status=status, opens_at=opens_at, closes_at=closes_at)

    check_accepting(survey(SurveyStatus.open), now)
    check_accepting(survey(SurveyStatus.open, now - hour, now + hour), now)
    check_accepting(survey(SurveyStatus.open, now, now + hour), now)  # opens_at is inclusive
    cases = [
        (survey(SurveyStatus.draft), SurveyNotOpen),
        (survey(SurveyStatus.draft, now - hour, now + hour), SurveyNotOpen),
        (survey(SurveyStatus.open, now + hour), SurveyNotOpen),
        (survey(SurveyStatus.closed), SurveyClosed),
        (survey(SurveyStatus.closed, now - hour, now + hour), SurveyClosed),
        (survey(SurveyStatus.open, None, now), SurveyClosed),  # closes_at is exclusive
        (survey(SurveyStatus.open, now - 2 * hour, now - hour), SurveyClosed),
    ]
    for s, error in cases:
        with pytest.raises(error) as raised:
            check_accepting(s, now)
        assert raised.value.status_code == 409
    assert SurveyNotOpen.code == "survey-not-open" and SurveyClosed.code == "survey-closed"


# --- changes ---------------------------------------------------------------------------------------------------------

def test_patch_a_draft_changes_anything(org):
    survey = create_survey(org)
    own = create_questionnaire(org)
    url = f"{org.prefix}/surveys/{survey['id']}"
    response = org.admin.patch(url, json={"title": "Renamed", "ask_desired": True, "min_group_size": 8,
                                          "languages": ["nl"], "opens_at": "2027-01-01T00:00:00Z"})
    assert response.status_code == 200, response.text
    changed = response.json()
    assert (changed["title"], changed["ask_desired"], changed["min_group_size"], changed["languages"]) == (
        "Renamed", True, 8, ["nl"])
    switched = org.admin.patch(url, json={"questionnaire_id": own["id"]}).json()
    assert switched["questionnaire_id"] == own["id"] and switched["languages"] == ["en", "nl"]
    assert org.admin.patch(url, json={}).json() == switched


@pytest.mark.parametrize("changes", [
    {"min_group_size": 2}, {"title": None}, {"ask_desired": None}, {"languages": ["fr"]},
    {"closes_at": "2026-12-31T00:00:00Z"}, {"status": "closed"}, {"questionnaire_id": str(uuid.uuid4())},
])
def test_patch_validation(org, changes):
    survey = create_survey(org, opens_at="2027-01-01T00:00:00Z")
    url = f"{org.prefix}/surveys/{survey['id']}"
    assert org.admin.patch(url, json=changes).status_code == 422
    assert org.admin.get(url).json() == survey


def test_patch_an_open_or_closed_survey(org):
    survey = open_survey(org)
    url = f"{org.prefix}/surveys/{survey['id']}"
    later = _iso(datetime.now(UTC) + timedelta(days=7))
    response = org.admin.patch(url, json={"title": "Extended", "closes_at": later})
    assert response.status_code == 200 and response.json()["title"] == "Extended"
    for state in ("open", "closed"):
        for changes in ({"ask_desired": True}, {"min_group_size": 10}, {"languages": ["nl"]},
                        {"opens_at": later}, {"questionnaire_id": survey["questionnaire_id"]},
                        {"title": "Fine", "min_group_size": 10}):
            before = org.admin.get(url).json()
            rejected = org.admin.patch(url, json=changes)
            assert rejected.status_code == 409, (state, changes, rejected.text)
            assert org.admin.get(url).json() == before
        if state == "open":
            assert _action(org, survey, "close").status_code == 200
    assert org.admin.patch(url, json={"title": "Closed wave"}).json()["title"] == "Closed wave"


def test_what_is_asked_cannot_change_once_responses_exist(org):
    from app.db import get_sessionmaker
    from app.responses.models import Response

    survey = create_survey(org)
    unit = org.unit("Team")
    with get_sessionmaker().begin() as session:
        session.add(Response(survey_id=uuid.UUID(survey["id"]), unit_id=uuid.UUID(unit), layer_id=None,
                             language="nl", source="import", current=bytes(25), desired=None))
    url = f"{org.prefix}/surveys/{survey['id']}"
    assert org.admin.patch(url, json={"ask_desired": True}).status_code == 409
    assert org.admin.patch(url, json={"title": "Still fine", "min_group_size": 6}).status_code == 200


# --- deletion --------------------------------------------------------------------------------------------------------

def test_delete_removes_the_survey_with_its_invitations_and_responses(org):
    from sqlalchemy import func, select

    from app.db import get_sessionmaker
    from app.invitations.models import Invitation
    from app.responses.models import Response

    survey = open_survey(org)
    kept = open_survey(org, title="Kept")
    unit = org.unit("Team")
    sid, kid = uuid.UUID(survey["id"]), uuid.UUID(kept["id"])
    with get_sessionmaker().begin() as session:
        for target in (sid, kid):
            session.add(Invitation(survey_id=target, unit_id=uuid.UUID(unit),
                                   layer_id=uuid.UUID(org.layers["employee"]), token_hash=uuid.uuid4().hex * 2))
            session.add(Response(survey_id=target, unit_id=uuid.UUID(unit), layer_id=None, language="nl",
                                 source="web", current=bytes(25), desired=None))
    url = f"{org.prefix}/surveys/{survey['id']}"
    assert org.admin.delete(url).status_code == 204
    assert org.admin.get(url).status_code == 404
    assert org.admin.delete(url).status_code == 404
    assert [s["id"] for s in _surveys(org)] == [kept["id"]]
    with get_sessionmaker()() as session:
        for model in (Invitation, Response):
            counts = dict(session.execute(select(model.survey_id, func.count()).where(
                model.survey_id.in_([sid, kid])).group_by(model.survey_id)).all())
            assert counts == {kid: 1}, model


def test_draft_and_closed_surveys_can_be_deleted(org):
    draft = create_survey(org)
    closed = open_survey(org)
    assert _action(org, closed, "close").status_code == 200
    for survey in (draft, closed):
        assert org.admin.delete(f"{org.prefix}/surveys/{survey['id']}").status_code == 204
    assert _surveys(org) == []


# --- access ----------------------------------------------------------------------------------------------------------

def test_analysts_read_but_do_not_write(org):
    survey = create_survey(org)
    unit = org.unit("Directie")
    url = f"{org.prefix}/surveys/{survey['id']}"
    for analyst in (org.client_for("analyst"), org.client_for("analyst", unit)):
        assert analyst.get(f"{org.prefix}/surveys").json() == [survey]
        assert analyst.get(url).json() == survey
        assert analyst.post(f"{org.prefix}/surveys", json=_valid_body(org)).status_code == 403
        assert analyst.patch(url, json={"title": "Mine"}).status_code == 403
        assert analyst.delete(url).status_code == 403
        for action in ("open", "close", "reopen"):
            assert _action(org, survey, action, analyst).status_code == 403
    assert _surveys(org) == [survey]


def test_platform_admin_manages_any_organisation(org, platform):
    survey = create_survey(org)
    assert platform.post(f"{org.prefix}/surveys/{survey['id']}/open").status_code == 200
    assert platform.get(f"{org.prefix}/surveys").json()[0]["status"] == "open"


def test_another_organisation_gets_404_for_everything(org, other_org, http):
    survey = create_survey(org)
    for prefix in (org.prefix, other_org.prefix):
        url = f"{prefix}/surveys/{survey['id']}"
        assert other_org.admin.get(url).status_code == 404
        assert other_org.admin.patch(url, json={"title": "Taken"}).status_code == 404
        assert other_org.admin.delete(url).status_code == 404
        for action in ("open", "close", "reopen"):
            assert other_org.admin.post(f"{url}/{action}").status_code == 404
    assert other_org.admin.get(f"{org.prefix}/surveys").status_code == 404
    assert other_org.admin.post(f"{org.prefix}/surveys", json=_valid_body(org)).status_code == 404
    assert other_org.admin.get(f"{other_org.prefix}/surveys").json() == []
    assert org.admin.get(f"{org.prefix}/surveys/{uuid.uuid4()}").status_code == 404
    assert org.admin.get(f"{org.prefix}/surveys/not-a-uuid").status_code == 422
    assert http.get(f"{org.prefix}/surveys").status_code == 401
    assert org.admin.get(f"{org.prefix}/surveys/{survey['id']}").json() == survey


def test_layers_are_fixed_once_a_survey_exists(org):
    layers = org.admin.get(f"{org.prefix}/layers").json()
    body = {"layers": [{"key": layer["key"], "names": layer["names"]} for layer in layers]}
    assert org.admin.put(f"{org.prefix}/layers", json=body).status_code == 200
    create_survey(org)
    assert org.admin.put(f"{org.prefix}/layers", json=body).status_code == 409


def test_a_worker_closes_a_survey_at_its_closing_time_and_publishes_it(org, http, database_url, mailbox):
    import os

    from sqlalchemy import update

    from app.surveys.models import Survey
    from tests.respond_factories import db_execute, invite, submit
    from tests.worker_process import run_workers

    team = org.unit("Team Klok")
    survey = open_survey(org, closes_at=_iso(datetime.now(UTC) + timedelta(days=1)))
    other = open_survey(org, closes_at=_iso(datetime.now(UTC) + timedelta(days=1)))
    token = invite(org, survey["id"], team)[0]
    assert submit(http, token, {"openness_1": 4}).status_code == 201
    past = datetime.now(UTC) - timedelta(minutes=1)  # as if the day had gone by
    db_execute(update(Survey).where(Survey.id == uuid.UUID(survey["id"])).values(closes_at=past))

    run_workers({**os.environ, "DATABASE_URL": database_url})
    closed = org.admin.get(f"{org.prefix}/surveys/{survey['id']}").json()
    assert closed["status"] == "closed" and closed["published_at"] is not None
    assert org.admin.get(f"{org.prefix}/surveys/{other['id']}").json()["status"] == "open"  # not due yet
    events = org.admin.get(f"{org.prefix}/audit-events", params={"object_id": survey["id"]}).json()["events"]
    scheduled = [e for e in events if e["action"] == "survey.closed"]
    assert len(scheduled) == 1 and scheduled[0]["details"] == {"scheduled": True}
