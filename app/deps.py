"""Shared request dependencies: the database session, the caller (an API key or a signed-in person's session) and
path-id validation."""

import uuid
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from app.auth import service as auth_service
from app.auth.models import Role
from app.auth.service import Principal
from app.db import get_session
from app.errors import Forbidden, NotFound, Unauthorized
from app.orgs.models import Organisation
from app.sessions import service as session_service
from app.units.models import Unit
from app.units.tree import UnitTree, load_tree

READ_METHODS = frozenset({"GET", "HEAD"})


def request_session(request: Request) -> Iterator[Session]:
    """The request's session; a GET or HEAD only reads (on SQLite: without taking the write lock, see app.db)."""
    yield from get_session(read_only=request.method in READ_METHODS)


# scope="function": the session commits before the response is sent, so an acknowledged write is durable.
SessionDep = Annotated[Session, Depends(request_session, scope="function")]

_bearer = HTTPBearer(auto_error=False, scheme_name="apiKey",
                     description="An API key: `Authorization: Bearer cgk_...` (integrations, scripts).")
_session_cookie = APIKeyCookie(
    name=session_service.COOKIE, auto_error=False, scheme_name="session",
    description="A signed-in person's session (the dashboard): the cookie set at sign-in (`__Host-cg_session` "
                "behind HTTPS). Every request that changes something must also send the session's CSRF token, "
                "from `GET /api/v1/session`, in the `X-CSRF-Token` header.")


def _session_secret(request: Request) -> str | None:
    return request.cookies.get(session_service.SECURE_COOKIE) or request.cookies.get(session_service.COOKIE)


def get_principal(request: Request, session: SessionDep,
                  credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
                  _cookie: Annotated[str | None, Depends(_session_cookie)]) -> Principal:
    """The caller: an API key when an Authorization header is sent, else the session of the cookie. A write by
    session needs its CSRF token in `X-CSRF-Token` (403 without it)."""
    if request.headers.get("authorization") is not None:
        if credentials is None or credentials.scheme.lower() != "bearer":
            raise Unauthorized("Send an API key as `Authorization: Bearer <key>`.")
        principal = auth_service.authenticate(session, credentials.credentials)
        if principal is None:
            raise Unauthorized("The API key is unknown, revoked or expired.")
        return principal
    secret = _session_secret(request)
    if secret is None:
        raise Unauthorized("Sign in, or send an API key as `Authorization: Bearer <key>`.")
    found = session_service.find(session, secret)
    if found is None:
        raise Unauthorized("The session has ended: sign in again.")
    row, person = found
    writes = request.method not in READ_METHODS
    if writes and not session_service.csrf_matches(row, request.headers.get(session_service.CSRF_HEADER)):
        raise Forbidden("A change made with a session needs its CSRF token in the X-CSRF-Token header.")
    session_service.touch(row, session if writes else None)
    return session_service.principal_of(session, row, person)


CurrentKey = Annotated[Principal, Depends(get_principal)]


def require_role(*roles: Role):  # type: ignore[no-untyped-def]
    def check(principal: CurrentKey) -> Principal:
        if principal.role not in roles:
            raise Forbidden(f"This needs the role {' or '.join(r.value for r in roles)}.")
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
    """Whether the caller (key or person) reaches the unit: it is in the organisation and inside one of the
    caller's subtrees (any unit, for a caller of the whole organisation)."""
    if unit_id not in tree.units:
        return False
    return principal.unit_ids is None or any(tree.is_within(unit_id, root) for root in principal.unit_ids)


def reachable_roots(principal: Principal, tree: UnitTree) -> list[uuid.UUID | None]:
    """The tops of the caller's subtrees ([None]: the whole organisation), without one inside another."""
    if principal.unit_ids is None:
        return [None]
    roots = [u for u in principal.unit_ids if u in tree.units]
    tops = sorted((u for u in roots if not any(o != u and tree.is_within(u, o) for o in roots)), key=tree.path)
    return list(tops)


def valid_unit(unit_id: Annotated[uuid.UUID, Path()], organisation: OrganisationDep, tree: TreeDep,
               principal: CurrentKey) -> Unit:
    """A unit of the organisation inside the key's subtree; 404 otherwise."""
    if not key_reaches_unit(principal, tree, unit_id):
        raise NotFound("No such unit.")
    return tree.units[unit_id]


UnitDep = Annotated[Unit, Depends(valid_unit)]
