"""Answering with an invitation token: read the questionnaire, keep a draft, submit exactly once.

Exactly once: a submission inserts the token's used-token row (`app.invitations.used`; its primary key is a keyed
hash of the token) with `ON CONFLICT DO NOTHING`, and stores the response only if that INSERT added a row,
atomically, committed before the 201 is sent. Two concurrent submissions of one token: on SQLite the second waits
for the first's write lock and then finds the token used; on PostgreSQL the second INSERT waits for the first's
uncommitted key, then inserts nothing. Either way one 201 and one 409. A survey closed meanwhile: see
`statements.USE_AND_STORE`.

A submission and a concurrent close of its survey: the submission holds a share lock on the survey row until it
commits, so every 201 is committed before the close is, and once the close is acknowledged nothing is accepted.

Anonymity: the response keeps the invitation's unit and layer and nothing else; a submission never writes the
invitation (its used-token row can't be mapped to it without SECRET_KEY); a draft is sealed under SECRET_KEY and
the token (app.respond.drafts), and all drafts of a survey are erased at its close.

Speed: this is the path every respondent of a large organisation takes in the hour a survey opens, so each call
makes a fixed number of statements whatever the questionnaire's length, with no ORM unit of work: one SELECT reads
the invitation with its survey, unit and the questionnaire's stamp; the answers are checked in memory against the
cached, immutable definition; a draft adds one UPDATE, a submission one statement on PostgreSQL (two on SQLite).
The calls below run on SQLite's Core connections (app.respond.intake runs them in a worker thread); PostgreSQL's
are in app.respond.pg, on psycopg, with the same checks from here."""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Connection, CursorResult, Executable
from sqlalchemy.orm import Session

from app.comments.masking import mask
from app.comments.schemas import MAX_COMMENT_CHARS
from app.errors import AppError, Conflict, Gone, NotFound, Unprocessable
from app.invitations.service import TOKEN_FORMAT, hash_token
from app.invitations.used import check_key, used_key
from app.questionnaires.service import QuestionnaireDefinition, cached_definition, load_definition
from app.respond import statements as sql
from app.respond.drafts import open_draft, seal_draft
from app.respond.schemas import Answers
from app.responses.codec import MISSING, pack_checked, unpack_by_key
from app.surveys.service import check_accepting
from app.text import has_control_characters


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

    invitation_id: uuid.UUID
    used_key: str  # app.invitations.used
    unit_id: uuid.UUID
    layer_id: uuid.UUID
    unit_name: str
    draft: dict[str, Any] | None
    draft_saved_at: datetime | None
    survey_id: uuid.UUID
    title: str
    languages: list[str]
    ask_desired: bool
    definition: QuestionnaireDefinition
    open_questions: tuple[dict[str, Any], ...] = ()


def token_hash(token: str | None) -> str:
    """The hash to look the token up by; 401 without a well-formed token (refused before any lookup)."""
    if not token:
        raise TokenRequired("Send the invitation token in the X-Survey-Token header.")
    if not TOKEN_FORMAT.fullmatch(token):
        raise TokenRequired("The invitation token is malformed: check that the whole link was copied.")
    return hash_token(token)


def ticket_params(token: str | None) -> dict[str, str]:
    """The parameters of `statements.TICKET` for this token (401 as `token_hash`)."""
    hashed = token_hash(token)
    return {"token_hash": hashed, "used_key": used_key(hashed)}


def check_ticket_row(row: Any, now: datetime) -> None:
    """409 `token-unusable` when the token is unknown (`row` None) or used, 410 `token-expired`, 409
    `survey-not-open` / `survey-closed`: the columns of `statements.TICKET`. First 503 `secret-key-changed` when
    the survey's invitations were made under another SECRET_KEY: then `used` can't be told (its key is another)."""
    if row is not None:
        check_key(row.key_fingerprint)
    if row is None or row.used:
        raise TokenUnusable(UNUSABLE_DETAIL)
    if row.expires_at is not None and now >= row.expires_at:
        raise TokenExpired("This link no longer works; ask whoever sent it for a new one.")
    check_accepting(row, now)


