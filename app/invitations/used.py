"""Which invitations were used, without linking an invitation to its answers.

A submission inserts a `UsedToken` row, keyed by `used_key(token_hash)`, in the statement that stores the response,
and never writes the invitation. The key is HMAC-SHA256 of the stored token hash under a key derived from
SECRET_KEY: the service, which holds SECRET_KEY, can tell whether an invitation was used (the ticket check,
reminders); someone who reads the database without SECRET_KEY cannot map a used-token row to an invitation, and so
not to the mailed address beside it. On PostgreSQL the used-token row and the response share their transaction id
(`xmin`): that ties them to each other, not to an invitation. Someone holding both the database and SECRET_KEY
could recompute every key and, while the wave is open and the addresses are kept for reminders, tie an address to
an answer: SECRET_KEY is what keeps answers unlinkable (docs/anonymity.md). Without SECRET_KEY set the key is a
plain hash and nothing keeps them unlinkable from a database reader.

SECRET_KEY must not change while a survey takes answers: the keys of its used tokens would no longer be found and
the tokens would answer again; drafts and the mailed links kept for reminders would no longer open. So the survey
records the fingerprint of the key (`sealing.fingerprint`, an HMAC of a constant, never the key) when its first
invitations are made (`stamp_key`), and every use of a token checks it first (`check_key`): under another key the
token is refused with `KeyChanged` (503) until the key is restored, never taken as unused.
"""

import uuid
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select, update
from sqlalchemy.orm import Session

from app import sealing
from app.errors import ServiceUnavailable
from app.invitations.models import UsedToken
from app.surveys.models import Survey, SurveyStatus

_PURPOSE = b"culturegap:used-token"


def used_key(token_hash: str) -> str:
    """The `UsedToken.key` of the invitation whose token has this SHA-256 (hex)."""
    return sealing.keyed_hash(_PURPOSE, token_hash)


def used_keys(session: Session, survey_id: uuid.UUID) -> set[str]:
    """The keys of the survey's used tokens (test an invitation with `used_key(invitation.token_hash) in ...`)."""
    return set(session.scalars(select(UsedToken.key).where(UsedToken.survey_id == survey_id)))


def used_counts(session: Session, survey_id: uuid.UUID) -> dict[tuple[uuid.UUID, uuid.UUID], int]:
    """Used tokens per (unit, layer) of the survey: the same groups as the responses they stored."""
    rows = session.execute(select(UsedToken.unit_id, UsedToken.layer_id, func.count())
                           .where(UsedToken.survey_id == survey_id).group_by(UsedToken.unit_id, UsedToken.layer_id))
    return {(unit, layer): int(n) for unit, layer, n in rows}


class KeyChanged(ServiceUnavailable):
    code, title = "secret-key-changed", "The server's SECRET_KEY changed"


KEY_CHANGED_DETAIL = ("This survey's invitations were made under another SECRET_KEY than the server holds now, so "
                      "it can't tell which links were used: it takes no answers, drafts, invitations or reminders "
                      "until the service's operator restores that SECRET_KEY on every worker and host. Nothing was "
                      "stored; try again later.")


def check_key(fingerprint: str | None) -> None:
    """503 `secret-key-changed` unless the survey's recorded key fingerprint (None: none recorded yet) is this
    process's."""
    if fingerprint is not None and fingerprint != sealing.fingerprint():
        raise KeyChanged(KEY_CHANGED_DETAIL)


def stamp_key(session: Session, survey: Survey) -> None:
    """Record the key's fingerprint on the survey before its first invitations are written; refuse (`check_key`)
    a survey whose invitations were made under another key. Two servers making a survey's first invitations at
    once under different keys: the conditional UPDATE lets one of them record its key, the other is refused."""
    if survey.key_fingerprint is None:
        session.execute(update(Survey).where(Survey.id == survey.id, Survey.key_fingerprint.is_(None))
                        .values(key_fingerprint=sealing.fingerprint()),
                        execution_options={"synchronize_session": False})
        session.refresh(survey, ["key_fingerprint"])
    check_key(survey.key_fingerprint)


def under_another_key(fingerprint: Any) -> ColumnElement[bool]:
    """Surveys not closed whose invitations were made under another key than the one of `fingerprint` (a value or
    a bound parameter)."""
    return and_(Survey.status != SurveyStatus.closed, Survey.key_fingerprint.is_not(None),
                Survey.key_fingerprint != fingerprint)


def surveys_under_another_key(session: Session) -> list[Survey]:
    """The surveys not closed whose invitations were made under another SECRET_KEY than this process's: they take
    no answers until it is restored (for the warning of `culturegap serve` and `worker`, and `/ready`)."""
    return list(session.scalars(select(Survey).where(under_another_key(sealing.fingerprint()))
                                .order_by(Survey.created_at)))
