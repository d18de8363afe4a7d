"""Isolation, checked on every route the app has.

The routes are discovered from the app's own OpenAPI document (every /api/v1 route is in it), so a new route fails
this test until the table below says how to reach an object of another organisation (or of another unit) through
each of its path parameters.
"""

import re

import httpx
import pytest

from app.main import create_app
from tests.factories import OrgContext

# Routes that take no organisation-scoped path parameter, with the test that covers their isolation.
UNSCOPED = {
    ("GET", "/api/v1/organisations"): "test_orgs.py::test_listing_shows_only_own_organisation",
    ("POST", "/api/v1/organisations"): "test_orgs.py::test_only_platform_admins_create_and_delete_organisations",
    ("GET", "/api/v1/me"): "test_keys.py::test_me_describes_the_key",
    ("GET", "/api/v1/audit-events"): "test_audit.py::test_only_organisation_and_platform_admins_read_it",
}
TOKEN_ROUTES = re.compile(r"^/api/v1/respond(/|$)")  # authorised by an invitation token, not a key


def _routes() -> list[tuple[str, str, dict]]:
    paths = create_app().openapi()["paths"]
    return [(method.upper(), path, operation) for path, operations in paths.items() if path.startswith("/api/v1")
            for method, operation in sorted(operations.items())]


ROUTES = _routes()
PARAM = re.compile(r"{(\w+)}")


class World:
    """Objects of one organisation, created lazily, one of each kind the path parameters name."""

    def __init__(self, ctx: OrgContext):
        self.ctx = ctx
        self._cache: dict[str, str] = {}

    def __getitem__(self, param: str) -> str:
        if param not in self._cache:
            maker = getattr(self, f"make_{param}", None)
            if maker is None:
                pytest.fail(f"tests/test_tenancy.py has no way to make a `{param}`: add `make_{param}` to World")
            self._cache[param] = maker()
        return self._cache[param]

    def make_organisation_id(self) -> str:
        return self.ctx.id

    def make_unit_id(self) -> str:
        return self.ctx.unit("Tenancy unit")

    def make_key_id(self) -> str:
        response = self.ctx.admin.post(f"{self.ctx.prefix}/keys", json={"name": "tenancy", "role": "analyst"})
        return str(response.json()["id"])

    def make_survey_id(self) -> str:
        from tests.survey_factories import create_survey

        return str(create_survey(self.ctx)["id"])

    def make_self_assessment_id(self) -> str:
        survey_id = self["survey_id"]
        response = self.ctx.admin.post(f"{self.ctx.prefix}/surveys/{survey_id}/self-assessments", json={
            "unit_id": self["unit_id"], "layer_id": self.ctx.layers["team_leader"], "leader_name": "Tenancy",
            "consent": True, "language": "en", "current": {"openness_1": 4}})
        return str(response.json()["id"])

    def make_questionnaire_id(self) -> str:
        from tests.survey_factories import create_questionnaire

        return str(create_questionnaire(self.ctx)["id"])


def _call(client: httpx.Client, method: str, path: str) -> httpx.Response:
    body = {} if method in {"POST", "PUT", "PATCH"} else None
    return client.request(method, path, json=body)


def test_every_route_is_classified():
    for method, path, _ in ROUTES:
        if not PARAM.search(path) and not TOKEN_ROUTES.match(path):
            assert (method, path) in UNSCOPED, f"{method} {path}: no path id and no isolation test named"


@pytest.mark.parametrize(("method", "path"), [(m, p) for m, p, _ in ROUTES if PARAM.search(p)],
                         ids=[f"{m} {p}" for m, p, _ in ROUTES if PARAM.search(p)])
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


UNIT_ROUTES = [(m, p) for m, p, _ in ROUTES if "{unit_id}" in p]


@pytest.mark.parametrize(("method", "path"), UNIT_ROUTES, ids=[f"{m} {p}" for m, p in UNIT_ROUTES])
def test_unit_scoped_key_gets_404_outside_its_subtree(method, path, org):
    ids = org.tree({"Inside": {"Below": {}}, "Outside": {}})
    scoped = org.client_for("analyst", ids["Inside"])
    world = World(org)
    world._cache.update(unit_id=ids["Outside"])
    response = _call(scoped, method, PARAM.sub(lambda m: world[m.group(1)], path))
    assert response.status_code == 404, f"{method} {path}: {response.status_code}"


def test_discovery_sees_the_routes():
    paths = {p for _, p, _ in ROUTES}
    assert "/api/v1/organisations/{organisation_id}/units/{unit_id}" in paths
    assert len(ROUTES) >= 15
