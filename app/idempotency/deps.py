"""The `Idempotency-Key` dependency of a create operation: replay a kept answer, refuse a reused or busy key, or
let the handler run and keep its answer (`remember`) in the same transaction."""

import base64
import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Header, Request
from fastapi.security.utils import get_authorization_scheme_param
from pydantic import BaseModel
from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session
from starlette.responses import Response

from app.config import get_settings
from app.db import utcnow
from app.deps import CurrentKey, SessionDep
from app.errors import Conflict, Unprocessable
from app.idempotency.fingerprint import request_fingerprint
from app.idempotency.models import IdempotencyRecord
from app.idempotency.seal import SealBroken, seal, sealing_key, unseal

T = TypeVar("T")
REPLAYED_HEADER = "Idempotent-Replayed"
_KEPT_HEADERS = ("content-disposition",)


class IdempotencyKeyReused(Unprocessable):
    code, title = "idempotency-key-reused", "This Idempotency-Key was used for a different request"


class IdempotencyKeyInUse(Conflict):
    code, title = "idempotency-key-in-use", "A request with this Idempotency-Key is still running"

    def __init__(self) -> None:
        super().__init__("Retry when the first request has finished.", headers={"Retry-After": "1"})


class Replay(Exception):
    """Raised by the dependency to answer with the kept response instead of running the handler."""

    def __init__(self, response: Response) -> None:
        super().__init__("idempotent replay")
        self.response = response


async def render_replay(_: Request, exc: Exception) -> Response:
    if not isinstance(exc, Replay):
        raise TypeError(exc)
    return exc.response


@dataclass
class Idempotency:
    """What the handler needs to keep its answer; inert without an Idempotency-Key."""

    request: Request
    response: Response
    session: Session
    api_key_id: uuid.UUID
    key: str | None = None
    key_hash: str = ""
    fingerprint: str = ""
    sealing_key: bytes = b""

    def created(self, result: T, route: str, **params: object) -> T:
        """A 201's `result`, with `Location`: the path of the route named `route` for the new resource (the
        request's own path parameters and `params`); kept for replay like `remember`."""
        path_params = {**self.request.path_params, **{name: str(value) for name, value in params.items()}}
        location = str(self.request.app.url_path_for(route, **path_params))
        self.response.headers["Location"] = location
        if isinstance(result, Response):  # returned as is: FastAPI adds no headers to it
            result.headers["Location"] = location
        organisation = params.get("organisation_id")  # a new organisation: the record goes when it goes
        return self.remember(result, location=location,
                             organisation_id=organisation if isinstance(organisation, uuid.UUID) else None)

    def remember(self, result: T, *, organisation_id: uuid.UUID | None = None, location: str | None = None) -> T:
        """Keep `result` (a response model or a Response) as the answer to replay; returns it unchanged.
        `organisation_id` defaults to the one in the path (the record goes when the organisation goes)."""
        if self.key is None:
            return result
        envelope = _envelope(result, getattr(self.request.scope.get("route"), "status_code", None) or 200)
        if location is not None:
            envelope["headers"]["location"] = location
        if organisation_id is None and "organisation_id" in self.request.path_params:
            organisation_id = uuid.UUID(self.request.path_params["organisation_id"])
        now = utcnow()
        self.session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.expires_at <= now))
        self.session.add(IdempotencyRecord(
            api_key_id=self.api_key_id, organisation_id=organisation_id, key_hash=self.key_hash,
            request_hash=self.fingerprint, created_at=now,
            expires_at=now + timedelta(hours=get_settings().idempotency_ttl_hours),
            sealed_response=seal(self.sealing_key, json.dumps(envelope).encode(), self._associated())))
        self.session.flush()
        return result

    def _associated(self) -> bytes:
        return f"{self.api_key_id}:{self.key_hash}:{self.fingerprint}".encode()


