"""The respondent's routes are documented by FastAPI from their declarations (parameters, body and response
models, errors) but served without its per-request machinery: `IntakeRoute` binds the few arguments they take
itself (the token header, the `lang` query parameter, the `Answers` body parsed by pydantic-core straight from the
bytes), with no dependency solving and no thread, then awaits the declared function. These routes carry every
respondent of a survey that has just been mailed out; the rest of the API keeps FastAPI's usual path.

Errors are raised as everywhere else and rendered by the app's handlers: a body that isn't UTF-8 is a 400, one that
isn't JSON, isn't declared as JSON or doesn't fit `Answers` a 422 `RequestValidationError` with `body` locations,
as FastAPI itself would answer. Every request counts against its address's rate limits (app.ratelimit); one that
ends in `TokenUnusable` counts as a failed lookup as well.
"""

import inspect
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import ValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from app.errors import BODY_PARSE_FAILED
from app.ratelimit.guard import rate_limited
from app.respond.schemas import Answers
from app.respond.service import TokenUnusable

LANG_MAX_LENGTH = 35
BINDABLE = {"token", "lang", "body"}
UTF8_BOM = b"\xef\xbb\xbf"


class IntakeRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """FastAPI's documented hook for a route's own request handling (see the module's docstring)."""
        endpoint: Callable[..., Awaitable[Response]] = self.endpoint
        params = set(inspect.signature(endpoint).parameters)
        if not params <= BINDABLE or not inspect.iscoroutinefunction(endpoint):
            raise TypeError(f"{endpoint.__name__}: an intake route is async and takes only {sorted(BINDABLE)}")

        async def handle(request: Request) -> Response:
            async with rate_limited(request.client.host if request.client else None, TokenUnusable):
                arguments: dict[str, Any] = {}
                if "token" in params:
                    arguments["token"] = request.headers.get("x-survey-token")
                if "lang" in params:
                    arguments["lang"] = _lang(request)
                if "body" in params:
                    arguments["body"] = await _answers(request)
                return await endpoint(**arguments)

        return handle


def _lang(request: Request) -> str | None:
    lang = request.query_params.get("lang")
    if lang is not None and len(lang) > LANG_MAX_LENGTH:
        raise RequestValidationError([{"loc": ("query", "lang"), "type": "string_too_long",
                                       "msg": f"String should have at most {LANG_MAX_LENGTH} characters"}])
    return lang


def _is_json(content_type: str) -> bool:
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type == "application/json" or (media_type.startswith("application/") and media_type.endswith("+json"))


async def _answers(request: Request) -> Answers:
    raw = await request.body()  # the body-size limit (app.limits) applies while it streams in
    content_type = request.headers.get("content-type")
    if content_type is not None and not _is_json(content_type):
        raise RequestValidationError([{"loc": ("body",), "type": "model_attributes_type",
                                       "msg": "Send the answers as JSON (Content-Type: application/json)"}])
    if not raw:
        raise RequestValidationError([{"loc": ("body",), "type": "missing", "msg": "Field required"}])
    try:
        raw.decode()
    except UnicodeDecodeError:
        raise HTTPException(400, BODY_PARSE_FAILED) from None
    try:
        return Answers.model_validate_json(raw.removeprefix(UTF8_BOM))  # a BOM, as FastAPI's `json.loads` allows
    except ValidationError as error:
        problems = error.errors(include_input=False, include_url=False)
        raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in problems]) from None
