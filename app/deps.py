"""Shared request dependencies: the database session, the caller's key and path-id validation."""

import uuid
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from app.auth import service as auth_service
from app.auth.models import Role
from app.auth.service import Principal
from app.db import get_session
from app.errors import Forbidden, NotFound, Unauthorized
from app.orgs.models import Organisation
from app.units.models import Unit
from app.units.tree import UnitTree, load_tree

READ_METHODS = frozenset({"GET", "HEAD"})


def request_session(request: Request) -> Iterator[Session]:
    """The request's session; a GET or HEAD only reads (on SQLite: without taking the write lock, see app.db)."""
    yield from get_session(read_only=request.method in READ_METHODS)


# scope="function": the session commits before the response is sent, so an acknowledged write is durable.
SessionDep = Annotated[Session, Depends(request_session, scope="function")]

_bearer = HTTPBearer(auto_error=False, description="An API key: `Authorization: Bearer cgk_...`")


def get_principal(session: SessionDep,
                  credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("Send an API key as `Authorization: Bearer <key>`.")
    principal = auth_service.authenticate(session, credentials.credentials)
    if principal is None:
        raise Unauthorized("The API key is unknown, revoked or expired.")
    return principal


CurrentKey = Annotated[Principal, Depends(get_principal)]


def require_role(*roles: Role):  # type: ignore[no-untyped-def]
    def check(principal: CurrentKey) -> Principal:
        if principal.role not in roles:
            raise Forbidden(f"This needs a key with role {' or '.join(r.value for r in roles)}.")
        return principal

    return check


PlatformAdmin = Annotated[Principal, Depends(require_role(Role.platform_admin))]


def valid_organisation(organisation_id: Annotated[uuid.UUID, Path()], session: SessionDep,
                       principal: CurrentKey) -> Organisation:
    """The organisation named in the path, if the key reaches it; 404 otherwise (no hint it exists)."""
    organisation = session.get(Organisation, organisation_id)
    if organisation is None or not principal.reaches_organisation(organisation.id):
        raise NotFound("No such organisation.")
    return organisation


OrganisationDep = Annotated[Organisation, Depends(valid_organisation)]


def admin_organisation(organisation: OrganisationDep, principal: CurrentKey) -> Organisation:
    """The organisation, for a change that needs its admin (or a platform admin)."""
    if not principal.administers(organisation.id):
        raise Forbidden("This change needs an organisation admin key.")
    return organisation


AdminOrganisationDep = Annotated[Organisation, Depends(admin_organisation)]


def visible_tree(organisation: OrganisationDep, session: SessionDep, principal: CurrentKey) -> UnitTree:
    return load_tree(session, organisation.id)


TreeDep = Annotated[UnitTree, Depends(visible_tree)]


def key_reaches_unit(principal: Principal, tree: UnitTree, unit_id: uuid.UUID) -> bool:
    if unit_id not in tree.units:
        return False
    return principal.unit_id is None or tree.is_within(unit_id, principal.unit_id)


def valid_unit(unit_id: Annotated[uuid.UUID, Path()], organisation: OrganisationDep, tree: TreeDep,
               principal: CurrentKey) -> Unit:
    """A unit of the organisation inside the key's subtree; 404 otherwise."""
    if not key_reaches_unit(principal, tree, unit_id):
        raise NotFound("No such unit.")
    return tree.units[unit_id]


UnitDep = Annotated[Unit, Depends(valid_unit)]
