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

SECRET_KEY must not change while a survey is open: the keys of its used tokens would no longer be found, and the
tokens would answer again (mailed links stop working then too).
"""

import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import sealing
from app.invitations.models import UsedToken

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
