import uuid
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.auth.models import Role
from app.db import Base, IdMixin, TimestampMixin


class Person(IdMixin, TimestampMixin, Base):
    """Someone of an organisation who signs in (single sign-on or an e-mailed link) to read or manage its results.

    `role` is one of the people's roles (org_admin, analyst, leader); a leader, and an analyst with units, reaches
    only the subtrees of their units (`PersonUnit`). The e-mail address is kept lower-case and is the person's
    identity at the identity provider. A deactivated person can't sign in, and their sessions end at once.
    """

    __tablename__ = "people"
    __table_args__ = (UniqueConstraint("organisation_id", "email"),)

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"),
                                                       index=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=20, validate_strings=True))
    deactivated_at: Mapped[datetime | None]
    last_sign_in_at: Mapped[datetime | None]


class PersonUnit(Base):
    """A unit whose subtree a person reaches."""

    __tablename__ = "person_units"

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), primary_key=True,
                                               index=True)
