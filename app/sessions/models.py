import uuid
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, IdMixin, TimestampMixin


class UserSession(IdMixin, TimestampMixin, Base):
    """A person's signed-in browser. The cookie holds a random secret; only its SHA-256 is stored, so the table
    alone signs nobody in. Ends at `expires_at` (absolute), after the idle timeout since `last_seen_at`, at
    sign-out (`revoked_at`), or when the person is deactivated or deleted."""

    __tablename__ = "user_sessions"

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"),
                                                       index=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    method: Mapped[str] = mapped_column(String(20))  # "oidc" or "email_link"
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)
    revoked_at: Mapped[datetime | None]


class SignInLink(IdMixin, TimestampMixin, Base):
    """An e-mailed sign-in link: single use, short-lived, stored as the SHA-256 of its token."""

    __tablename__ = "sign_in_links"

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    used_at: Mapped[datetime | None]


class SignInRequest(Base):
    """One request for a sign-in link, counted per client address and per e-mail address (both as HMACs under
    SECRET_KEY, so the table names nobody) for the rate limits. Rows older than the window are deleted as new ones
    come in. Not tied to an organisation: addresses that belong to nobody are counted too."""

    __tablename__ = "sign_in_requests"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True,
                                    autoincrement=True)
    subject: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(index=True)
