"""Signing in by e-mailed link, the current session, signing out. (Single sign-on's browser routes: app.oidc.)"""

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Request, Response, status

from app.audit import service as audit_service
from app.audit.actions import AuditAction
from app.audit.trail import AuditDep
from app.auth.service import Principal
from app.config import get_settings
from app.deps import CurrentKey, SessionDep
from app.errors import NotFound, problem_response, problem_responses
from app.mail import outbox
from app.people.models import Person
from app.sessions import links, service
from app.sessions.cookies import clear_session_cookie, set_session_cookie
from app.sessions.models import UserSession
from app.sessions.schemas import LinkSignIn, SessionRead, SignInAnswer, SignInStart, SingleSignOnChoice

router = APIRouter(tags=["sessions"], responses=problem_responses(422))


def session_read(row: UserSession, person: Person, principal: Principal) -> SessionRead:
    return SessionRead(person_id=person.id, name=person.name, email=person.email, role=person.role,
                       organisation_id=person.organisation_id,
                       unit_ids=None if principal.unit_ids is None else sorted(principal.unit_ids),
                       method=row.method, created_at=row.created_at, expires_at=row.expires_at,
                       idle_expires_at=min(row.expires_at, service.idle_deadline(row)), csrf_token=row.csrf_token)


def public_base_url(request: Request) -> str:
    """Where links in mails point: PUBLIC_BASE_URL, or this request's own base URL when it is not set."""
    return get_settings().public_base_url or str(request.base_url)


@router.post("/sign-in", name="request_sign_in", responses=problem_responses(429))
def request_sign_in(data: SignInStart, request: Request, session: SessionDep,
                    background: BackgroundTasks) -> SignInAnswer:
    """Start signing in with an e-mail address. If its domain signs in with an organisation's single sign-on, the
    answer says where to go. A sign-in link is mailed to the address if it belongs to someone who doesn't sign in
    with single sign-on, valid for 15 minutes and once; the answer depends only on the address's domain. Limited
    per e-mail address and per client address (429)."""
    links.throttle(session, request.client.host if request.client else None, data.email)
    # Links go to everyone with the address who doesn't sign in with single sign-on, whatever the answer says: an
    # organisation that lists another's domain gets a button on this page, and nothing more.
    sent = links.send_links(session, data.email, data.language, public_base_url(request))
    if sent.mail_ids:
        background.add_task(outbox.deliver, sent.mail_ids)
    organisations = links.sso_domains(session, data.email.rpartition("@")[2])
    if organisations:
        return SignInAnswer(method="single_sign_on", organisations=[
            SingleSignOnChoice(organisation_id=o.id, name=o.name,
                               start_url=f"/auth/oidc/start?organisation={o.id}&lang={data.language}")
            for o in organisations])
    return SignInAnswer(method="email_link")


@router.post("/sign-in/link", name="sign_in_with_link", response_model=SessionRead,
             responses=problem_responses(400))
def sign_in_with_link(data: LinkSignIn, request: Request, response: Response,
                      session: SessionDep) -> SessionRead | Response:
    """Sign in with the token of an e-mailed link: a new session, its cookie set (HttpOnly, SameSite=Lax, Secure
    behind HTTPS). A link works once, for 15 minutes; any other link gets 400."""
    outcome = links.use_link(session, data.token)
    if not isinstance(outcome, Person):
        return problem_response(request, 400, code="sign-in-link-invalid",
                                title="This sign-in link can't be used",
                                detail="The link is unknown, used or expired: ask for a new one.")
    signed_in = service.start(session, outcome, links.SignInMethod.email_link)
    principal = service.principal_of(session, signed_in.row, outcome)
    audit_service.record(session, AuditAction.person_signed_in, outcome.id, organisation_id=outcome.organisation_id,
                         actor=principal, method=links.SignInMethod.email_link)
    set_session_cookie(request, response, signed_in.secret)
    response.headers["Cache-Control"] = "no-store"
    return session_read(signed_in.row, outcome, principal)


def current_session(principal: CurrentKey, session: SessionDep) -> tuple[UserSession, Person]:
    row = session.get(UserSession, principal.session_id) if principal.session_id else None
    person = session.get(Person, principal.actor_id) if row else None
    if row is None or person is None:
        raise NotFound("No session: this request was made with an API key.")
    return row, person


CurrentSession = Annotated[tuple[UserSession, Person], Depends(current_session)]


@router.get("/session", name="get_session", responses=problem_responses(401, 404))
def get_session(current: CurrentSession, principal: CurrentKey, response: Response) -> SessionRead:
    """The signed-in person's session: who, until when, and the CSRF token for changes. 404 with an API key."""
    response.headers["Cache-Control"] = "no-store"
    return session_read(*current, principal)


@router.delete("/session", name="sign_out", status_code=status.HTTP_204_NO_CONTENT,
               responses=problem_responses(401, 403, 404))
def sign_out(current: CurrentSession, request: Request, session: SessionDep, audit: AuditDep) -> Response:
    """Sign out: the session ends and its cookie is cleared."""
    row, person = current
    service.end(session, row.id)
    audit.record(AuditAction.person_signed_out, person.id, organisation_id=person.organisation_id)
    answer = Response(status_code=status.HTTP_204_NO_CONTENT)
    clear_session_cookie(request, answer)
    return answer


@router.delete("/sessions", name="sign_out_everywhere", status_code=status.HTTP_204_NO_CONTENT,
               responses=problem_responses(401, 403, 404))
def sign_out_everywhere(current: CurrentSession, request: Request, session: SessionDep,
                        audit: AuditDep) -> Response:
    """Sign out everywhere: every session of the signed-in person ends (other browsers, other devices)."""
    _row, person = current
    ended = service.end_all(session, person.id)
    audit.record(AuditAction.person_signed_out_everywhere, person.id, organisation_id=person.organisation_id,
                 sessions=ended)
    answer = Response(status_code=status.HTTP_204_NO_CONTENT)
    clear_session_cookie(request, answer)
    return answer



browser_router = APIRouter(include_in_schema=False)


@browser_router.get("/auth/session", name="session_status")
def session_status(request: Request, session: SessionDep, response: Response) -> dict[str, bool]:
    """Whether this browser has a live session, for the dashboard to choose between the session and the API-key
    form without a 401 (which a browser logs as an error). Says nothing else, and changes nothing."""
    response.headers["Cache-Control"] = "no-store"
    secret = request.cookies.get(service.SECURE_COOKIE) or request.cookies.get(service.COOKIE)
    return {"signed_in": secret is not None and service.find(session, secret) is not None}
