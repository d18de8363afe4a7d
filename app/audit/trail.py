"""Recording audit events from a request: the operation says which actions it may record (`actions.py`), the
handler says what happened to which object. The event joins the request's transaction."""

import uuid
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request

from app.audit.actions import AUDITED_OPERATIONS, AuditAction
from app.audit.models import AuditEvent
from app.audit.values import Detail, plain
from app.auth.service import Principal
from app.db import utcnow
from app.deps import CurrentKey, SessionDep


class _FromPath:
    """The default organisation of an event: the one in the request's path."""


_FROM_PATH = _FromPath()


class AuditTrail:
    def __init__(self, session: SessionDep, principal: Principal, operation: str, path_organisation: str | None):
        if operation not in AUDITED_OPERATIONS:
            raise RuntimeError(f"operation {operation!r} records audit events but is not in AUDITED_OPERATIONS")
        self._session = session
        self._principal = principal
        self.operation = operation
        self._path_organisation = path_organisation
        self.recorded = 0

    def record(self, action: AuditAction, object_id: uuid.UUID, *,
               organisation_id: uuid.UUID | _FromPath | None = _FROM_PATH, **details: Detail) -> None:
        """Add the event to the request's transaction. `organisation_id` defaults to the one in the path."""
        if action not in AUDITED_OPERATIONS[self.operation]:
            raise RuntimeError(f"{self.operation} may not record {action}")
        if isinstance(organisation_id, _FromPath):
            organisation_id = uuid.UUID(self._path_organisation) if self._path_organisation else None
        self._session.add(AuditEvent(
            occurred_at=utcnow(), organisation_id=organisation_id, actor_kind=self._principal.kind.value,
            actor_key_id=self._principal.actor_id, actor_key_name=self._principal.name, action=action.value,
            object_type=action.object_type.value,
            object_id=object_id, details={name: plain(value) for name, value in details.items()} or None))
        self.recorded += 1


def audit_trail(request: Request, session: SessionDep, principal: CurrentKey) -> Iterator[AuditTrail]:
    """The request's audit trail. A handler that returns without recording an event fails the request (and rolls
    its change back): an audited operation never changes anything unrecorded."""
    route = request.scope.get("route")
    trail = AuditTrail(session, principal, getattr(route, "name", ""), request.path_params.get("organisation_id"))
    yield trail
    if not trail.recorded:
        raise RuntimeError(f"{trail.operation} returned without recording an audit event")


AuditDep = Annotated[AuditTrail, Depends(audit_trail, scope="function")]
