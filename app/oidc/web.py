"""The browser's side of single sign-on: `/auth/oidc/start` sends the browser to the organisation's provider,
`/auth/oidc/callback` brings it back, signed in, to the dashboard. Anything that goes wrong gets a page that says
what happened in the person's language (no 500, no provider error text), and a failure is audited."""

import html
import logging
import uuid
from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from app.audit import service as audit_service
from app.audit.actions import AuditAction
from app.db import get_session
from app.oidc import service
from app.oidc.models import SingleSignOn
from app.oidc.router import redirect_uri
from app.oidc.service import SignInError
from app.orgs.models import Organisation
from app.sessions import service as session_service
from app.sessions.cookies import secure, set_session_cookie
from app.sessions.links import SignInFailure, SignInMethod

log = logging.getLogger(__name__)
router = APIRouter(prefix="/auth/oidc", include_in_schema=False)
FLOW_COOKIE = "cg_oidc_flow"
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    "Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


def writable_session() -> Iterator[Session]:
    """The request's session, writable although these are GETs (they start and finish sign-ins)."""
    yield from get_session(read_only=False)


WriteSessionDep = Annotated[Session, Depends(writable_session, scope="function")]

_TEXT = {
    "en": {
        "title": "Signing in did not work",
        "again": "Back to sign-in",
        SignInFailure.provider_unreachable: "Your organisation's sign-in service can't be reached right now. Try "
                                            "again in a few minutes.",
        SignInFailure.provider_error: "Your organisation's sign-in service did not accept the sign-in. Try again; "
                                      "if it keeps happening, tell your organisation's administrator.",
        SignInFailure.unknown_person: "You signed in at your organisation, but you have no access to this "
                                      "dashboard. Ask your organisation's administrator for access.",
        SignInFailure.deactivated: "Your access to this dashboard has been switched off. Ask your organisation's "
                                   "administrator if this is a mistake.",
        SignInFailure.domain_not_allowed: "Your e-mail address is not one your organisation allows to sign in "
                                          "here.",
        SignInFailure.no_email: "Your organisation's sign-in service did not tell us your e-mail address.",
        "default": "This sign-in attempt is no longer valid (it was used, expired, or started in another "
                   "browser). Start again.",
    },
    "nl": {
        "title": "Aanmelden is niet gelukt",
        "again": "Terug naar aanmelden",
        SignInFailure.provider_unreachable: "De aanmelddienst van uw organisatie is nu niet bereikbaar. Probeer "
                                            "het over een paar minuten opnieuw.",
        SignInFailure.provider_error: "De aanmelddienst van uw organisatie heeft de aanmelding niet geaccepteerd. "
                                      "Probeer het opnieuw; blijft het misgaan, meld het dan aan de beheerder van "
                                      "uw organisatie.",
        SignInFailure.unknown_person: "U bent aangemeld bij uw organisatie, maar u hebt geen toegang tot dit "
                                      "dashboard. Vraag de beheerder van uw organisatie om toegang.",
        SignInFailure.deactivated: "Uw toegang tot dit dashboard is uitgezet. Vraag de beheerder van uw "
                                   "organisatie of dat klopt.",
        SignInFailure.domain_not_allowed: "Met dit e-mailadres kunt u zich hier niet aanmelden voor uw "
                                          "organisatie.",
        SignInFailure.no_email: "De aanmelddienst van uw organisatie heeft uw e-mailadres niet doorgegeven.",
        "default": "Deze aanmeldpoging is niet meer geldig (al gebruikt, verlopen of in een andere browser "
                   "begonnen). Begin opnieuw.",
    },
}


def _language(lang: str | None, request: Request) -> str:
    if lang in ("nl", "en"):
        return lang
    accepted = request.headers.get("accept-language", "").lower()
    return "nl" if accepted.startswith("nl") else "en"


def error_page(reason: SignInFailure, language: str, status: int) -> HTMLResponse:
    text = _TEXT.get(language, _TEXT["en"])
    message = text.get(reason, text["default"])
    body = f"""<!doctype html>
<html lang="{language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(text["title"])}</title></head>
<body><main><h1 id="sign-in-error">{html.escape(text["title"])}</h1>
<p data-reason="{reason.value}">{html.escape(message)}</p>
<p><a href="/signin?lang={language}">{html.escape(text["again"])}</a></p></main></body></html>
"""
    return HTMLResponse(body, status_code=status, headers=PAGE_HEADERS)


