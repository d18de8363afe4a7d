"""Property-based fuzzing of every operation with schemathesis, against the OpenAPI document the running server
serves, as each kind of caller: platform admin, organisation admin, analyst, unit-scoped analyst and respondent.

Path ids are real (an organisation with units, a survey with answers, a questionnaire, a self-assessment, unused
invitation tokens), so requests get past the 404 at the door and reach the code behind it; a write aimed at one
object (PATCH, PUT, DELETE, a survey's state change) gets a throwaway object of its own. Ids inside generated
bodies (`unit_id`, `layer_id`, ...) are swapped for real ones too. Every response must: not be a 5xx, have a
documented status code, content type, schema and headers, and (for a method the route doesn't have) be a 405
with `Allow`.

Bounded for CI: a fixed number of random examples per operation, derandomized, so every run tries the same inputs;
the coverage phase for the platform admin and the respondent only. The document is the app's own (loaded at
collection, before the server runs); `test_fuzzing_uses_the_served_document` proves it is the one served.
"""

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    allow_header_conformance,
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from tests.api_world import QUERY_VALUES, Route, World, openapi_document
from tests.factories import new_organisation

MAX_EXAMPLES = 10
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance, unsupported_method, allow_header_conformance, negative_data_rejection]


def _config(*, coverage: bool) -> SchemathesisConfig:
    return SchemathesisConfig.from_dict({
        "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none",
                       "with-security-parameters": False},
        "phases": {"coverage": {"enabled": coverage}, "stateful": {"enabled": False}},
        "suppress-health-check": ["too_slow"],
    })


# Ids in generated bodies that must name one of the organisation's objects to get past a 422.
BODY_IDS: dict[str, Callable[[World], str]] = {
    "unit_id": lambda w: w.units[w.unit], "parent_id": lambda w: w.units[w.unit],
    "layer_id": lambda w: w.ctx.layers["team_leader"], "questionnaire_id": lambda w: w.builtin_questionnaire_id(),
}


@dataclass
class Caller:
    role: str
    world: World
    key: str | None

    def headers(self) -> dict[str, str]:
        if self.role == "respondent":
            return {"X-Survey-Token": self.world.token()}
        return {"Authorization": f"Bearer {self.key}"}


# The coverage phase (boundary values, each field made invalid in turn, methods a path doesn't have) costs four
# fifths of the requests: one admin role runs it; the others, whose requests differ by who may do what, run the
# examples and the random phase only.
FULL = schemathesis.openapi.from_dict(openapi_document(), config=_config(coverage=True))
LIGHT = schemathesis.openapi.from_dict(openapi_document(), config=_config(coverage=False))
KEY_ROUTES = r"^/api/v1/(?!respond(/|$))"


@pytest.fixture(scope="module")
def caller(request, platform, server_url) -> Iterator[Caller]:
    ctx = new_organisation(platform, server_url)
    world = World(ctx, platform, unit="Below" if request.param == "unit_analyst" else "Inside").build()
    key = {"platform_admin": platform.headers["Authorization"].removeprefix("Bearer "),
           "org_admin": ctx.admin.headers["Authorization"].removeprefix("Bearer "),
           "analyst": ctx.key("analyst"), "unit_analyst": ctx.key("analyst", world.units["Inside"]),
           "respondent": None}[request.param]
    yield Caller(request.param, world, key)
    ctx.close()


def _is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _real_ids(case: Any, caller: Caller) -> None:
    """Valid-looking ids become the world's objects; a malformed one stays, to be refused with a 422."""
    world = caller.world
    route = Route(case.method.upper(), case.operation.path, case.operation.definition.raw["operationId"], {})
    if case.path_parameters:
        target = route.params[-1] if route.changes_its_object else None
        for name, value in case.path_parameters.items():
            if _is_uuid(value):
                case.path_parameters[name] = world.fresh(name, route.operation_id) if name == target else world[name]
        if route.operation_id == "delete_organisation" and caller.role == "platform_admin":
            case.path_parameters["organisation_id"] = world.throwaway_organisation()
    for name, value in (case.query or {}).items():
        if name in QUERY_VALUES and _is_uuid(value):
            case.query[name] = QUERY_VALUES[name](world)
    if isinstance(case.body, dict):
        for name, make in BODY_IDS.items():
            if _is_uuid(case.body.get(name)):
                case.body[name] = make(world)


def _call(case: Any, caller: Caller, server_url: str) -> None:
    _real_ids(case, caller)
    case.call_and_validate(base_url=server_url, headers=caller.headers(), checks=CHECKS)


@FULL.include(path_regex=KEY_ROUTES).parametrize()
@pytest.mark.parametrize("caller", ["platform_admin"], indirect=True)
def test_platform_admin_keeps_every_contract(case, caller, server_url):
    _call(case, caller, server_url)


@LIGHT.include(path_regex=KEY_ROUTES).parametrize()
@pytest.mark.parametrize("caller", ["org_admin", "analyst", "unit_analyst"], indirect=True)
def test_organisation_keys_keep_every_contract(case, caller, server_url):
    _call(case, caller, server_url)


@FULL.include(path_regex=r"^/api/v1/respond(/|$)").parametrize()
@pytest.mark.parametrize("caller", ["respondent"], indirect=True)
def test_respondent_keeps_every_contract(case, caller, server_url):
    _call(case, caller, server_url)


@FULL.exclude(path_regex=r"^/api/v1/").parametrize()
@pytest.mark.parametrize("caller", ["platform_admin"], indirect=True)
def test_public_operations_keep_their_contract(case, caller, server_url):
    """Health probes: open to anyone (the platform key the caller sends is ignored)."""
    _call(case, caller, server_url)


def test_fuzzing_uses_the_served_document(http):
    assert http.get("/openapi.json").json() == openapi_document()
