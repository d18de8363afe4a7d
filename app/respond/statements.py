"""The SQL of the respondent's side, built once: run as they are on SQLite's Core connections (every execution finds
its compiled form by a memoised cache key), compiled once for psycopg on PostgreSQL (app.respond.pg).

PostgreSQL runs each call without a transaction of its own (autocommit): the ticket is one SELECT; then a draft is
one conditional UPDATE, and a submission one statement that inserts the used-token row and stores the response
together (`USE_AND_STORE`), so no BEGIN and COMMIT round trips. SQLite runs each call in a BEGIN IMMEDIATE
transaction (see app.db), which holds its one write lock throughout: the conditional INSERT of the used token
(`MARK_USED`) and the response's INSERT there are two statements. A submission never writes the invitation row
(see app.invitations.used).
"""

from typing import cast

from sqlalchemy import Insert, Table, bindparam, exists, false, insert, null, select, update
from sqlalchemy.dialects import postgresql, sqlite

from app.comments.models import Comment, CommentSettings
from app.invitations.models import Invitation, UsedToken
from app.questionnaires.service import definition_stamp
from app.responses.models import Response
from app.surveys.models import Survey, SurveyStatus
from app.units.models import Unit

_invitations, _responses = cast(Table, Invitation.__table__), cast(Table, Response.__table__)
_surveys, _used = cast(Table, Survey.__table__), cast(Table, UsedToken.__table__)
_IS_USED = exists(select(_used.c.key).where(_used.c.key == bindparam("used_key", type_=_used.c.key.type)))

TICKET = (
    select(Invitation.id, Invitation.unit_id, Invitation.layer_id, Invitation.expires_at, _IS_USED.label("used"),
           Invitation.sealed_draft, Invitation.draft, Unit.name.label("unit_name"), Survey.id.label("survey_id"),
           Survey.questionnaire_id, Survey.title, Survey.languages, Survey.ask_desired, Survey.status,
           Survey.opens_at, Survey.closes_at, Survey.key_fingerprint,
           definition_stamp(Survey.questionnaire_id).label("stamp"),
           select(CommentSettings.questions).where(CommentSettings.survey_id == Survey.id)
           .scalar_subquery().label("open_questions"))
    .join(Survey, Survey.id == Invitation.survey_id)
    .join(Unit, Unit.id == Invitation.unit_id)
    .where(Invitation.token_hash == bindparam("token_hash"))
)
"""Parameters: `token_hash` and `used_key` (app.invitations.used) of the token."""

SAVE_DRAFT = update(_invitations).where(_invitations.c.id == bindparam("invitation_id"), ~_IS_USED).values(
    sealed_draft=bindparam("sealed_draft", type_=Invitation.sealed_draft.type), draft=null())
"""Parameters: `invitation_id`, `used_key`, `sealed_draft` (app.respond.drafts). Changes no row once used."""

_USED_COLUMNS = ("key", "survey_id", "unit_id", "layer_id")
# The used-token row takes the response's survey, unit and layer; prefixed names, as in `USE_AND_STORE`.
_USED_ROW = (bindparam("used_key", type_=_used.c.key.type),
             *(bindparam(f"response_{name}", type_=_used.c[name].type) for name in _USED_COLUMNS[1:]))

MARK_USED = sqlite.insert(_used).values(dict(zip(_USED_COLUMNS, _USED_ROW, strict=True))).on_conflict_do_nothing()
"""SQLite: the used-token row, or nothing if the token was used (rowcount 0). Parameters as `USE_AND_STORE`'s."""

RESPONSE_COLUMNS = ("id", "survey_id", "unit_id", "layer_id", "language", "source", "current", "desired")
STORE = insert(_responses)


def _use_and_store() -> Insert:
    """PostgreSQL: insert the used-token row and store the response in one statement, only while the survey is open
    and only if the token's row wasn't there (`ON CONFLICT DO NOTHING`: a concurrent submission of the same token
    waits for the first one's commit, then inserts nothing, and so stores no response).
    The survey row is read under a share lock that the statement holds until it commits, so closing the survey (an
    UPDATE of that row) waits for submissions in flight, and one that comes after the close sees it and stores
    nothing; concurrent submissions don't block each other (share locks don't conflict)."""
    open_survey = (select(_surveys.c.id).where(_surveys.c.id == bindparam("response_survey_id"),
                                               _surveys.c.status == SurveyStatus.open)
                   .with_for_update(read=True).cte("open_survey"))
    used = (postgresql.insert(_used).from_select(_USED_COLUMNS, select(*_USED_ROW).where(exists(select(
        open_survey.c.id)))).on_conflict_do_nothing().returning(_used.c.key).cte("used"))
    row = select(*(bindparam(f"response_{name}", type_=_responses.c[name].type) for name in RESPONSE_COLUMNS))
    return (insert(_responses).from_select(RESPONSE_COLUMNS, row.select_from(used)).add_cte(open_survey, used)
            .execution_options(preserve_rowcount=True))  # an INSERT's rowcount is dropped unless asked for


USE_AND_STORE = _use_and_store()
"""Parameters: `used_key` (app.invitations.used), and `response_<column>` for each of `RESPONSE_COLUMNS`."""

COMMENT_COLUMNS = ("id", "survey_id", "question_key", "unit_id", "layer_id", "text")
STORE_COMMENT = insert(cast(Table, Comment.__table__)).values(
    {**{name: bindparam(name, type_=cast(Table, Comment.__table__).c[name].type) for name in COMMENT_COLUMNS},
     "hidden": false(), "published": false()})
"""Parameters: the `COMMENT_COLUMNS` of one open answer, stored with the response in its transaction."""
