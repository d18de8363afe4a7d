"""Answering with an invitation token: read the questionnaire, keep a draft, submit exactly once.

Exactly once: a submission marks the invitation used with a conditional UPDATE (`... WHERE submitted_at IS NULL`)
and stores the response only if that UPDATE changed a row, in the request's transaction, which commits before the
201 is sent. Two concurrent submissions of one token: on SQLite the second waits for the first's write lock and
then finds the token used; on PostgreSQL the second UPDATE waits for the first's row lock, re-checks the condition
and changes nothing. Either way one 201 and one 409.

A submission and a concurrent close of its survey: the submission holds a share lock on the survey row until it
commits, so every 201 is committed before the close is, and once the close is acknowledged nothing is accepted.

Anonymity: the response keeps the invitation's unit and layer and nothing else; the invitation keeps that it was
used, and its draft is erased when it is.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, null, select, update
from sqlalchemy.orm import Session

from app.errors import AppError, Conflict, Gone, Unprocessable
from app.invitations.models import Invitation
from app.invitations.service import TOKEN_FORMAT, hash_token
from app.questionnaires.service import QuestionnaireDefinition, load_definition
from app.respond.schemas import Answers, Draft, QuestionnaireToAnswer, SurveyInfo
from app.responses.codec import check_answers, pack_by_key
from app.responses.models import Response
from app.surveys.models import Survey
from app.surveys.service import check_accepting
from app.units.models import Unit


class TokenRequired(AppError):
    status_code, code, title = 401, "token-required", "Missing or malformed invitation token"


class TokenUnusable(Conflict):
    code, title = "token-unusable", "This link is not valid or has already been used"


class TokenExpired(Gone):
    code, title = "token-expired", "This link has expired"


# The same words whether the token never existed or was used: a guesser learns nothing.
UNUSABLE_DETAIL = "Ask whoever sent you the link for a new one if you have not answered yet."


@dataclass(frozen=True)
class Ticket:
    """A usable invitation and what it answers."""

    invitation: Invitation
    survey: Survey
    definition: QuestionnaireDefinition


def open_ticket(session: Session, token: str | None, now: datetime) -> Ticket:
    """The invitation of this token, if it may answer now: 401 without a well-formed token, 409 `token-unusable`
    when unknown or used, 410 `token-expired`, 409 `survey-not-open` / `survey-closed`."""
    if not token:
        raise TokenRequired("Send the invitation token in the X-Survey-Token header.")
    if not TOKEN_FORMAT.fullmatch(token):
        raise TokenRequired("The invitation token is malformed: check that the whole link was copied.")
    invitation = session.scalar(select(Invitation).where(Invitation.token_hash == hash_token(token)))
    if invitation is None or invitation.submitted_at is not None:
        raise TokenUnusable(UNUSABLE_DETAIL)
    if invitation.expires_at is not None and now >= invitation.expires_at:
        raise TokenExpired("This link no longer works; ask whoever sent it for a new one.")
    survey = session.get_one(Survey, invitation.survey_id)
    check_accepting(survey, now)
    return Ticket(invitation=invitation, survey=survey, definition=load_definition(session, survey.questionnaire_id))


def _language(requested: str | None, offered: list[str], fallback: str | None) -> str:
    if requested:
        primary = requested.strip().split("-")[0].split("_")[0].lower()
        if primary in offered:
            return primary
    return fallback if fallback in offered else offered[0]


def view(session: Session, ticket: Ticket, lang: str | None) -> QuestionnaireToAnswer:
    saved = ticket.invitation.draft
    draft = None
    if saved is not None:
        draft = Draft(language=saved.get("language", ""), current=saved.get("current", {}),
                      desired=saved.get("desired", {}), saved_at=ticket.invitation.draft_saved_at)
    language = _language(lang, ticket.survey.languages, draft.language if draft else None)
    unit = session.get_one(Unit, ticket.invitation.unit_id)
    return QuestionnaireToAnswer(
        survey=SurveyInfo(title=ticket.survey.title, ask_desired=ticket.survey.ask_desired,
                          languages=list(ticket.survey.languages)),
        language=language, questionnaire=ticket.definition.localised(language), draft=draft, unit_name=unit.name)


@dataclass(frozen=True)
class CheckedAnswers:
    language: str
    current: dict[str, Any]
    desired: dict[str, Any]

    def as_draft(self) -> dict[str, Any]:
        return {"language": self.language, "current": self.current, "desired": self.desired}


def check(ticket: Ticket, body: Answers, *, submitting: bool) -> CheckedAnswers:
    """Every answer against its item's scale; a 422 lists each bad field and nothing is stored."""
    survey, definition = ticket.survey, ticket.definition
    errors: list[dict[str, Any]] = []
    if body.language not in survey.languages:
        errors.append({"loc": ["body", "language"], "msg": f"not offered; the survey's languages are "
                       f"{', '.join(survey.languages)}", "type": "unknown_language"})
    for problem in check_answers(definition, body.current.items()):
        errors.append({"loc": ["body", "current", problem.key], "msg": problem.msg, "type": problem.type})
    if survey.ask_desired:
        for problem in check_answers(definition, body.desired.items()):
            errors.append({"loc": ["body", "desired", problem.key], "msg": problem.msg, "type": problem.type})
    else:
        errors.extend({"loc": ["body", "desired", key], "msg": "this survey asks only how it is now, not how it "
                       "should be", "type": "frame_not_asked"} for key, value in body.desired.items()
                      if value is not None)
    current = {k: v for k, v in body.current.items() if v is not None}
    desired = {k: v for k, v in body.desired.items() if v is not None} if survey.ask_desired else {}
    if submitting and not errors and not current and not desired:
        errors.append({"loc": ["body", "current"], "msg": "answer at least one item", "type": "no_answers"})
    if errors:
        raise Unprocessable("Some answers are not valid; nothing was stored.", errors=errors)
    return CheckedAnswers(language=body.language, current=current, desired=desired)


def _update_unused(session: Session, ticket: Ticket, **values: Any) -> None:
    """Change the invitation only if it is still unused; a token used meanwhile gives 409."""
    result = session.execute(
        update(Invitation).where(Invitation.id == ticket.invitation.id, Invitation.submitted_at.is_(None))
        .values(**values).execution_options(synchronize_session=False))
    if cast(CursorResult[Any], result).rowcount != 1:
        raise TokenUnusable(UNUSABLE_DETAIL)


def save_draft(session: Session, ticket: Ticket, answers: CheckedAnswers, now: datetime) -> datetime:
    _update_unused(session, ticket, draft=answers.as_draft(), draft_saved_at=now)
    return now


def submit(session: Session, ticket: Ticket, answers: CheckedAnswers, now: datetime) -> None:
    # The survey row, read again under a share lock held until this commits: a concurrent close (an UPDATE of that
    # row) waits for this submission, or this submission waits for the close and sees it. So no 201 is committed
    # after a close was acknowledged. (SQLite needs no lock: BEGIN IMMEDIATE already runs writers one at a time.)
    session.refresh(ticket.survey, with_for_update={"read": True})
    check_accepting(ticket.survey, now)
    _update_unused(session, ticket, submitted_at=now, draft=null(), draft_saved_at=None)
    invitation, definition = ticket.invitation, ticket.definition
    session.add(Response(survey_id=ticket.survey.id, unit_id=invitation.unit_id, layer_id=invitation.layer_id,
                         language=answers.language, source="web", current=pack_by_key(definition, answers.current),
                         desired=pack_by_key(definition, answers.desired) if ticket.survey.ask_desired else None))
    session.flush()
