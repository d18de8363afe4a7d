from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, IdMixin, TimestampMixin


class OutgoingMail(IdMixin, TimestampMixin, Base):
    """A message waiting to be sent, written in the transaction that asked for it (so a rolled-back request sends
    nothing). The body is erased once the message is sent or given up, so a sign-in link in it does not stay."""

    __tablename__ = "outgoing_mail"

    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None] = mapped_column(index=True)
    failed_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(300))
    expires_at: Mapped[datetime]  # not sent by then: given up (a sign-in link in it has expired anyway)
