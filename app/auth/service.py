import enum
import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import ApiKey, Role
from app.db import utcnow

KEY_PREFIX = "cgk_"


class ActorKind(enum.StrEnum):
    key = "key"
    person = "person"


@dataclass(frozen=True)
class Principal:
    """Who is calling, an API key or a person signed in with a session, with their role and how far they reach.

    `unit_ids` is None for the whole organisation, else the units whose subtrees the caller reaches (an empty set
    reaches no unit: a leader whose units were all deleted). `actor_id` is the key's or the person's id, and
    `name` their name at the time, for the audit log. A person's session also carries its id and CSRF token."""

    actor_id: uuid.UUID
    role: Role
    organisation_id: uuid.UUID | None
    unit_ids: frozenset[uuid.UUID] | None
    name: str = ""
    kind: ActorKind = ActorKind.key
    session_id: uuid.UUID | None = None

    @property
    def is_person(self) -> bool:
        return self.kind is ActorKind.person

    @property
    def is_platform_admin(self) -> bool:
        return self.role is Role.platform_admin

    def reaches_organisation(self, organisation_id: uuid.UUID) -> bool:
        return self.is_platform_admin or self.organisation_id == organisation_id

    def administers(self, organisation_id: uuid.UUID) -> bool:
        return self.is_platform_admin or (self.role is Role.org_admin and self.organisation_id == organisation_id)


def hash_secret(key: str) -> str:
    # Keys carry 256 random bits, so a fast unsalted hash is enough: there is nothing to brute-force.
    return hashlib.sha256(key.encode()).hexdigest()


def new_key_secret() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def create_key(session: Session, *, role: Role, name: str, organisation_id: uuid.UUID | None = None,
               unit_id: uuid.UUID | None = None, expires_at: datetime | None = None) -> tuple[ApiKey, str]:
    """Store a new key and return it with its secret, which is never retrievable again."""
    secret = new_key_secret()
    key = ApiKey(role=role, name=name, organisation_id=organisation_id, unit_id=unit_id, expires_at=expires_at,
                 prefix=secret[: len(KEY_PREFIX) + 6], secret_hash=hash_secret(secret))
    session.add(key)
    session.flush()
    return key, secret


def authenticate(session: Session, secret: str) -> Principal | None:
    key = session.scalar(select(ApiKey).where(ApiKey.secret_hash == hash_secret(secret)))
    if key is None or key.revoked_at is not None:
        return None
    if key.expires_at is not None and key.expires_at <= utcnow():
        return None
    return Principal(actor_id=key.id, role=key.role, organisation_id=key.organisation_id,
                     unit_ids=None if key.unit_id is None else frozenset({key.unit_id}), name=key.name)
