"""Survey waves: one questionnaire, asked in one organisation, draft → open → closed (and reopened).

Waves of the same questionnaire stay comparable because items keep their keys across questionnaire versions;
a wave fixes the exact version it asks, which can no longer change once a survey uses it.
"""

import uuid
from dataclasses import astuple, dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol, cast

from sqlalchemy import CursorResult, delete, or_, select, update
from sqlalchemy.orm import Session

from app import sealing
from app.db import utcnow
from app.errors import Conflict, Unprocessable
from app.invitations.models import Invitation, InvitationMail
from app.mail import outbox
from app.orgs.models import Organisation
from app.questionnaires import service as questionnaire_service
from app.questionnaires.models import Questionnaire
from app.responses.models import Response
from app.responses.publication import publish
from app.selfassessments.models import SelfAssessment
from app.surveys.models import Survey, SurveyStatus
from app.surveys.schemas import SurveyCreate, SurveyRead, SurveyUpdate
from app.webhooks import events as webhook_events
from app.webhooks.events import EventType

ALWAYS_CHANGEABLE = {"title", "closes_at", "reminder_days"}


class SurveyNotOpen(Conflict):
    code, title = "survey-not-open", "This survey is not open"


class SurveyClosed(Conflict):
    code, title = "survey-closed", "This survey is closed"


def is_accepting(survey: Survey, now: datetime) -> bool:
    return (survey.status is SurveyStatus.open
            and (survey.opens_at is None or survey.opens_at <= now)
            and (survey.closes_at is None or now < survey.closes_at))


class Schedule(Protocol):
    """What decides whether a survey accepts responses: a `Survey`, or the same columns read without the ORM."""

    @property
    def status(self) -> SurveyStatus: ...

    @property
    def opens_at(self) -> datetime | None: ...

    @property
    def closes_at(self) -> datetime | None: ...


def check_accepting(survey: Schedule, now: datetime) -> None:
    """Raise `SurveyNotOpen` (a draft, or before `opens_at`) or `SurveyClosed` (closed, or from `closes_at` on)
    unless the survey accepts responses at `now`; both are 409s."""
    if survey.status is SurveyStatus.draft or (survey.opens_at is not None and now < survey.opens_at):
        raise SurveyNotOpen("This survey does not accept responses yet.")
    if survey.status is SurveyStatus.closed or (survey.closes_at is not None and now >= survey.closes_at):
        raise SurveyClosed("This survey no longer accepts responses.")


def to_read(survey: Survey) -> SurveyRead:
    derived = {"accepting": is_accepting(survey, utcnow()),
               "key_changed": survey.key_fingerprint not in (None, sealing.fingerprint())}
    return SurveyRead.model_validate({**{name: getattr(survey, name) for name in SurveyRead.model_fields
                                         if name not in derived}, **derived})


def get_survey(session: Session, organisation: Organisation, survey_id: uuid.UUID) -> Survey | None:
    survey = session.get(Survey, survey_id)
    return survey if survey is not None and survey.organisation_id == organisation.id else None


def list_surveys(session: Session, organisation: Organisation) -> list[Survey]:
    return list(session.scalars(select(Survey).where(Survey.organisation_id == organisation.id)
                                .order_by(Survey.created_at, Survey.id)))


def _questionnaire(session: Session, organisation: Organisation, questionnaire_id: uuid.UUID) -> Questionnaire:
    q = questionnaire_service.visible_questionnaire(session, organisation, questionnaire_id)
    if q is None:
        raise Unprocessable(errors=[{"loc": ["body", "questionnaire_id"], "msg": "no such questionnaire in this "
                                     "organisation (nor a built-in one)", "type": "not_found"}])
    return q


def _check_languages(q: Questionnaire, languages: list[str]) -> None:
    errors = [{"loc": ["body", "languages", i], "msg": f"the questionnaire has no {lang!r} texts (it offers "
               f"{', '.join(q.languages)})", "type": "unknown_language"}
              for i, lang in enumerate(languages) if lang not in q.languages]
    if len(set(languages)) != len(languages):
        errors.append({"loc": ["body", "languages"], "msg": "languages must not repeat", "type": "duplicate"})
    if errors:
        raise Unprocessable(errors=errors)


def _check_window(opens_at: datetime | None, closes_at: datetime | None) -> None:
    if opens_at is not None and closes_at is not None and closes_at <= opens_at:
        raise Unprocessable(errors=[{"loc": ["body", "closes_at"], "msg": "closes_at must be after opens_at",
                                     "type": "value_error"}])


