"""Deleting a survey deletes what this process derived from its answers too, once the deletion is committed."""

import uuid

from sqlalchemy import event
from sqlalchemy.orm import Session

from app.reports.context import forget_surveys


def forget_after_commit(session: Session, survey_ids: list[uuid.UUID]) -> None:
    """Drop the surveys' cached answers and suppression maps when `session` commits (not before: a rolled-back
    deletion keeps its survey, and a report running meanwhile must not cache the answers again)."""
    if survey_ids:
        event.listen(session, "after_commit", lambda _: forget_surveys(list(survey_ids)), once=True)
