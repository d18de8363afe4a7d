import enum
import uuid
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, Enum, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, IdMixin, TimestampMixin


class SurveyStatus(enum.StrEnum):
    draft = "draft"
    open = "open"
    closed = "closed"


class Survey(IdMixin, TimestampMixin, Base):
    """One wave of a questionnaire in an organisation."""

    __tablename__ = "surveys"
    __table_args__ = (CheckConstraint("min_group_size >= 3", name="min_group_size_at_least_3"),)

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"),
                                                       index=True)
    questionnaire_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("questionnaires.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    languages: Mapped[list[str]] = mapped_column(JSON)
    ask_desired: Mapped[bool]
    min_group_size: Mapped[int] = mapped_column(Integer, default=5)
    status: Mapped[SurveyStatus] = mapped_column(
        Enum(SurveyStatus, native_enum=False, length=10, validate_strings=True), default=SurveyStatus.draft
    )
    opens_at: Mapped[datetime | None]
    closes_at: Mapped[datetime | None]
    opened_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    # the highest response milestone told to its webhooks (app.webhooks.events): each is told once
    milestone_announced: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    reminder_days: Mapped[list[int]] = mapped_column(JSON, default=list, server_default="[]")
    reminders_sent: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # of reminder_days
    next_reminder_at: Mapped[datetime | None] = mapped_column(index=True)  # derived (app.surveys.schedule)
    published_at: Mapped[datetime | None]  # when its figures were last published (app.responses.publication)
    # the SECRET_KEY its invitations were made under, as `app.sealing.fingerprint` (app.invitations.used)
    key_fingerprint: Mapped[str | None] = mapped_column(String(16))
