"""The audit log through the API: what an event says, who may read it, paging and filters, and that it is
written in the change's own transaction."""

import asyncio
import uuid
from datetime import timedelta

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select

from app.audit.actions import AuditAction
from app.audit.models import AuditEvent
from app.audit.trail import AuditDep
from app.db import utcnow
from app.deps import SessionDep
from app.errors import Conflict, install_error_handlers
from app.orgs.models import Organisation
from tests.respond_factories import db_scalars
from tests.survey_factories import create_survey


def events(org, client=None, **params):  # type: ignore[no-untyped-def]
    response = (client or org.admin).get(f"{org.prefix}/audit-events", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_an_event_says_who_did_what_to_which_object_and_when(org):
    before = utcnow()
    survey = create_survey(org)
    assert org.admin.post(f"{org.prefix}/surveys/{survey['id']}/open").status_code == 200
    me = org.admin.get("/api/v1/me").json()
    opened, created = events(org, object_id=survey["id"])["events"]
    assert created["action"] == "survey.created" and opened["action"] == "survey.opened"
    assert opened["id"] > created["id"]
    assert opened["object_type"] == "survey" and opened["object_id"] == survey["id"]
    assert opened["organisation_id"] == org.id
    assert opened["actor"] == {"kind": "key", "key_id": me["key_id"], "key_name": "admin"}
    assert before <= _time(created) <= _time(opened) <= utcnow()


def _time(event):  # type: ignore[no-untyped-def]
    from datetime import datetime

    return datetime.fromisoformat(event["occurred_at"])


def test_changes_name_fields_never_values(org):
    survey = create_survey(org)
    assert org.admin.patch(f"{org.prefix}/surveys/{survey['id']}", json={"title": "Secret plans"}).status_code == 200
    unit = org.unit("Team")
    assert org.admin.patch(f"{org.prefix}/units/{unit}", json={"archived": True}).status_code == 200
    page = events(org)["events"]
    updated = next(e for e in page if e["action"] == "survey.updated")
    assert updated["details"] == {"fields": ["title"]}
    assert "Secret plans" not in str(page)
    assert [e["action"] for e in page[:2]] == ["unit.archived", "unit.created"]


def test_only_organisation_and_platform_admins_read_it(org, other_org, platform, http):
    create_survey(org)
    assert org.client_for("analyst").get(f"{org.prefix}/audit-events").status_code == 403
    assert other_org.admin.get(f"{org.prefix}/audit-events").status_code == 404
    assert http.get(f"{org.prefix}/audit-events").status_code == 401
    assert org.admin.get("/api/v1/audit-events").status_code == 403
    mine = events(org)["events"]
    assert events(org, platform)["events"] == mine
    everything = platform.get("/api/v1/audit-events", params={"organisation_id": org.id}).json()["events"]
    assert everything == mine
    assert all(e["organisation_id"] == other_org.id for e in events(other_org)["events"])


def test_pages_cover_every_event_once_in_a_stable_order(org):
    for n in range(7):
        org.unit(f"Team {n}")
    everything = events(org, limit=500)["events"]
    assert len(everything) >= 7
    seen, cursor = [], None
    while True:
        page = events(org, limit=3, **({"cursor": cursor} if cursor else {}))
        assert len(page["events"]) <= 3
        seen += page["events"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == everything
    assert [e["id"] for e in seen] == sorted((e["id"] for e in seen), reverse=True)


def test_filters(org):
    survey = create_survey(org)
    unit = org.unit("Team")
    admin_key = org.admin.get("/api/v1/me").json()["key_id"]
    org.admin.post(f"{org.prefix}/surveys/{survey['id']}/open")
    org.admin.post(f"{org.prefix}/surveys/{survey['id']}/close")

    def actions(**params):  # type: ignore[no-untyped-def]
        return [e["action"] for e in events(org, **params)["events"]]

    assert actions(action="survey.opened") == ["survey.opened"]
    assert actions(action=["survey.opened", "survey.closed"]) == ["survey.closed", "survey.opened"]
    assert actions(object_type="unit") == ["unit.created"]
    assert actions(object_id=unit) == ["unit.created"]
    assert len(actions(actor_key_id=admin_key)) == 4
    assert actions(actor_key_id=str(uuid.uuid4())) == []
    now = utcnow()
    assert actions(since=(now + timedelta(seconds=5)).isoformat()) == []
    assert len(actions(until=(now + timedelta(seconds=5)).isoformat())) >= 4
    assert actions(until=(now - timedelta(days=1)).isoformat()) == []
    for bad in ({"action": "survey.burnt"}, {"object_type": "token"}, {"cursor": "abc"}, {"limit": 0},
                {"limit": 501}, {"since": "2026-01-01T00:00:00"}, {"colour": "red"}):
        assert org.admin.get(f"{org.prefix}/audit-events", params=bad).status_code == 422, bad


def test_a_refused_change_leaves_no_event(org):
    org.unit("Team")
    count = len(events(org, limit=500)["events"])
    assert org.admin.post(f"{org.prefix}/units", json={"name": "Team"}).status_code == 409
    survey = create_survey(org)
    assert org.admin.post(f"{org.prefix}/surveys/{survey['id']}/close").status_code == 409
    assert [e["action"] for e in events(org, limit=500)["events"]][: -count] == ["survey.created"]


def _probe_app() -> FastAPI:
    """Two operations on the real database and the real audit trail: one that records and then fails, one that
    changes something and forgets to record. (Named after real operations, whose actions they may record.)"""
    app = FastAPI()
    install_error_handlers(app)

    @app.patch("/probe/{organisation_id}/fail-after-recording", name="update_organisation")
    def fail_after_recording(organisation_id: uuid.UUID, session: SessionDep, audit: AuditDep) -> None:
        session.get_one(Organisation, organisation_id).name = "Changed"
        audit.record(AuditAction.organisation_updated, organisation_id, fields=["name"])
        raise Conflict("failed after the event was recorded")

    @app.patch("/probe/{organisation_id}/forget", name="replace_layers")
    def forget(organisation_id: uuid.UUID, session: SessionDep, audit: AuditDep) -> None:
        session.get_one(Organisation, organisation_id).name = "Changed"

    return app


def test_the_event_shares_the_change_s_transaction(org):
    org_id = uuid.UUID(org.id)
    count = select(func.count()).select_from(AuditEvent).where(AuditEvent.organisation_id == org_id)
    before = db_scalars(count)[0]

    async def call(path: str) -> int:
        transport = httpx.ASGITransport(app=_probe_app(), raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://probe") as probe:
            response = await probe.patch(path, headers={"Authorization": org.admin.headers["authorization"]})
            return response.status_code

    assert asyncio.run(call(f"/probe/{org.id}/fail-after-recording")) == 409
    assert asyncio.run(call(f"/probe/{org.id}/forget")) == 500
    assert db_scalars(count)[0] == before
    assert db_scalars(select(Organisation.name).where(Organisation.id == org_id)) != ["Changed"]
