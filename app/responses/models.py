import uuid

from sqlalchemy import ForeignKey, LargeBinary, String, false
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, IdMixin


class Response(IdMixin, Base):
    """One respondent's answers, with only the unit and layer of the token that submitted them.

    No timestamp and no link to the invitation, so a response can't be traced to a token or a moment. Answers
    are packed (see `codec`): one signed byte per questionnaire item, in item position order. `published`: its
    answers count in the survey's figures (see `app.responses.publication`); a response arrives unpublished.
    """

    __tablename__ = "responses"

    survey_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("units.id"), index=True)
    layer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("layers.id"), index=True)
    language: Mapped[str | None] = mapped_column(String(8))
    source: Mapped[str] = mapped_column(String(10))  # "web" or "import"
    current: Mapped[bytes] = mapped_column(LargeBinary)
    desired: Mapped[bytes | None] = mapped_column(LargeBinary)
    published: Mapped[bool] = mapped_column(server_default=false())
