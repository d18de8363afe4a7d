import uuid
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, IdMixin, TimestampMixin


class Organisation(IdMixin, TimestampMixin, Base):
    __tablename__ = "organisations"

    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(100), unique=True)


class Layer(IdMixin, Base):
    """A leadership layer; rank 1 is the top of the organisation."""

    __tablename__ = "layers"
    __table_args__ = (UniqueConstraint("organisation_id", "key"),)

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"),
                                                       index=True)
    key: Mapped[str] = mapped_column(String(50))
    rank: Mapped[int] = mapped_column(Integer)
    names: Mapped[dict[str, Any]] = mapped_column(JSON)
