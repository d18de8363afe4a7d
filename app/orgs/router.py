from fastapi import APIRouter, status
from sqlalchemy import select

from app.audit.actions import AuditAction
from app.audit.trail import AuditDep
from app.deps import AdminOrganisationDep, CurrentKey, OrganisationDep, PlatformAdmin, SessionDep
from app.errors import problem_responses
from app.idempotency.deps import IdempotentDep
from app.orgs import service
from app.orgs.models import Organisation
from app.orgs.schemas import (
    LayerRead,
    LayersReplace,
    OrganisationCreate,
    OrganisationRead,
    OrganisationUpdate,
)
from app.paging import PagingDep
from app.reports.erasure import forget_after_commit
from app.surveys import service as survey_service

router = APIRouter(prefix="/organisations", responses=problem_responses(401, 404, 422))
ORG = "/{organisation_id}"


@router.post("", name="create_organisation", status_code=status.HTTP_201_CREATED, tags=["organisations"],
             responses=problem_responses(403, 409))
def create_organisation(data: OrganisationCreate, session: SessionDep, _: PlatformAdmin, audit: AuditDep,
                        once: IdempotentDep) -> OrganisationRead:
    """Create an organisation (a tenant) with the default leadership layers. Platform admins only."""
    organisation = service.create_organisation(session, name=data.name, slug=data.slug)
    audit.record(AuditAction.organisation_created, organisation.id, organisation_id=organisation.id)
    read = OrganisationRead.model_validate(organisation)
    return once.created(read, "get_organisation", organisation_id=organisation.id)


@router.get("", name="list_organisations", tags=["organisations"])
def list_organisations(session: SessionDep, principal: CurrentKey, paging: PagingDep) -> list[OrganisationRead]:
    """The organisations this key reaches, by name: all of them for a platform admin, otherwise its own. `limit`
    pages the list (see `Link`)."""
    query = select(Organisation)
    if not principal.is_platform_admin:
        query = query.where(Organisation.id == principal.organisation_id)
    organisations = paging.page(session.scalars(query), lambda o: [o.name.casefold(), o.name, str(o.id)])
    return [OrganisationRead.model_validate(o) for o in organisations]


@router.get(ORG, name="get_organisation", tags=["organisations"])
def get_organisation(organisation: OrganisationDep) -> OrganisationRead:
    """One organisation, if the key reaches it."""
    return OrganisationRead.model_validate(organisation)


@router.patch(ORG, name="update_organisation", tags=["organisations"], responses=problem_responses(403))
def update_organisation(data: OrganisationUpdate, organisation: AdminOrganisationDep,
                        session: SessionDep, audit: AuditDep) -> OrganisationRead:
    """Rename the organisation. Organisation admins only."""
    organisation.name = data.name.strip()
    session.flush()
    audit.record(AuditAction.organisation_updated, organisation.id, fields=["name"])
    return OrganisationRead.model_validate(organisation)


@router.delete(ORG, name="delete_organisation", status_code=status.HTTP_204_NO_CONTENT, tags=["organisations"],
               responses=problem_responses(403))
def delete_organisation(organisation: OrganisationDep, session: SessionDep, _: PlatformAdmin,
                        audit: AuditDep) -> None:
    """Delete an organisation and everything it holds: units, layers, keys, questionnaires, surveys with every
    response, invitation and self-assessment, and its audit log. Irreversible. What remains is one audit event
    for platform admins: which key deleted the organisation, when, and how many surveys and responses went."""
    survey_ids, erased = survey_service.delete_all_surveys(session, organisation)
    service.delete_organisation(session, organisation)
    forget_after_commit(session, survey_ids)
    audit.record(AuditAction.organisation_deleted, organisation.id, organisation_id=None, surveys=erased.surveys,
                 responses=erased.responses, invitations=erased.invitations,
                 self_assessments=erased.self_assessments)


@router.get(ORG + "/layers", name="list_layers", tags=["layers"])
def list_layers(organisation: OrganisationDep, session: SessionDep, paging: PagingDep) -> list[LayerRead]:
    """The organisation's leadership layers, top (rank 1) first."""
    layers = paging.page(service.list_layers(session, organisation), lambda layer: [layer.rank])
    return [LayerRead.model_validate(layer) for layer in layers]


@router.put(ORG + "/layers", name="replace_layers", tags=["layers"], responses=problem_responses(403, 409))
def replace_layers(data: LayersReplace, organisation: AdminOrganisationDep, session: SessionDep,
                   audit: AuditDep) -> list[LayerRead]:
    """Replace the ordered list of layers. Allowed only while no survey of the organisation exists."""
    layers = service.replace_layers(session, organisation, data.layers)
    audit.record(AuditAction.organisation_layers_replaced, organisation.id, layers=len(layers))
    return [LayerRead.model_validate(layer) for layer in layers]
