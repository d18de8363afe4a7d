from fastapi import APIRouter, status
from sqlalchemy import select

from app.deps import AdminOrganisationDep, CurrentKey, OrganisationDep, PlatformAdmin, SessionDep
from app.errors import problem_responses
from app.orgs import service
from app.orgs.models import Organisation
from app.orgs.schemas import (
    LayerRead,
    LayersReplace,
    OrganisationCreate,
    OrganisationRead,
    OrganisationUpdate,
)

router = APIRouter(prefix="/organisations", responses=problem_responses(401, 404, 422))
ORG = "/{organisation_id}"


@router.post("", name="create_organisation", status_code=status.HTTP_201_CREATED, tags=["organisations"],
             responses=problem_responses(403, 409))
def create_organisation(data: OrganisationCreate, session: SessionDep, _: PlatformAdmin) -> OrganisationRead:
    """Create an organisation (a tenant) with the default leadership layers. Platform admins only."""
    return OrganisationRead.model_validate(service.create_organisation(session, name=data.name, slug=data.slug))


@router.get("", name="list_organisations", tags=["organisations"])
def list_organisations(session: SessionDep, principal: CurrentKey) -> list[OrganisationRead]:
    """The organisations this key reaches: all of them for a platform admin, otherwise its own."""
    query = select(Organisation).order_by(Organisation.name)
    if not principal.is_platform_admin:
        query = query.where(Organisation.id == principal.organisation_id)
    return [OrganisationRead.model_validate(o) for o in session.scalars(query)]


@router.get(ORG, name="get_organisation", tags=["organisations"])
def get_organisation(organisation: OrganisationDep) -> OrganisationRead:
    """One organisation, if the key reaches it."""
    return OrganisationRead.model_validate(organisation)


@router.patch(ORG, name="update_organisation", tags=["organisations"], responses=problem_responses(403))
def update_organisation(data: OrganisationUpdate, organisation: AdminOrganisationDep,
                        session: SessionDep) -> OrganisationRead:
    """Rename the organisation. Organisation admins only."""
    organisation.name = data.name.strip()
    session.flush()
    return OrganisationRead.model_validate(organisation)


@router.delete(ORG, name="delete_organisation", status_code=status.HTTP_204_NO_CONTENT, tags=["organisations"],
               responses=problem_responses(403))
def delete_organisation(organisation: OrganisationDep, session: SessionDep, _: PlatformAdmin) -> None:
    """Delete an organisation and everything it holds: units, keys, surveys and every response. Irreversible."""
    session.delete(organisation)
    session.flush()


@router.get(ORG + "/layers", name="list_layers", tags=["layers"])
def list_layers(organisation: OrganisationDep, session: SessionDep) -> list[LayerRead]:
    """The organisation's leadership layers, top (rank 1) first."""
    return [LayerRead.model_validate(layer) for layer in service.list_layers(session, organisation)]


@router.put(ORG + "/layers", name="replace_layers", tags=["layers"], responses=problem_responses(403, 409))
def replace_layers(data: LayersReplace, organisation: AdminOrganisationDep, session: SessionDep) -> list[LayerRead]:
    """Replace the ordered list of layers. Allowed only while no survey of the organisation exists."""
    return [LayerRead.model_validate(layer) for layer in service.replace_layers(session, organisation, data.layers)]