def ticket_of(row: Any, definition: QuestionnaireDefinition, token: str, params: dict[str, str]) -> Ticket:
    draft, saved_at = open_draft(token, row.id, row.sealed_draft, row.draft)
    return Ticket(invitation_id=row.id, used_key=params["used_key"], unit_id=row.unit_id, layer_id=row.layer_id,
                  unit_name=row.unit_name, draft=draft,
                  draft_saved_at=saved_at.astimezone(UTC) if saved_at is not None else None,
                  survey_id=row.survey_id, title=row.title,
                  languages=row.languages, ask_desired=row.ask_desired, definition=definition,
                  open_questions=tuple(row.open_questions or ()))


def load_ticket_definition(session: Session, questionnaire_id: uuid.UUID) -> QuestionnaireDefinition:
    """The definition when the cached one isn't current (a few queries, once per worker and version)."""
    try:
        return load_definition(session, questionnaire_id)
    except NotFound:  # a survey's questionnaire can't be deleted; if it ever is, the token can't answer
        raise TokenUnusable(UNUSABLE_DETAIL) from None


def open_ticket(conn: Connection, token: str | None, now: datetime) -> Ticket:
    """The invitation of this token, if it may answer now (see `token_hash` and `check_ticket_row`)."""
    params = ticket_params(token)
    row: Any = conn.execute(sql.TICKET, params).one_or_none()
    check_ticket_row(row, now)
    definition = cached_definition(row.questionnaire_id, row.stamp)
    if definition is None:
        with Session(bind=conn) as session:
            definition = load_ticket_definition(session, row.questionnaire_id)
    return ticket_of(row, definition, cast(str, token), params)


@dataclass(frozen=True)
class CheckedAnswers:
    language: str
    current: bytes  # packed (app.responses.codec)
    desired: bytes | None  # None when the survey doesn't ask how it should be
    comments: dict[str, str]

    def as_draft(self, definition: QuestionnaireDefinition) -> dict[str, Any]:
        return {"language": self.language, "current": _answered(definition, self.current),
                "desired": _answered(definition, self.desired) if self.desired is not None else {},
                "comments": self.comments}


def _answered(definition: QuestionnaireDefinition, packed: bytes) -> dict[str, Any]:
    return {key: value for key, value in unpack_by_key(definition, packed).items() if value is not None}


def _comments(ticket: Ticket, body: Answers, errors: list[dict[str, Any]]) -> dict[str, str]:
    """The open answers, masked (e-mail addresses, phone numbers) before anything is stored; blanks left out."""
    asked = {q["key"] for q in ticket.open_questions}
    kept: dict[str, str] = {}
    for key, text in body.comments.items():
        if key not in asked:
            errors.append({"loc": ["body", "comments", key], "msg": "not an open question of this survey",
                           "type": "unknown_question"})
        elif text is not None and has_control_characters(text):
            errors.append({"loc": ["body", "comments", key], "msg": "must not contain control characters",
                           "type": "value_error"})
        elif text is not None and len(text.strip()) > MAX_COMMENT_CHARS:
            errors.append({"loc": ["body", "comments", key], "msg": f"at most {MAX_COMMENT_CHARS} characters",
                           "type": "string_too_long"})
        elif text is not None and text.strip():
            kept[key] = mask(text.strip())
    return kept


