import uuid
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, IdMixin, TimestampMixin, utcnow


class SingleSignOn(TimestampMixin, Base):
    """An organisation's OpenID Connect provider. The client secret is stored encrypted (AES-GCM under a key derived
    from the server's SECRET_KEY), never returned by the API."""

    __tablename__ = "single_sign_on"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"),
                                                       primary_key=True)
    issuer: Mapped[str] = mapped_column(String(500))
    client_id: Mapped[str] = mapped_column(String(300))
    client_secret_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    email_claim: Mapped[str] = mapped_column(String(100))
    allowed_domains: Mapped[list[str]] = mapped_column(JSON)
    enabled: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class SignInFlow(IdMixin, TimestampMixin, Base):
    """One authorization-code flow in progress: what the callback must find again (state, nonce, PKCE verifier) and
    the browser it must come back to (the SHA-256 of a cookie set at the start). Used once, short-lived."""

    __tablename__ = "sign_in_flows"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"),
                                                       index=True)
    state_hash: Mapped[str] = mapped_column(String(64), unique=True)
    browser_hash: Mapped[str] = mapped_column(String(64))
    nonce: Mapped[str] = mapped_column(String(100))
    code_verifier: Mapped[str] = mapped_column(String(128))
    language: Mapped[str] = mapped_column(String(5))
    expires_at: Mapped[datetime] = mapped_column(index=True)
    used_at: Mapped[datetime | None]
