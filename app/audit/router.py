from typing import Annotated

from fastapi import APIRouter, Query

from app.audit import service
from app.audit.schemas import AuditPage, AuditQuery, PlatformAuditQuery
from app.deps import AdminOrganisationDep, PlatformAdmin, SessionDep
from app.errors import problem_responses

router = APIRouter(tags=["audit"], responses=problem_responses(401, 403, 422))


@router.get("/organisations/{organisation_id}/audit-events", name="list_audit_events",
            responses=problem_responses(404))
def list_audit_events(query: Annotated[AuditQuery, Query()], organisation: AdminOrganisationDep,
                      session: SessionDep) -> AuditPage:
    """Who changed what in the organisation, and when: newest first, a page at a time (`cursor`), filtered by
    action, object, key or time. Organisation admins only. Respondents' drafts and submissions are never logged
    (that would time-stamp anonymous answers), and no event holds an answer, token, key or file content."""
    return service.page(session, query, organisation.id)


@router.get("/audit-events", name="list_all_audit_events")
def list_all_audit_events(query: Annotated[PlatformAuditQuery, Query()], session: SessionDep,
                          _: PlatformAdmin) -> AuditPage:
    """Every organisation's events, and the deletions of organisations (which outlive them). Platform admins only."""
    return service.page(session, query, query.organisation_id)
