"""Every operation that changes something is audited (or exempt, with its reason), and the audit log of a whole
workflow holds every action but no secret."""

import json
import uuid

from fastapi.routing import APIRoute
from sqlalchemy import or_, select

from app.actions.models import ActionStatus
from app.audit.actions import AUDITED_OPERATIONS, AUDITED_WITHOUT_TRAIL, NOT_AUDITED, AuditAction
from app.audit.models import AuditEvent
from app.audit.trail import audit_trail
from app.idempotency.models import IdempotencyRecord
from app.sessions.links import SignInFailure, SignInMethod
from tests.respond_factories import db_scalars
from tests.workflow_factories import run_workflow

MUTATING = {"post", "put", "patch", "delete"}


def _mutating_operations(spec: dict) -> dict[str, str]:
    return {op["operationId"]: f"{method.upper()} {path}" for path, ops in spec["paths"].items()
            if path.startswith("/api/v1") for method, op in ops.items() if method in MUTATING}


def test_every_mutating_operation_is_audited_or_exempt(http):
    operations = _mutating_operations(http.get("/openapi.json").json())
    mapped = set(AUDITED_OPERATIONS) | set(AUDITED_WITHOUT_TRAIL) | set(NOT_AUDITED)
    unmapped = {op: where for op, where in operations.items() if op not in mapped}
    assert not unmapped, f"audit these (app/audit/actions.py) or exempt them with a reason: {unmapped}"
    assert mapped <= set(operations), "stale entries in app/audit/actions.py"
    assert len(mapped) == len(AUDITED_OPERATIONS) + len(AUDITED_WITHOUT_TRAIL) + len(NOT_AUDITED)


def _depends_on(dependant, call) -> bool:  # type: ignore[no-untyped-def]
    return any(d.call is call or _depends_on(d, call) for d in dependant.dependencies)


def _api_routes(routes):  # type: ignore[no-untyped-def]
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        included = getattr(route, "original_router", None)  # FastAPI keeps an included router as one route
        if included is not None:
            yield from _api_routes(included.routes)


def test_audited_operations_take_the_audit_trail():
    """The trail fails a request whose handler recorded nothing, so taking it makes forgetting impossible."""
    from app.main import create_app

    routes = {r.name: r for r in _api_routes(create_app().routes)}
    for name in AUDITED_OPERATIONS:
        assert _depends_on(routes[name].dependant, audit_trail), f"{name} does not take AuditDep"
    for name in [*NOT_AUDITED, *AUDITED_WITHOUT_TRAIL]:  # nobody signed in yet: no trail to take
        assert not _depends_on(routes[name].dependant, audit_trail), name


def test_a_whole_workflow_records_every_action_and_no_secret(platform, server_url, http, mailbox):
    wf = run_workflow(platform, server_url, http, mailbox)
    assert wf.org.admin.delete(wf.url()).status_code == 204
    org_id = uuid.UUID(wf.org.id)
    stored = db_scalars(select(AuditEvent).where(AuditEvent.organisation_id == org_id))
    listed = wf.org.admin.get(f"{wf.org.prefix}/audit-events", params={"limit": 500}).json()["events"]
    assert platform.delete(wf.org.prefix).status_code == 204
    deletion = platform.get("/api/v1/audit-events", params={"organisation_id": wf.org.id}).json()["events"]

    assert [e["action"] for e in deletion] == ["organisation.deleted"]
    assert {e["action"] for e in [*listed, *deletion]} == {a.value for a in AuditAction}
    assert len(stored) == len(listed)
    left = db_scalars(select(AuditEvent).where(or_(AuditEvent.organisation_id == org_id,
                                                   AuditEvent.object_id == org_id)))
    assert [e.action for e in left] == ["organisation.deleted"]  # the organisation's own log went with it

    text = json.dumps([*listed, *deletion]) + repr([[getattr(r, c.name) for c in AuditEvent.__table__.columns]
                                                     for r in [*stored, *left]])
    for secret in [*wf.secrets, *wf.sign_in_secrets]:
        assert secret not in text, secret
    for event in [*listed, *deletion]:
        for name, value in (event["details"] or {}).items():
            assert name.isidentifier() and (value is None or isinstance(value, int | bool | list)
                                            or _is_uuid_or_enum(value)), (event["action"], name, value)


def _is_uuid_or_enum(value: str) -> bool:
    try:
        uuid.UUID(value)
        return True
    except ValueError:
        return value in {"org_admin", "analyst", "platform_admin", "leader", *SignInMethod, *SignInFailure,
                         *ActionStatus}


def test_kept_answers_hold_no_token_in_the_clear(platform, server_url, http, mailbox):
    wf = run_workflow(platform, server_url, http, mailbox)
    records = db_scalars(select(IdempotencyRecord).where(IdempotencyRecord.organisation_id == uuid.UUID(wf.org.id)))
    assert len(records) == len(wf.idempotency_keys)
    stored = b"".join(r.sealed_response + r.key_hash.encode() + r.request_hash.encode() for r in records)
    for secret in [*wf.secrets, *wf.idempotency_keys]:
        assert secret.encode() not in stored, secret
    wf.org.close()
