"""The SQL of the respondent's side, built once: run as they are on SQLite's Core connections (every execution finds
its compiled form by a memoised cache key), compiled once for psycopg on PostgreSQL (app.respond.pg).

PostgreSQL runs each call without a transaction of its own (autocommit): the ticket is one SELECT; then a draft is
one conditional UPDATE, and a submission one statement that marks the invitation used and stores the response
together (`USE_AND_STORE`), so no BEGIN and COMMIT round trips. SQLite runs each call in a BEGIN IMMEDIATE
transaction (see app.db), which holds its one write lock throughout: the conditional UPDATE and the INSERT
there are two statements.
"""

from datetime import datetime
from typing import cast

from sqlalchemy import Insert, Table, bindparam, exists, false, insert, null, select, update

from app.comments.models import Comment, CommentSettings
from app.invitations.models import Invitation
from app.questionnaires.service import definition_stamp
from app.responses.models import Response
from app.surveys.models import Survey, SurveyStatus
from app.units.models import Unit

_invitations, _responses = cast(Table, Invitation.__table__), cast(Table, Response.__table__)
_surveys = cast(Table, Survey.__table__)

TICKET = (
    select(Invitation.id, Invitation.unit_id, Invitation.layer_id, Invitation.expires_at, Invitation.submitted_at,
           Invitation.draft, Invitation.draft_saved_at, Unit.name.label("unit_name"), Survey.id.label("survey_id"),
           Survey.questionnaire_id, Survey.title, Survey.languages, Survey.ask_desired, Survey.status,
           Survey.opens_at, Survey.closes_at, definition_stamp(Survey.questionnaire_id).label("stamp"),
           select(CommentSettings.questions).where(CommentSettings.survey_id == Survey.id)
           .scalar_subquery().label("open_questions"))
    .join(Survey, Survey.id == Invitation.survey_id)
    .join(Unit, Unit.id == Invitation.unit_id)
    .where(Invitation.token_hash == bindparam("token_hash"))
)

_UNUSED = _invitations.c.id == bindparam("invitation_id"), _invitations.c.submitted_at.is_(None)

SAVE_DRAFT = update(_invitations).where(*_UNUSED).values(
    draft=bindparam("draft", type_=Invitation.draft.type),
    draft_saved_at=bindparam("now", type_=Invitation.draft_saved_at.type))

# An invitation records the day it was used, not the moment: answers are stored in order (row ids, table order), and
# exact times of use, beside the mailed addresses of an open wave, would give the order in which people answered.
MARK_USED = update(_invitations).where(*_UNUSED).values(
    submitted_at=bindparam("used_on", type_=Invitation.submitted_at.type), draft=null(), draft_saved_at=null())


def used_on(now: datetime) -> datetime:
    """What an invitation stores as the time it was used: the day (midnight UTC)."""
    return now.replace(hour=0, minute=0, second=0, microsecond=0)

RESPONSE_COLUMNS = ("id", "survey_id", "unit_id", "layer_id", "language", "source", "current", "desired")
STORE = insert(_responses)


def _use_and_store() -> Insert:
    """PostgreSQL: mark the invitation used and store the response in one statement, only while the survey is open.
    The survey row is read under a share lock that the statement holds until it commits, so closing the survey (an
    UPDATE of that row) waits for submissions in flight, and one that comes after the close sees it and stores
    nothing; concurrent submissions don't block each other (share locks don't conflict)."""
    open_survey = (select(_surveys.c.id).where(_surveys.c.id == bindparam("response_survey_id"),
                                               _surveys.c.status == SurveyStatus.open)
                   .with_for_update(read=True).cte("open_survey"))
    used = MARK_USED.where(exists(select(open_survey.c.id))).returning(_invitations.c.id).cte("used")
    # Prefixed names: a parameter named like a column of `invitations` would join the UPDATE's SET clause.
    row = select(*(bindparam(f"response_{name}", type_=_responses.c[name].type) for name in RESPONSE_COLUMNS))
    return (insert(_responses).from_select(RESPONSE_COLUMNS, row.select_from(used)).add_cte(open_survey, used)
            .execution_options(preserve_rowcount=True))  # an INSERT's rowcount is dropped unless asked for


USE_AND_STORE = _use_and_store()
"""Parameters: `invitation_id`, `now`, `used_on`, and `response_<column>` for each of `RESPONSE_COLUMNS`."""

COMMENT_COLUMNS = ("id", "survey_id", "question_key", "unit_id", "layer_id", "text")
STORE_COMMENT = insert(cast(Table, Comment.__table__)).values(
    {**{name: bindparam(name, type_=cast(Table, Comment.__table__).c[name].type) for name in COMMENT_COLUMNS},
     "hidden": false(), "published": false()})
"""Parameters: the `COMMENT_COLUMNS` of one open answer, stored with the response in its transaction."""