def create_survey(session: Session, organisation: Organisation, data: SurveyCreate) -> Survey:
    q = _questionnaire(session, organisation, data.questionnaire_id)
    languages = list(data.languages) if data.languages is not None else list(q.languages)
    _check_languages(q, languages)
    _check_window(data.opens_at, data.closes_at)
    survey = Survey(organisation_id=organisation.id, questionnaire_id=q.id, title=data.title, languages=languages,
                    ask_desired=data.ask_desired, min_group_size=data.min_group_size, status=SurveyStatus.draft,
                    opens_at=data.opens_at, closes_at=data.closes_at, reminder_days=sorted(data.reminder_days),
                    reminders_sent=0)
    session.add(survey)
    session.flush()
    return survey


def _holds_responses(session: Session, survey: Survey) -> bool:
    return session.scalar(select(Response.id).where(Response.survey_id == survey.id).limit(1)) is not None


def update_survey(session: Session, organisation: Organisation, survey: Survey, data: SurveyUpdate) -> Survey:
    """A draft changes freely; an open or closed survey only its title and closing time. Changing what is asked
    (questionnaire, frames) of a survey that already holds (imported) responses is refused."""
    changes = {name: getattr(data, name) for name in data.model_fields_set}
    if survey.status is not SurveyStatus.draft:
        frozen = sorted(set(changes) - ALWAYS_CHANGEABLE)
        if frozen:
            raise Conflict(f"The survey is {survey.status.value}: only title, closes_at and reminder_days can change "
                           f"(not {', '.join(frozen)}).")
    if "questionnaire_id" in changes and changes["questionnaire_id"] != survey.questionnaire_id:
        q = _questionnaire(session, organisation, changes["questionnaire_id"])
        changes.setdefault("languages", list(q.languages))
    else:
        q = session.get_one(Questionnaire, survey.questionnaire_id)
    if "languages" in changes:
        _check_languages(q, changes["languages"])
    _check_window(changes.get("opens_at", survey.opens_at), changes.get("closes_at", survey.closes_at))
    asks_differently = (changes.get("questionnaire_id", survey.questionnaire_id) != survey.questionnaire_id
                        or changes.get("ask_desired", survey.ask_desired) != survey.ask_desired)
    if asks_differently and _holds_responses(session, survey):
        raise Conflict("The survey holds responses: its questionnaire and frames can no longer change.")
    for name, value in changes.items():
        setattr(survey, name, sorted(value) if name == "reminder_days" else list(value) if name == "languages"
                else value)
    if "reminder_days" in changes:  # a new plan: the days already past are not sent again
        survey.reminders_sent = _days_past(survey, utcnow()) if survey.status is SurveyStatus.open else 0
    plan_reminders(survey)
    session.flush()
    return survey


def _check_status(survey: Survey, action: str, allowed_from: SurveyStatus) -> None:
    if survey.status is not allowed_from:
        raise Conflict(f"Can't {action} a survey that is {survey.status.value} (only a {allowed_from.value} one).")


def _check_not_past_closing(survey: Survey, action: str, now: datetime) -> None:
    if survey.closes_at is not None and survey.closes_at <= now:
        raise Conflict(f"closes_at is in the past: move it (PATCH) before you {action} the survey.")


def open_survey(session: Session, survey: Survey) -> Survey:
    """draft → open. Responses are then accepted within [opens_at, closes_at)."""
    now = utcnow()
    _check_status(survey, "open", SurveyStatus.draft)
    _check_not_past_closing(survey, "open", now)
    survey.status, survey.opened_at, survey.reminders_sent = SurveyStatus.open, now, 0
    plan_reminders(survey)
    session.flush()
    webhook_events.survey_event(session, survey, EventType.survey_opened)
    return survey


def close_survey(session: Session, survey: Survey) -> Survey:
    """open → closed: no more responses, whatever closes_at says; the responses are published for the figures
    (`app.responses.publication`: after a reopening, only when there are enough new ones in every group)."""
    _check_status(survey, "close", SurveyStatus.open)
    survey.status, survey.closed_at = SurveyStatus.closed, utcnow()
    # the addresses of mailed invitations were kept for reminders only (`app.invitations.mailing`)
    session.execute(delete(InvitationMail).where(InvitationMail.survey_id == survey.id))
    # and the drafts, sealed or not: a closed wave keeps no partial answers (a reopening starts them afresh). The
    # used tokens stay (app.invitations.models.UsedToken): a reopened wave must still refuse them.
    session.execute(update(Invitation).where(Invitation.survey_id == survey.id, or_(
        Invitation.sealed_draft.is_not(None), Invitation.draft.is_not(None))).values(sealed_draft=None, draft=None))
    outbox.forget_survey(session, survey.id)  # its unsent or given-up mails, with their addresses
    survey.next_reminder_at = None
    session.flush()
    published_before = survey.published_at
    publish(session, survey)
    webhook_events.survey_event(session, survey, EventType.survey_closed)
    if survey.published_at != published_before:
        webhook_events.survey_event(session, survey, EventType.survey_published)
    return survey


