import uuid
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, IdMixin, TimestampMixin

LangText = dict[str, str]


class Questionnaire(IdMixin, TimestampMixin, Base):
    """One version of a questionnaire. Versions of the same questionnaire share `key`; items keep their `key`
    across versions, so waves remain comparable. A version that a survey uses never changes."""

    __tablename__ = "questionnaires"
    __table_args__ = (UniqueConstraint("organisation_id", "key", "version"),)

    organisation_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )  # None: built in, offered to every organisation
    key: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[LangText] = mapped_column(JSON)
    languages: Mapped[list[str]] = mapped_column(JSON)
    scale_min: Mapped[int] = mapped_column(Integer)
    scale_max: Mapped[int] = mapped_column(Integer)
    scale_labels: Mapped[dict[str, list[str]]] = mapped_column(JSON)
    dont_know_label: Mapped[LangText | None] = mapped_column(JSON)  # None: no "don't know" option
    frame_labels: Mapped[dict[str, Any]] = mapped_column(JSON)  # {lang: {"current": ..., "desired": ...}}


class Dimension(IdMixin, Base):
    """A dimension answers on the questionnaire's scale unless it has its own (`scale_min` not NULL): then
    `scale_min..scale_max`, `scale_labels` and `dont_know_label` (None: no "don't know") are all its own."""

    __tablename__ = "dimensions"
    __table_args__ = (UniqueConstraint("questionnaire_id", "key"),
                      CheckConstraint("(scale_min IS NULL AND scale_max IS NULL) OR (scale_min IS NOT NULL AND "
                                      "scale_max IS NOT NULL AND scale_max > scale_min)", name="own_scale_complete"))

    questionnaire_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("questionnaires.id", ondelete="CASCADE"),
                                                        index=True)
    key: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer)
    names: Mapped[LangText] = mapped_column(JSON)
    outcome: Mapped[bool] = mapped_column(default=False, server_default=false())  # the outcome of driver analyses
    scale_min: Mapped[int | None] = mapped_column(Integer)  # None: the questionnaire's scale
    scale_max: Mapped[int | None] = mapped_column(Integer)
    scale_labels: Mapped[dict[str, list[str]] | None] = mapped_column(JSON)
    dont_know_label: Mapped[LangText | None] = mapped_column(JSON)  # only read with an own scale


class Item(IdMixin, Base):
    __tablename__ = "items"
    __table_args__ = (UniqueConstraint("questionnaire_id", "key"), UniqueConstraint("questionnaire_id", "position"))

    questionnaire_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("questionnaires.id", ondelete="CASCADE"),
                                                        index=True)
    dimension_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("dimensions.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer)  # 0-based; also the item's slot in a packed response
    reverse: Mapped[bool]
    texts: Mapped[LangText] = mapped_column(JSON)
