from fastapi import APIRouter, Request, status

from app.audit.actions import AuditAction
from app.audit.trail import AuditDep
from app.config import get_settings
from app.db import utcnow
from app.deps import AdminOrganisationDep, SessionDep
from app.errors import NotFound, Unprocessable, problem_responses
from app.oidc import sealing
from app.oidc.models import SingleSignOn
from app.oidc.schemas import SingleSignOnRead, SingleSignOnSet

router = APIRouter(prefix="/organisations/{organisation_id}/single-sign-on", tags=["single sign-on"],
                   responses=problem_responses(401, 403, 404, 422))
CALLBACK = "/auth/oidc/callback"


def redirect_uri(request: Request) -> str:
    """The callback the provider sends the browser back to: under PUBLIC_BASE_URL, or this request's base URL."""
    return (get_settings().public_base_url or str(request.base_url)).rstrip("/") + CALLBACK


def _read(row: SingleSignOn, request: Request) -> SingleSignOnRead:
    return SingleSignOnRead(organisation_id=str(row.organisation_id), issuer=row.issuer, client_id=row.client_id,
                            email_claim=row.email_claim, allowed_domains=row.allowed_domains, enabled=row.enabled,
                            redirect_uri=redirect_uri(request), updated_at=row.updated_at)


@router.get("", name="get_single_sign_on")
def get_single_sign_on(organisation: AdminOrganisationDep, session: SessionDep,
                       request: Request) -> SingleSignOnRead:
    """The organisation's OpenID Connect provider (never the client secret); 404 when it has none."""
    row = session.get(SingleSignOn, organisation.id)
    if row is None:
        raise NotFound("The organisation has no single sign-on.")
    return _read(row, request)


@router.put("", name="set_single_sign_on", responses=problem_responses(409))
def set_single_sign_on(data: SingleSignOnSet, organisation: AdminOrganisationDep, session: SessionDep,
                       request: Request, audit: AuditDep) -> SingleSignOnRead:
    """Set the organisation's OpenID Connect provider: issuer, client id and secret (stored encrypted, never
    returned), the claim holding the e-mail address and the e-mail domains allowed in. Register `redirect_uri`
    from the answer at the provider. People of the allowed domains then sign in there, not by e-mailed link."""
    row = session.get(SingleSignOn, organisation.id)
    if row is None and data.client_secret is None:
        raise Unprocessable(errors=[{"loc": ["body", "client_secret"], "msg": "required the first time",
                                     "type": "missing"}])
    sealed = sealing.seal(organisation.id, data.client_secret) if data.client_secret is not None else None
    if row is None:
        row = SingleSignOn(organisation_id=organisation.id, client_secret_sealed=sealed)
        session.add(row)
    elif sealed is not None:
        row.client_secret_sealed = sealed
    row.issuer, row.client_id, row.email_claim = data.issuer, data.client_id, data.email_claim
    row.allowed_domains, row.enabled, row.updated_at = list(dict.fromkeys(data.allowed_domains)), data.enabled, utcnow()
    session.flush()
    audit.record(AuditAction.organisation_single_sign_on_set, organisation.id, enabled=data.enabled,
                 secret_changed=sealed is not None)
    return _read(row, request)


@router.delete("", name="delete_single_sign_on", status_code=status.HTTP_204_NO_CONTENT)
def delete_single_sign_on(organisation: AdminOrganisationDep, session: SessionDep, audit: AuditDep) -> None:
    """Remove the organisation's single sign-on: its people sign in by e-mailed link again."""
    row = session.get(SingleSignOn, organisation.id)
    if row is None:
        raise NotFound("The organisation has no single sign-on.")
    session.delete(row)
    session.flush()
    audit.record(AuditAction.organisation_single_sign_on_removed, organisation.id)
