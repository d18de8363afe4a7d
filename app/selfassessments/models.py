import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, IdMixin, TimestampMixin


class SelfAssessment(IdMixin, TimestampMixin, Base):
    """A leader's own answers, NAMED and given with explicit consent: unlike a `Response` it is not anonymous.

    It sits beside the anonymous responses, never among them: reports score it only as "the leader's view" against
    the anonymous group they lead (the leader blind spot). Withdrawing consent deletes the row; deleting the survey
    or the unit deletes it too (database cascade). Answers are packed like a response's (see `codec`).
    """

    __tablename__ = "self_assessments"

    survey_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    layer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("layers.id", ondelete="CASCADE"), index=True)
    leader_name: Mapped[str] = mapped_column(String(200))
    consent_given_at: Mapped[datetime]
    language: Mapped[str] = mapped_column(String(8))
    current: Mapped[bytes] = mapped_column(LargeBinary)