def check(ticket: Ticket, body: Answers, *, submitting: bool) -> CheckedAnswers:
    """Every answer against its item's scale, packed as it is checked; a 422 lists each bad field and nothing is
    stored."""
    definition = ticket.definition
    errors: list[dict[str, Any]] = []
    if body.language not in ticket.languages:
        errors.append({"loc": ["body", "language"], "msg": f"not offered; the survey's languages are "
                       f"{', '.join(ticket.languages)}", "type": "unknown_language"})
    current, problems = pack_checked(definition, body.current)
    errors.extend({"loc": ["body", "current", p.key], "msg": p.msg, "type": p.type} for p in problems)
    desired: bytes | None = None
    if ticket.ask_desired:
        desired, problems = pack_checked(definition, body.desired)
        errors.extend({"loc": ["body", "desired", p.key], "msg": p.msg, "type": p.type} for p in problems)
    else:
        errors.extend({"loc": ["body", "desired", key], "msg": "this survey asks only how it is now, not how it "
                       "should be", "type": "frame_not_asked"} for key, value in body.desired.items()
                      if value is not None)
    comments = _comments(ticket, body, errors) if body.comments else {}
    if submitting and not errors and _unanswered(current) and (desired is None or _unanswered(desired)):
        errors.append({"loc": ["body", "current"], "msg": "answer at least one item", "type": "no_answers"})
    if errors:
        raise Unprocessable("Some answers are not valid; nothing was stored.", errors=errors)
    return CheckedAnswers(language=body.language, current=current, desired=desired, comments=comments)


def _unanswered(packed: bytes) -> bool:
    return packed.count(MISSING & 0xFF) == len(packed)


def response_row(ticket: Ticket, answers: CheckedAnswers) -> dict[str, Any]:
    """The response to store: the invitation's unit and layer, the language and the packed answers; nothing else."""
    return {"id": uuid.uuid4(), "survey_id": ticket.survey_id, "unit_id": ticket.unit_id,
            "layer_id": ticket.layer_id, "language": answers.language, "source": "web",
            "current": answers.current, "desired": answers.desired}


def comment_rows(ticket: Ticket, answers: CheckedAnswers) -> list[dict[str, Any]]:
    """The comments to store: like the response, the invitation's unit and layer and nothing else (a random id;
    no time, no token, no response id)."""
    return [{"id": uuid.uuid4(), "survey_id": ticket.survey_id, "question_key": key, "unit_id": ticket.unit_id,
             "layer_id": ticket.layer_id, "text": text} for key, text in answers.comments.items()]


def use_params(ticket: Ticket, response: dict[str, Any]) -> dict[str, Any]:
    """The parameters of `statements.USE_AND_STORE` (and `MARK_USED`): the used key and the response's columns."""
    return {"used_key": ticket.used_key, **{f"response_{k}": v for k, v in response.items()}}


def draft_params(ticket: Ticket, token: str | None, answers: CheckedAnswers, now: datetime) -> dict[str, Any]:
    """The parameters of `statements.SAVE_DRAFT`."""
    return {"invitation_id": ticket.invitation_id, "used_key": ticket.used_key,
            "sealed_draft": seal_draft(cast(str, token), ticket.invitation_id, answers.as_draft(ticket.definition),
                                       now)}


def _changed_one(conn: Connection, statement: Executable, params: dict[str, Any]) -> None:
    """Run a statement that changes one row only while the token is unused; a token used meanwhile gives 409."""
    if cast(CursorResult[Any], conn.execute(statement, params)).rowcount != 1:
        raise TokenUnusable(UNUSABLE_DETAIL)


# --- the three calls on SQLite (PostgreSQL: app.respond.pg), each given a connection in a transaction --------------

def read(conn: Connection, token: str | None, now: datetime) -> Ticket:
    return open_ticket(conn, token, now)


def save_draft(conn: Connection, token: str | None, body: Answers, now: datetime) -> datetime:
    ticket = open_ticket(conn, token, now)
    answers = check(ticket, body, submitting=False)
    _changed_one(conn, sql.SAVE_DRAFT, draft_params(ticket, token, answers, now))
    return now


def submit(conn: Connection, token: str | None, body: Answers, now: datetime) -> None:
    ticket = open_ticket(conn, token, now)
    answers = check(ticket, body, submitting=True)
    response = response_row(ticket, answers)
    _changed_one(conn, sql.MARK_USED, use_params(ticket, response))
    conn.execute(sql.STORE, response)
    comments = comment_rows(ticket, answers)
    if comments:
        conn.execute(sql.STORE_COMMENT, comments)
