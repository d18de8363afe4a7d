import uuid
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, IdMixin


class CommentSettings(Base):
    """A survey's open questions, the comment threshold and the theme keyword lists.

    `questions`: [{"key", "texts": {lang: text}}] in order. `threshold`: the least number of respondents of a
    group whose comments may be shown (never below the survey's minimum group size). `themes`: {dimension key:
    {lang: [keyword, ...]}}, null for the defaults (`app.comments.themes`)."""

    __tablename__ = "comment_settings"

    survey_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True)
    questions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    threshold: Mapped[int] = mapped_column(Integer, default=10)
    themes: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class Comment(IdMixin, Base):
    """One answer to an open question, stored like a response: the unit and layer of the token that submitted it,
    and nothing else -- no time, no token, no link to the response. E-mail addresses and phone numbers were masked
    before it was stored. `published` follows the survey's responses (`app.responses.publication`); `hidden`: an
    organisation admin took it out of every view."""

    __tablename__ = "comments"

    survey_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    question_key: Mapped[str] = mapped_column(String(100))
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("units.id"), index=True)
    layer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("layers.id"))
    text: Mapped[str] = mapped_column(Text)
    hidden: Mapped[bool] = mapped_column(server_default=false(), default=False)
    published: Mapped[bool] = mapped_column(server_default=false(), default=False)
