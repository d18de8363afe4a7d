"""The respondent's routes are documented by FastAPI from their declarations (parameters, body and response
models, errors) but served without its per-request machinery: `IntakeRoute` is a plain ASGI app that binds the few
arguments they take from the scope itself (the token header, the `lang` query parameter, the `Answers` body parsed
by pydantic-core straight from the bytes), with no `Request` object, no dependency solving or exit stacks and no
thread, then awaits the declared function and sends the response it returns. These routes carry every respondent
of a survey that has just been mailed out; the rest of the API keeps FastAPI's usual path.

Errors are raised as everywhere else and rendered by the app's handlers (its `ExceptionMiddleware`, the same ones
FastAPI's own route wrapper would call): a body that isn't UTF-8 is a 400, one that
isn't JSON, isn't declared as JSON or doesn't fit `Answers` a 422 `RequestValidationError` with `body` locations,
as FastAPI itself would answer. Every request counts against its address's rate limits (app.ratelimit); one that
ends in `TokenUnusable` counts as a failed lookup as well.
"""

import inspect
import re
from collections.abc import Awaitable, Callable
from typing import Any, NamedTuple
from urllib.parse import parse_qsl

from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import ValidationError
from starlette.requests import ClientDisconnect
from starlette.types import Receive, Scope, Send

from app.errors import UndecodableBody
from app.ratelimit.guard import count_failure, count_request
from app.respond.schemas import Answers
from app.respond.service import TokenUnusable

LANG_MAX_LENGTH = 35
BINDABLE = {"token", "lang", "body"}
UTF8_BOM = b"\xef\xbb\xbf"
PLAIN_LANG = re.compile(rb"lang=([^&%+]*)")
JSON_NO_STORE = [(b"cache-control", b"no-store"), (b"content-type", b"application/json")]


class JsonAnswer(NamedTuple):
    """What an intake route returns: a JSON body, sent with its length and `Cache-Control: no-store`."""

    body: bytes
    status: int = 200


class IntakeRoute(APIRoute):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.app = self._serve()  # what `Route.handle` calls once the path and method matched

    def _serve(self) -> Callable[[Scope, Receive, Send], Awaitable[None]]:
        endpoint: Callable[..., Awaitable[JsonAnswer]] = self.endpoint
        params = set(inspect.signature(endpoint).parameters)
        if not params <= BINDABLE or not inspect.iscoroutinefunction(endpoint):
            raise TypeError(f"{endpoint.__name__}: an intake route is async and takes only {sorted(BINDABLE)}")

        async def serve(scope: Scope, receive: Receive, send: Send) -> None:
            client = scope.get("client")
            counted = await count_request(client[0] if client else None)
            arguments: dict[str, Any] = {}
            try:
                if "token" in params:
                    arguments["token"] = _header(scope, b"x-survey-token")
                if "lang" in params:
                    arguments["lang"] = _lang(scope)
                if "body" in params:
                    arguments["body"] = await _answers(scope, receive)
                answer = await endpoint(**arguments)
            except TokenUnusable:
                await count_failure(counted)
                raise
            await send({"type": "http.response.start", "status": answer.status,
                        "headers": [(b"content-length", str(len(answer.body)).encode()), *JSON_NO_STORE]})
            await send({"type": "http.response.body", "body": answer.body})

        return serve


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


def _lang(scope: Scope) -> str | None:
    query: bytes = scope["query_string"]
    if not query:
        lang = None
    elif (plain := PLAIN_LANG.fullmatch(query)) is not None:  # `?lang=nl`, the form's: nothing to split or decode
        lang = plain[1].decode("latin-1")
    else:
        lang = dict(parse_qsl(query.decode("latin-1"), keep_blank_values=True)).get("lang")
    if lang is not None and len(lang) > LANG_MAX_LENGTH:
        raise RequestValidationError([{"loc": ("query", "lang"), "type": "string_too_long",
                                       "msg": f"String should have at most {LANG_MAX_LENGTH} characters"}])
    return lang


def _is_json(content_type: str) -> bool:
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type == "application/json" or (media_type.startswith("application/") and media_type.endswith("+json"))


async def _body(receive: Receive) -> bytes:
    """The whole body; the body-size limit (app.limits) applies while it streams in."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnect()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


async def _answers(scope: Scope, receive: Receive) -> Answers:
    raw = await _body(receive)
    content_type = _header(scope, b"content-type")
    if content_type is not None and not _is_json(content_type):
        raise RequestValidationError([{"loc": ("body",), "type": "model_attributes_type",
                                       "msg": "Send the answers as JSON (Content-Type: application/json)"}])
    if not raw:
        raise RequestValidationError([{"loc": ("body",), "type": "missing", "msg": "Field required"}])
    try:
        raw.decode()
    except UnicodeDecodeError:
        raise UndecodableBody(raw) from None
    try:
        return Answers.model_validate_json(raw.removeprefix(UTF8_BOM))  # a BOM, as FastAPI's `json.loads` allows
    except ValidationError as error:
        problems = error.errors(include_input=False, include_url=False)
        raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in problems], body=raw) from None
