"""The respondent's routes ahead of the middleware stack.

When a survey is mailed out, nearly every request is a respondent's, and on the way to its route each one passed
eight layers of middleware (FastAPI's and Starlette's error, telemetry and body-limit wrappers, the app's body-size
limit and HTML security headers, the exception handlers, FastAPI's exit stack) and the router's scan, none of which
does anything for these requests: they answer JSON (the HTML headers don't apply), declare their length (the size
limit is one comparison) and raise only errors the app's handlers render. `RespondentLane` sends such a request
straight to its `IntakeRoute` and renders an error with the same handler the stack would have chosen (looked up by
the exception's class, as Starlette does); anything else, and a respondent's request the lane doesn't cover (a
chunked body, one declared over the limit, a `root_path`), goes through the whole stack as before. Counted by
replaying respondents under callgrind: 2.44 -> 2.23 million instructions per respondent, the floor's 1.64
(docs/benchmarks.md, issue 19).

`tests/test_respondent_lane.py` keeps the two paths answering alike, and fails when a middleware is added that the
lane would skip.
"""

import inspect
from collections.abc import Iterable, Mapping
from typing import Any

from starlette.requests import Request
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Receive, Scope, Send


class RespondentLane:
    def __init__(self, stack: ASGIApp, routes: Iterable[BaseRoute], handlers: Mapping[Any, Any], *,
                 max_body_bytes: int) -> None:
        self.stack = stack
        self.routes = {(route.path, method): route.app for route in routes if isinstance(route, Route)
                       for method in route.methods or ()}
        self.handlers = dict(handlers)
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        serve = self.routes.get((scope["path"], scope["method"])) if scope["type"] == "http" else None
        if serve is None or scope.get("root_path") or not self._body_fits(scope["headers"]):
            await self.stack(scope, receive, send)
            return
        try:
            await serve(scope, receive, send)
        except Exception as exc:
            await self._render(exc, scope, receive, send)

    def _body_fits(self, headers: list[tuple[bytes, bytes]]) -> bool:
        for name, value in headers:
            if name == b"content-length":
                return value.isdigit() and int(value) <= self.max_body_bytes
            if name == b"transfer-encoding":
                return False
        return True

    async def _render(self, exc: Exception, scope: Scope, receive: Receive, send: Send) -> None:
        """As the stack: the handler of the nearest class in the exception's MRO; the catch-all one (a 500) also
        re-raises, for the server's log, as Starlette's `ServerErrorMiddleware` does."""
        cls = next(c for c in type(exc).__mro__ if c in self.handlers or c is Exception)
        handler = self.handlers.get(cls)
        if handler is None:
            raise exc
        response = handler(Request(scope, receive), exc)
        if inspect.isawaitable(response):
            response = await response
        await response(scope, receive, send)
        if cls is Exception:
            raise exc
