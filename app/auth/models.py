import enum
import uuid
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, IdMixin, TimestampMixin


class Role(enum.StrEnum):
    platform_admin = "platform_admin"
    org_admin = "org_admin"
    analyst = "analyst"
    leader = "leader"  # people only: reads the reports of their own units' subtrees


PERSON_ROLES = (Role.org_admin, Role.analyst, Role.leader)
KEY_ROLES = (Role.platform_admin, Role.org_admin, Role.analyst)


class ApiKey(IdMixin, TimestampMixin, Base):
    """An API key. Only the SHA-256 of the secret is stored; the key itself is shown once at creation."""

    __tablename__ = "api_keys"

    organisation_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    unit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=20, validate_strings=True))
    name: Mapped[str] = mapped_column(String(200))
    prefix: Mapped[str] = mapped_column(String(16))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