def _status(reason: SignInFailure) -> int:
    if reason in (SignInFailure.provider_unreachable, SignInFailure.provider_error):
        return 502
    if reason in (SignInFailure.unknown_person, SignInFailure.deactivated, SignInFailure.domain_not_allowed):
        return 403
    return 400


def _failed(session: Session, error: SignInError, language: str) -> HTMLResponse:
    if error.organisation_id is not None and session.get(Organisation, error.organisation_id) is not None:
        audit_service.record(session, AuditAction.organisation_sign_in_failed, error.organisation_id,
                             organisation_id=error.organisation_id, actor=None, method=SignInMethod.oidc,
                             reason=error.reason)
    log.info("single sign-on failed: %s", error.reason.value, exc_info=error.__cause__ is not None)
    return error_page(error.reason, language, _status(error.reason))  # the flow cookie stays: see the callback


@router.get("/start", name="oidc_start")
def oidc_start(request: Request, session: WriteSessionDep,
               organisation: Annotated[uuid.UUID | None, Query()] = None,
               lang: Annotated[str | None, Query(max_length=5)] = None) -> Response:
    """Send the browser to the organisation's provider, with a cookie that ties the flow to this browser."""
    language = _language(lang, request)
    sso = session.get(SingleSignOn, organisation) if organisation is not None else None
    if sso is None or not sso.enabled:
        return error_page(SignInFailure.wrong_state, language, 404)
    try:
        started = service.start(session, sso, redirect_uri(request), language)
    except SignInError as error:
        error.organisation_id = sso.organisation_id
        return _failed(session, error, language)
    answer = RedirectResponse(started.url, status_code=303, headers={"Cache-Control": "no-store"})
    answer.set_cookie(FLOW_COOKIE, started.browser_secret, max_age=service.FLOW_MINUTES * 60, path="/auth/oidc",
                      httponly=True, samesite="lax", secure=secure(request))
    return answer


@router.get("/callback", name="oidc_callback")
def oidc_callback(request: Request, session: WriteSessionDep,
                  state: Annotated[str | None, Query(max_length=200)] = None,
                  code: Annotated[str | None, Query(max_length=2000)] = None,
                  error: Annotated[str | None, Query(max_length=200)] = None,
                  iss: Annotated[str | None, Query(max_length=500)] = None) -> Response:
    """The provider sends the browser back here with a code (or an error); signed in, it goes to the dashboard.
    A failure leaves the flow cookie alone: a stray request (a made-up state) must not break the flow in progress;
    the cookie ends with the flow (10 minutes) anyway."""
    language = _language(None, request)
    try:
        if not state:
            raise SignInError(SignInFailure.wrong_state)
        flow = service.take_flow(session, state, request.cookies.get(FLOW_COOKIE))
        language = flow.language
        sso = session.get(SingleSignOn, flow.organisation_id)
        if sso is None or not sso.enabled:
            raise SignInError(SignInFailure.wrong_state, flow.organisation_id, language)
        if error or not code or (iss is not None and iss.rstrip("/") != sso.issuer.rstrip("/")):
            raise SignInError(SignInFailure.provider_error, flow.organisation_id, language)
        person = service.finish(session, sso, flow, code, redirect_uri(request))
    except SignInError as failure:
        return _failed(session, failure, language)
    signed_in = session_service.start(session, person, SignInMethod.oidc)
    principal = session_service.principal_of(session, signed_in.row, person)
    audit_service.record(session, AuditAction.person_signed_in, person.id, organisation_id=person.organisation_id,
                         actor=principal, method=SignInMethod.oidc)
    answer = RedirectResponse(f"/dashboard?lang={language}", status_code=303, headers={"Cache-Control": "no-store"})
    set_session_cookie(request, answer, signed_in.secret)
    answer.delete_cookie(FLOW_COOKIE, path="/auth/oidc")
    return answer
