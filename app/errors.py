"""One error family, rendered as RFC 9457 problem details.

Domain code raises `AppError` subclasses; the handlers here turn them, FastAPI's validation errors and Starlette's
HTTP errors into `application/problem+json`. Nothing else reaches a client: no stack trace, no SQL.
"""

import logging
from typing import Any

import psycopg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from app.json_syntax import JsonSyntax, locate

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
PROBLEM_TYPE_PREFIX = "urn:culturegap:problem:"
BODY_PARSE_FAILED = "There was an error parsing the body"  # FastAPI's words for a body it could not decode


class UndecodableBody(StarletteHTTPException):
    """FastAPI's 400 for a body that isn't UTF-8, carrying the body: app.respond.route reads it without a `Request`
    that would keep it for the handler."""

    def __init__(self, body: bytes) -> None:
        super().__init__(400, BODY_PARSE_FAILED)
        self.body = body


async def _failed_body(request: Request, exc: Exception) -> bytes:
    """The body that failed to parse: carried as bytes by the error where the route read it itself (app.respond.route),
    else kept by Starlette on the request."""
    body = getattr(exc, "body", None)
    return body if isinstance(body, bytes) else await request.body()


class FieldError(BaseModel):
    loc: list[str | int] = Field(description="Where the bad value is: body/query/path, then field names")
    msg: str
    type: str


class Problem(BaseModel):
    """An RFC 9457 problem details object."""

    type: str = Field(examples=["urn:culturegap:problem:not-found"])
    title: str = Field(examples=["Not found"])
    status: int = Field(examples=[404])
    detail: str | None = Field(default=None, examples=["No unit with this id in this organisation."])
    instance: str | None = Field(default=None, description="The request path")
    errors: list[FieldError] | None = Field(default=None, description="Each offending field (422 only)")
    line: int | None = Field(default=None, description="A body that is not JSON: the line where it breaks (1-based)")
    column: int | None = Field(default=None, description="... and the column, in characters (1-based)")


