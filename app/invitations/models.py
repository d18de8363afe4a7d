import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, IdMixin, TimestampMixin


class Invitation(IdMixin, TimestampMixin, Base):
    """A single-use answering token for one unit and layer. Only the token's SHA-256 is stored. Nothing links an
    invitation to the response it produced: whether it was used is in `UsedToken`, under a keyed hash, and a
    submission never writes this row (on PostgreSQL a row written by the submission's transaction would carry its
    transaction id, as the response does). Its draft is sealed under SECRET_KEY and the token (`sealed_draft`)."""

    __tablename__ = "invitations"

    survey_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("units.id"), index=True)
    layer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("layers.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime | None]
    # partial answers until submission: {"answers": ..., "saved_at": ...} as JSON, sealed (app.respond.drafts)
    sealed_draft: Mapped[bytes | None] = mapped_column(LargeBinary)
    # a draft saved before drafts were sealed, readable, with its "saved_at"; the next save or the close erases it
    draft: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class UsedToken(Base):
    """That an invitation was used, and nothing else that identifies: the key is HMAC-SHA256, under a key derived
    from SECRET_KEY, of the invitation's `token_hash` (`app.invitations.used`), so without SECRET_KEY nobody reading
    the database can tell which invitation a row is of. Inserted by the submission itself, with the response; the
    primary key makes a token's second use store nothing. Unit and layer are those of the response (for response
    rates). No time, no order but the table's own. Kept after the close: a reopened wave must still refuse the
    tokens used before, and the rates of a closed wave are counted from it (nothing names a person by then: the
    addresses are deleted at the close)."""

    __tablename__ = "used_tokens"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    survey_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("units.id"))
    layer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("layers.id"))


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
