"""Server-side sessions: a random secret in an HttpOnly cookie, its SHA-256 in the database (so every worker and
host shares them), idle and absolute expiry, sign-out of one session or of all of a person's sessions."""

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.auth.models import Role
from app.auth.service import ActorKind, Principal
from app.config import get_settings
from app.db import get_sessionmaker, utcnow
from app.people.models import Person, PersonUnit
from app.sessions.models import UserSession

COOKIE = "cg_session"
SECURE_COOKIE = "__Host-cg_session"  # behind HTTPS: Secure, host-only, path / (the browser enforces all three)
CSRF_HEADER = "X-CSRF-Token"
TOUCH_EVERY = timedelta(seconds=60)  # last_seen_at is written at most this often per session


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class SignedIn:
    row: UserSession
    secret: str  # for the cookie; never stored


def start(session: Session, person: Person, method: str) -> SignedIn:
    """A new session (a new id and secret at every sign-in: nothing carried over from before it)."""
    settings = get_settings()
    now = utcnow()
    secret = secrets.token_urlsafe(32)
    row = UserSession(person_id=person.id, organisation_id=person.organisation_id, secret_hash=_hash(secret),
                      csrf_token=secrets.token_urlsafe(32), method=method, created_at=now, last_seen_at=now,
                      expires_at=now + timedelta(hours=settings.session_max_hours))
    session.add(row)
    person.last_sign_in_at = now
    session.flush()
    return SignedIn(row=row, secret=secret)


def idle_deadline(row: UserSession) -> datetime:
    return row.last_seen_at + timedelta(minutes=get_settings().session_idle_minutes)


def is_live(row: UserSession, now: datetime) -> bool:
    return row.revoked_at is None and now < row.expires_at and now < idle_deadline(row)


def unit_reach(session: Session, person: Person) -> frozenset[uuid.UUID] | None:
    """None for the whole organisation (admins, analysts without units); else the person's units."""
    units = frozenset(session.scalars(select(PersonUnit.unit_id).where(PersonUnit.person_id == person.id)))
    if person.role is Role.org_admin or (person.role is Role.analyst and not units):
        return None
    return units


def principal_of(session: Session, row: UserSession, person: Person) -> Principal:
    return Principal(actor_id=person.id, role=person.role, organisation_id=person.organisation_id,
                     unit_ids=unit_reach(session, person), name=person.name, kind=ActorKind.person,
                     session_id=row.id)


def find(session: Session, secret: str) -> tuple[UserSession, Person] | None:
    """The live session the cookie's secret opens, and its person (active); None otherwise."""
    row = session.scalar(select(UserSession).where(UserSession.secret_hash == _hash(secret)))
    if row is None or not is_live(row, utcnow()):
        return None
    person = session.get(Person, row.person_id)
    if person is None or person.deactivated_at is not None:
        return None
    return row, person


def touch(row: UserSession, request_session: Session | None) -> None:
    """Move the idle deadline on, at most once a minute: in the request's own transaction when it writes anyway
    (`request_session`; on SQLite it holds the one write lock, so another transaction would wait for it), else in
    one of its own (a GET's session only reads)."""
    now = utcnow()
    if now - row.last_seen_at < TOUCH_EVERY:
        return
    statement = (update(UserSession).where(UserSession.id == row.id, UserSession.revoked_at.is_(None))
                 .values(last_seen_at=now))
    if request_session is not None:
        request_session.execute(statement)
        return
    with get_sessionmaker().begin() as writer:
        writer.execute(statement)


def csrf_matches(row: UserSession, sent: str | None) -> bool:
    return sent is not None and hmac.compare_digest(sent.encode(), row.csrf_token.encode())


def end(session: Session, session_id: uuid.UUID) -> None:
    session.execute(update(UserSession).where(UserSession.id == session_id, UserSession.revoked_at.is_(None))
                    .values(revoked_at=utcnow()))


def end_all(session: Session, person_id: uuid.UUID) -> int:
    """Sign a person out everywhere; how many live sessions ended."""
    result = session.execute(update(UserSession).where(UserSession.person_id == person_id,
                                                       UserSession.revoked_at.is_(None))
                             .values(revoked_at=utcnow()))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
