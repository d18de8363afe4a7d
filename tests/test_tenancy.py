"""Isolation, checked on every route the app has.

The routes are discovered from the app's own OpenAPI document (every /api/v1 route is in it), so a new route fails
this test until the table below says how to reach an object of another organisation (or of another unit) through
each of its path parameters.
"""

import httpx
import pytest

from tests.api_world import PARAM, World, routes

# Routes that take no organisation-scoped path parameter, with the test that covers their isolation.
UNSCOPED = {
    ("GET", "/api/v1/organisations"): "test_orgs.py::test_listing_shows_only_own_organisation",
    ("POST", "/api/v1/organisations"): "test_orgs.py::test_only_platform_admins_create_and_delete_organisations",
    ("GET", "/api/v1/me"): "test_keys.py::test_me_describes_the_key",
    ("GET", "/api/v1/audit-events"): "test_audit.py::test_only_organisation_and_platform_admins_read_it",
    ("POST", "/api/v1/sign-in"): "test_sign_in_links.py::test_a_link_signs_in_once_within_its_organisation",
    ("POST", "/api/v1/sign-in/link"): "test_sign_in_links.py::test_a_link_signs_in_once_within_its_organisation",
    ("GET", "/api/v1/session"): "test_sessions.py::test_a_session_reaches_only_its_own_organisation",
    ("DELETE", "/api/v1/session"): "test_sessions.py::test_signing_out_ends_only_that_session",
    ("DELETE", "/api/v1/sessions"): "test_sessions.py::test_signing_out_everywhere_ends_every_session",
}
ROUTES = routes("/api/v1")


def _call(client: httpx.Client, method: str, path: str) -> httpx.Response:
    body = {} if method in {"POST", "PUT", "PATCH"} else None
    return client.request(method, path, json=body)


def test_every_route_is_classified():
    for route in ROUTES:
        if not route.params and not route.by_token:
            assert (route.method, route.path) in UNSCOPED, f"{route}: no path id and no isolation test named"


SCOPED = [(r.method, r.path) for r in ROUTES if r.params]


@pytest.mark.parametrize(("method", "path"), SCOPED, ids=[f"{m} {p}" for m, p in SCOPED])
def test_another_organisations_objects_are_404(method, path, org, other_org):
    """Org A's admin key, pointed at org B's objects (or A's organisation with B's object ids): always 404."""
    theirs = World(other_org)
    foreign_path = PARAM.sub(lambda m: theirs[m.group(1)], path)
    response = _call(org.admin, method, foreign_path)
    assert response.status_code == 404, f"{method} {foreign_path}: {response.status_code} {response.text[:200]}"
    params = PARAM.findall(path)
    if len(params) > 1:  # our organisation, their object
        mixed = PARAM.sub(lambda m: org.id if m.group(1) == "organisation_id" else theirs[m.group(1)], path)
        response = _call(org.admin, method, mixed)
        assert response.status_code == 404, f"{method} {mixed}: {response.status_code} {response.text[:200]}"


UNIT_ROUTES = [(r.method, r.path) for r in ROUTES if "{unit_id}" in r.path]


@pytest.mark.parametrize(("method", "path"), UNIT_ROUTES, ids=[f"{m} {p}" for m, p in UNIT_ROUTES])
def test_unit_scoped_key_gets_404_outside_its_subtree(method, path, org):
    world = World(org).at("Outside")
    scoped = org.client_for("analyst", world.units["Inside"])
    response = _call(scoped, method, PARAM.sub(lambda m: world[m.group(1)], path))
    assert response.status_code == 404, f"{method} {path}: {response.status_code}"


def test_discovery_sees_the_routes():
    paths = {r.path for r in ROUTES}
    assert "/api/v1/organisations/{organisation_id}/units/{unit_id}" in paths
    assert len(ROUTES) >= 15
