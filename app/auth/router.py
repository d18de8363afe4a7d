import uuid

from fastapi import APIRouter, status
from sqlalchemy import select

from app.audit.actions import AuditAction
from app.audit.trail import AuditDep
from app.auth import service
from app.auth.models import ApiKey, Role
from app.auth.schemas import KeyCreate, KeyCreated, KeyRead, Me
from app.db import utcnow
from app.deps import AdminOrganisationDep, CurrentKey, SessionDep, TreeDep
from app.errors import NotFound, Unprocessable, problem_responses
from app.idempotency.deps import IdempotentDep
from app.paging import PagingDep, micros

router = APIRouter(tags=["keys"], responses=problem_responses(401, 404, 422))
KEYS = "/organisations/{organisation_id}/keys"


@router.get("/me", name="get_current_key")
def get_current_key(principal: CurrentKey) -> Me:
    """Who is calling, by API key or signed-in session: role, organisation and unit scope."""
    units = None if principal.unit_ids is None else sorted(principal.unit_ids)
    return Me(kind=principal.kind, key_id=None if principal.is_person else principal.actor_id,
              person_id=principal.actor_id if principal.is_person else None, name=principal.name,
              role=principal.role, organisation_id=principal.organisation_id,
              unit_id=units[0] if units is not None and len(units) == 1 else None, unit_ids=units)


@router.post(KEYS, name="create_key", status_code=status.HTTP_201_CREATED, responses=problem_responses(403, 409))
def create_key(data: KeyCreate, organisation: AdminOrganisationDep, tree: TreeDep, session: SessionDep,
               audit: AuditDep, once: IdempotentDep) -> KeyCreated:
    """Create an organisation admin or analyst key. The response holds the key once; only its hash is kept."""
    if data.role not in (Role.org_admin, Role.analyst):
        msg = "platform admin keys come from the CLI" if data.role is Role.platform_admin else \
            "leaders are people, not keys: an analyst key with a unit_id reads a unit's subtree"
        raise Unprocessable(errors=[{"loc": ["body", "role"], "msg": msg, "type": "value_error"}])
    if data.unit_id is not None and (data.role is not Role.analyst or data.unit_id not in tree.units):
        msg = "only analyst keys take a unit scope" if data.role is not Role.analyst else "no such unit"
        raise Unprocessable(errors=[{"loc": ["body", "unit_id"], "msg": msg, "type": "value_error"}])
    if data.expires_at is not None and (data.expires_at.tzinfo is None or data.expires_at <= utcnow()):
        raise Unprocessable(errors=[{"loc": ["body", "expires_at"], "msg": "must be a future time with a timezone",
                                     "type": "value_error"}])
    key, secret = service.create_key(session, role=data.role, name=data.name, organisation_id=organisation.id,
                                     unit_id=data.unit_id, expires_at=data.expires_at)
    audit.record(AuditAction.key_created, key.id, role=key.role, unit_id=key.unit_id)
    return once.remember(KeyCreated(**KeyRead.model_validate(key).model_dump(), key=secret))


@router.get(KEYS, name="list_keys", responses=problem_responses(403))
def list_keys(organisation: AdminOrganisationDep, session: SessionDep, paging: PagingDep) -> list[KeyRead]:
    """The organisation's keys, oldest first, revoked and expired ones included (never their secrets). `limit`
    pages the list (see `Link`)."""
    keys = session.scalars(select(ApiKey).where(ApiKey.organisation_id == organisation.id))
    return [KeyRead.model_validate(k) for k in paging.page(keys, lambda k: [micros(k.created_at), str(k.id)])]


@router.delete(KEYS + "/{key_id}", name="revoke_key", status_code=status.HTTP_204_NO_CONTENT,
               responses=problem_responses(403))
def revoke_key(key_id: uuid.UUID, organisation: AdminOrganisationDep, session: SessionDep, audit: AuditDep) -> None:
    """Revoke a key at once. The record stays, marked revoked, for the audit trail."""
    key = session.get(ApiKey, key_id)
    if key is None or key.organisation_id != organisation.id:
        raise NotFound("No such key.")
    key.revoked_at = key.revoked_at or utcnow()
    session.flush()
    audit.record(AuditAction.key_revoked, key.id)
