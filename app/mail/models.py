import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, IdMixin, TimestampMixin


class OutgoingMail(IdMixin, TimestampMixin, Base):
    """A message waiting to be sent, written in the transaction that asked for it (so a rolled-back request sends
    nothing). A sent message is deleted (the audit log says a link was sent); one given up keeps its recipient
    and error (addresses masked) for the operator, without its body, until its organisation is deleted -- or, for
    a survey's mail, until the survey closes (`survey_id`; that mail also waits while the survey does not accept
    responses, its body sealed under SECRET_KEY: its link answers the survey)."""

    __tablename__ = "outgoing_mail"

    organisation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"),
                                                              index=True)
    survey_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str | None] = mapped_column(Text)
    sealed_body: Mapped[bytes | None] = mapped_column(LargeBinary)  # instead of `body`: a survey's mail
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_at: Mapped[datetime | None]  # when the latest attempt began (a sender took it)
    next_attempt_at: Mapped[datetime | None]  # after a transient failure: not before then (backoff)
    sent_at: Mapped[datetime | None] = mapped_column(index=True)
    failed_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(300))
    expires_at: Mapped[datetime]  # not sent by then: given up (a sign-in link in it has expired anyway)
