"""Sign-in links by e-mail: single use, short-lived, stored as hashes, rate-limited per client address and per
e-mail address, and the same answer whether or not the address belongs to anyone."""

import enum
import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from app.audit import service as audit_service
from app.audit.actions import AuditAction
from app.config import get_settings
from app.db import utcnow
from app.mail import messages, outbox
from app.oidc.models import SingleSignOn
from app.orgs.models import Organisation
from app.people.models import Person
from app.ratelimit.service import TooManyRequests, client_id
from app.sessions.models import SignInLink, SignInRequest

LINK_PATH = "/signin#link="


class SignInMethod(enum.StrEnum):
    email_link = "email_link"
    oidc = "oidc"


class SignInFailure(enum.StrEnum):
    """Why a sign-in failed (for the audit log; the person is told the same for each)."""

    unknown_link = "unknown_link"
    used_link = "used_link"
    expired_link = "expired_link"
    deactivated = "deactivated"
    unknown_person = "unknown_person"
    single_sign_on_required = "single_sign_on_required"
    domain_not_allowed = "domain_not_allowed"
    wrong_state = "wrong_state"
    other_browser = "other_browser"
    provider_error = "provider_error"
    provider_unreachable = "provider_unreachable"
    bad_token = "bad_token"
    wrong_nonce = "wrong_nonce"
    no_email = "no_email"


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _subject(kind: str, value: str) -> str:
    """A rate count's key: keyed with SECRET_KEY when there is one, so the table can't be reversed by hashing
    guessed e-mail addresses."""
    return hmac.new(get_settings().secret_key.encode(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def throttle(session: Session, client_host: str | None, email: str) -> None:
    """Count the request against both limits; 429 (and nothing sent) past either. Counted for every address, known
    or not, so the limit tells nothing either."""
    settings = get_settings()
    now = utcnow()
    since = now - timedelta(minutes=settings.sign_in_window_minutes)
    session.execute(delete(SignInRequest).where(SignInRequest.created_at < since))
    subjects = {_subject("address", client_id(client_host)): settings.sign_in_address_limit,
                _subject("email", email): settings.sign_in_email_limit}
    for subject, limit in subjects.items():
        count = session.scalar(select(func.count()).select_from(SignInRequest).where(
            SignInRequest.subject == subject, SignInRequest.created_at >= since)) or 0
        if count >= limit:
            seconds = settings.sign_in_window_minutes * 60
            raise TooManyRequests("Too many sign-in requests; try again later.",
                                  headers={"Retry-After": str(seconds)})
    session.add_all([SignInRequest(subject=s, created_at=now) for s in subjects])
    session.flush()


def sso_domains(session: Session, domain: str) -> list[Organisation]:
    """Organisations whose single sign-on is on for this e-mail domain: their people sign in there, not by link."""
    rows = session.execute(select(SingleSignOn, Organisation).join(
        Organisation, Organisation.id == SingleSignOn.organisation_id).where(SingleSignOn.enabled.is_(True)))
    return sorted((org for sso, org in rows if domain in sso.allowed_domains), key=lambda o: o.name)


def must_use_single_sign_on(session: Session, person: Person) -> bool:
    """Whether the person signs in with their organisation's single sign-on (it is on, for their address's domain)
    and so gets no links. Others of the organisation (say, an outside consultant) still sign in by link."""
    sso = session.get(SingleSignOn, person.organisation_id)
    return sso is not None and sso.enabled and person.email.rpartition("@")[2] in sso.allowed_domains


@dataclass
class LinkRequest:
    mail_ids: list[uuid.UUID] = field(default_factory=list)


def send_links(session: Session, email: str, language: str, base_url: str) -> LinkRequest:
    """A link for each active person with this address who doesn't sign in with single sign-on; mails queued."""
    settings = get_settings()
    out = LinkRequest()
    people = session.scalars(select(Person).where(Person.email == email, Person.deactivated_at.is_(None)))
    for person in people:
        if must_use_single_sign_on(session, person):
            continue
        organisation = session.get(Organisation, person.organisation_id)
        assert organisation is not None  # a foreign key
        token = secrets.token_urlsafe(32)
        expires = utcnow() + timedelta(minutes=settings.sign_in_link_minutes)
        session.add(SignInLink(person_id=person.id, token_hash=_hash(token), expires_at=expires))
        text = messages.sign_in_link(language, name=person.name, organisation=organisation.name,
                                     link=base_url.rstrip("/") + LINK_PATH + token,
                                     minutes=settings.sign_in_link_minutes)
        out.mail_ids.append(outbox.enqueue(session, person.email, text, expires_at=expires,
                                           organisation_id=person.organisation_id))
        audit_service.record(session, AuditAction.person_sign_in_link_sent, person.id,
                             organisation_id=person.organisation_id, actor=None)
    session.flush()
    return out


def use_link(session: Session, token: str) -> Person | SignInFailure:
    """The person the link signs in, the link used up; or why not. A known link that fails is recorded in the
    audit log (with the reason), in the request's transaction: the caller answers without raising, so it stays."""
    link = session.scalar(select(SignInLink).where(SignInLink.token_hash == _hash(token)))
    if link is None:
        return SignInFailure.unknown_link
    person = session.get(Person, link.person_id)
    assert person is not None  # a foreign key
    reason = None
    if link.used_at is not None:
        reason = SignInFailure.used_link
    elif link.expires_at <= utcnow():
        reason = SignInFailure.expired_link
    elif person.deactivated_at is not None:
        reason = SignInFailure.deactivated
    elif must_use_single_sign_on(session, person):
        reason = SignInFailure.single_sign_on_required
    elif not session.execute(update(SignInLink).where(SignInLink.id == link.id, SignInLink.used_at.is_(None))
                             .values(used_at=utcnow())).rowcount:  # type: ignore[attr-defined]
        reason = SignInFailure.used_link  # by a request at the same moment
    if reason is not None:
        audit_service.record(session, AuditAction.organisation_sign_in_failed, person.organisation_id,
                             organisation_id=person.organisation_id, actor=None, method=SignInMethod.email_link,
                             reason=reason)
        return reason
    return person