def _envelope(result: Any, status: int) -> dict[str, Any]:
    if isinstance(result, Response):
        headers = {name: result.headers[name] for name in _KEPT_HEADERS if name in result.headers}
        body, status, media_type = bytes(result.body), result.status_code, result.media_type
    elif isinstance(result, BaseModel):
        body, headers, media_type = result.model_dump_json(by_alias=True).encode(), {}, "application/json"
    else:
        raise TypeError(f"can't keep a {type(result).__name__} for replay")
    return {"status": status, "media_type": media_type, "headers": headers, "body": base64.b64encode(body).decode()}


def _replay(envelope: dict[str, Any]) -> Response:
    headers = {**envelope["headers"], REPLAYED_HEADER: "true", "Cache-Control": "no-store"}
    return Response(base64.b64decode(envelope["body"]), status_code=envelope["status"],
                    media_type=envelope["media_type"], headers=headers)


def lock_id(api_key_id: uuid.UUID, key_hash: str) -> int:
    """The PostgreSQL advisory lock of one Idempotency-Key of one API key (a 64-bit slice of a hash)."""
    return int.from_bytes(hashlib.sha256(f"{api_key_id}:{key_hash}".encode()).digest()[:8], "big", signed=True)


def _hold_key(session: Session, api_key_id: uuid.UUID, key_hash: str) -> None:
    """PostgreSQL: hold a transaction-scoped lock on the key, or 409 when another request holds it. (SQLite runs
    one writing transaction at a time, so a retry simply waits for the first request and then replays it.)"""
    if session.get_bind().dialect.name != "postgresql":
        return
    if not session.scalar(text("SELECT pg_try_advisory_xact_lock(:id)"), {"id": lock_id(api_key_id, key_hash)}):
        raise IdempotencyKeyInUse()


def idempotency(
        request: Request, response: Response, session: SessionDep, principal: CurrentKey,
        fingerprint: Annotated[str, Depends(request_fingerprint)],
        key: Annotated[str | None, Header(
            alias="Idempotency-Key", min_length=1, max_length=257, pattern=r"^[!-~][ -~]*$",
            description="Any unique value (a UUID) to make a retry safe: a request with the key of an earlier one "
                        "gets that request's answer again, with `Idempotent-Replayed: true`, and creates nothing; "
                        "with a different request it gets 422, while the first still runs 409. Keys are per API "
                        "key and kept 24 hours (by default).")] = None,
) -> Idempotency:
    state = Idempotency(request=request, response=response, session=session, api_key_id=principal.actor_id)
    if key is None:
        return state
    if principal.is_person:
        raise Unprocessable(errors=[{"loc": ["header", "Idempotency-Key"], "type": "value_error",
                                     "msg": "Idempotency-Key works with API keys, not with a signed-in session"}])
    key = key[1:-1] if len(key) > 1 and key[0] == key[-1] == '"' else key  # the draft's structured-field string
    state.key, state.fingerprint = key, fingerprint
    state.key_hash = hashlib.sha256(key.encode()).hexdigest()
    _hold_key(session, principal.actor_id, state.key_hash)
    _scheme, secret = get_authorization_scheme_param(request.headers.get("authorization"))
    state.sealing_key = sealing_key(secret, key)
    record = session.scalar(select(IdempotencyRecord).where(IdempotencyRecord.api_key_id == principal.actor_id,
                                                            IdempotencyRecord.key_hash == state.key_hash))
    if record is not None and record.expires_at <= utcnow():
        session.delete(record)
        session.flush()
        record = None
    if record is None:
        return state
    if record.request_hash != fingerprint:
        raise IdempotencyKeyReused("This Idempotency-Key was first used with a different request; use a new key "
                                   "for a new request.")
    try:
        envelope = json.loads(unseal(state.sealing_key, record.sealed_response, state._associated()))
    except SealBroken as e:
        raise IdempotencyKeyReused("The kept answer for this Idempotency-Key can't be opened; use a new key.") from e
    raise Replay(_replay(envelope))


IdempotentDep = Annotated[Idempotency, Depends(idempotency)]
