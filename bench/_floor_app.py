"""The floor under the intake path: ``bench_load.py --server floor`` serves the respondent's two calls with this bare
ASGI app on uvicorn instead of the service, to measure what the fixed stack (Python, uvicorn with httptools and
uvloop, psycopg, PostgreSQL) allows on the machine whatever the service does.

It does the same database work as the service, with the same statements (app.respond.pg) on a psycopg pool of the
event loop, and nothing else: no framework, no middleware, no rate count, no checks beyond what storing needs
(a token is assumed well-formed, usable and in an open survey; answers are packed without validation), one fixed
questionnaire. A fetch is the ticket's SELECT and the questionnaire's cached JSON; a submission is the SELECT and
`USE_AND_STORE`, committed in groups as the service does (app.pgasync.GroupCommit). Not part of the service, and not
for use outside the benchmark.
"""

import uuid
from typing import Any

from pydantic_core import from_json

from app.db import get_sessionmaker
from app.invitations.service import hash_token
from app.invitations.used import used_key
from app.pgasync import GroupCommit, LoopPool
from app.questionnaires.service import QuestionnaireDefinition, load_definition
from app.respond.pg import TICKET, USE_AND_STORE
from app.respond.view import questionnaire_json
from app.responses.codec import pack_by_key

JSON = [(b"content-type", b"application/json"), (b"cache-control", b"no-store")]
_state: dict[str, Any] = {}


_pool = LoopPool("floor")  # the same pool as the service's: DB_POOL_SIZE connections per worker
_stored = GroupCommit(_pool)


def _definition(questionnaire_id: uuid.UUID) -> QuestionnaireDefinition:
    if "definition" not in _state:
        with get_sessionmaker()() as session:
            _state["definition"] = load_definition(session, questionnaire_id)
    return _state["definition"]


async def _body(receive: Any) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


async def _reply(send: Any, status: int, body: bytes) -> None:
    await send({"type": "http.response.start", "status": status, "headers": JSON})
    await send({"type": "http.response.body", "body": body})


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    path = scope["path"]
    if path == "/health":
        await _reply(send, 200, b'{"status":"ok"}')
        return
    token = dict(scope["headers"]).get(b"x-survey-token", b"").decode()
    body = await _body(receive) if scope["method"] == "POST" else b""
    async with (await _pool.get()).connection() as conn:
        hashed = hash_token(token)
        key = used_key(hashed)
        ticket = await (await TICKET.execute(conn, {"token_hash": hashed, "used_key": key})).fetchone()
        definition = _definition(ticket.questionnaire_id)
        if path == "/api/v1/respond":
            await _reply(send, 200, b'{"questionnaire":' + questionnaire_json(definition, "en") + b"}")
            return
    answers = from_json(body)
    await _stored.execute(USE_AND_STORE, {
        "used_key": key, "response_id": uuid.uuid4(),
        "response_survey_id": ticket.survey_id, "response_unit_id": ticket.unit_id,
        "response_layer_id": ticket.layer_id, "response_language": answers["language"], "response_source": "web",
        "response_current": pack_by_key(definition, answers["current"]),
        "response_desired": pack_by_key(definition, answers["desired"])})
    await _reply(send, 201, b'{"status":"submitted"}')