def close_due(session: Session) -> list[Survey]:
    """Close the open surveys whose closing time has passed (`culturegap worker`), as an admin's close would: their
    responses are published and mailed addresses deleted. A survey with a submission in flight is locked by it
    (`SKIP LOCKED` on PostgreSQL): it is closed at the next round."""
    due = list(session.scalars(select(Survey).where(Survey.status == SurveyStatus.open, Survey.closes_at.is_not(None),
                                                    Survey.closes_at <= utcnow())
                               .with_for_update(skip_locked=True)))
    for survey in due:
        close_survey(session, survey)
    return due


def reminders_start(survey: Survey) -> datetime | None:
    """Reminder days count from when the survey began to accept responses: its opening, or a later `opens_at`."""
    if survey.opened_at is None:
        return None
    return max(survey.opened_at, survey.opens_at) if survey.opens_at is not None else survey.opened_at


def _days_past(survey: Survey, now: datetime) -> int:
    start = reminders_start(survey)
    return 0 if start is None else sum(1 for day in survey.reminder_days if start + timedelta(days=day) <= now)


def plan_reminders(survey: Survey) -> None:
    """`next_reminder_at`: when the next of the survey's `reminder_days` is due (the worker sends it then)."""
    start = reminders_start(survey)
    days = survey.reminder_days or []
    survey.next_reminder_at = (start + timedelta(days=days[survey.reminders_sent])
                               if survey.status is SurveyStatus.open and start is not None
                               and survey.reminders_sent < len(days) else None)


def reminder_done(survey: Survey, now: datetime) -> None:
    """A reminder round went out: every reminder day past by now is done (a worker that was down sends one round
    for the days it missed, not one per day)."""
    survey.reminders_sent = max(survey.reminders_sent + 1, _days_past(survey, now))
    plan_reminders(survey)


def open_due(session: Session) -> list[Survey]:
    """Open the drafts whose `opens_at` has come (`culturegap worker`), as an admin's open would. One worker acts
    on each (`SKIP LOCKED` on PostgreSQL; SQLite's writers queue); a draft whose closing time has passed too (no
    worker ran in the whole window) stays a draft for an admin to look at."""
    now = utcnow()
    due = list(session.scalars(select(Survey).where(
        Survey.status == SurveyStatus.draft, Survey.opens_at.is_not(None), Survey.opens_at <= now,
        or_(Survey.closes_at.is_(None), Survey.closes_at > now)).with_for_update(skip_locked=True)))
    for survey in due:
        open_survey(session, survey)
    return due


def reopen_survey(session: Session, survey: Survey) -> Survey:
    """closed → open, e.g. to extend a wave. Unused invitations work again. The published figures stay as they
    are; the new responses join them at the next close if every group got none or enough of them."""
    _check_status(survey, "reopen", SurveyStatus.closed)
    _check_not_past_closing(survey, "reopen", utcnow())
    survey.status, survey.closed_at = SurveyStatus.open, None
    survey.reminders_sent = _days_past(survey, utcnow())  # a reopening sends no reminder that was due before
    plan_reminders(survey)
    session.flush()
    webhook_events.survey_event(session, survey, EventType.survey_opened)
    return survey


@dataclass(frozen=True)
class Erased:
    """What a deletion removed, counted for the audit log (evidence of erasure without the data)."""

    surveys: int = 0
    responses: int = 0
    invitations: int = 0
    self_assessments: int = 0

    def __add__(self, other: "Erased") -> "Erased":
        return Erased(*(a + b for a, b in zip(astuple(self), astuple(other), strict=True)))


def _delete(session: Session, model: type[Response | Invitation | SelfAssessment], survey_id: uuid.UUID) -> int:
    result = cast(CursorResult[Any], session.execute(delete(model).where(model.survey_id == survey_id)))
    return result.rowcount


def delete_survey(session: Session, survey: Survey) -> Erased:
    """Remove the survey with every response, invitation (with its draft answers) and self-assessment: nothing
    of it remains. (The foreign keys cascade too; deleting explicitly counts what went.)"""
    erased = Erased(surveys=1, **{name: _delete(session, model, survey.id) for name, model in (
        ("responses", Response), ("invitations", Invitation), ("self_assessments", SelfAssessment))})
    session.delete(survey)
    session.flush()
    return erased


def delete_all_surveys(session: Session, organisation: Organisation) -> tuple[list[uuid.UUID], Erased]:
    """Delete every survey of the organisation (before the organisation itself); their ids and what went."""
    surveys = list_surveys(session, organisation)
    return [s.id for s in surveys], sum((delete_survey(session, s) for s in surveys), Erased())
