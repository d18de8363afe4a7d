import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow


class AuditEvent(Base):
    """One change: who (the key or person, by id and by name at the time), what (action, object type and id) and when.

    `id` grows with every event and orders the log. `organisation_id` is null only for events that outlive their
    organisation (its deletion); every other event is deleted with its organisation. No foreign key on the actor:
    the event keeps the key's id and name even after the key is gone.
    """

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_organisation_id_id", "organisation_id", "id"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True,
                                    autoincrement=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    actor_kind: Mapped[str] = mapped_column(String(10), server_default="key")  # "key", "person" or "none"
    actor_key_id: Mapped[uuid.UUID | None]  # the key's or the person's id (null: nobody signed in, e.g. a failure)
    actor_key_name: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(30))
    object_id: Mapped[uuid.UUID]
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)
