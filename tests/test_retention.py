"""Erasure (GDPR): deleting a survey or an organisation leaves nothing of its people's data, through the API and
in every table of the database, and nothing in the report caches either."""

import uuid

import pytest
from sqlalchemy import Uuid, func, select

from app.audit.models import AuditEvent
from app.models import Base
from tests.respond_factories import RESPOND, db_scalars, problem_code, token_headers
from tests.workflow_factories import Workflow, run_workflow

SURVEY_DATA = ("responses", "invitations", "self_assessments")
# Rate counts of sign-in requests belong to no organisation (addresses that belong to nobody count too): keyed
# hashes, deleted once their window (15 minutes) has passed.
NO_ORGANISATION = {"sign_in_requests"}


def _row_counts() -> dict[str, int]:
    return {table.name: int(db_scalars(select(func.count()).select_from(table))[0])
            for table in Base.metadata.sorted_tables if table.name not in NO_ORGANISATION}


def _references(value: uuid.UUID) -> dict[str, int]:
    """How many rows of each table hold `value` in any id column."""
    found = {}
    for table in Base.metadata.sorted_tables:
        for column in (c for c in table.columns if isinstance(c.type, Uuid)):
            n = int(db_scalars(select(func.count()).select_from(table).where(column == value))[0])
            if n:
                found[f"{table.name}.{column.name}"] = n
    return found


def _survey_rows(survey_id: uuid.UUID) -> dict[str, int]:
    return {name: int(db_scalars(select(func.count()).select_from(Base.metadata.tables[name])
                                 .where(Base.metadata.tables[name].c.survey_id == survey_id))[0])
            for name in SURVEY_DATA}


def _cached_surveys() -> set[uuid.UUID]:
    from app.reports import data, maps

    return {key[0] for cache in (data._cache, maps._maps, maps._named) for key in cache}  # type: ignore


def _api_forgets(wf: Workflow, http, tokens: list[str]) -> None:  # type: ignore[no-untyped-def]
    for path in ("", "/reports/profile", "/reports/response-rates", "/responses/export", "/invitations/summary",
                 "/self-assessments"):
        assert wf.org.admin.get(wf.url(path)).status_code == 404, path
    for token in tokens:  # submitted, with a draft, unused: all the same unknown token now
        answer = http.get(RESPOND, headers=token_headers(token))
        assert answer.status_code == 409 and problem_code(answer) == "token-unusable"


@pytest.fixture
def workflow(platform, server_url, http, mailbox):  # type: ignore[no-untyped-def]
    wf = run_workflow(platform, server_url, http, mailbox)
    yield wf
    wf.org.close()


def test_deleting_a_survey_erases_its_data(workflow, http):
    survey_id = uuid.UUID(workflow.survey_id)
    before = _survey_rows(survey_id)
    assert all(before.values()), before
    assert survey_id in _cached_surveys()
    tokens = [s for s in workflow.secrets if len(s) == 43]
    assert len(tokens) == 11

    assert workflow.org.admin.delete(workflow.url()).status_code == 204

    _api_forgets(workflow, http, tokens)
    assert _survey_rows(survey_id) == dict.fromkeys(SURVEY_DATA, 0)
    # Only the audit log still names the survey: which key created, opened ... deleted it, and when.
    assert set(_references(survey_id)) == {"audit_events.object_id"}
    assert survey_id not in _cached_surveys()
    assert workflow.org.admin.get(f"{workflow.org.prefix}/surveys/{workflow.kept_survey_id}").status_code == 200
    deleted = workflow.org.admin.get(f"{workflow.org.prefix}/audit-events",
                                     params={"action": "survey.deleted"}).json()["events"]
    assert deleted[0]["details"] == before


def test_deleting_an_organisation_leaves_only_its_deletion_event(platform, server_url, http, mailbox):
    before = _row_counts()
    wf = run_workflow(platform, server_url, http, mailbox)
    org_id, survey_id = uuid.UUID(wf.org.id), uuid.UUID(wf.survey_id)
    erased = _survey_rows(survey_id)
    assert survey_id in _cached_surveys()

    assert platform.delete(wf.org.prefix).status_code == 204

    assert platform.get(wf.org.prefix).status_code == 404
    assert wf.org.admin.get("/api/v1/me").status_code == 401
    tokens = [s for s in wf.secrets if len(s) == 43]
    assert len(tokens) == 11
    for token in tokens:
        assert problem_code(http.get(RESPOND, headers=token_headers(token))) == "token-unusable"
    after = _row_counts()
    assert {name: after[name] - before[name] for name in after if after[name] != before[name]} == \
        {"audit_events": 1}
    assert _references(org_id) == {"audit_events.object_id": 1}
    assert _references(survey_id) == {}
    assert not {org_id, survey_id, uuid.UUID(wf.kept_survey_id)} & _cached_surveys()
    event = db_scalars(select(AuditEvent).where(AuditEvent.object_id == org_id))[0]
    assert event.organisation_id is None and event.action == "organisation.deleted"
    assert event.details == {"surveys": 2, **erased}
    wf.org.close()