class AppError(Exception):
    status_code = 400
    code = "bad-request"
    title = "Bad request"

    def __init__(self, detail: str | None = None, *, errors: list[dict[str, Any]] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(detail or self.title)
        self.detail = detail
        self.errors = errors
        self.headers = headers


class Unauthorized(AppError):
    status_code, code, title = 401, "unauthorized", "Missing or invalid API key"

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer"})


class Forbidden(AppError):
    status_code, code, title = 403, "forbidden", "Not allowed for this key"


class NotFound(AppError):
    status_code, code, title = 404, "not-found", "Not found"


class Conflict(AppError):
    status_code, code, title = 409, "conflict", "Conflict with the current state"


class Gone(AppError):
    status_code, code, title = 410, "gone", "No longer available"


class PayloadTooLarge(AppError):
    status_code, code, title = 413, "payload-too-large", "Request body too large"


class ServiceUnavailable(AppError):
    """A part the service needs is missing or failed (e.g. the PDF printer); `detail` says which."""
    status_code, code, title = 503, "unavailable", "Service unavailable"


class Unprocessable(AppError):
    status_code, code, title = 422, "validation-error", "The request has invalid fields"


_STATUS_CODES = {
    400: ("bad-request", "Bad request"),
    401: ("unauthorized", "Missing or invalid API key"),
    403: ("forbidden", "Not allowed for this key"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    406: ("not-acceptable", "Not acceptable"),
    409: ("conflict", "Conflict with the current state"),
    410: ("gone", "No longer available"),
    413: ("payload-too-large", "Request body too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    422: ("validation-error", "The request has invalid fields"),
    429: ("too-many-requests", "Too many requests"),
    500: ("internal-error", "Internal server error"),
    503: ("unavailable", "Service unavailable"),
}


def problem_response(request: Request, status: int, *, code: str | None = None, title: str | None = None,
                     detail: str | None = None, errors: list[dict[str, Any]] | None = None,
                     headers: dict[str, str] | None = None, extra: dict[str, Any] | None = None) -> JSONResponse:
    default_code, default_title = _STATUS_CODES.get(status, ("error", "Error"))
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_PREFIX + (code or default_code),
        "title": title or default_title,
        "status": status,
        "instance": request.url.path,
    }
    if detail:
        body["detail"] = detail
    if errors is not None:
        body["errors"] = errors
    body.update(extra or {})
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _clean_loc(loc: Any) -> list[str | int]:
    return [part if isinstance(part, int) else str(part) for part in loc]


def validation_errors(raw: list[Any]) -> list[dict[str, Any]]:
    """Reduce pydantic's error dicts to loc/msg/type: the echoed input could hold a secret such as a token."""
    return [{"loc": _clean_loc(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
            for e in raw]


async def _app_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    return problem_response(request, exc.status_code, code=exc.code, title=exc.title, detail=exc.detail,
                            errors=exc.errors, headers=exc.headers)


def _syntax_problem(request: Request, syntax: JsonSyntax, status: int) -> JSONResponse:
    detail = syntax.sentence()
    error = {"loc": ["body", syntax.offset], "msg": detail, "type": "json_invalid"}
    return problem_response(request, status, detail=detail, errors=[error],
                            extra={"line": syntax.line, "column": syntax.column})


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    raw = list(exc.errors())
    if any(e.get("type") == "json_invalid" for e in raw):
        syntax = locate(await _failed_body(request, exc))
        if syntax is not None:
            return _syntax_problem(request, syntax, 422)
    return problem_response(request, 422, errors=validation_errors(raw))


def _allowed_methods(request: Request) -> str:
    """Every method the path has. Starlette's 405 lists only the first route matching the path, but a path such as
    `/organisations` has a route per method (RFC 9110: `Allow` lists all of them)."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        match, _ = route.matches(request.scope)
        if match is not Match.NONE:
            methods.update(getattr(route, "methods", None) or ())
    return ", ".join(sorted(methods))


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400 and exc.detail == BODY_PARSE_FAILED:  # FastAPI's (and IntakeRoute's) undecodable body
        syntax = locate(await _failed_body(request, exc))
        if syntax is not None:
            return _syntax_problem(request, syntax, 400)
    detail = exc.detail if isinstance(exc.detail, str) and exc.status_code != 404 else None
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = _allowed_methods(request)
    return problem_response(request, exc.status_code, detail=detail, headers=headers or None)


async def _integrity_error(request: Request, exc: Exception) -> JSONResponse:
    # A unique or foreign-key constraint the service did not pre-check (usually a race): the write is rolled
    # back by the session dependency, and the client may retry.
    log.info("integrity error on %s %s: %s", request.method, request.url.path, type(exc).__name__)
    return problem_response(request, 409, detail="The change conflicts with the current state; nothing was stored.")


async def _data_error(request: Request, exc: Exception) -> JSONResponse:
    # A value the database refuses (out of range, bad encoding) that validation should have caught: still the
    # client's input, so a 422 and a log line to tighten the schema.
    log.warning("database refused a value on %s %s: %s", request.method, request.url.path, type(exc).__name__)
    return problem_response(request, 422, detail="A value is not acceptable; nothing was stored.")


async def _operational_error(request: Request, exc: Exception) -> JSONResponse:
    log.error("database error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem_response(request, 503, detail="The database is busy or unreachable; nothing was stored. Retry.",
                            headers={"Retry-After": "1"})


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem_response(request, 500)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(IntegrityError, _integrity_error)
    app.add_exception_handler(DataError, _data_error)
    app.add_exception_handler(OperationalError, _operational_error)
    app.add_exception_handler(PoolTimeout, _operational_error)  # no connection free in time: nothing ran
    # The same from psycopg itself, on the paths that run on it directly (app.pgasync); its PoolTimeout is an
    # OperationalError too.
    app.add_exception_handler(psycopg.IntegrityError, _integrity_error)
    app.add_exception_handler(psycopg.DataError, _data_error)
    app.add_exception_handler(psycopg.OperationalError, _operational_error)
    app.add_exception_handler(Exception, _unexpected)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries documenting problem-details answers."""
    return {
        status: {"model": Problem, "description": _STATUS_CODES[status][1],
                 "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}}
        for status in statuses
    }
