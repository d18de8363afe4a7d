import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, IdMixin, TimestampMixin


class Unit(IdMixin, TimestampMixin, Base):
    """A node of the organisation's tree (directorate, department, team, ...); roots have no parent."""

    __tablename__ = "units"
    __table_args__ = (
        UniqueConstraint("organisation_id", "parent_id", "name"),
        UniqueConstraint("organisation_id", "external_key"),
    )

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"),
                                                       index=True)
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("units.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    external_key: Mapped[str | None] = mapped_column(String(100))
    archived_at: Mapped[datetime | None]
