import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, IdMixin, TimestampMixin


class Invitation(IdMixin, TimestampMixin, Base):
    """A single-use answering token for one unit and layer. Only the token's SHA-256 is stored. Nothing links an
    invitation to the response it produced: `submitted_at` says on which day it was used (never the moment, which
    would give the order of answering), not what was answered."""

    __tablename__ = "invitations"

    survey_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("units.id"), index=True)
    layer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("layers.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    draft: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # partial answers until submission
    draft_saved_at: Mapped[datetime | None]


class InvitationMail(IdMixin, TimestampMixin, Base):
    """The address an invitation was mailed to, kept only while the survey is open, for reminders: its token sealed
    under SECRET_KEY (`app.sealing`, bound to the invitation) so that a reminder carries the same link. Deleted when
    the survey closes. Nothing here links to a response: whether the invitation was used is all it can tell."""

    __tablename__ = "invitation_mails"
    __table_args__ = (UniqueConstraint("survey_id", "email"),)

    survey_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    invitation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("invitations.id", ondelete="CASCADE"), unique=True)
    email: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(2))
    sealed_token: Mapped[bytes] = mapped_column(LargeBinary)
    last_mail_id: Mapped[uuid.UUID | None]  # the outbox row of the latest mail (gone from the outbox once sent)
    mails: Mapped[int] = mapped_column(Integer, default=0)
    reminded_at: Mapped[datetime | None]
