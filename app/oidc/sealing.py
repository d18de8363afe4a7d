"""The organisations' client secrets, encrypted at rest (`app.sealing`), bound to the organisation's id (a sealed
secret copied to another organisation's row does not open)."""

import uuid

from app import sealing

_PURPOSE = b"culturegap single sign-on client secret v1"
_NEEDED_FOR = "Single sign-on"


def seal(organisation_id: uuid.UUID, client_secret: str) -> bytes:
    return sealing.seal(_PURPOSE, organisation_id.bytes, client_secret, needed_for=_NEEDED_FOR)


def unseal(organisation_id: uuid.UUID, sealed: bytes) -> str | None:
    return sealing.unseal(_PURPOSE, organisation_id.bytes, sealed, needed_for=_NEEDED_FOR)
