"""Answering with a token: the questionnaire in the respondent's language, drafts to resume, one submission, every
answer checked against its scale, and nothing stored that links a response to its token."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from app.invitations.models import Invitation, UsedToken
from app.invitations.used import used_key
from app.responses.models import Response
from app.surveys.models import Survey
from tests.factories import OrgContext
from tests.respond_factories import (
    RESPOND,
    db_execute,
    db_scalars,
    error_locs,
    invite,
    item_keys,
    problem_code,
    stored,
    submit,
    token_headers,
)
from tests.survey_factories import create_questionnaire, create_survey, open_survey


def _survey_and_token(org: OrgContext, **survey: Any) -> tuple[dict[str, Any], str, str]:
    opened = open_survey(org, **survey)
    unit = org.unit("Team X", external_key="TX")
    [token] = invite(org, opened["id"], unit)
    return opened, unit, token


def _invitation(token_survey: str) -> Invitation:
    [invitation] = db_scalars(select(Invitation).where(Invitation.survey_id == uuid.UUID(token_survey)))
    return invitation


def test_the_questionnaire_in_the_chosen_language(org: OrgContext, http: Any) -> None:
    survey, _, token = _survey_and_token(org, title="Cultuurmeting")
    response = http.get(RESPOND, params={"lang": "nl"}, headers=token_headers(token))
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert set(body) == {"survey", "language", "questionnaire", "draft", "unit_name", "open_questions"}
    assert body["open_questions"] == []  # the survey asks none
    assert body["survey"] == {"title": "Cultuurmeting", "ask_desired": False, "languages": ["en", "nl"]}
    assert (body["language"], body["questionnaire"]["language"], body["draft"], body["unit_name"]) == (
        "nl", "nl", None, "Team X")
    questionnaire = body["questionnaire"]
    assert questionnaire["scale"]["min"] == 1 and questionnaire["scale"]["max"] == 5
    assert questionnaire["scale"]["dont_know"]
    keys = [i["key"] for d in questionnaire["dimensions"] for i in d["items"]]
    assert keys == item_keys(org)
    assert "reverse" not in response.text and survey["id"] not in response.text and org.id not in response.text
    for lang, expected in [("en", "en"), ("nl-NL", "nl"), ("NL", "nl"), ("de", "en"), (None, "en")]:
        params = {"lang": lang} if lang else {}
        got = http.get(RESPOND, params=params, headers=token_headers(token)).json()
        assert (got["language"], got["questionnaire"]["language"]) == (expected, expected), lang
    assert http.get(RESPOND, params={"lang": "x" * 36}, headers=token_headers(token)).status_code == 422


def test_a_survey_in_dutch_only_answers_in_dutch(org: OrgContext, http: Any) -> None:
    _, _, token = _survey_and_token(org, languages=["nl"])
    body = http.get(RESPOND, params={"lang": "en"}, headers=token_headers(token)).json()
    assert body["language"] == "nl" and body["survey"]["languages"] == ["nl"]
    first = item_keys(org)[0]
    response = submit(http, token, {first: 3}, language="en")
    assert error_locs(response) == [["body", "language"]]


def test_partial_answers_are_saved_and_resumed(org: OrgContext, http: Any) -> None:
    survey, _, token = _survey_and_token(org, ask_desired=True)
    keys = item_keys(org)
    draft = {"language": "nl", "current": {keys[0]: 2, keys[1]: "dont_know", keys[2]: None}, "desired": {keys[0]: 5}}
    response = http.put(f"{RESPOND}/draft", headers=token_headers(token), json=draft)
    assert response.status_code == 200, response.text
    saved_at = response.json()["saved_at"]
    body = http.get(RESPOND, headers=token_headers(token)).json()  # no lang: continue in the draft's language
    assert body["language"] == "nl"
    assert body["draft"] == {"language": "nl", "current": {keys[0]: 2, keys[1]: "dont_know"},
                             "desired": {keys[0]: 5}, "comments": {}, "saved_at": saved_at}
    # A later draft replaces the earlier one; an empty one is fine too.
    assert http.put(f"{RESPOND}/draft", headers=token_headers(token),
                    json={"language": "en", "current": {keys[3]: 4}}).status_code == 200
    assert http.get(RESPOND, headers=token_headers(token)).json()["draft"]["current"] == {keys[3]: 4}
    assert http.put(f"{RESPOND}/draft", headers=token_headers(token),
                    json={"language": "en", "current": {}, "desired": {}}).status_code == 200
    assert stored(org, survey["id"]) == []  # a draft is not a response
    assert submit(http, token, {keys[0]: 1}, {keys[1]: 5}).status_code == 201
    invitation = _invitation(survey["id"])
    # The submission didn't write the invitation: its last draft stays there, sealed (it opens only with the token,
    # which no longer reads), until the close erases it; that it was used is known only under a keyed hash.
    assert invitation.draft is None and invitation.sealed_draft is not None
    assert not {keys[3], "current", "saved_at"} & set(invitation.sealed_draft.decode("latin-1").split('"'))
    assert db_scalars(select(UsedToken.key).where(UsedToken.survey_id == invitation.survey_id)) == [
        used_key(invitation.token_hash)]
    assert http.get(RESPOND, headers=token_headers(token)).status_code == 409
    assert org.admin.post(f"{org.prefix}/surveys/{survey['id']}/close").status_code == 200
    assert _invitation(survey["id"]).sealed_draft is None


def test_submit_stores_unit_layer_and_answers_once(org: OrgContext, http: Any) -> None:
    survey, _, token = _survey_and_token(org, ask_desired=True)
    keys = item_keys(org)
    current = {keys[0]: 1, keys[1]: 5, keys[2]: "dont_know", keys[24]: 3}
    desired = {keys[0]: 4, keys[3]: "dont_know"}
    response = submit(http, token, current, desired, language="nl")
    assert response.status_code == 201, response.text
    assert response.json() == {"status": "submitted"}
    # Durable when acknowledged: another connection sees it at once.
    assert len(db_scalars(select(Response.id).where(Response.survey_id == uuid.UUID(survey["id"])))) == 1
    [row] = stored(org, survey["id"])
    expected = {"unit_path": "Team X", "unit_key": "TX", "layer": "employee"}
    expected |= {k: str(current.get(k, "")) for k in keys}
    expected |= {f"{k}:desired": str(desired.get(k, "")) for k in keys}
    assert row == expected
    again = submit(http, token, {keys[0]: 2})
    unknown = submit(http, "A" * 43, {keys[0]: 2})
    assert again.status_code == unknown.status_code == 409
    assert again.json() == unknown.json()  # a guesser can't tell a used token from one that never existed
    assert problem_code(again) == "token-unusable"
    assert again.json()["title"] == "This link is not valid or has already been used"
    get_again = http.get(RESPOND, headers=token_headers(token))
    assert get_again.status_code == 409 and problem_code(get_again) == "token-unusable"
    draft_again = http.put(f"{RESPOND}/draft", headers=token_headers(token), json={"language": "en", "current": {}})
    assert draft_again.status_code == 409
    assert len(stored(org, survey["id"])) == 1


def test_no_response_links_to_a_token(org: OrgContext, http: Any) -> None:
    survey = open_survey(org)
    team = org.unit("Team")
    tokens = invite(org, survey["id"], team, 3)
    first = item_keys(org)[0]
    for token in tokens:
        assert submit(http, token, {first: 4}).status_code == 201
    # The table can't hold a link: no column or foreign key refers to an invitation, and no timestamp (`published`
    # is one flag per survey's publication: responses of one close share it).
    columns = {c.name for c in Response.__table__.columns}
    assert columns == {"id", "survey_id", "unit_id", "layer_id", "language", "source", "current", "desired",
                       "published"}
    assert {fk.column.table.name for fk in Response.__table__.foreign_keys} == {"surveys", "units", "layers"}
    assert not {c.name for c in Invitation.__table__.columns} & {"response_id", "response"}
    # And no stored response carries a value of an invitation.
    responses = db_scalars(select(Response).where(Response.survey_id == uuid.UUID(survey["id"])))
    invitations = db_scalars(select(Invitation).where(Invitation.survey_id == uuid.UUID(survey["id"])))
    secrets = {str(i.id) for i in invitations} | {i.token_hash for i in invitations} | set(tokens)
    for response in responses:
        assert not {str(response.id), response.current.hex(), str(response.desired)} & secrets
        assert response.source == "web" and response.unit_id == uuid.UUID(team)
    assert all(i.draft is None for i in invitations)
    header = list(stored(org, survey["id"])[0])
    assert header == ["unit_path", "unit_key", "layer", *item_keys(org)]


def test_the_token_header(org: OrgContext, http: Any) -> None:
    _, _, token = _survey_and_token(org)
    first = item_keys(org)[0]
    missing = http.get(RESPOND)
    assert missing.status_code == 401 and problem_code(missing) == "token-required"
    for bad in ["", "short", token[:-20], token + "!", token[:10] + "." + token[11:], "x" * 300, f"Bearer {token}"]:
        response = http.get(RESPOND, headers={"X-Survey-Token": bad})
        assert response.status_code == 401, (bad, response.text)
        assert submit(http, bad, {first: 3}).status_code == 401
    assert http.get(RESPOND, headers={"Authorization": f"Bearer {token}"}).status_code == 401
    unknown = http.get(RESPOND, headers=token_headers(token[::-1]))
    assert unknown.status_code == 409 and problem_code(unknown) == "token-unusable"
    assert http.get(RESPOND, headers=token_headers(token)).status_code == 200  # still unused


def test_an_expired_token(org: OrgContext, http: Any) -> None:
    survey = open_survey(org)
    soon = datetime.now(UTC) + timedelta(hours=1)
    [token] = invite(org, survey["id"], org.unit("Team"), expires_at=soon.isoformat())
    assert http.get(RESPOND, headers=token_headers(token)).status_code == 200
    db_execute(update(Invitation).where(Invitation.survey_id == uuid.UUID(survey["id"]))
               .values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    first = item_keys(org)[0]
    for response in (http.get(RESPOND, headers=token_headers(token)), submit(http, token, {first: 3}),
                     http.put(f"{RESPOND}/draft", headers=token_headers(token), json={"language": "en"})):
        assert response.status_code == 410 and problem_code(response) == "token-expired", response.text
    assert stored(org, survey["id"]) == []


def test_a_survey_that_does_not_accept_answers(org: OrgContext, http: Any) -> None:
    first = item_keys(org)[0]
    team = org.unit("Team")
    draft = create_survey(org)
    later = open_survey(org, opens_at=(datetime.now(UTC) + timedelta(days=2)).isoformat())
    closed = open_survey(org)
    past_closing = open_survey(org)
    tokens = {s["id"]: invite(org, s["id"], team)[0] for s in (draft, later, closed, past_closing)}
    assert org.admin.post(f"{org.prefix}/surveys/{closed['id']}/close").status_code == 200
    db_execute(update(Survey).where(Survey.id == uuid.UUID(past_closing["id"]))
               .values(closes_at=datetime.now(UTC) - timedelta(seconds=1)))
    for survey, code in [(draft, "survey-not-open"), (later, "survey-not-open"), (closed, "survey-closed"),
                         (past_closing, "survey-closed")]:
        token = tokens[survey["id"]]
        for response in (http.get(RESPOND, headers=token_headers(token)), submit(http, token, {first: 3})):
            assert response.status_code == 409 and problem_code(response) == code, response.text
        assert stored(org, survey["id"]) == []


def _no_dont_know_survey(org: OrgContext) -> dict[str, Any]:
    questionnaire = create_questionnaire(org, key="strict", dont_know_label=None)
    return open_survey(org, questionnaire_id=questionnaire["id"])


def test_every_bad_answer_is_listed_and_nothing_is_stored(org: OrgContext, http: Any) -> None:
    survey, _, token = _survey_and_token(org)
    keys = item_keys(org)
    current = {keys[0]: 0, keys[1]: 6, keys[2]: "4", keys[3]: 4.5, keys[4]: True, keys[5]: [3], keys[6]: {"v": 3},
               keys[7]: -128, keys[8]: 10**20, keys[9]: "Don't know", "no_such_item": 3, keys[10]: 4}
    body = {"language": "en", "current": current, "desired": {keys[0]: 5, keys[1]: None}}
    for method, path in (("POST", f"{RESPOND}/submit"), ("PUT", f"{RESPOND}/draft")):
        response = http.request(method, path, headers=token_headers(token), json=body)
        locs = error_locs(response)
        expected = [["body", "current", k] for k in [*keys[:10], "no_such_item"]] + [["body", "desired", keys[0]]]
        assert sorted(map(str, locs)) == sorted(map(str, expected)), response.text
        assert all(e["msg"] for e in response.json()["errors"])
    assert stored(org, survey["id"]) == []
    assert http.get(RESPOND, headers=token_headers(token)).json()["draft"] is None
    assert submit(http, token, {keys[10]: 4}).status_code == 201  # the token still works


def test_dont_know_only_where_offered(org: OrgContext, http: Any) -> None:
    survey = _no_dont_know_survey(org)
    [token] = invite(org, survey["id"], org.unit("Team"))
    response = submit(http, token, {"sharing_1": "dont_know", "sharing_2": 3})
    assert error_locs(response) == [["body", "current", "sharing_1"]]
    assert response.json()["errors"][0]["type"] == "dont_know_not_allowed"
    assert http.get(RESPOND, headers=token_headers(token)).json()["questionnaire"]["scale"]["dont_know"] is None
    assert submit(http, token, {"sharing_2": 3}).status_code == 201
    [row] = stored(org, survey["id"])
    assert (row["sharing_1"], row["sharing_2"]) == ("", "3")


def test_at_least_one_answer(org: OrgContext, http: Any) -> None:
    survey, _, token = _survey_and_token(org)
    keys = item_keys(org)
    for current in ({}, {keys[0]: None, keys[1]: None}):
        assert error_locs(submit(http, token, current)) == [["body", "current"]]
    assert stored(org, survey["id"]) == []


@pytest.mark.parametrize(("content", "content_type"), [
    (b'{"language": "en", "current": {', "application/json"),
    (b'{"language": "en", "current": {"openness_1": 3}}', "text/plain"),
    (b"language=en", "application/x-www-form-urlencoded"),
    (b"\xff\xfe\x00", "application/json"),
    (b"[]", "application/json"),
    (b'"en"', "application/json"),
    (b"", "application/json"),
    (b'{"current": {"openness_1": 3}}', "application/json"),
    (b'{"language": "en", "current": {"openness_1": 3}, "token": "x"}', "application/json"),
    (b'{"language": "en", "current": [3]}', "application/json"),
    (b'{"language": "e\\u0000n", "current": {"openness_1": 3}}', "application/json"),
    (b'{"language": "' + b"e" * 100 + b'", "current": {"openness_1": 3}}', "application/json"),
    (b'{"language": "en", "current": {"' + b"k" * 200 + b'": 3}}', "application/json"),
], ids=["truncated JSON", "text/plain", "form", "not UTF-8", "a list", "a string", "empty", "no language",
        "extra field", "answers as a list", "NUL in language", "long language", "long item key"])
def test_malformed_bodies(org: OrgContext, http: Any, content: bytes, content_type: str) -> None:
    survey, _, token = _survey_and_token(org)
    for path in ("/submit", "/draft"):
        method = "POST" if path == "/submit" else "PUT"
        response = http.request(method, RESPOND + path, content=content,
                                headers={**token_headers(token), "Content-Type": content_type})
        assert response.status_code in (400, 422), response.text  # 400: a body that isn't even text
        assert response.headers["content-type"].startswith("application/problem+json")
    assert stored(org, survey["id"]) == []
    assert http.get(RESPOND, headers=token_headers(token)).json()["draft"] is None


def test_too_many_answers_and_too_large_bodies(org: OrgContext, http: Any) -> None:
    survey, _, token = _survey_and_token(org)
    many = {f"item_{i}": 3 for i in range(501)}
    assert submit(http, token, many).status_code == 422
    huge = {"language": "en", "current": {"openness_1": 3}, "padding": "x" * 3_000_000}
    response = http.post(f"{RESPOND}/submit", headers=token_headers(token), json=huge)
    assert response.status_code == 413
    assert stored(org, survey["id"]) == []


def test_desired_answers_only_when_asked(org: OrgContext, http: Any) -> None:
    survey, _, token = _survey_and_token(org)
    keys = item_keys(org)
    response = submit(http, token, {keys[0]: 3}, {keys[0]: 4, keys[1]: 2, keys[2]: None})
    assert error_locs(response) == [["body", "desired", keys[0]], ["body", "desired", keys[1]]]
    assert response.json()["errors"][0]["type"] == "frame_not_asked"
    assert submit(http, token, {keys[0]: 3}, {keys[2]: None}).status_code == 201  # empty answers are no answers
    [row] = stored(org, survey["id"])
    assert not any(column.endswith(":desired") for column in row)
