import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, IdMixin, TimestampMixin


class WebhookEndpoint(IdMixin, TimestampMixin, Base):
    """Where an organisation wants its events: a URL, the events it takes, and the signing secret (sealed under
    SECRET_KEY: it must be read back to sign, so it can't be hashed like an API key)."""

    __tablename__ = "webhook_endpoints"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"),
                                                       index=True)
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str] = mapped_column(String(200), default="")
    events: Mapped[list[str]] = mapped_column(JSON)
    sealed_secret: Mapped[bytes] = mapped_column(LargeBinary)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)


class WebhookDelivery(IdMixin, TimestampMixin, Base):
    """One event for one endpoint: written in the transaction of what happened (the outbox), sent by a sender,
    and kept as the delivery log (its attempts' statuses) until its endpoint or organisation is deleted, or
    DELIVERY_LOG_DAYS after it was finished. Its id is the `webhook-id` of every attempt (receivers deduplicate
    on it)."""

    __tablename__ = "webhook_deliveries"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"),
                                                       index=True)
    endpoint_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("webhook_endpoints.id", ondelete="CASCADE"),
                                                   index=True)
    event_type: Mapped[str] = mapped_column(String(60))
    payload: Mapped[str] = mapped_column(Text)  # the JSON body, byte for byte what every attempt sends
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_at: Mapped[datetime | None]  # when the latest attempt began (a sender took it)
    next_attempt_at: Mapped[datetime | None]  # after a failed attempt: not before then (backoff)
    delivered_at: Mapped[datetime | None] = mapped_column(index=True)
    failed_at: Mapped[datetime | None]  # given up
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(300))
    attempt_log: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # {at, status, error, ms}
