"""The respondent's routes ahead of the middleware stack (app.respond.lane): every answer the lane gives is the one
the whole stack gives for the same request, requests it doesn't cover still go through the stack, and no
middleware is added that the lane would skip unnoticed."""

import logging
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.limits import BodySizeLimit
from app.respond import intake
from app.respond.lane import RespondentLane
from app.respond.route import LANG_MAX_LENGTH, _lang
from app.web.headers import HtmlSecurityHeaders
from tests.factories import OrgContext
from tests.respond_factories import RESPOND, invite, item_keys, stored, token_headers
from tests.server_process import serve_in_thread
from tests.survey_factories import open_survey

VARYING = {"date"}  # set by uvicorn per response
SAVED_AT = re.compile(rb'"saved_at":"[^"]+"')  # a draft's time


@pytest.fixture(scope="module")
def stack(database_url: str) -> Iterator[httpx.Client]:
    """A server of the same app whose respondent's routes take the whole middleware stack, as before the lane."""
    from app.main import create_app

    app = create_app()
    assert isinstance(app.build_middleware_stack(), RespondentLane)
    app.build_middleware_stack = lambda: FastAPI.build_middleware_stack(app)  # type: ignore[method-assign]
    with serve_in_thread(app) as url, httpx.Client(base_url=url, timeout=30) as client:
        yield client


def _tokens(org: OrgContext, count: int) -> tuple[dict[str, Any], list[str]]:
    survey = open_survey(org, languages=["en", "nl"], ask_desired=True)
    return survey, invite(org, survey["id"], org.unit("Team L"), count=count)


def _answer(response: httpx.Response) -> tuple[int, list[tuple[str, str]], bytes]:
    headers = sorted((k, v) for k, v in response.headers.multi_items() if k not in VARYING)
    return response.status_code, headers, SAVED_AT.sub(b'"saved_at":"*"', response.content)


def _requests(token: str, keys: list[str]) -> list[tuple[str, str, dict[str, Any]]]:
    answers = {"language": "nl", "current": {key: 4 for key in keys}, "desired": {keys[0]: "dont_know"}}
    bad = {"language": "xx", "current": {keys[0]: 9, "nonsense": 3}, "desired": {keys[1]: True}}
    as_json = {**token_headers(token), "Content-Type": "application/json"}
    return [
        ("GET", "", {"params": {"lang": "nl"}, "headers": token_headers(token)}),
        ("GET", "", {"params": {"lang": "x" * 40}, "headers": token_headers(token)}),
        ("GET", "", {}),
        ("GET", "", {"headers": token_headers("not-a-token")}),
        ("PUT", "/draft", {"json": answers, "headers": token_headers(token)}),
        ("PUT", "/draft", {"json": bad, "headers": token_headers(token)}),
        ("POST", "/submit", {"json": bad, "headers": token_headers(token)}),
        ("POST", "/submit", {"content": b'{"language": "nl",\n "current": {', "headers": as_json}),
        ("POST", "/submit", {"content": b"\xff\xfe", "headers": as_json}),
        ("POST", "/submit", {"content": b"language=nl", "headers": {**as_json, "Content-Type": "text/plain"}}),
        ("POST", "/submit", {"content": b"", "headers": as_json}),
        ("DELETE", "/submit", {"headers": token_headers(token)}),
        ("POST", "/submit", {"json": answers, "headers": token_headers("not-a-token")}),
    ]


def test_the_lane_and_the_stack_answer_alike(org: OrgContext, http: httpx.Client, stack: httpx.Client) -> None:
    survey, [token] = _tokens(org, 1)
    keys = item_keys(org)
    for method, path, options in _requests(token, keys):
        through_lane = http.request(method, RESPOND + path, **options)
        through_stack = stack.request(method, RESPOND + path, **options)
        assert _answer(through_lane) == _answer(through_stack), (method, path, through_lane.text)
    assert stored(org, survey["id"]) == []


def test_a_submission_is_answered_alike(org: OrgContext, http: httpx.Client, stack: httpx.Client) -> None:
    survey, tokens = _tokens(org, 4)
    keys = item_keys(org)
    body = {"language": "en", "current": {key: 3 for key in keys}, "desired": {key: 5 for key in keys}}
    answers = [_answer(client.post(f"{RESPOND}/submit", json=body, headers=token_headers(token)))
               for client, token in zip((http, stack, http, stack), tokens, strict=True)]
    assert answers[0][0] == 201 and all(answer == answers[0] for answer in answers)
    again = [_answer(client.post(f"{RESPOND}/submit", json=body, headers=token_headers(token)))
             for client, token in zip((http, stack), tokens[1:3], strict=True)]  # each token used on the other path
    assert again[0][0] == 409 and again[0] == again[1]
    assert len(stored(org, survey["id"])) == 4


def test_what_the_lane_does_not_take_goes_through_the_stack(org: OrgContext, http: httpx.Client) -> None:
    survey, [token, chunked_token] = _tokens(org, 2)
    keys = item_keys(org)
    huge = {"language": "en", "current": {keys[0]: 3}, "padding": "x" * 3_000_000}
    too_large = http.post(f"{RESPOND}/submit", json=huge, headers=token_headers(token))
    assert too_large.status_code == 413
    assert too_large.headers["content-type"] == "application/problem+json"

    def chunks() -> Iterator[bytes]:  # no Content-Length: the stack's body limit counts while it streams
        yield b'{"language": "en", '
        yield b'"current": {"' + keys[0].encode() + b'": 2}}'

    sent = http.post(f"{RESPOND}/submit", content=chunks(), headers={**token_headers(chunked_token),
                                                                       "Content-Type": "application/json"})
    assert sent.status_code == 201, sent.text
    assert len(stored(org, survey["id"])) == 1


def test_an_unexpected_error_is_a_500_problem_and_logged(org: OrgContext, http: httpx.Client,
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    _, [token] = _tokens(org, 1)

    async def broken(*_: Any) -> None:
        raise RuntimeError("a fault injected by the test")

    monkeypatch.setattr(intake, "read", broken)
    with caplog.at_level(logging.ERROR):
        response = http.get(RESPOND, headers=token_headers(token))
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert "a fault injected" not in response.text
    assert any(r.exc_info and isinstance(r.exc_info[1], RuntimeError) for r in caplog.records)


def test_no_middleware_that_the_lane_would_skip() -> None:
    """The lane skips the app's middlewares: both do nothing for a respondent's request it takes (a JSON answer;
    a declared length within the limit). A new one must be judged for the respondent's routes, then listed here."""
    from app.main import create_app

    assert [m.cls for m in create_app().user_middleware] == [BodySizeLimit, HtmlSecurityHeaders]


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.binary(max_size=30), st.builds(lambda v: b"lang=" + v, st.binary(max_size=40)),
                 st.builds(lambda v: b"lang=" + v, st.text("lang=&%+2a;x\xe9", max_size=40).map(str.encode))))
@example(b"lang=%6El")
@example(b"lang=n+l")
@example(b"lang=nl&lang=en")
@example(b"lang=nl;x=1")
def test_the_language_is_read_from_any_query_as_parse_qsl_reads_it(query: bytes) -> None:
    expected = dict(parse_qsl(query.decode("latin-1"), keep_blank_values=True)).get("lang") if query else None
    try:
        assert _lang({"query_string": query}) == expected
    except RequestValidationError:
        assert expected is not None and len(expected) > LANG_MAX_LENGTH
