import uuid

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from app.audit.actions import AuditAction, ObjectType
from app.audit.models import AuditEvent
from app.audit.schemas import AuditActor, AuditEventRead, AuditPage, AuditQuery
from app.audit.values import Detail, plain
from app.auth.service import Principal
from app.db import utcnow


def page(session: Session, query: AuditQuery, organisation_id: uuid.UUID | None) -> AuditPage:
    """One page of events, newest first (by id, so pages neither skip nor repeat an event)."""
    statement = select(AuditEvent)
    if organisation_id is not None:
        # The organisation's deletion outlives it, without an organisation_id: it is found by its object.
        statement = statement.where(or_(AuditEvent.organisation_id == organisation_id,
                                        and_(AuditEvent.object_type == ObjectType.organisation.value,
                                             AuditEvent.object_id == organisation_id)))
    if query.action:
        statement = statement.where(AuditEvent.action.in_([a.value for a in query.action]))
    if query.object_type is not None:
        statement = statement.where(AuditEvent.object_type == query.object_type.value)
    if query.object_id is not None:
        statement = statement.where(AuditEvent.object_id == query.object_id)
    if query.actor_key_id is not None:
        statement = statement.where(AuditEvent.actor_key_id == query.actor_key_id)
    if query.since is not None:
        statement = statement.where(AuditEvent.occurred_at >= query.since)
    if query.until is not None:
        statement = statement.where(AuditEvent.occurred_at < query.until)
    if query.cursor is not None:
        statement = statement.where(AuditEvent.id < int(query.cursor))
    rows = list(session.scalars(statement.order_by(AuditEvent.id.desc()).limit(query.limit + 1)))
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    return AuditPage(events=[_read(row) for row in rows], next_cursor=str(rows[-1].id) if more else None)


def _read(row: AuditEvent) -> AuditEventRead:
    return AuditEventRead(id=row.id, occurred_at=row.occurred_at, organisation_id=row.organisation_id,
                          actor=AuditActor(kind=row.actor_kind, key_id=row.actor_key_id, key_name=row.actor_key_name),
                          action=row.action, object_type=row.object_type, object_id=row.object_id,
                          details=row.details)


def record(session: Session, action: AuditAction, object_id: uuid.UUID, *, organisation_id: uuid.UUID | None,
           actor: Principal | None, **details: Detail) -> None:
    """An event outside the audit trail of a request with a caller: a sign-in, or a failure where nobody is signed
    in (`actor` None). It joins `session`'s transaction."""
    session.add(AuditEvent(
        occurred_at=utcnow(), organisation_id=organisation_id,
        actor_kind=actor.kind.value if actor is not None else "none",
        actor_key_id=actor.actor_id if actor is not None else None, actor_key_name=actor.name if actor else "",
        action=action.value, object_type=action.object_type.value, object_id=object_id,
        details={name: plain(value) for name, value in details.items()} or None))
