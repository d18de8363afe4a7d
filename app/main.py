"""The application factory."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from anyio import to_thread
from fastapi import FastAPI
from fastapi.telemetry import TelemetryConfig
from starlette.types import ASGIApp

from app import health
from app.actions.router import router as actions_router
from app.audit.router import router as audit_router
from app.auth.router import router as auth_router
from app.comments.router import router as comments_router
from app.config import API_PREFIX, get_settings
from app.errors import install_error_handlers
from app.idempotency.deps import Replay, render_replay
from app.invitations.router import router as invitations_router
from app.limits import BodySizeLimit
from app.oidc.router import router as single_sign_on_router
from app.oidc.web import router as oidc_web_router
from app.openapi import operation_id, problem_only_openapi
from app.orgs.router import router as orgs_router
from app.people.router import router as people_router
from app.pgasync import close_loop_pools
from app.questionnaires.router import router as questionnaires_router
from app.reports.router import router as reports_router
from app.respond.lane import RespondentLane
from app.respond.router import router as respond_router
from app.responses.router import router as responses_router
from app.rounds import InServerRounds
from app.selfassessments.router import router as self_assessments_router
from app.sessions.router import browser_router as session_status_router
from app.sessions.router import router as sessions_router
from app.surveys.router import router as surveys_router
from app.units.router import router as units_router
from app.web.headers import HtmlSecurityHeaders
from app.web.router import router as web_router
from app.webhooks.router import router as webhooks_router

DESCRIPTION = """
Measure an organisation's **culture gap**: is its culture ready to become a learning organisation, and where do
leaders and employees see it differently? Five dimensions: openness, collegiality, transparency, diversity and
personal initiative.

**Authentication**: every `/api/v1` route except the respondent's token routes and signing in needs either an API
key, sent as `Authorization: Bearer cgk_...` (integrations), or a signed-in person's session cookie (the dashboard;
a change made with a session also sends its CSRF token in `X-CSRF-Token`). People sign in with their
organisation's single sign-on (OpenID Connect) or a link by e-mail. Roles: *platform admin* (keys from
`culturegap create-key`), *organisation admin*, *analyst* (read-only, for the whole organisation or some units'
subtrees) and, for people, *leader* (reads their own units' subtrees and plans their actions). Nobody sees another
organisation: anything outside a caller's reach answers 404, as if it did not exist.

**Errors** are RFC 9457 problem details (`application/problem+json`); a 422 lists each offending field in `errors`.

**Lists** take `limit` and answer the next page's address in a `Link` header (`rel="next"`, with a `cursor`);
without `limit` a list is whole. **CSV imports** read UTF-8 (with or without BOM), UTF-16 and Windows-1252, comma,
semicolon or tab separated.
"""

TAGS = [
    {"name": "organisations", "description": "Tenants: one per client organisation."},
    {"name": "units", "description": "The organisation's tree of directorates, departments and teams."},
    {"name": "layers", "description": "Leadership layers, from the board (rank 1) down to employees."},
    {"name": "keys", "description": "API keys and their scopes."},
    {"name": "people", "description": "The organisation's people who sign in: role and units (organisation admins)."},
    {"name": "sessions", "description": "Signing in by e-mailed link, the current session, signing out."},
    {"name": "single sign-on", "description": "The organisation's OpenID Connect provider (organisation admins)."},
    {"name": "questionnaires", "description": "Built-in and custom questionnaires, versioned."},
    {"name": "surveys", "description": "Survey waves: draft, open, closed."},
    {"name": "invitations", "description": "Single-use answering tokens per unit and layer, and response rates."},
    {"name": "respond", "description": "The respondent's side, authorised by an invitation token."},
    {"name": "reports", "description": "Culture-gap reports. Every figure carries its n; groups below the survey's "
                                       "minimum size, or that could be computed from other figures, are suppressed."},
    {"name": "responses", "description": "Importing and exporting raw responses (organisation admins)."},
    {"name": "self-assessments", "description": "Leaders' own answers, by name and with consent (not anonymous), "
                                                "for the leader blind-spot report."},
    {"name": "actions", "description": "Action plans per unit and wave, aimed at a dimension or statement, and their "
                                     "unit's scores before and after in the next wave."},
    {"name": "comments", "description": "Optional open questions, and their answers shown only for groups at least "
                                      "as large as the comment threshold."},
    {"name": "audit", "description": "Who changed what, and when (organisation admins). Never answers, tokens or "
                                   "keys."},
    {"name": "webhooks", "description": "Endpoints that hear of the organisation's survey events, signed per Standard "
                                      "Webhooks, with a delivery log (organisation admins)."},
    {"name": "health", "description": "Liveness and readiness probes."},
]


# FastAPI's native OpenTelemetry: the service ships no OpenTelemetry SDK and configures none, yet FastAPI asked the
# API on every request whether one had been configured since (17 µs per request, two per respondent).
NO_TELEMETRY: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False}


@asynccontextmanager
async def _lifespan(_: FastAPI) -> AsyncIterator[None]:
    interval = get_settings().worker_interval
    rounds = InServerRounds(interval) if interval > 0 else None  # the scheduled work in this process (app.rounds)
    if rounds is not None:
        rounds.start()
    try:
        yield
    finally:
        if rounds is not None:
            await to_thread.run_sync(rounds.stop)
        await close_loop_pools()  # this worker's async pools (see app.pgasync)


class CultureGapAPI(FastAPI):
    def build_middleware_stack(self) -> ASGIApp:
        """The whole stack, with the respondent's routes ahead of it (app.respond.lane)."""
        return RespondentLane(super().build_middleware_stack(), respond_router.routes, self.exception_handlers,
                              max_body_bytes=get_settings().max_body_bytes)


def create_app() -> FastAPI:
    settings = get_settings()
    app = CultureGapAPI(title="Culture-gap assessment API", version="1.0.0", description=DESCRIPTION,
                        openapi_tags=TAGS, generate_unique_id_function=operation_id, lifespan=_lifespan,
                        docs_url=None, redoc_url=None,  # served by app.web, from the service's own copies
                        telemetry=NO_TELEMETRY)
    install_error_handlers(app)
    app.add_exception_handler(Replay, render_replay)  # an Idempotency-Key's kept answer
    app.add_middleware(HtmlSecurityHeaders)
    app.add_middleware(BodySizeLimit, max_json_bytes=settings.max_body_bytes,
                       max_upload_bytes=settings.max_upload_bytes)
    # The respondent's routes first (before FastAPI's own /openapi.json), and straight into the app's own route
    # list: they take most of the requests, routes are matched in order, and finding a route inside an included
    # router cost FastAPI about 300 µs of CPU per request on the project's 2-core machine, against 70 µs for a route
    # of the app's own (see app.respond).
    app.router.routes[:0] = respond_router.routes
    app.include_router(health.router)
    for router in (orgs_router, units_router, auth_router, people_router, single_sign_on_router, sessions_router,
                   questionnaires_router, surveys_router, invitations_router, responses_router, reports_router,
                   self_assessments_router, actions_router, comments_router, audit_router, webhooks_router):
        app.include_router(router, prefix=API_PREFIX)
    app.include_router(oidc_web_router)  # single sign-on's browser redirects, outside the API
    app.include_router(session_status_router)
    app.include_router(web_router)  # the respondent's form and the dashboard, outside the API prefix
    app.openapi = problem_only_openapi(app)  # type: ignore[method-assign]
    return app
