"""A respondent's draft at rest: sealed (AES-256-GCM) under a key from SECRET_KEY and the invitation's token, bound
to the invitation. The database holds only the token's SHA-256, so nobody reading it -- with or without SECRET_KEY
-- can read a draft; the respondent's link opens it. The time it was saved is sealed with it. (While a wave is
open the mailed links are kept sealed under SECRET_KEY for reminders: a party holding the database and SECRET_KEY
could open those and so the drafts; see docs/anonymity.md.)

A draft saved before drafts were sealed is plain JSON in `Invitation.draft` (with its `saved_at`, which the
migration folded in); it is read as it is, and the next save or the close erases it."""

import json
import uuid
from datetime import datetime
from typing import Any

from app import sealing

_PURPOSE = b"culturegap:respondent-draft"


def seal_draft(token: str, invitation_id: uuid.UUID, answers: dict[str, Any], saved_at: datetime) -> bytes:
    payload = json.dumps({"answers": answers, "saved_at": saved_at.isoformat()}, separators=(",", ":"))
    return sealing.seal_with(sealing.key_with(_PURPOSE, token), invitation_id.bytes, payload)


def open_draft(token: str, invitation_id: uuid.UUID, sealed: bytes | None,
               legacy: dict[str, Any] | None) -> tuple[dict[str, Any] | None, datetime | None]:
    """(the draft's answers, when it was saved), or (None, None): no draft, or one that no longer opens (SECRET_KEY
    changed) -- the respondent starts afresh rather than being refused."""
    if sealed is not None:
        text = sealing.unseal_with(sealing.key_with(_PURPOSE, token), invitation_id.bytes, bytes(sealed))
        if text is None:
            return None, None
        payload = json.loads(text)
        return payload["answers"], datetime.fromisoformat(payload["saved_at"])
    if legacy is not None:
        answers = {k: v for k, v in legacy.items() if k != "saved_at"}
        saved_at = legacy.get("saved_at")
        return answers, datetime.fromisoformat(saved_at) if saved_at else None
    return None, None
