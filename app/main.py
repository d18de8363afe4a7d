"""The application factory."""

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

from app import health
from app.audit.router import router as audit_router
from app.auth.router import router as auth_router
from app.config import get_settings
from app.errors import install_error_handlers
from app.idempotency.deps import Replay, render_replay
from app.invitations.router import router as invitations_router
from app.limits import BodySizeLimit
from app.orgs.router import router as orgs_router
from app.questionnaires.router import router as questionnaires_router
from app.reports.router import router as reports_router
from app.respond.router import router as respond_router
from app.responses.router import router as responses_router
from app.selfassessments.router import router as self_assessments_router
from app.surveys.router import router as surveys_router
from app.units.router import router as units_router
from app.web.headers import HtmlSecurityHeaders
from app.web.router import router as web_router

API_PREFIX = "/api/v1"

DESCRIPTION = """
Measure an organisation's **culture gap**: is its culture ready to become a learning organisation, and where do
leaders and employees see it differently? Five dimensions: openness, collegiality, transparency, diversity and
personal initiative.

**Authentication**: every `/api/v1` route except the respondent's token routes needs an API key, sent as
`Authorization: Bearer cgk_...`. Roles: *platform admin* (created with `culturegap create-key`), *organisation admin*,
and *analyst* (read-only, for the whole organisation or one unit's subtree). A key never sees another organisation:
anything outside its reach answers 404, as if it did not exist.

**Errors** are RFC 9457 problem details (`application/problem+json`); a 422 lists each offending field in `errors`.
"""

TAGS = [
    {"name": "organisations", "description": "Tenants: one per client organisation."},
    {"name": "units", "description": "The organisation's tree of directorates, departments and teams."},
    {"name": "layers", "description": "Leadership layers, from the board (rank 1) down to employees."},
    {"name": "keys", "description": "API keys and their scopes."},
    {"name": "questionnaires", "description": "Built-in and custom questionnaires, versioned."},
    {"name": "surveys", "description": "Survey waves: draft, open, closed."},
    {"name": "invitations", "description": "Single-use answering tokens per unit and layer, and response rates."},
    {"name": "respond", "description": "The respondent's side, authorised by an invitation token."},
    {"name": "reports", "description": "Culture-gap reports. Every figure carries its n; groups below the survey's "
                                       "minimum size, or that could be computed from other figures, are suppressed."},
    {"name": "responses", "description": "Importing and exporting raw responses (organisation admins)."},
    {"name": "self-assessments", "description": "Leaders' own answers, by name and with consent (not anonymous), "
                                                "for the leader blind-spot report."},
    {"name": "audit", "description": "Who changed what, and when (organisation admins). Never answers, tokens or "
                                   "keys."},
    {"name": "health", "description": "Liveness and readiness probes."},
]


def _operation_id(route: APIRoute) -> str:
    return route.name


def _problem_only_openapi(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """Error responses are documented with the Problem model, which FastAPI also lists as application/json; keep
    only application/problem+json so generated clients see one error type. Operations with a body also document
    the 400 that an unparseable body gets."""
    original = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = original()
            bad_body = {"description": "The body can't be parsed (not UTF-8, not the declared type)",
                        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
            for operations in schema["paths"].values():
                for operation in operations.values():
                    if "requestBody" in operation:
                        operation["responses"].setdefault("400", bad_body)
                    for status, response in operation.get("responses", {}).items():
                        content = response.get("content", {})
                        if status[0] in "45" and "application/problem+json" in content:
                            content.pop("application/json", None)
            app.openapi_schema = schema
        return app.openapi_schema

    return openapi


def create_app() -> FastAPI:
    settings = get_settings()
    app = FastAPI(title="Culture-gap assessment API", version="1.0.0", description=DESCRIPTION, openapi_tags=TAGS,
                  generate_unique_id_function=_operation_id)
    install_error_handlers(app)
    app.add_exception_handler(Replay, render_replay)  # an Idempotency-Key's kept answer
    app.add_middleware(HtmlSecurityHeaders)
    app.add_middleware(BodySizeLimit, max_json_bytes=settings.max_body_bytes,
                       max_upload_bytes=settings.max_upload_bytes)
    app.include_router(health.router)
    # The respondent's routes first: routes are matched in order, and they take most of the requests.
    for router in (respond_router, orgs_router, units_router, auth_router, questionnaires_router, surveys_router,
                   invitations_router, responses_router, reports_router, self_assessments_router,
                   audit_router):
        app.include_router(router, prefix=API_PREFIX)
    app.include_router(web_router)  # the respondent's form and the dashboard, outside the API prefix
    app.openapi = _problem_only_openapi(app)  # type: ignore[method-assign]
    return app
